"""A fixed-window rate limit per client address, kept in Django's cache, which every
server process shares (the database by default, Redis with CACHE_URL: settings.py).

Each attempt takes one of ``limit`` numbered slots of the window with ``cache.add``,
which is atomic in every shared backend (an INSERT against a unique key in the
database, SET NX in Redis): two processes can never both take the same slot, so the
limit holds exactly across processes, where a read-then-write counter would not. Only a
keyed hash of the address is used as the key; no address is stored with a contact."""

from __future__ import annotations

import hashlib
import hmac
import time

from django.conf import settings
from django.core.cache import cache


def client_address(request) -> str:
    header = settings.HELP_CLIENT_IP_HEADER
    if header and request.META.get(header):
        return request.META[header].split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "")


def hit(request, bucket: str, limit: int, window: int) -> bool:
    """Count one attempt; False when the address has used up its attempts in this window."""
    address = client_address(request)
    digest = hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()[:32]
    key = f"rl:{bucket}:{digest}:{int(time.time()) // window}"
    return any(cache.add(f"{key}:{slot}", 1, timeout=window) for slot in range(limit))
