"""Reads of the access app, and the lists of families and persons a user reaches (the
query forms of ``policy.family_access_basis``)."""

from django.db.models import Q, QuerySet

from perhekeskus.people.models import Family, Membership, NamedWorker, Person, RoleAssignment

from . import policy
from .models import AccessEvent, ApiToken, BreakGlass, Consent


def family_list(*, user) -> QuerySet[Family]:
    """The families the user reaches (``policy.reachable_families_q``)."""
    qs = Family.objects.prefetch_related("memberships").order_by("id")
    q = policy.reachable_families_q(user)
    return qs if q is None else qs.filter(q)


def with_members(families) -> list[Family]:
    """The families with ``members_label``: their members' first names and birth years,
    guardians first ("Hanna 1985, Aino 2018"), and ``own_worker_label``, the name of the
    family's current own worker, so that two families of one name can be told apart
    wherever one is chosen. Three queries whatever the number of families."""
    families = list(families)
    by_family: dict[int, list] = {f.pk: [] for f in families}
    rows = (
        Membership.objects.filter(family_id__in=list(by_family))
        .order_by("family_id", "-role", "person__birth_date", "person_id")  # guardians, then children
        .values_list("family_id", "person__first_name", "person__birth_date")
    )
    for family_id, first, born in rows:
        by_family[family_id].append(f"{first} {born.year}" if born else first)
    own = {
        family_id: f"{first} {last}"
        for family_id, first, last in NamedWorker.objects.filter(
            family_id__in=list(by_family), role=NamedWorker.Role.OWN_WORKER, end_date__isnull=True
        ).values_list("family_id", "worker__first_name", "worker__last_name")
    }
    for f in families:
        f.members_label = ", ".join(by_family[f.pk])
        f.own_worker_label = own.get(f.pk, "")
    return families


def person_list(*, user) -> QuerySet[Person]:
    """The persons of the families the user reaches."""
    return policy.reachable_persons(user).prefetch_related("languages", "families").order_by("id")


def related_families(*, worker) -> QuerySet[Family]:
    """A worker's own families: named for them, an appointment in the access window or
    an open service need allocated to them."""
    return Family.objects.filter(policy.related_families_q(worker))


def family_consents(*, family: Family):
    """The consents of a family's members, newest first, with who gave them and any
    withdrawal."""
    return (
        Consent.objects.filter(person__memberships__family=family)
        .select_related("person", "given_by", "source_service", "target_service", "recorded_by", "withdrawal")
        .distinct()
        .order_by("-recorded_at", "-id")
    )


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
    qs = BreakGlass.objects.select_related("user__worker", "family", "review__reviewed_by")
    scope = policy.break_glass_review_q(user)
    if scope is not None:
        qs = qs.filter(scope)
    if reviewed is None:
        return qs
    if reviewed:
        return qs.filter(review__isnull=False).order_by("-review__reviewed_at", "-id")
    return qs.filter(review__isnull=True).order_by("at", "id")


def api_token_list() -> list:
    """Every token for systems, newest first, with its account's roles (two queries)."""
    tokens = list(ApiToken.objects.select_related("user", "created_by", "revoked_by"))
    roles: dict[int, list] = {}
    for ra in RoleAssignment.objects.filter(user_id__in=[t.user_id for t in tokens]).select_related(
        "organisation", "unit"
    ):
        roles.setdefault(ra.user_id, []).append(ra)
    for t in tokens:
        t.roles = roles.get(t.user_id, [])
    return tokens
