from django.db.models import Q, QuerySet

from perhekeskus.scheduling import policy

from .models import AccessEvent, BreakGlass


def family_access_events(*, family_id: int) -> QuerySet[AccessEvent]:
    """Who accessed a family's data, newest first (the client's right to know)."""
    return AccessEvent.objects.filter(family_id=family_id).order_by("-at", "-id")


def person_access_events(*, person_id: int, family_ids: list[int]) -> QuerySet[AccessEvent]:
    """Who accessed a person's data: the person's own records and those of their homes."""
    return AccessEvent.objects.filter(
        Q(object_type="person", object_id=person_id) | Q(family_id__in=family_ids)
    ).order_by("-at", "-id")


def break_glass_for_review(*, user, reviewed: bool | None) -> QuerySet[BreakGlass]:
    """Emergency accesses within the reviewer's scope: waiting (reviewed False, oldest
    first), reviewed (newest first) or both (None)."""
    qs = BreakGlass.objects.select_related("user__worker", "family", "reviewed_by")
    scope = policy.break_glass_review_q(user)
    if scope is not None:
        qs = qs.filter(scope)
    if reviewed is None:
        return qs
    if reviewed:
        return qs.filter(reviewed_at__isnull=False).order_by("-reviewed_at", "-id")
    return qs.filter(reviewed_at__isnull=True).order_by("at", "id")
