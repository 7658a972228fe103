"""Who may do what in the calendar, until the who-sees-what issue brings scoped roles,
relationships and disclosure rules. Pages and API both ask these functions."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from perhekeskus.people.models import Family, NamedWorker, Worker
from perhekeskus.people.roles import ADMINISTRATOR, COORDINATOR, MANAGER, has_role

from .models import Appointment


def is_coordinator(user) -> bool:
    return has_role(user, COORDINATOR, ADMINISTRATOR)


def own_worker(user) -> Worker | None:
    return getattr(user, "worker", None) if user.is_authenticated else None


def can_see_resource_view(user) -> bool:
    return has_role(user, COORDINATOR, ADMINISTRATOR, MANAGER)


def can_book_for(user, worker: Worker) -> bool:
    me = own_worker(user)
    return is_coordinator(user) or (me is not None and me.pk == worker.pk)


def can_see_worker_calendar(user, worker: Worker) -> bool:
    me = own_worker(user)
    return can_see_resource_view(user) or (me is not None and me.pk == worker.pk)


def can_edit_appointment(user, appointment: Appointment) -> bool:
    if is_coordinator(user):
        return True
    me = own_worker(user)
    return me is not None and appointment.participants.filter(resource_id=me.resource_id).exists()


def can_see_family(user, family: Family) -> bool:
    return family_access_basis(user, family.pk) is not None


def naming_in_force() -> Q:
    """NamedWorker rows in force today (end date inclusive)."""
    today = timezone.localdate()
    return Q(start_date__lte=today) & (Q(end_date__isnull=True) | Q(end_date__gte=today))


def appointment_window() -> Q:
    """Appointments that give their workers access to the family now: from
    ACCESS_DAYS_BEFORE_APPOINTMENT days before to ACCESS_DAYS_AFTER_APPOINTMENT after."""
    now = timezone.now()
    return Q(
        planned_start__lte=now + dt.timedelta(days=settings.ACCESS_DAYS_BEFORE_APPOINTMENT),
        planned_end__gte=now - dt.timedelta(days=settings.ACCESS_DAYS_AFTER_APPOINTMENT),
    )


def family_access_basis(user, family_id: int | None) -> str | None:
    """Why the user may see this family's data (recorded in the access log), or None when
    they may not. One place for the rule; the pages and the API ask it.

    - an administrator or resource coordinator, by role;
    - a worker named for the family (own worker, responsible worker, family partner),
      while the naming is in force;
    - a worker with an appointment with the family, from ACCESS_DAYS_BEFORE_APPOINTMENT
      days before it to ACCESS_DAYS_AFTER_APPOINTMENT days after it.
    The who-sees-what issue still adds service needs, network meetings, consents and
    break-glass here."""
    if family_id is None:
        return None
    if has_role(user, ADMINISTRATOR):
        return "role:administrator"
    if has_role(user, COORDINATOR):
        return "role:resource_coordinator"
    me = own_worker(user)
    if me is None:
        return None
    named = (
        NamedWorker.objects.filter(naming_in_force(), family_id=family_id, worker=me)
        .values_list("role", flat=True)
        .first()
    )
    if named:
        return f"named_worker:{named}"
    if Appointment.objects.filter(
        appointment_window(), family_id=family_id, participants__resource_id=me.resource_id
    ).exists():
        return "appointment"
    return None


def list_basis(user) -> str:
    """Basis of rows listed to a user: their role, or their own appointments."""
    if has_role(user, ADMINISTRATOR):
        return "role:administrator"
    if has_role(user, COORDINATOR):
        return "role:resource_coordinator"
    if has_role(user, MANAGER):
        return "role:manager"
    return "own_appointments"


def visiting_family_ids(user, family_ids=None) -> set[int]:
    """Families the user must visit: they take part in a home visit to the family that is
    not cancelled, within the appointment access window. Only they may see an address
    under a non-disclosure order."""
    me = own_worker(user)
    if me is None:
        return set()
    qs = Appointment.objects.filter(
        appointment_window(),
        location_kind=Appointment.LocationKind.CLIENT_HOME,
        participants__resource_id=me.resource_id,
    ).exclude(status=Appointment.Status.CANCELLED)
    if family_ids is not None:
        qs = qs.filter(family_id__in=list(family_ids))
    return set(qs.values_list("family_id", flat=True))


def may_see_address(user, family, *, appointment=None) -> bool:
    """Whether the user may see the family's home address (or the address on one of its
    appointments). Not protected: whoever may see the family. Protected (turvakielto):
    only a worker taking part in that home visit, or for the family itself a worker with
    a home visit to it in the window; coordinators and managers never."""
    if family is None or not family.address_protected:
        return True
    me = own_worker(user)
    if me is None:
        return False
    if appointment is not None:
        return appointment.location_kind == Appointment.LocationKind.CLIENT_HOME and any(
            p.resource_id == me.resource_id for p in appointment.participants.all()
        )
    return family.pk in visiting_family_ids(user, [family.pk])
