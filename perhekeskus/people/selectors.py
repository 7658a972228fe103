"""Reads of families and persons, filtered by what the user may see: the same rule as
``scheduling.policy.family_access_basis``, as a query."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from perhekeskus.access.models import BreakGlass, Consent
from perhekeskus.scheduling import policy
from perhekeskus.scheduling.models import Appointment

from .models import Family, NamedWorker, Person


def visible_families_q(user) -> Q | None:
    """A filter on Family for the families the user reaches (policy.family_access_basis
    as a query); None means every family (by role)."""
    if policy.may_search_families(user):
        return None
    if not user.is_authenticated:
        return Q(pk__in=[])
    q = Q(Exists(BreakGlass.objects.filter(policy.break_glass_in_force(), user=user, family_id=OuterRef("pk"))))
    me = policy.own_worker(user)
    return q if me is None else _relationship_q(me) | q


def _relationship_q(worker) -> Q:
    """Families the worker is named for, has an appointment with in the access window, or
    has an open service need allocated to."""
    named = NamedWorker.objects.filter(policy.naming_in_force(), family_id=OuterRef("pk"), worker=worker)
    appointment = Appointment.objects.filter(
        policy.appointment_window(), family_id=OuterRef("pk"), participants__resource_id=worker.resource_id
    )
    need = policy.open_service_needs().filter(family_id=OuterRef("pk"), worker=worker)
    return Q(Exists(named)) | Q(Exists(appointment)) | Q(Exists(need))


def family_list(*, user) -> QuerySet[Family]:
    qs = Family.objects.prefetch_related("memberships").order_by("id")
    q = visible_families_q(user)
    return qs if q is None else qs.filter(q)


def person_list(*, user) -> QuerySet[Person]:
    qs = Person.objects.prefetch_related("languages", "families").order_by("id")
    if visible_families_q(user) is None:
        return qs
    return qs.filter(families__in=family_list(user=user)).distinct()


def family_consents(*, family: Family):
    """The consents of a family's members, newest first, with who gave them."""
    return (
        Consent.objects.filter(person__memberships__family=family)
        .select_related("person", "given_by", "source_service", "target_service", "recorded_by")
        .distinct()
        .order_by("-recorded_at", "-id")
    )


def related_families(*, worker) -> QuerySet[Family]:
    """A worker's own families: named for them, or with an appointment of theirs in the
    access window."""
    return Family.objects.filter(_relationship_q(worker))
