"""Single sign-on through OpenID Connect: switched on by settings, it sends the user to
the organisation's identity provider with a state and a nonce."""

from urllib.parse import parse_qs, urlparse

import pytest

pytestmark = pytest.mark.django_db


def test_sso_redirects_to_the_identity_provider(client, settings):
    settings.OIDC_RP_CLIENT_ID = "perhekeskus"
    settings.OIDC_RP_CLIENT_SECRET = "secret"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = "https://idp.example.fi/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = "https://idp.example.fi/token"
    settings.OIDC_OP_USER_ENDPOINT = "https://idp.example.fi/userinfo"
    settings.OIDC_RP_SIGN_ALGO = "HS256"
    r = client.get("/oidc/authenticate/")
    assert r.status_code == 302
    url = urlparse(r["Location"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == "https://idp.example.fi/authorize"
    query = parse_qs(url.query)
    assert query["client_id"] == ["perhekeskus"] and query["response_type"] == ["code"]
    assert query["state"] and query["nonce"] and "openid" in query["scope"][0]
    assert query["redirect_uri"][0].endswith("/oidc/callback/")


def test_login_page_offers_sso_only_when_configured(client, settings):
    settings.OIDC_RP_CLIENT_ID = ""
    assert "/oidc/authenticate/" not in client.get("/login/").content.decode()
    settings.OIDC_RP_CLIENT_ID = "perhekeskus"
    assert "/oidc/authenticate/" in client.get("/login/").content.decode()
