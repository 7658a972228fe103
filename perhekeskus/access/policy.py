"""Who may reach and see client data, and who may do what with it: the one policy of
the product (docs/access.md). Nothing else decides it; every page, API call, export,
feed and admin screen reaches client data through a use case (``access.frontdoor`` and
each app's ``usecases.py``) that asks these functions, and the services ask them again
(defence in depth).

The questions, in the order they are asked:
1. May the user reach the family at all? (``family_access_basis`` and its query form
   ``reachable_families_q``: a role, a relationship or an emergency access; otherwise
   the answer is the same as for a family that does not exist.)
2. May the user name the family in a write? (``family_write_basis``: only when they
   already reach it. A relationship is never created by the person who wants it.)
3. Which of the family's data may they see? (``disclosed_entry_ids``, ``appointment_access``:
   their own work, the planning a coordinator does in their scope, or what the
   disclosure rules between services and the persons' consents allow.)
4. How much of someone else's calendar entry? (``row_mode``: full, key or busy time.)
5. The address under a non-disclosure order (``may_see_address``, ``mask_family``).

Rules come in pairs, a yes/no form for one object and a query form for lists, side by
side; ``tests/access/test_policy_forms.py`` keeps each pair equal on generated data.

This module sits in the ``access`` app, below scheduling and intake in the import order
(docs/architecture.md). It imports none of their code: where a rule reads appointments
or service needs it names them by their relation from the family or the worker
(``appointments__participants__resource_id``), as Django names a relation by label.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from perhekeskus.network.models import Service, Unit
from perhekeskus.people.models import Family, Membership, NamedWorker, Person, Worker
from perhekeskus.people.roles import (
    ADMINISTRATOR,
    COORDINATOR,
    MANAGER,
    NETWORK_COORDINATOR,
    SERVICE_GUIDANCE,
    WORKER,
    has_role,
    in_scope,
    roles_of,
    scope_of_roles,
    scope_q,
    scopes_of,
)

from .models import BreakGlass, Consent, DisclosureMode, DisclosureRule

# What a user sees of a calendar entry (resource view, another worker's calendar).
FULL = "full"  # work type, client, address (unless protected), notes to heed
KEY = "key"  # work type and the family's pseudonymous key (managers)
BUSY = "busy"  # time and work class only

# Roles that plan (book and move) workers within their scope.
BOOKING_ROLES = (COORDINATOR, ADMINISTRATOR)
# Roles that find families by name to book or to take a contact (identity only).
FAMILY_SEARCH_ROLES = (COORDINATOR, ADMINISTRATOR, SERVICE_GUIDANCE, NETWORK_COORDINATOR)
# Roles that reach every family by their role (docs/access.md: they find families to
# plan, to take contacts and to convene networks; which of the family's data they see is
# still the disclosure below).
FAMILY_ROLES = (ADMINISTRATOR, COORDINATOR, SERVICE_GUIDANCE, NETWORK_COORDINATOR)
# Roles whose work starts from the resource view (their home page).
PLANNING_ROLES = (COORDINATOR, ADMINISTRATOR, MANAGER, SERVICE_GUIDANCE, NETWORK_COORDINATOR)
# Roles that see other workers' time (busy time for those without a fuller role).
RESOURCE_VIEW_ROLES = (*PLANNING_ROLES, WORKER)

BREAK_GLASS = "break_glass"
REFUSED = "refused"
RELATIONSHIP_PREFIXES = ("named_worker:", "appointment", "service_need")

# Values of the higher apps' fields that the rules read (scheduling.Appointment,
# scheduling.Participant, intake.ServiceNeed); tests/access/test_policy_forms.py checks
# they are the models' own.
CANCELLED = "cancelled"
CLIENT_HOME = "client_home"
PRIMARY = "primary"
PAIR = "pair"
INVITED = "invited"  # a worker invited to the family's network meeting
NETWORK_MEETING = "network_meeting"
NEED_OPEN = ("allocated", "in_progress")
NEED_WAITING = "waiting"


def own_worker(user) -> Worker | None:
    return getattr(user, "worker", None) if user is not None and user.is_authenticated else None


def is_coordinator(user) -> bool:
    """A resource coordinator (of any scope) or an administrator."""
    return has_role(user, COORDINATOR, ADMINISTRATOR)


def may_search_families(user) -> bool:
    return has_role(user, *FAMILY_SEARCH_ROLES)


def list_basis(user) -> str:
    """Basis of rows listed to a user: their role, or their own appointments."""
    for role in (ADMINISTRATOR, COORDINATOR, MANAGER, SERVICE_GUIDANCE, NETWORK_COORDINATOR):
        if has_role(user, role):
            return f"role:{role}"
    return "own_appointments"


# --- whose time -------------------------------------------------------------------------


def can_see_resource_view(user) -> bool:
    return has_role(user, *RESOURCE_VIEW_ROLES) or own_worker(user) is not None


def _where(worker) -> dict:
    return {"organisation_id": worker.organisation_id, "unit_id": worker.unit_id}


def row_mode(user, worker: Worker) -> str:
    """How much of this worker's entries the user sees in the resource view and the
    worker's calendar. Every row is there, region-wide, at least as busy time (which
    holds no client data); the scope of a fuller role decides where more is shown. The
    user's own entries are always shown in full (the views add them)."""
    if in_scope(user, *BOOKING_ROLES, **_where(worker)):
        return FULL
    if in_scope(user, MANAGER, **_where(worker)):
        return KEY
    return BUSY


def can_book_for(user, worker: Worker) -> bool:
    """Whose time the user books: their own, or a worker within the scope of a planning
    role (a resource coordinator, an administrator, a network coordinator for network
    meetings)."""
    me = own_worker(user)
    if me is not None and me.pk == worker.pk:
        return True
    return in_scope(user, *BOOKING_ROLES, NETWORK_COORDINATOR, **_where(worker))


def may_book(user) -> bool:
    """Whether the user books anyone's time at all (their own, or as a planning role):
    the booking page and the menu's link. Whose time is ``can_book_for``."""
    return own_worker(user) is not None or has_role(user, *BOOKING_ROLES, NETWORK_COORDINATOR)


def can_see_worker_calendar(user, worker: Worker) -> bool:
    """Anyone who sees the resource view sees a worker's calendar; how much of each entry
    is the row's mode."""
    return can_see_resource_view(user)


def may_move_by_drag(user) -> bool:
    """Dragging entries on the resource view is a coordinator's tool."""
    return is_coordinator(user)


def may_change_shifts(user, worker: Worker | None = None) -> bool:
    """Shifts are planned by coordinators, within their scope."""
    if worker is None:
        return is_coordinator(user)
    return in_scope(user, *BOOKING_ROLES, **_where(worker))


# --- appointments: who changes them -------------------------------------------------------


def _participants(appointment) -> list:
    return list(appointment.participants.all())


def _primary_worker(appointment) -> Worker | None:
    """The appointment's worker: from its participants' resources (prefetched by the
    selectors; one query otherwise)."""
    for p in _participants(appointment):
        if p.role == PRIMARY:
            return getattr(p.resource, "worker", None)
    return None


def is_participant(user, appointment, roles=(PRIMARY, PAIR)) -> bool:
    """Whether the user's worker takes part in the appointment in one of ``roles`` (its
    worker or work pair; a worker invited to a network meeting is not one of these: they
    see the meeting in their calendar but do not move or cancel it for everyone)."""
    me = own_worker(user)
    return me is not None and any(
        p.resource_id == me.resource_id and p.role in roles for p in _participants(appointment)
    )


def is_invited(user, appointment) -> bool:
    return is_participant(user, appointment, roles=(INVITED,))


def editing_basis(user, appointment) -> str | None:
    """Why the user may change, realise and cancel this appointment, or None: an
    administrator, a participant, or a coordinator whose scope holds the primary worker."""
    if has_role(user, ADMINISTRATOR):
        return "role:administrator"
    if is_participant(user, appointment):
        return "participant"
    if has_role(user, COORDINATOR):
        primary = _primary_worker(appointment)
        if primary is not None and in_scope(user, COORDINATOR, **_where(primary)):
            return f"role:{COORDINATOR}"
    return None


def can_edit_appointment(user, appointment) -> bool:
    return editing_basis(user, appointment) is not None


def editable_appointments_q(user, model) -> Q | None:
    """Query form of ``editing_basis`` (and of "booked by the user" and "invited to it",
    which let them see it): a filter on ``model`` (Appointment), None for all. Used to
    list appointments."""
    if has_role(user, ADMINISTRATOR):
        return None
    q = Q(pk__in=[])
    if has_role(user, COORDINATOR):
        scope = scope_q(
            user,
            COORDINATOR,
            organisation="participants__resource__worker__organisation_id",
            unit="participants__resource__worker__unit_id",
        )
        if scope is None:
            return None
        q |= Q(pk__in=model.objects.filter(scope & Q(participants__role=PRIMARY)).values("pk"))
    me = own_worker(user)
    if me is not None:
        q |= Q(pk__in=model.objects.filter(participants__resource_id=me.resource_id).values("pk"))
    if user.is_authenticated:
        q |= Q(created_by=user)
    return q


# --- relationships: who reaches a family --------------------------------------------------


def naming_in_force(prefix: str = "") -> Q:
    """NamedWorker rows in force today (end date inclusive)."""
    today = timezone.localdate()
    return Q(**{f"{prefix}start_date__lte": today}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": today})
    )


def appointment_window(prefix: str = "") -> dict:
    """Lookups for appointments that give their workers access to the family now: not
    cancelled, from ACCESS_DAYS_BEFORE_APPOINTMENT days before to
    ACCESS_DAYS_AFTER_APPOINTMENT after. A cancelled appointment gives no access."""
    now = timezone.now()
    return {
        f"{prefix}planned_start__lte": now + dt.timedelta(days=settings.ACCESS_DAYS_BEFORE_APPOINTMENT),
        f"{prefix}planned_end__gte": now - dt.timedelta(days=settings.ACCESS_DAYS_AFTER_APPOINTMENT),
        f"{prefix}status__in": ("planned", "realised"),
    }


def break_glass_in_force(prefix: str = "") -> Q:
    return Q(**{f"{prefix}expires_at__gt": timezone.now()})


def _relationships(worker: Worker) -> list[tuple[str, Q]]:
    """A worker's relationships with families, each as a filter on Family. Every rule
    of who reaches a family through a relationship is here, once; the yes/no form
    (``_relationship_basis``) and the query form (``reachable_families_q``) both read it.

    - a worker named for the family (own worker, responsible worker, family partner),
      while the naming is in force (its role is the basis: ``named_worker:<role>``);
    - a worker with an appointment with the family (as its worker or work pair) that is
      not cancelled, from ACCESS_DAYS_BEFORE_APPOINTMENT days before it to
      ACCESS_DAYS_AFTER_APPOINTMENT days after it;
    - a worker to whom one of the family's service needs is allocated, until it closes;
    - last, a worker invited to the family's network meeting, in the same window: the
      basis ``network_meeting`` is not one of RELATIONSHIP_PREFIXES, so it shows the
      meeting and what the family page shows everyone who reaches the family (members,
      named workers), never another service's entries or the consents, unless another
      relationship above holds.
    """
    return [
        ("named_worker", Q(naming_in_force("named_workers__"), named_workers__worker=worker)),
        (
            "appointment",
            Q(
                **appointment_window("appointments__"),
                appointments__participants__resource_id=worker.resource_id,
                appointments__participants__role__in=(PRIMARY, PAIR),
            ),
        ),
        ("service_need", Q(service_needs__status__in=NEED_OPEN, service_needs__worker=worker)),
        (
            NETWORK_MEETING,
            Q(
                **appointment_window("appointments__"),
                appointments__participants__resource_id=worker.resource_id,
                appointments__participants__role=INVITED,
            ),
        ),
    ]


def _exists(q: Q) -> Q:
    return Q(Exists(Family.objects.filter(q, pk=OuterRef("pk"))))


def _relationship_basis(worker: Worker, family_id: int) -> str | None:
    for basis, q in _relationships(worker):
        if basis == "named_worker":
            role = (
                NamedWorker.objects.filter(naming_in_force(), family_id=family_id, worker=worker)
                .values_list("role", flat=True)
                .first()
            )
            if role:
                return f"named_worker:{role}"
        elif Family.objects.filter(q, pk=family_id).exists():
            return basis
    return None


def family_access_basis(user, family_id: int | None) -> str | None:
    """Why the user may reach this family (recorded in the access log), or None when they
    may not (the same answer as for a family that does not exist). The first that holds:
    a role of FAMILY_ROLES; a relationship (``_relationships``); an emergency access
    (break-glass) the user opened with a reason, while in force."""
    if family_id is None or user is None or not user.is_authenticated:
        return None
    for role in FAMILY_ROLES:
        if has_role(user, role):
            return f"role:{role}"
    me = own_worker(user)
    if me is not None:
        basis = _relationship_basis(me, family_id)
        if basis is not None:
            return basis
    if BreakGlass.objects.filter(break_glass_in_force(), user=user, family_id=family_id).exists():
        return BREAK_GLASS
    return None


def reachable_families_q(user) -> Q | None:
    """Query form of ``family_access_basis``: a filter on Family for the families the user
    reaches; None means every family (by role)."""
    if user is None or not user.is_authenticated:
        return Q(pk__in=[])
    if has_role(user, *FAMILY_ROLES):
        return None
    q = Q(Exists(BreakGlass.objects.filter(break_glass_in_force(), user=user, family_id=OuterRef("pk"))))
    me = own_worker(user)
    if me is not None:
        for _basis, rel in _relationships(me):
            q |= _exists(rel)
    return q


def related_families_q(worker: Worker) -> Q:
    """The worker's own families: every relationship, no role and no emergency access."""
    q = Q(pk__in=[])
    for _basis, rel in _relationships(worker):
        q |= _exists(rel)
    return q


def reachable_families(user) -> QuerySet[Family]:
    q = reachable_families_q(user)
    return Family.objects.all() if q is None else Family.objects.filter(q)


def reachable_persons(user) -> QuerySet[Person]:
    """Persons of the families the user reaches."""
    q = reachable_families_q(user)
    if q is None:
        return Person.objects.all()
    return Person.objects.filter(pk__in=Membership.objects.filter(family__in=Family.objects.filter(q)).values("person"))


def family_write_basis(user, family_id: int | None) -> str | None:
    """May the user name this family in a write (a booking, a change, a contact, a
    service need, a consent, a purchase)? Only when they already reach it: a
    relationship is never created by the person who wants it. The roles that reach
    every family by role (FAMILY_ROLES) may therefore book for a family they have no
    relationship with yet; the worker they book must still be theirs to book
    (``can_book_for``). A worker books only for a family they already work with. An
    emergency access (break-glass) opens a family for reading only: a write under it
    would turn a temporary exception into a lasting relationship."""
    basis = family_access_basis(user, family_id)
    return None if basis == BREAK_GLASS else basis


# --- disclosure between services --------------------------------------------------------


class Disclosure:
    """The disclosure rules, read once for one answer."""

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


def consents_in_force(prefix: str = "") -> Q:
    """Consents that hold today: not withdrawn (a withdrawal is a row of its own), within
    their validity."""
    today = timezone.localdate()
    return Q(**{f"{prefix}withdrawal__isnull": True, f"{prefix}valid_from__lte": today}) & (
        Q(**{f"{prefix}valid_until__isnull": True}) | Q(**{f"{prefix}valid_until__gte": today})
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


@dataclass(frozen=True)
class Entry:
    """What the disclosure rule needs to know of one entry of a family's data (an
    appointment, a service need): who holds it and whom it concerns."""

    pk: int
    service_id: int | None
    resource_ids: tuple[int, ...] = ()
    primary: Worker | None = None
    created_by_id: int | None = None
    person_ids: tuple[int, ...] = ()
    allocated_worker_id: int | None = None


def appointment_entry(a) -> Entry:
    """An appointment as an Entry (participants with their resource's worker, persons and
    work type prefetched: ``scheduling.selectors.family_appointments``, or loaded as
    plain lists: ``family_appointment_entries``)."""
    light = hasattr(a, "participant_list")
    participants = a.participant_list if light else list(a.participants.all())
    primary = next(
        (getattr(p.resource, "worker", None) for p in participants if p.role == PRIMARY),
        None,
    )
    return Entry(
        pk=a.pk,
        service_id=a.work_type.service_id,
        resource_ids=tuple(p.resource_id for p in participants),
        primary=primary,
        created_by_id=a.created_by_id,
        person_ids=a.person_ids if light else tuple(p.pk for p in a.persons.all()),
    )


def need_entry(n) -> Entry:
    return Entry(
        pk=n.pk,
        service_id=n.service_id,
        allocated_worker_id=n.worker_id,
        person_ids=(n.person_id,) if n.person_id else (),
    )


def disclosed_entry_ids(user, family: Family, entries: Sequence[Entry], *, basis: str | None) -> set[int]:
    """Of a family's entries, those the user may see in full:

    - everything by a role of FAMILY_ROLES other than the coordinator (they take
      contacts, convene networks, administer), and under an emergency access;
    - the user's own work (they take part in it, booked it, or it is allocated to them);
    - for a resource coordinator, entries of workers within their scope (planning);
    - for a worker with a relationship to the family, another service's entries as the
      disclosure rule from that service to the worker's own allows: automatically, or
      with a consent in force of every person the entry concerns (all members of the
      family when it names none); never, otherwise.
    The rest is not shown (the page says how many were left out)."""
    if basis == BREAK_GLASS or has_role(user, ADMINISTRATOR):
        return {e.pk for e in entries}
    me = own_worker(user)
    coordinator = has_role(user, COORDINATOR)
    related = basis is not None and basis.startswith(RELATIONSHIP_PREFIXES) and me is not None
    disclosure = Disclosure()
    pending: list[tuple[Entry, tuple[int, ...]]] = []
    shown: set[int] = set()
    member_ids: tuple[int, ...] | None = None
    for e in entries:
        if (me is not None and (me.resource_id in e.resource_ids or e.allocated_worker_id == me.pk)) or (
            e.created_by_id is not None and e.created_by_id == user.pk
        ):
            shown.add(e.pk)
            continue
        if coordinator and e.primary is not None and in_scope(user, COORDINATOR, **_where(e.primary)):
            shown.add(e.pk)
            continue
        if not related:
            continue
        mode = disclosure.mode(e.service_id, me.service_id)
        if mode == DisclosureMode.AUTOMATIC:
            shown.add(e.pk)
        elif mode == DisclosureMode.CONSENT:
            persons = e.person_ids
            if not persons:
                if member_ids is None:
                    member_ids = tuple(Membership.objects.filter(family=family).values_list("person_id", flat=True))
                persons = member_ids
            pending.append((e, persons))
    if pending:
        consents = _consents({p for _e, persons in pending for p in persons})
        for e, persons in pending:
            if persons and all(_covered(consents.get(p, []), e.service_id, me.service_id) for p in persons):
                shown.add(e.pk)
    return shown


def purchase_entry(p) -> Entry:
    return Entry(pk=p.pk, service_id=p.service_id, person_ids=(p.person_id,) if p.person_id else ())


def _disclosed_records(user, family: Family, entries: list[Entry], *, basis: str | None) -> set[int]:
    """A family's records other than appointments (service needs, purchases): every one by
    a role or emergency access; otherwise the user's own and those the disclosure rules
    show (the same rule as for appointments)."""
    if basis is not None and (basis.startswith("role:") or basis == BREAK_GLASS):
        return {e.pk for e in entries}
    return disclosed_entry_ids(user, family, entries, basis=basis)


def disclosed_need_ids(user, family: Family, needs, *, basis: str | None) -> set[int]:
    """The family's service needs the user may see (``_disclosed_records``)."""
    return _disclosed_records(user, family, [need_entry(n) for n in needs], basis=basis)


def disclosed_purchase_ids(user, family: Family, purchases, *, basis: str | None) -> set[int]:
    """The family's purchased services the user may see (``_disclosed_records``)."""
    return _disclosed_records(user, family, [purchase_entry(p) for p in purchases], basis=basis)


def appointment_access(user, appointment) -> tuple[str | None, bool]:
    """Why the user may open this appointment (recorded in the access log; None: the same
    answer as for one that does not exist) and whether they may also change it. The
    appointment comes with participants (their resources' workers), persons and work
    type prefetched."""
    basis = editing_basis(user, appointment)
    if basis is not None:
        return basis, True
    if appointment.created_by_id is not None and appointment.created_by_id == user.pk:
        return "booked_by", False
    if appointment.family_id is None:
        return None, False
    basis = family_access_basis(user, appointment.family_id)
    if basis is None:
        return None, False
    entry = appointment_entry(appointment)
    return (basis if entry.pk in disclosed_entry_ids(user, appointment.family, [entry], basis=basis) else None), False


# --- addresses under a non-disclosure order ------------------------------------------------

# Family fields hidden under an address non-disclosure order (turvakielto): the
# municipality of residence and the postal code are protected as much as the street.
PROTECTED_FAMILY_FIELDS = ("address", "postal_code", "municipality", "latitude", "longitude")


def _home_visit_q(worker: Worker, prefix: str = "appointments__") -> Q:
    return Q(
        **appointment_window(prefix),
        **{f"{prefix}location_kind": CLIENT_HOME, f"{prefix}participants__resource_id": worker.resource_id},
    )


def visiting_family_ids(user, family_ids=None) -> set[int]:
    """Families the user must visit: they take part in a home visit to the family that is
    not cancelled, within the appointment access window. Only they may see an address
    under a non-disclosure order."""
    me = own_worker(user)
    if me is None:
        return set()
    qs = Family.objects.filter(_home_visit_q(me))
    if family_ids is not None:
        qs = qs.filter(pk__in=list(family_ids))
    return set(qs.values_list("pk", flat=True).distinct())


def may_see_address(user, family, *, appointment=None) -> bool:
    """Whether the user may see the family's home address (or the address on one of its
    appointments). Not protected: whoever may see the family. Protected (turvakielto):
    only a worker taking part in that home visit, or for the family itself a worker with
    a home visit to it in the window; coordinators, managers and administrators never."""
    if family is None or not family.address_protected:
        return True
    me = own_worker(user)
    if me is None:
        return False
    if appointment is not None:
        return appointment.location_kind == CLIENT_HOME and any(
            p.resource_id == me.resource_id for p in appointment.participants.all()
        )
    return family.pk in visiting_family_ids(user, [family.pk])


def mask_family(family: Family, *, visible: bool) -> Family:
    """Blank the protected fields of a family the user may not see the address of (in
    place, never saved: ``Family.save`` refuses a masked instance)."""
    if family.address_protected and not visible:
        for name in PROTECTED_FAMILY_FIELDS:
            setattr(family, name, None if name in ("latitude", "longitude") else "")
        family._address_masked = True
    return family


def mask_families(user, families: Iterable[Family]) -> list[Family]:
    families = list(families)
    protected = [f.pk for f in families if f.address_protected]
    visiting = visiting_family_ids(user, protected) if protected else set()
    return [mask_family(f, visible=f.pk in visiting) for f in families]


def masked_address_fields(data: dict, family_protected: bool, visible: bool, fields=PROTECTED_FAMILY_FIELDS) -> dict:
    """The same rule for a row of values (API answers, exports, drill rows)."""
    if family_protected and not visible:
        for name in fields:
            if name in data:
                data[name] = None if name in ("latitude", "longitude") else ""
    return data


# --- consents, emergency access and the access report ------------------------------------


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
    a worker named for the family (own worker, responsible worker, family partner)."""
    return has_role(user, ADMINISTRATOR) or (basis is not None and basis.startswith("named_worker:"))


def may_review_break_glass(user) -> bool:
    return has_role(user, MANAGER, ADMINISTRATOR)


def break_glass_review_q(user) -> Q | None:
    """Emergency accesses a manager reviews: those of users who are workers within the
    manager's scope (None: all, for an administrator or a region-wide manager)."""
    if has_role(user, ADMINISTRATOR):
        return None
    return scope_q(user, MANAGER, organisation="user__worker__organisation_id", unit="user__worker__unit_id")


def may_review(user, grant) -> bool:
    """Yes/no form of ``break_glass_review_q`` for one emergency access."""
    if has_role(user, ADMINISTRATOR):
        return True
    worker = getattr(grant.user, "worker", None)
    return worker is not None and in_scope(user, MANAGER, **_where(worker))


def may_edit_disclosure_rules(user) -> bool:
    return has_role(user, ADMINISTRATOR)


# A token's account is named "api:<name>:<identifier>"; a person's username cannot hold a
# colon (Django's username validator), so the name alone tells a token's account.
API_ACCOUNT_PREFIX = "api:"


def is_token_account(user) -> bool:
    return user.is_authenticated and user.get_username().startswith(API_ACCOUNT_PREFIX)


def may_manage_api_tokens(user) -> bool:
    """Tokens for systems are issued, listed and revoked by administrators; a token's
    own account never may (it cannot hold the administrator role: API_TOKEN_ROLES)."""
    return has_role(user, ADMINISTRATOR) and not is_token_account(user)


# The roles a system's token may hold: those that read or plan through the API within a
# scope. Not the administrator (a system does not issue tokens nor see everything) and
# not the worker (a worker's rights come from their own client relationships).
API_TOKEN_ROLES = (MANAGER, COORDINATOR, SERVICE_GUIDANCE, NETWORK_COORDINATOR)


# --- intake ---------------------------------------------------------------------------------
# Contacts (the inbox): service guidance within its scope (the answering organisation),
# administrators. A contact may hold a family's worry in free text: it is client data.
# Child welfare notifications: only the workers of the receiving child-protection service,
# the workers of services to which that service's data is disclosed automatically, and
# administrators. Service needs: resource coordinators within the scope of the service's
# organisation (they allocate), service guidance and administrators (they record); the
# allocated worker. The deadline dashboard shows counts only.


def contacts_q(user) -> Q | None:
    """Filter on Contact for the inbox; None = all. An organisation scope covers its
    contacts; a unit scope covers its organisation's contacts."""
    if has_role(user, ADMINISTRATOR):
        return None
    return scope_q(user, SERVICE_GUIDANCE, organisation="organisation_id", unit="organisation__units")


def may_handle_contact(user, contact) -> bool:
    """Yes/no form of ``contacts_q`` for one contact."""
    if has_role(user, ADMINISTRATOR):
        return True
    for org, unit in scopes_of(user).get(SERVICE_GUIDANCE, ()):
        if org is None and unit is None:
            return True
        if unit is None and org == contact.organisation_id:
            return True
        if unit is not None and Unit.objects.filter(pk=unit, organisation_id=contact.organisation_id).exists():
            return True
    return False


def may_use_inbox(user) -> bool:
    return has_role(user, SERVICE_GUIDANCE, ADMINISTRATOR)


def may_record_concern_report(user) -> bool:
    """Professionals (any worker) and service guidance record concern reports."""
    return may_use_inbox(user) or own_worker(user) is not None


def notification_service_ids(user) -> set[int] | None:
    """Child-protection services whose notifications the user sees; None = all."""
    if has_role(user, ADMINISTRATOR):
        return None
    me = own_worker(user)
    if me is None or me.service_id is None:
        return set()
    disclosure = Disclosure()
    return {
        service_id
        for service_id in Service.objects.filter(receives_child_welfare_notifications=True).values_list("id", flat=True)
        if disclosure.mode(service_id, me.service_id) == DisclosureMode.AUTOMATIC
    }


def notifications_q(user) -> Q | None:
    ids = notification_service_ids(user)
    return None if ids is None else Q(service_id__in=ids)


def may_see_notification(user, notification) -> bool:
    ids = notification_service_ids(user)
    return ids is None or notification.service_id in ids


def may_see_notifications(user) -> bool:
    ids = notification_service_ids(user)
    return ids is None or bool(ids)


def notification_family_basis(user, family_id: int | None) -> str | None:
    """May the user name this family in a child welfare notification? Whoever may name it
    in any write (``family_write_basis``), and the workers of the receiving
    child-protection services (and of the services it discloses to automatically): they
    must record and process a notification about any child (Child Welfare Act s. 25-26),
    and a notification opens the family to no one (notifications are seen by service)."""
    basis = family_write_basis(user, family_id)
    if basis is not None:
        return basis
    ids = notification_service_ids(user)
    if family_id is not None and (ids is None or ids):
        return "service:child_protection"
    return None


def may_record_notification(user) -> bool:
    """Child protection records notifications received by phone or mail; service
    guidance forwards contacts to child protection."""
    return may_see_notifications(user) or may_use_inbox(user)


def _unit_scope_orgs(user) -> list[int]:
    """Organisations of a coordinator's unit scopes."""
    unit_ids = [unit for _org, unit in scopes_of(user).get(COORDINATOR, ()) if unit is not None]
    if not unit_ids:
        return []
    return list(Unit.objects.filter(pk__in=unit_ids).values_list("organisation_id", flat=True))


def needs_q(user) -> Q | None:
    """Filter on ServiceNeed: coordinators by the service's organisation (a unit-scoped
    one: the waiting needs of its organisation's services and those allocated into its
    unit), service guidance and administrators all, a worker their own allocated needs."""
    if has_role(user, ADMINISTRATOR, SERVICE_GUIDANCE):
        return None
    q = Q(pk__in=[])
    for org, unit in scopes_of(user).get(COORDINATOR, ()):
        if org is None and unit is None:
            return None
        if unit is None:
            q |= Q(service__organisation_id=org)
        else:
            q |= Q(worker__unit_id=unit)
    unit_orgs = _unit_scope_orgs(user)
    if unit_orgs:
        q |= Q(status=NEED_WAITING, service__organisation_id__in=unit_orgs)
    me = own_worker(user)
    if me is not None:
        q |= Q(worker=me)
    return q


def may_see_need(user, need) -> bool:
    """Yes/no form of ``needs_q`` for one need."""
    if has_role(user, ADMINISTRATOR, SERVICE_GUIDANCE):
        return True
    org = need.service.organisation_id
    for s_org, s_unit in scopes_of(user).get(COORDINATOR, ()):
        if s_org is None and s_unit is None:
            return True
        if s_unit is None and s_org == org:
            return True
        if s_unit is not None and need.worker_id is not None and need.worker.unit_id == s_unit:
            return True
    if need.status == NEED_WAITING and org in _unit_scope_orgs(user):
        return True
    me = own_worker(user)
    return me is not None and need.worker_id == me.pk


def may_see_queue(user) -> bool:
    return has_role(user, COORDINATOR, ADMINISTRATOR, SERVICE_GUIDANCE)


def may_allocate(user, need) -> bool:
    """Coordinators of the need's service's organisation (an organisation or region
    scope, or a unit of that organisation), administrators. A coordinator's scope is
    matched on the organisation only: a unit scope of None never matches a need."""
    if has_role(user, ADMINISTRATOR):
        return True
    org = need.service.organisation_id
    for s_org, s_unit in scopes_of(user).get(COORDINATOR, ()):
        if (s_org is None and s_unit is None) or (s_unit is None and s_org == org):
            return True
    return org in _unit_scope_orgs(user)


def may_propose_queue(user) -> bool:
    """Whole-queue proposals are a coordinator's tool (each need in one still needs
    ``may_allocate``)."""
    return has_role(user, COORDINATOR, ADMINISTRATOR)


def may_see_proposal(user, proposal) -> bool:
    """A queue proposal is its creator's working paper (it names families)."""
    return proposal.created_by_id == getattr(user, "pk", None)


def may_plan_route(user, worker: Worker) -> bool:
    """A day's route: the worker's own, or planned by whoever plans their shifts."""
    me = own_worker(user)
    return (me is not None and me.pk == worker.pk) or may_change_shifts(user, worker)


def may_record_absence(user, worker: Worker) -> bool:
    """Absences are recorded by whoever plans the worker's shifts."""
    return may_change_shifts(user, worker)


def may_close_need(user, need) -> bool:
    """Whoever may allocate the need, and the worker it is allocated to."""
    me = own_worker(user)
    return may_allocate(user, need) or (me is not None and need.worker_id == me.pk)


def may_record_need(user) -> bool:
    return has_role(user, COORDINATOR, ADMINISTRATOR, SERVICE_GUIDANCE) or own_worker(user) is not None


def may_see_dashboard(user) -> bool:
    return has_role(user, MANAGER, SERVICE_GUIDANCE, COORDINATOR, ADMINISTRATOR) or may_see_notifications(user)


# --- reports --------------------------------------------------------------------------------
# Reports are aggregates over the work of the workers within the user's scope. Rows that
# name a family name it only by its pseudonymous key; no report shows a name. Drill-down
# rows are client-related and logged; addresses appear only to those who plan the worker's
# visits, never for a family with an address non-disclosure order.

REPORT_ROLES = (MANAGER, COORDINATOR, ADMINISTRATOR)
PURCHASE_ROLES = (MANAGER, COORDINATOR, ADMINISTRATOR)
ADDRESS_ROLES = (COORDINATOR, ADMINISTRATOR)


def may_see_reports(user) -> bool:
    return has_role(user, *REPORT_ROLES)


def may_record_purchases(user) -> bool:
    return has_role(user, *PURCHASE_ROLES)


def worker_scope_q(user, prefix: str = "worker__") -> Q:
    """Rows of workers within the user's report scope (an empty Q: the whole region)."""
    q = scope_q(user, *REPORT_ROLES, organisation=f"{prefix}organisation_id", unit=f"{prefix}unit_id")
    return Q() if q is None else q


def organisation_scope_q(user, field: str, roles=REPORT_ROLES) -> Q:
    """Rows that belong to an organisation (purchases, contacts, needs, notifications)
    within the user's scope. A unit scope does not reach organisation-level rows."""
    orgs = scope_of_roles(user, *roles)
    return Q() if orgs is None else Q(**{f"{field}__in": orgs})


def may_record_for(user, organisation_id: int) -> bool:
    """Whether the user records and corrects purchases of this purchasing organisation."""
    orgs = scope_of_roles(user, *PURCHASE_ROLES)
    return orgs is None or organisation_id in orgs


def organisation_families_q(organisation_id: int) -> Q:
    """Families an organisation works with (a filter on Family): an appointment of one of
    its workers, a service need of one of its services, a worker of it named for the
    family, or a purchase it has made for the family."""
    return (
        _exists(Q(appointments__participants__resource__worker__organisation_id=organisation_id))
        | _exists(Q(service_needs__service__organisation_id=organisation_id))
        | _exists(Q(named_workers__worker__organisation_id=organisation_id))
        | _exists(Q(purchased_services__purchaser_id=organisation_id))
    )


def purchase_family_basis(user, family_id: int | None, purchaser_id: int | None) -> str | None:
    """May the user name this family in a purchase of this purchasing organisation? A
    manager sees families by key only and reaches none by role: they may name a family
    their organisation already works with (``organisation_families_q``), when they record
    that organisation's purchases. Whoever reaches the family (``family_write_basis``)
    may too, for an organisation whose purchases they record."""
    if family_id is None or purchaser_id is None or not may_record_for(user, purchaser_id):
        return None
    basis = family_write_basis(user, family_id)
    if basis is not None:
        return basis
    if Family.objects.filter(organisation_families_q(purchaser_id), pk=family_id).exists():
        return report_basis(user)
    return None


def may_see_addresses(user, *, organisation_id: int, unit_id: int) -> bool:
    return in_scope(user, *ADDRESS_ROLES, organisation_id=organisation_id, unit_id=unit_id)


def report_basis(user) -> str:
    """The basis recorded in the access log for what a report shows: the role it is seen by."""
    roles = roles_of(user)
    return next((f"report:{r}" for r in REPORT_ROLES if r in roles), "report")


# --- the family's overall picture, named workers, network meetings ----------------------

# Roles that take contacts and convene networks across organisations.
MEETING_ROLES = (SERVICE_GUIDANCE, NETWORK_COORDINATOR, COORDINATOR, ADMINISTRATOR)
NAMING_ROLES = (COORDINATOR, ADMINISTRATOR, SERVICE_GUIDANCE, NETWORK_COORDINATOR)


def _related(basis: str | None) -> bool:
    return basis is not None and basis.startswith(RELATIONSHIP_PREFIXES)


def may_see_overview_details(user, basis: str | None) -> bool:
    """The overall picture's parts beyond the entries the disclosure rules show (the
    critical client groups, the consents, the service path): a role that reaches every
    family, an emergency access or a relationship of one's own with the family. A worker
    only invited to a network meeting sees the meeting, not these."""
    return basis is not None and (basis.startswith("role:") or basis == BREAK_GLASS or _related(basis))


def may_record_client_groups(user, basis: str | None) -> bool:
    """Who records and ends a family's critical client groups: those who see them
    (``may_see_overview_details``), never under an emergency access (it only reads)."""
    return basis != BREAK_GLASS and may_see_overview_details(user, basis)


def may_convene_meeting(user, basis: str | None) -> bool:
    """The contact person convenes the family's network meeting: a worker with a
    relationship of their own to the family, or a role that takes contacts and convenes
    networks. Never under an emergency access or an invitation alone."""
    if basis is None or basis in (BREAK_GLASS, NETWORK_MEETING):
        return False
    return has_role(user, *MEETING_ROLES) or (own_worker(user) is not None and _related(basis))


def may_record_meeting(user, meeting_appointment, basis: str | None) -> bool:
    """What a network meeting agreed is recorded by its convener (the appointment's
    primary worker or whoever booked it) or a role that convenes networks."""
    if basis is None or basis == BREAK_GLASS:
        return False
    if has_role(user, *MEETING_ROLES):
        return True
    me = own_worker(user)
    primary = _primary_worker(meeting_appointment)
    return (me is not None and primary is not None and primary.pk == me.pk) or (
        meeting_appointment.created_by_id is not None and meeting_appointment.created_by_id == user.pk
    )


def may_name_workers(user, basis: str | None) -> bool:
    """Who names and ends a family's own worker, responsible worker and family partner:
    the roles that steer and guide (coordinator, service guidance, network coordinator,
    administrator) and the family's own or responsible worker. Never under an emergency
    access or an invitation alone."""
    if basis is None or basis in (BREAK_GLASS, NETWORK_MEETING):
        return False
    if has_role(user, *NAMING_ROLES):
        return True
    return basis in ("named_worker:own_worker", "named_worker:responsible_worker")


def may_see_naming_report(user) -> bool:
    """Families with many services and no responsible worker, by pseudonymous key: a
    report for managers (and administrators)."""
    return has_role(user, MANAGER, ADMINISTRATOR)


def may_see_naming_suggestions(user) -> bool:
    """The same families by name, to name a responsible worker: the roles that name."""
    return has_role(user, *NAMING_ROLES)


def organisation_families_scope_q(user) -> Q | None:
    """Families within a manager's report scope: every family for a region-wide role,
    otherwise those their organisations work with (``organisation_families_q``)."""
    orgs = scope_of_roles(user, MANAGER, ADMINISTRATOR)
    if orgs is None:
        return None
    q = Q(pk__in=[])
    for org in orgs:
        q |= organisation_families_q(org)
    return q
