"""Tokens for systems: how a token is made, checked and accepted by the API.

A token reads ``pk_<prefix>_<secret>``: the prefix finds the row, the secret's SHA-256
is compared in constant time. Issuing and revoking are in ``services``; the pages for
administrators in ``views``."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import secrets

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from .models import ApiToken

log = logging.getLogger(__name__)

SCHEME = "pk"
LAST_USED_EVERY = dt.timedelta(minutes=1)  # last_used_at is written at most this often


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret() -> tuple[str, str, str]:
    """(prefix, secret, the token as given to the system)."""
    prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    return prefix, secret, f"{SCHEME}_{prefix}_{secret}"


def token_check(raw: str, now: dt.datetime | None = None) -> ApiToken | None:
    """The valid token ``raw`` stands for, or None (unknown, wrong secret, expired,
    revoked, or its account disabled): the caller is not told which."""
    scheme, _sep, rest = raw.partition("_")
    prefix, _sep, secret = rest.partition("_")
    if scheme != SCHEME or not prefix or not secret or len(raw) > 200:
        return None
    token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    if token is None or not hmac.compare_digest(token.secret_hash, digest(secret)):
        return None
    now = now or timezone.now()
    if not token.is_valid(now):
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


class ApiTokenAuthentication(BaseAuthentication):
    """``Authorization: Bearer pk_…``. A request with another scheme is left to the
    other authenticators; a bad token is refused with 401 (and a log line that names
    only the prefix)."""

    keyword = b"bearer"

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword:
            return None
        if len(header) != 2:
            raise AuthenticationFailed(_("Give the token after the word Bearer."))
        try:
            raw = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise AuthenticationFailed(_("The token is not valid.")) from None
        token = token_check(raw)
        if token is None:
            log.warning("API token refused (identifier %s)", raw.split("_")[1][:12] if raw.count("_") >= 2 else "-")
            raise AuthenticationFailed(_("The token is not valid, has expired or has been revoked."))
        return (token.user, token)

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "perhekeskus.access.tokens.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A token issued to a system by an administrator (pk_<identifier>_<secret>).",
        }
