"""Who may do what in the calendar, until the who-sees-what issue brings scoped roles,
relationships and disclosure rules. Pages and API both ask these functions."""

from __future__ import annotations

from perhekeskus.people.models import Family, Worker
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
    if is_coordinator(user):
        return True
    me = own_worker(user)
    return me is not None and family.appointments.filter(participants__resource_id=me.resource_id).exists()


def family_access_basis(user, family_id: int | None) -> str | None:
    """Why the user may see this family's data, for the access log; None when they may
    not. The who-sees-what issue adds named workers, service needs, network meetings,
    consents and break-glass here."""
    if family_id is None:
        return None
    if has_role(user, ADMINISTRATOR):
        return "role:administrator"
    if has_role(user, COORDINATOR):
        return "role:resource_coordinator"
    me = own_worker(user)
    if (
        me is not None
        and Appointment.objects.filter(family_id=family_id, participants__resource_id=me.resource_id).exists()
    ):
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
