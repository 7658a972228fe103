"""Reads of families and persons, filtered by what the user may see: the same rule as
``scheduling.policy.family_access_basis``, as a query."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from perhekeskus.scheduling import policy
from perhekeskus.scheduling.models import Appointment

from .models import Family, NamedWorker, Person


def visible_families_q(user) -> Q | None:
    """A filter on Family for a worker's relationships; None means every family (by role)."""
    if policy.is_coordinator(user):
        return None
    me = policy.own_worker(user)
    if me is None:
        return Q(pk__in=[])
    named = NamedWorker.objects.filter(policy.naming_in_force(), family_id=OuterRef("pk"), worker=me)
    appointment = Appointment.objects.filter(
        policy.appointment_window(), family_id=OuterRef("pk"), participants__resource_id=me.resource_id
    )
    return Q(Exists(named)) | Q(Exists(appointment))


def family_list(*, user) -> QuerySet[Family]:
    qs = Family.objects.prefetch_related("memberships").order_by("id")
    q = visible_families_q(user)
    return qs if q is None else qs.filter(q)


def person_list(*, user) -> QuerySet[Person]:
    qs = Person.objects.prefetch_related("languages", "families").order_by("id")
    if policy.is_coordinator(user):
        return qs
    return qs.filter(families__in=family_list(user=user)).distinct()
