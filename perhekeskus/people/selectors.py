"""Reads of families and persons, filtered by what the user may see."""

from django.db.models import QuerySet

from perhekeskus.scheduling import policy

from .models import Family, Person


def family_list(*, user) -> QuerySet[Family]:
    qs = Family.objects.prefetch_related("memberships").order_by("id")
    if policy.is_coordinator(user):
        return qs
    me = policy.own_worker(user)
    if me is None:
        return qs.none()
    return qs.filter(appointments__participants__resource_id=me.resource_id).distinct()


def person_list(*, user) -> QuerySet[Person]:
    qs = Person.objects.prefetch_related("languages", "families").order_by("id")
    if policy.is_coordinator(user):
        return qs
    return qs.filter(families__in=family_list(user=user)).distinct()
