"""Who may see and do what: the one place for the rules (docs/access.md). Pages and API
ask these functions; lists use their query forms in ``people.selectors``.

Three questions, in this order:
1. May the user reach the family at all? (``family_access_basis``: a role, a relationship
   or an emergency access; otherwise 404.)
2. Which of the family's data may they see? (``appointment_access`` /
   ``disclosed_appointment_ids``: their own work, the planning a coordinator does in
   their scope, or what the disclosure rules between services and the persons' consents
   allow; an emergency access opens everything.)
3. How much of someone else's calendar entry may they see? (``entry_mode``: full,
   the family's pseudonymous key, or busy time with the work class only.)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.db.models import Prefetch, Q
from django.utils import timezone

from perhekeskus.access.models import BreakGlass, Consent, DisclosureMode, DisclosureRule
from perhekeskus.people.models import Family, Membership, NamedWorker, Worker
from perhekeskus.people.roles import (
    ADMINISTRATOR,
    COORDINATOR,
    MANAGER,
    NETWORK_COORDINATOR,
    SERVICE_GUIDANCE,
    WORKER,
    has_role,
    in_scope,
    scope_q,
)

from .models import Appointment, Participant

# What a user sees of a calendar entry (resource view, another worker's calendar).
FULL = "full"  # work type, client, address (unless protected), notes to heed
KEY = "key"  # work type and the family's pseudonymous key (managers)
BUSY = "busy"  # time and work class only

# Roles that plan (book and move) workers within their scope.
BOOKING_ROLES = (COORDINATOR, ADMINISTRATOR)
# Roles that find families by name to book or to take a contact (identity only).
FAMILY_SEARCH_ROLES = (COORDINATOR, ADMINISTRATOR, SERVICE_GUIDANCE, NETWORK_COORDINATOR)
# Roles whose work starts from the resource view (their home page).
PLANNING_ROLES = (COORDINATOR, ADMINISTRATOR, MANAGER, SERVICE_GUIDANCE, NETWORK_COORDINATOR)
# Roles that see other workers' time (busy time for those without a fuller role).
RESOURCE_VIEW_ROLES = (*PLANNING_ROLES, WORKER)


def own_worker(user) -> Worker | None:
    return getattr(user, "worker", None) if user.is_authenticated else None


def is_coordinator(user) -> bool:
    """A resource coordinator (of any scope) or an administrator."""
    return has_role(user, COORDINATOR, ADMINISTRATOR)


def may_search_families(user) -> bool:
    return has_role(user, *FAMILY_SEARCH_ROLES)


# --- whose time ---------------------------------------------------------------------


def can_see_resource_view(user) -> bool:
    return has_role(user, *RESOURCE_VIEW_ROLES) or own_worker(user) is not None


def plans_from_resource_view(user) -> bool:
    return has_role(user, *PLANNING_ROLES)


def row_mode(user, worker: Worker) -> str:
    """How much of this worker's entries the user sees in the resource view and the
    worker's calendar. Every row is there, region-wide, at least as busy time (which
    holds no client data), so that anyone can find a common free time across
    organisations; the scope of a fuller role decides where more is shown. The user's
    own entries are always shown in full (the views add them)."""
    where = {"organisation_id": worker.organisation_id, "unit_id": worker.unit_id}
    if in_scope(user, *BOOKING_ROLES, **where):
        return FULL
    if in_scope(user, MANAGER, **where):
        return KEY
    return BUSY


def can_book_for(user, worker: Worker) -> bool:
    me = own_worker(user)
    if me is not None and me.pk == worker.pk:
        return True
    return in_scope(
        user, *BOOKING_ROLES, NETWORK_COORDINATOR, organisation_id=worker.organisation_id, unit_id=worker.unit_id
    )


def can_see_worker_calendar(user, worker: Worker) -> bool:
    """Anyone who sees the resource view sees a worker's calendar; how much of each entry
    is the row's mode."""
    return can_see_resource_view(user)


def _primary_worker_scope(appointment: Appointment) -> dict | None:
    row = (
        Participant.objects.filter(appointment=appointment, role=Participant.Role.PRIMARY)
        .values("resource__worker__organisation_id", "resource__worker__unit_id")
        .first()
    )
    if row is None:
        return None
    return {"organisation_id": row["resource__worker__organisation_id"], "unit_id": row["resource__worker__unit_id"]}


def is_participant(user, appointment: Appointment) -> bool:
    me = own_worker(user)
    return me is not None and appointment.participants.filter(resource_id=me.resource_id).exists()


def _editing_basis(user, appointment: Appointment) -> str | None:
    """Why the user may change, realise and cancel this appointment, or None: an
    administrator, a participant, or a coordinator whose scope holds the primary worker."""
    if has_role(user, ADMINISTRATOR):
        return "role:administrator"
    if is_participant(user, appointment):
        return "participant"
    if has_role(user, COORDINATOR):
        where = _primary_worker_scope(appointment)
        if where is not None and in_scope(user, COORDINATOR, **where):
            return f"role:{COORDINATOR}"
    return None


def can_edit_appointment(user, appointment: Appointment) -> bool:
    return _editing_basis(user, appointment) is not None


# --- relationships ------------------------------------------------------------------


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


def break_glass_in_force() -> Q:
    return Q(expires_at__gt=timezone.now())


BREAK_GLASS = "break_glass"
RELATIONSHIP_PREFIXES = ("named_worker:", "appointment", "service_need")


def open_service_needs():
    """Service needs that make their allocated worker's relationship with the family."""
    from perhekeskus.intake.models import ServiceNeed

    return ServiceNeed.objects.filter(status__in=[ServiceNeed.Status.ALLOCATED, ServiceNeed.Status.IN_PROGRESS])


def family_access_basis(user, family_id: int | None) -> str | None:
    """Why the user may reach this family (recorded in the access log), or None when they
    may not (404). The first that holds:

    - administrator; resource coordinator, service guidance or network coordinator, by
      role (they find and book families; which of the family's data they see is
      ``appointment_access``);
    - a worker named for the family (own worker, responsible worker, family partner),
      while the naming is in force;
    - a worker with an appointment with the family (as worker, work pair or invited to
      its network meeting), from ACCESS_DAYS_BEFORE_APPOINTMENT days before it to
      ACCESS_DAYS_AFTER_APPOINTMENT days after it;
    - a worker to whom one of the family's service needs is allocated, until it closes;
    - an emergency access (break-glass) the user opened with a reason, while in force.
    """
    if family_id is None:
        return None
    for role in (ADMINISTRATOR, COORDINATOR, SERVICE_GUIDANCE, NETWORK_COORDINATOR):
        if has_role(user, role):
            return f"role:{role}"
    me = own_worker(user)
    if me is not None:
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
        if open_service_needs().filter(family_id=family_id, worker=me).exists():
            return "service_need"
    if (
        user.is_authenticated
        and BreakGlass.objects.filter(break_glass_in_force(), user=user, family_id=family_id).exists()
    ):
        return BREAK_GLASS
    return None


def list_basis(user) -> str:
    """Basis of rows listed to a user: their role, or their own appointments."""
    for role in (ADMINISTRATOR, COORDINATOR, MANAGER, SERVICE_GUIDANCE, NETWORK_COORDINATOR):
        if has_role(user, role):
            return f"role:{role}"
    return "own_appointments"


# --- disclosure between services ----------------------------------------------------


class Disclosure:
    """The disclosure rules and the consents in force, read once for one answer."""

    def __init__(self):
        self._rules: dict[tuple[int | None, int | None], str] | None = None

    @property
    def rules(self) -> dict[tuple[int | None, int | None], str]:
        if self._rules is None:
            self._rules = {
                (s, t): m
                for s, t, m in DisclosureRule.objects.values_list("source_service_id", "target_service_id", "mode")
            }
        return self._rules

    def mode(self, source: int | None, target: int | None) -> str:
        """How data held by ``source`` is shown to a worker of ``target``: within one
        service automatically; otherwise the most specific rule, or DISCLOSURE_DEFAULT."""
        if source is not None and source == target:
            return DisclosureMode.AUTOMATIC
        for key in ((source, target), (source, None), (None, target)):
            mode = self.rules.get(key) if key != (None, None) else None
            if mode is not None:
                return mode
        return settings.DISCLOSURE_DEFAULT


def disclosure_mode(source_service_id: int | None, target_service_id: int | None) -> str:
    return Disclosure().mode(source_service_id, target_service_id)


def consents_in_force() -> Q:
    """Consents that hold today: not withdrawn, within their validity."""
    today = timezone.localdate()
    return Q(withdrawn_at__isnull=True, valid_from__lte=today) & (
        Q(valid_until__isnull=True) | Q(valid_until__gte=today)
    )


def _consents(person_ids: Iterable[int]) -> dict[int, list[tuple[int | None, int | None]]]:
    out: dict[int, list[tuple[int | None, int | None]]] = {}
    for person, s, t in Consent.objects.filter(consents_in_force(), person_id__in=list(person_ids)).values_list(
        "person_id", "source_service_id", "target_service_id"
    ):
        out.setdefault(person, []).append((s, t))
    return out


def _covered(scopes: list[tuple[int | None, int | None]], source: int | None, target: int | None) -> bool:
    return any(s in (None, source) and t in (None, target) for s, t in scopes)


def disclosed_appointment_ids(
    user, family: Family, appointments: Iterable[Appointment], *, basis: str | None
) -> set[int]:
    """Of a family's appointments (participants with their resource's worker and persons
    prefetched, work type selected: ``selectors.family_appointments``), those the user
    may see in full:

    - everything for an administrator and under an emergency access;
    - the user's own work (they take part in it or booked it);
    - for a resource coordinator, entries of workers within their scope (planning);
    - for a worker with a relationship to the family, another service's entries as the
      disclosure rule from that service to the worker's own allows: automatically, or
      with a consent in force of every person the entry concerns (all members of the
      family when it names none); never, otherwise.
    The rest is not shown (the page says how many were left out)."""
    appointments = list(appointments)
    if basis == BREAK_GLASS or has_role(user, ADMINISTRATOR):
        return {a.pk for a in appointments}
    me = own_worker(user)
    coordinator = has_role(user, COORDINATOR)
    related = basis is not None and basis.startswith(RELATIONSHIP_PREFIXES) and me is not None
    disclosure = Disclosure()
    pending: list[tuple[Appointment, list[int]]] = []
    shown: set[int] = set()
    member_ids: list[int] | None = None
    for a in appointments:
        participants = a.participants.all()
        if (me is not None and any(p.resource_id == me.resource_id for p in participants)) or (
            a.created_by_id is not None and a.created_by_id == user.pk
        ):
            shown.add(a.pk)
            continue
        if coordinator:
            primary = next(
                (getattr(p.resource, "worker", None) for p in participants if p.role == Participant.Role.PRIMARY),
                None,
            )
            if primary is not None and in_scope(
                user, COORDINATOR, organisation_id=primary.organisation_id, unit_id=primary.unit_id
            ):
                shown.add(a.pk)
                continue
        if not related:
            continue
        mode = disclosure.mode(a.work_type.service_id, me.service_id)
        if mode == DisclosureMode.AUTOMATIC:
            shown.add(a.pk)
        elif mode == DisclosureMode.CONSENT:
            persons = [p.pk for p in a.persons.all()]
            if not persons:
                if member_ids is None:
                    member_ids = list(Membership.objects.filter(family=family).values_list("person_id", flat=True))
                persons = member_ids
            pending.append((a, persons))
    if pending:
        consents = _consents({p for _a, persons in pending for p in persons})
        for a, persons in pending:
            source = a.work_type.service_id
            if persons and all(_covered(consents.get(p, []), source, me.service_id) for p in persons):
                shown.add(a.pk)
    return shown


def appointment_access(user, appointment: Appointment) -> tuple[str | None, bool]:
    """Why the user may open this appointment (recorded in the access log; None: 404) and
    whether they may also change it (``_editing_basis``). Seeing may also come from the
    family's disclosure (``disclosed_appointment_ids``)."""
    basis = _editing_basis(user, appointment)
    if basis is not None:
        return basis, True
    if appointment.created_by_id is not None and appointment.created_by_id == user.pk:
        return "booked_by", False
    if appointment.family_id is None:
        return None, False
    basis = family_access_basis(user, appointment.family_id)
    if basis is None:
        return None, False
    full = Appointment.objects.select_related("work_type", "family").prefetch_related(
        Prefetch("participants", queryset=Participant.objects.select_related("resource__worker")), "persons"
    )
    a = full.get(pk=appointment.pk)
    return (basis if a.pk in disclosed_appointment_ids(user, a.family, [a], basis=basis) else None), False


def appointment_basis(user, appointment: Appointment) -> str | None:
    return appointment_access(user, appointment)[0]


# --- addresses under a non-disclosure order -----------------------------------------


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


# --- consents, emergency access and the access report ------------------------------


def may_record_consent(user, basis: str | None) -> bool:
    """Consents are recorded and withdrawn by an administrator or a worker with a
    relationship to the family (the family gives them to the worker they meet)."""
    return has_role(user, ADMINISTRATOR) or (basis is not None and basis.startswith(RELATIONSHIP_PREFIXES))


def may_break_glass(user) -> bool:
    """Only workers open a family in an emergency; roles that reach families already
    (coordinators, administrators) have no need to."""
    return own_worker(user) is not None


def may_see_access_report(user, basis: str | None) -> bool:
    """Who may print a family's or person's access report for them: an administrator, or
    a worker named for the family (own worker, responsible worker, family partner), the
    people a family asks."""
    return has_role(user, ADMINISTRATOR) or (basis is not None and basis.startswith("named_worker:"))


def break_glass_review_q(user) -> Q | None:
    """Emergency accesses a manager reviews: those of users who are workers within the
    manager's scope (None: all, for an administrator or a region-wide manager)."""
    if has_role(user, ADMINISTRATOR):
        return None
    q = scope_q(user, MANAGER, organisation="user__worker__organisation_id", unit="user__worker__unit_id")
    return q
