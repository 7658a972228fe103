"""Writing the access log. Called by the views, API and exports that show or change
client data; one INSERT per request whatever the number of objects."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

from .models import AccessEvent


def _client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def access_log(
    *,
    request,
    action: str,
    object_type: str,
    objects: Iterable[tuple[int, int | None]],
    basis: str,
    channel: str = AccessEvent.Channel.PAGE,
) -> int:
    """Record that ``request.user`` accessed these objects: (object id, family id) pairs.
    The path is recorded without its query string (which may hold search words)."""
    user = request.user
    now = timezone.now()
    rows = [
        AccessEvent(
            at=now,
            user_id=user.pk if user.is_authenticated else None,
            username=user.get_username() if user.is_authenticated else "",
            action=action,
            object_type=object_type,
            object_id=object_id,
            family_id=family_id,
            basis=basis,
            channel=channel,
            path=request.path[:200],
            ip=_client_ip(request),
        )
        for object_id, family_id in dict.fromkeys(objects)  # each object once, in order
    ]
    if rows:
        AccessEvent.objects.bulk_create(rows)
    return len(rows)


REFUSED = "refused"


def access_refused(
    *, request, object_type: str, object_id, family_id: int | None = None, channel: str = AccessEvent.Channel.PAGE
) -> None:
    """Record an attempt to reach client data without a basis (answered 404): such
    attempts are what a data-protection officer looks for."""
    try:
        object_id = int(object_id)
    except (TypeError, ValueError):
        return
    if not 0 <= object_id < 2**63:
        return
    access_log(
        request=request,
        action=AccessEvent.Action.VIEW,
        object_type=object_type,
        objects=[(object_id, family_id)],
        basis=REFUSED,
        channel=channel,
    )
