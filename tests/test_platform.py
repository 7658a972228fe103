"""What every request gets whatever the page: security headers (CSP without
unsafe-inline, Permissions-Policy, HSTS behind HTTPS), a rate limit shared by all server
processes, times that daylight saving cannot shift silently, exports that cannot run
formulas and a help button that refuses bytes it cannot read."""

import datetime as dt
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.test import RequestFactory
from rest_framework.test import APIClient

from perhekeskus.intake import ratelimit
from perhekeskus.intake.models import Contact
from perhekeskus.people.roles import COORDINATOR
from perhekeskus.reports.exports import safe_text
from perhekeskus.scheduling.models import Appointment, Shift

from .conftest import on_postgres
from .factories import OrganisationFactory, make_user

ROOT = Path(__file__).resolve().parent.parent


# --- headers -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_answer_has_a_content_security_policy_without_unsafe_inline(client):
    for url in ("/help/", "/login/", "/api/docs/"):
        response = client.get(url)
        policy = response.headers.get("Content-Security-Policy", "")
        assert "default-src 'self'" in policy and "script-src 'self'" in policy, url
        assert "style-src 'self'" in policy and "frame-ancestors 'none'" in policy, url
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, url
        assert "camera=()" in response.headers.get("Permissions-Policy", ""), url


def test_no_template_has_an_inline_script_style_or_handler():
    """The policy allows no inline script or style: a template that brought one back
    would break in the browser, so none may."""
    offenders = []
    for path in (ROOT / "perhekeskus").rglob("*.html"):
        text = path.read_text()
        for pattern in (
            r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>",
            r"<style",
            r'\sstyle="',
            r"\son[a-z]+=",
        ):
            if re.search(pattern, text):
                offenders.append(f"{path.relative_to(ROOT)}: {pattern}")
    render = (ROOT / "perhekeskus" / "scheduling" / "render.py").read_text()
    assert "style=" not in render
    assert offenders == []


@pytest.mark.django_db
def test_hsts_is_sent_over_https_when_https_is_on(client, settings):
    settings.SECURE_HSTS_SECONDS = 31_536_000  # what HTTPS=1 sets (settings.py)
    response = client.get("/help/", secure=True)
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_https_setting_turns_hsts_on():
    code = (
        "import os; os.environ.update(HTTPS='1', SECRET_KEY='x'*50); "
        "import perhekeskus.settings as s; print(s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["31536000", "True"]


# --- the shared rate limit ---------------------------------------------------------------------


def test_the_default_cache_is_shared_by_processes():
    backend = settings.CACHES["default"]["BACKEND"]
    assert backend in ("django.core.cache.backends.db.DatabaseCache", "django.core.cache.backends.redis.RedisCache")


@pytest.mark.django_db
def test_the_rate_limit_holds_across_processes_sharing_the_cache(monkeypatch):
    """Two server processes have two cache objects over one table: together they accept
    no more than the limit (a read-then-write counter let 19 of 20 through)."""
    caches["default"].clear()
    processes = [DatabaseCache("perhekeskus_cache", {}) for _ in range(4)]
    request = RequestFactory().post("/help/", REMOTE_ADDR="10.1.1.1")
    accepted = 0
    for attempt in range(20):
        monkeypatch.setattr(ratelimit, "cache", processes[attempt % 4])
        accepted += ratelimit.hit(request, "help", 5, 600)
    assert accepted == 5
    caches["default"].clear()


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_four_gunicorn_workers_accept_no_more_than_the_limit():
    """The outside test's own case: 20 quick submissions from one address to gunicorn
    with 4 workers. On PostgreSQL, where the test database can be shared with a server."""
    if not on_postgres():
        pytest.skip("needs PostgreSQL: the server processes must share the test database")
    OrganisationFactory(answers_for_municipalities="Varkaus")
    caches["default"].clear()
    db = settings.DATABASES["default"]
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {
        "PATH": "/usr/bin:/bin",
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "perhekeskus.settings",
        "SECRET_KEY": settings.SECRET_KEY,
        "HELP_RATE_LIMIT": "5",
    }
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "-w", "4", "-b", f"127.0.0.1:{port}", "perhekeskus.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/help/", timeout=2)  # noqa: S310 (loopback)
                break
            except OSError:
                time.sleep(0.1)
        codes = []
        for _ in range(20):
            jar = CookieJar()
            opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
            page = opener.open(base + "/help/", timeout=5).read().decode()
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
            data = urllib.parse.urlencode(
                {
                    "csrfmiddlewaretoken": token,
                    "message": "Rajoituksen testi",
                    "municipality": "Varkaus",
                    "answer_by": "anonymous",
                    "website": "",
                }
            ).encode()
            req = urllib.request.Request(base + "/help/", data=data, headers={"Referer": base + "/help/"})
            try:
                codes.append(opener.open(req, timeout=5).status)
            except urllib.error.HTTPError as exc:
                codes.append(exc.code)
    finally:
        server.terminate()
        server.wait(10)
    assert codes.count(429) == 15, codes
    assert Contact.objects.filter(message="Rajoituksen testi").count() == 5


# --- daylight saving through the API and the pages ---------------------------------------------


@pytest.fixture
def coord_api(db):
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.force_authenticate(make_user("koordinaattori", COORDINATOR))
    return api


def _booking(worker, work_type, start, end):
    return {
        "worker": worker.pk,
        "work_type": work_type.pk,
        "planned_start": start,
        "planned_end": end,
        "confirm_outside_shift": True,
    }


def test_a_time_that_does_not_exist_is_a_clear_400(coord_api, worker, work_type):
    r = coord_api.post(
        "/api/appointments/", _booking(worker, work_type, "2027-03-28T03:30", "2027-03-28T05:00"), format="json"
    )
    assert r.status_code == 400
    assert r.json() == {
        "planned_start": ["03:30 does not exist on 28.3.2027 because of the daylight saving time change."]
    }
    # the night's 03:10-03:50 is not moved to 04:10-04:50 without a word
    r = coord_api.post(
        "/api/appointments/", _booking(worker, work_type, "2027-03-28T03:10", "2027-03-28T03:50"), format="json"
    )
    assert r.status_code == 400 and "does not exist" in r.json()["planned_start"][0]
    assert Appointment.objects.count() == 0


def test_a_time_that_happens_twice_asks_for_the_offset(coord_api, worker, work_type):
    r = coord_api.post(
        "/api/appointments/", _booking(worker, work_type, "2026-10-25T03:30", "2026-10-25T05:00"), format="json"
    )
    assert r.status_code == 400
    message = r.json()["planned_start"][0]
    assert "happens twice on 25.10.2026" in message and "+03:00" in message and "+02:00" in message
    # in the user's language: Finnish by default
    coord_api.credentials(HTTP_ACCEPT_LANGUAGE="fi")
    finnish = coord_api.post(
        "/api/appointments/", _booking(worker, work_type, "2026-10-25T03:30", "2026-10-25T05:00"), format="json"
    ).json()["planned_start"][0]
    assert "25.10.2026" in finnish and "kahdesti" in finnish
    coord_api.credentials(HTTP_ACCEPT_LANGUAGE="en")
    # with the offset the second 03:30 (winter time) is booked exactly
    r = coord_api.post(
        "/api/appointments/",
        _booking(worker, work_type, "2026-10-25T03:30+02:00", "2026-10-25T05:00+02:00"),
        format="json",
    )
    assert r.status_code == 201, r.content
    a = Appointment.objects.get()
    assert a.planned_start == dt.datetime(2026, 10, 25, 1, 30, tzinfo=dt.UTC)


def test_the_api_and_the_page_say_the_same(client, coordinator, worker, work_type):
    client.force_login(coordinator)
    html = client.post(
        "/appointments/new/",
        {
            "worker": worker.pk,
            "work_type": work_type.pk,
            "date": "2026-10-25",
            "start_time": "03:30",
            "end_time": "05:00",
            "location_kind": "unit",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()
    assert "03:30 happens twice on 25.10.2026" in html
    assert Appointment.objects.count() == 0


def test_shift_times_through_the_api_are_checked_too(coord_api, worker):
    r = coord_api.post(
        "/api/shifts/", {"worker": worker.pk, "start": "2027-03-28T03:30", "end": "2027-03-28T12:00"}, format="json"
    )
    assert r.status_code == 400 and "does not exist" in r.json()["start"][0]
    assert Shift.objects.count() == 0


# --- exports and the help button -----------------------------------------------------------------


@pytest.mark.parametrize("text", ["=1+1", '＝HYPERLINK("x")', "＋1", "－1", "＠SUM(A1)", "+1", "@x"])
def test_formula_starts_are_neutralised_in_their_compatibility_form_too(text):
    assert safe_text(text) == "'" + text


def test_ordinary_text_is_kept():
    assert safe_text("Perhe Ä") == "Perhe Ä" and safe_text("1+1") == "1+1"


@pytest.mark.django_db
def test_undecodable_bytes_in_the_help_form_are_refused_and_the_text_kept(client):
    OrganisationFactory(answers_for_municipalities="Varkaus")
    body = b"message=Vauva+itkee+%FF%FE+%C3%B6isin&municipality=Varkaus&answer_by=anonymous&website="
    r = client.post("/help/", body, content_type="application/x-www-form-urlencoded")
    html = r.content.decode()
    assert r.status_code == 400
    assert "Osaa tekstin merkeistä ei voitu lukea" in html  # Finnish first
    assert "Vauva itkee" in html and "öisin" in html  # kept for the sender to fix
    assert Contact.objects.count() == 0
