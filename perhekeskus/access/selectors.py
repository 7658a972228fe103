from django.db.models import QuerySet

from .models import AccessEvent


def family_access_events(*, family_id: int) -> QuerySet[AccessEvent]:
    """Who accessed a family's data, newest first (the client's right to know)."""
    return AccessEvent.objects.filter(family_id=family_id).order_by("-at", "-id")
