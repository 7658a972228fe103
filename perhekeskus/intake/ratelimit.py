"""A fixed-window rate limit per client address, kept in Django's cache (set CACHE_URL
to a shared cache when several server processes run). Only a keyed hash of the address
is used as the key; no address is stored with a contact."""

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
    if cache.add(key, 1, timeout=window):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window)
        return True
    return count <= limit
