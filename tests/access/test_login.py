"""Login hardening: lockout after repeated failures, and idle sessions end."""

import time

import pytest

from ..factories import make_user

pytestmark = pytest.mark.django_db


def _login(client, password, ip="10.0.0.5"):
    return client.post("/login/", {"username": "koordinaattori", "password": password}, REMOTE_ADDR=ip)


def test_lockout_after_five_failures_even_with_the_right_password(client, settings):
    make_user("koordinaattori", password="oikea-salasana-123")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        r = _login(client, "väärä")
        assert r.status_code == 200 and "väärin" in r.content.decode()  # form error, in Finnish
    r = _login(client, "väärä")
    assert r.status_code == 429 and "Kirjautuminen lukittu" in r.content.decode()
    r = _login(client, "oikea-salasana-123")
    assert r.status_code == 429
    assert "_auth_user_id" not in client.session
    # another address is not locked out for this user
    r = _login(client, "oikea-salasana-123", ip="10.0.0.6")
    assert r.status_code == 302 and client.session["_auth_user_id"]


def test_a_successful_login_resets_the_failure_count(client, settings):
    make_user("koordinaattori", password="oikea-salasana-123")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, "väärä")
    assert _login(client, "oikea-salasana-123").status_code == 302
    client.post("/logout/")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, "väärä").status_code == 200


def test_an_idle_session_ends(client, coordinator, settings):
    client.force_login(coordinator)
    assert client.get("/resources/").status_code == 200
    session = client.session
    session["_last_seen"] = int(time.time()) - settings.SESSION_IDLE_MINUTES * 60 - 5
    session.save()
    r = client.get("/resources/")
    assert r.status_code == 302 and r["Location"].startswith("/login/")
    assert client.get("/api/appointments/").status_code in (401, 403)


def test_an_active_session_stays(client, coordinator, settings):
    client.force_login(coordinator)
    client.get("/resources/")
    session = client.session
    session["_last_seen"] = int(time.time()) - settings.SESSION_IDLE_MINUTES * 60 + 60
    session.save()
    assert client.get("/resources/").status_code == 200
    assert client.session["_last_seen"] >= int(time.time()) - 5  # refreshed
