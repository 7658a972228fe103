"""Tokens for systems: an administrator issues one on the page (shown once, stored as a
fingerprint), the system calls the API with it within its roles and scope, every use is
in the access log under the token's own account, and a revoked or expired token is
refused at once."""

import datetime as dt
import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from perhekeskus.access.models import AccessEvent, ApiToken
from perhekeskus.access.services import api_token_issue, api_token_revoke
from perhekeskus.people.roles import ADMINISTRATOR, COORDINATOR, MANAGER, WORKER

from ..factories import FamilyFactory, OrganisationFactory, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(db):
    return make_user("yllapito", ADMINISTRATOR)


def bearer(raw: str) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return api


def test_an_administrator_issues_a_token_on_the_page_shown_once_and_stored_as_a_fingerprint(admin):
    org = OrganisationFactory(name="Hyvinvointialue")
    page = Client()
    page.force_login(admin)
    assert page.get("/api-tokens/").status_code == 200
    r = page.post("/api-tokens/", {"name": "Tietovarasto", "roles": [MANAGER], "organisation": org.pk, "days": 30})
    assert r.status_code == 201
    raw = r.context["raw"]
    assert raw.startswith("pk_") and raw in r.content.decode() and r["Cache-Control"] == "no-store"
    token = ApiToken.objects.get()
    # only the fingerprint is stored; the list shows the identifier, never the secret
    secret = raw.split("_", 2)[2]
    assert token.secret_hash == hashlib.sha256(secret.encode()).hexdigest() and secret not in token.secret_hash
    listing = page.get("/api-tokens/").content.decode()
    assert token.prefix in listing and raw not in listing and "Tietovarasto" in listing
    # the token's account holds the chosen role in the chosen scope, and no password
    account = token.user
    assert account.username == f"api:tietovarasto:{token.prefix}" and not account.has_usable_password()
    assert list(account.role_assignments.values_list("role", "organisation_id")) == [(MANAGER, org.pk)]
    assert token.expires_at - timezone.now() > dt.timedelta(days=29)
    # the system calls the reports with it
    assert bearer(raw).get("/api/reports/").status_code == 200


def test_the_page_refuses_bad_input_in_finnish_and_saves_nothing(admin):
    page = Client()
    page.force_login(admin)
    r = page.post("/api-tokens/", {"name": "", "roles": [ADMINISTRATOR], "days": 999}, HTTP_ACCEPT_LANGUAGE="fi")
    assert r.status_code == 400 and ApiToken.objects.count() == 0
    errors = r.context["form"].errors
    assert set(errors) == {"name", "roles", "days"}
    # an administrator's token cannot be made through the service either
    with pytest.raises(ValidationError) as exc:
        api_token_issue(actor=admin, name="Kaikki", roles=[ADMINISTRATOR], days=10)
    assert "roles" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        api_token_issue(actor=admin, name="Työntekijä", roles=[WORKER], days=10)
    assert "roles" in exc.value.message_dict
    assert ApiToken.objects.count() == 0


def test_only_an_administrator_manages_tokens_and_a_token_never_does(admin):
    manager = make_user("johtaja", MANAGER)
    page = Client()
    page.force_login(manager)
    assert page.get("/api-tokens/").status_code == 403
    assert page.post("/api-tokens/", {"name": "X", "roles": [MANAGER], "days": 5}).status_code == 403
    token, raw = api_token_issue(actor=admin, name="Raportointi", roles=[MANAGER], days=5)
    assert page.post(f"/api-tokens/{token.pk}/revoke/").status_code == 403
    token.refresh_from_db()
    assert token.revoked_at is None
    # pages take no token: its holder is sent to log in, and its account has no password
    r = bearer(raw).get("/api-tokens/")
    assert r.status_code == 302 and r["Location"].startswith("/login/")
    assert not token.user.has_usable_password()


def test_a_token_is_scoped_like_a_user_and_every_use_is_logged_under_its_account(admin):
    family = FamilyFactory(name="Perhe Tokeni")
    _token, reports_raw = api_token_issue(actor=admin, name="Raportointi", roles=[MANAGER], days=5)
    # a manager's token reads reports, not families' data by id
    api = bearer(reports_raw)
    assert api.get("/api/reports/family_hours/").status_code == 200
    assert api.get(f"/api/family-overviews/{family.pk}/").status_code == 404
    token, planning_raw = api_token_issue(actor=admin, name="Suunnittelu", roles=[COORDINATOR], days=5)
    r = bearer(planning_raw).get(f"/api/families/{family.pk}/")
    assert r.status_code == 200, r.content
    logged = AccessEvent.objects.filter(object_type="family", object_id=family.pk, channel="api")
    assert logged.filter(username=token.user.username, user_id=token.user.pk).exists()
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_revoked_expired_or_garbled_token_is_refused_with_401(admin):
    token, raw = api_token_issue(actor=admin, name="Integraatio", roles=[MANAGER], days=5)
    assert bearer(raw).get("/api/reports/").status_code == 200
    # a wrong secret with the right identifier, another scheme, nothing after Bearer
    wrong = raw[:-4] + ("aaaa" if not raw.endswith("aaaa") else "bbbb")
    for header in (f"Bearer {wrong}", "Bearer pk_nosuch_x", "Bearer", f"Bearer {raw} extra"):
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=header)
        r = api.get("/api/reports/")
        assert r.status_code == 401 and r["WWW-Authenticate"].startswith("Bearer"), header
    # no credentials at all: 401 with the scheme to use
    r = APIClient().get("/api/reports/")
    assert r.status_code == 401 and r["WWW-Authenticate"].startswith("Bearer")
    # revoked: refused from the next request, the account disabled, the log rows kept
    api_token_revoke(actor=admin, token=token)
    assert bearer(raw).get("/api/reports/").status_code == 401
    token.user.refresh_from_db()
    assert not token.user.is_active
    # expired
    other, raw2 = api_token_issue(actor=admin, name="Vanha", roles=[MANAGER], days=1)
    ApiToken.objects.filter(pk=other.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert bearer(raw2).get("/api/reports/").status_code == 401


def test_revoking_on_the_page(admin):
    token, raw = api_token_issue(actor=admin, name="Poistuva", roles=[MANAGER], days=5)
    page = Client()
    page.force_login(admin)
    r = page.post(f"/api-tokens/{token.pk}/revoke/")
    assert r.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == admin
    assert bearer(raw).get("/api/reports/").status_code == 401
