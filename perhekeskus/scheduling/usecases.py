"""Use cases of the calendar: one function per operation on client data, shared by the
pages (``views.py``) and the API (``api.py``). Each asks ``access.policy``, calls the
service or selector and writes the access log (``access.frontdoor``). Refusals are
``NotFound`` (logged ``refused``) or, for an id named in the input, the same field error
as for an unknown id; nothing is saved.

The services ask the policy again (defence in depth), so a new adapter that forgets a
use case still cannot book for a family its user does not reach.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from perhekeskus.access import frontdoor, policy
from perhekeskus.access import selectors as access_selectors
from perhekeskus.access.frontdoor import Caller, Forbidden, NotFound
from perhekeskus.access.models import AccessEvent
from perhekeskus.people.models import Family, Worker

from . import selectors, services, wallclock
from .models import Appointment, WorkClass
from .timeline import HELSINKI

A = AccessEvent.Action
WORKER_NOT_BOOKABLE = _("You may not book this worker.")


def _log_appointments(caller: Caller, action: str, appointments, *, basis: str | None = None) -> None:
    """Log the client data shown or changed: appointments that have a recipient family."""
    rows = [(a.pk, a.family_id) for a in appointments if a.family_id]
    if rows:
        basis = basis or policy.family_access_basis(caller.user, rows[0][1]) or policy.list_basis(caller.user)
        frontdoor.log(caller, action, "appointment", rows, basis)


def _log_entries(caller: Caller, entries) -> None:
    """Log the families whose names, addresses or notes a calendar page showed."""
    frontdoor.log(
        caller,
        A.LIST,
        "appointment",
        [(e.appointment_id, e.family_id) for e in entries if e.family_id],
        policy.list_basis(caller.user),
    )


def _log_family(caller: Caller, family: Family, basis: str) -> None:
    frontdoor.log(caller, A.VIEW, "family", [(family.pk, family.pk)], basis)


# --- reading the calendar -------------------------------------------------------------------


def resource_rows_as(caller: Caller, *, workers: list[Worker], start: dt.datetime, end: dt.datetime, days: int):
    """The resource view's rows with how much the caller sees of each worker's entries
    (``policy.row_mode``) and which entries are the caller's own (shown in full). Only
    the day view shows client names, addresses and notes: those entries are logged."""
    if not policy.can_see_resource_view(caller.user):
        raise Forbidden
    rows = selectors.resource_rows(workers=workers, start=start, end=end)
    modes = {row.worker.pk: policy.row_mode(caller.user, row.worker) for row in rows}
    own_ids = selectors.own_appointment_ids(worker=policy.own_worker(caller.user), start=start, end=end)
    if days == 1:
        _log_entries(
            caller,
            [
                e
                for row in rows
                for e in row.entries
                if modes[row.worker.pk] == policy.FULL or e.appointment_id in own_ids
            ],
        )
    return rows, modes, own_ids


def _mask_entries(caller: Caller, worker: Worker, entries, start, end, *, is_own: bool) -> None:
    """Leave in another worker's entries only what the caller may see (policy.row_mode):
    the family's key for a manager, the work class for a worker (busy time); their own
    appointments in full. A protected address only for the visiting worker."""
    mode = policy.FULL if is_own else policy.row_mode(caller.user, worker)
    own_ids = (
        frozenset()
        if is_own
        else selectors.own_appointment_ids(worker=policy.own_worker(caller.user), start=start, end=end)
    )
    labels = dict(WorkClass.choices)
    for entry in entries:
        entry.mode = policy.FULL if entry.appointment_id in own_ids else mode
        visiting = (is_own or entry.appointment_id in own_ids) and entry.location_kind == policy.CLIENT_HOME
        if entry.family_protected and not visiting:
            entry.address = ""  # address non-disclosure: only the visiting worker sees it
        if entry.mode != policy.FULL:
            entry.address = entry.notes_to_heed = ""
            entry.family_name = entry.family_key if entry.mode == policy.KEY else ""
        if entry.mode == policy.BUSY:
            entry.work_type = str(labels.get(entry.work_class, ""))
            entry.others = []


def worker_calendar_as(caller: Caller, worker: Worker, *, start, end, shows_clients: bool):
    """A worker's calendar row, masked for the caller; logged when the view shows client
    names and addresses (day and list)."""
    if not policy.can_see_worker_calendar(caller.user, worker):
        raise NotFound
    row = selectors.worker_calendar(worker=worker, start=start, end=end)
    is_own = policy.own_worker(caller.user) == worker
    _mask_entries(caller, worker, row.entries, start, end, is_own=is_own)
    if shows_clients:
        _log_entries(caller, [e for e in row.entries if e.mode == policy.FULL])
    return row, is_own


# --- families -----------------------------------------------------------------------------------


@dataclass
class Section:
    """A part of the family page that another app adds (``register_family_section``)."""

    template: str
    context: dict
    logged: list[tuple[str, list[tuple[int, int]]]] = field(default_factory=list)  # (object type, rows)


FamilySection = Callable[[Caller, Family, str], "Section | None"]
_family_sections: list[FamilySection] = []


def register_family_section(section: FamilySection) -> None:
    """Let a higher app (intake: the family's service needs) add a part to the family
    page; the section is given the caller, the family and the basis, and says what it
    showed so that it is logged with the page."""
    if section not in _family_sections:
        _family_sections.append(section)


@dataclass
class FamilyPage:
    family: Family
    basis: str
    items: list
    hidden: int
    members: list
    named_workers: list
    show_address: bool
    consents: list | None
    may_record_consent: bool
    may_see_access_report: bool
    sections: list[Section]


def family_page_as(caller: Caller, family_id, *, show: str) -> FamilyPage:
    """The family's page: members, named workers, consents and the appointments of every
    service that the caller may see (``policy.disclosed_entry_ids``); the protected
    address fields blank unless the caller visits the family."""
    family, basis = frontdoor.family_to_read(caller, family_id)
    now = timezone.now()
    if show == "past":
        appointments = selectors.family_appointments(family=family, end=now).reverse()[:200]
    elif show == "all":
        appointments = selectors.family_appointments(family=family)[:500]
    else:
        appointments = selectors.family_appointments(family=family, start=now)[:200]
    appointments = list(appointments)
    shown = policy.disclosed_entry_ids(
        caller.user, family, [policy.appointment_entry(a) for a in appointments], basis=basis
    )
    items = []
    for a in appointments:
        if a.pk in shown:
            primary, pair = selectors.appointment_workers(a)
            items.append({"a": a, "primary": primary, "pair": pair})
    show_address = policy.may_see_address(caller.user, family)
    policy.mask_family(family, visible=show_address)
    may_record_consent = policy.may_record_consent(caller.user, basis)
    sections = [s for s in (section(caller, family, basis) for section in _family_sections) if s is not None]
    _log_family(caller, family, basis)
    for section in sections:
        for object_type, rows in section.logged:
            frontdoor.log(caller, A.LIST, object_type, rows, basis)
    if items:
        _log_appointments(caller, A.LIST, [i["a"] for i in items], basis=basis)
    return FamilyPage(
        family=family,
        basis=basis,
        items=items,
        hidden=len(appointments) - len(items),
        members=list(family.memberships.select_related("person").order_by("role", "person__birth_date")),
        named_workers=list(family.named_workers.filter(end_date__isnull=True).select_related("worker__unit")),
        show_address=show_address,
        consents=list(access_selectors.family_consents(family=family)) if may_record_consent else None,
        may_record_consent=may_record_consent,
        may_see_access_report=policy.may_see_access_report(caller.user, basis),
        sections=sections,
    )


def family_for_booking_as(caller: Caller, family_id) -> Family | None:
    """The family whose persons the booking form offers: only one the caller may name
    in a booking (otherwise NotFound, logged)."""
    pk = frontdoor.as_id(family_id)
    if pk is None:
        return None
    family = Family.objects.filter(pk=pk).first()
    basis = policy.family_write_basis(caller.user, pk) if family else None
    if basis is None:
        raise frontdoor.refuse(caller, "family", pk, family.pk if family else None)
    _log_family(caller, family, basis)
    return family


def family_search_as(caller: Caller, q: str, *, limit: int) -> list[Family]:
    """Families the caller reaches whose name, or a member's first or last name, contains
    every word of ``q``; their listing logged (the search words are not: they travel in
    the request body, never in an address). Protected address fields blank."""
    qs = access_selectors.family_list(user=caller.user)
    for word in q.split()[:5]:  # every word, in the family's name or a member's
        qs = qs.filter(pk__in=Family.objects.filter(_name_q(word)).values("pk"))
    families = access_selectors.with_members(policy.mask_families(caller.user, qs.order_by("name", "id")[:limit]))
    frontdoor.log(caller, A.LIST, "family", [(f.pk, f.pk) for f in families], policy.list_basis(caller.user))
    return families


def _name_q(word: str) -> Q:
    return (
        Q(name__icontains=word)
        | Q(memberships__person__first_name__icontains=word)
        | Q(memberships__person__last_name__icontains=word)
    )


def own_families_as(caller: Caller, *, limit: int = 300) -> list[Family]:
    """A worker's own families (every relationship), logged."""
    me = policy.own_worker(caller.user)
    if me is None:
        return []
    families = access_selectors.with_members(
        policy.mask_families(caller.user, access_selectors.related_families(worker=me).order_by("name", "id")[:limit])
    )
    frontdoor.log(caller, A.LIST, "family", [(f.pk, f.pk) for f in families], "own_families")
    return families


# --- one appointment ----------------------------------------------------------------------


def _load(pk, *, detail: bool = False) -> Appointment | None:
    """The appointment with what the policy reads (participants and their workers,
    persons, work type); ``detail`` adds what its page shows, loaded once."""
    pk = frontdoor.as_id(pk)
    if pk is None:
        return None
    qs = selectors.appointment_detail_qs() if detail else selectors.appointment_list()
    return qs.filter(pk=pk).first()


def appointment_view_as(caller: Caller, pk) -> tuple[Appointment, str, bool, bool]:
    """One appointment: (appointment, basis, whether the caller may change it, whether
    they see its address). NotFound (logged) when they may not open it."""
    appointment = _load(pk, detail=True)
    basis, can_edit = policy.appointment_access(caller.user, appointment) if appointment else (None, False)
    if basis is None:
        raise frontdoor.refuse(caller, "appointment", pk, appointment.family_id if appointment else None)
    _log_appointments(caller, A.VIEW, [appointment], basis=basis)
    show_address = policy.may_see_address(caller.user, appointment.family, appointment=appointment)
    return appointment, basis, can_edit, show_address


def _editable(caller: Caller, pk, *, detail: bool = False) -> Appointment:
    appointment = _load(pk, detail=detail)
    if appointment is None or not policy.can_edit_appointment(caller.user, appointment):
        raise frontdoor.refuse(caller, "appointment", pk, appointment.family_id if appointment else None)
    return appointment


def appointment_editable_as(caller: Caller, pk) -> Appointment:
    """An appointment the caller may change, or NotFound (logged); nothing of it shown."""
    return _editable(caller, pk)


def appointment_for_edit_as(caller: Caller, pk) -> tuple[Appointment, bool]:
    """An appointment the caller may change, for the edit form: (appointment, whether the
    caller sees its address). Logged as viewed."""
    appointment = _editable(caller, pk, detail=True)
    _log_appointments(caller, A.VIEW, [appointment])
    return appointment, policy.may_see_address(caller.user, appointment.family, appointment=appointment)


def appointment_history_as(caller: Caller, pk):
    appointment = _editable(caller, pk)
    _log_appointments(caller, A.VIEW, [appointment])
    return appointment.changes.select_related("changed_by")


# --- writes ---------------------------------------------------------------------------------------


def _worker(caller: Caller, worker: Worker | None, family: Family | None = None) -> Worker | None:
    """A worker the caller may book (``policy.can_book_for``); otherwise Forbidden (403 in
    the API, a field error on the page), logged as refused with the family named."""
    if worker is not None and not policy.can_book_for(caller.user, worker):
        frontdoor.refuse(caller, "worker", worker.pk, family.pk if family is not None else None)
        raise Forbidden(WORKER_NOT_BOOKABLE)
    return worker


def appointment_book_as(
    caller: Caller,
    *,
    worker: Worker,
    work_type,
    start: dt.datetime,
    end: dt.datetime,
    family=None,
    persons: Sequence = (),
    unit_price=None,
    location_kind: str = Appointment.LocationKind.UNIT,
    address: str = "",
    notes_to_heed: str = "",
    pair: Worker | None = None,
    confirm_outside_shift: bool = False,
    weekdays: Sequence[int] | None = None,
    weeks: int | None = None,
) -> list[Appointment]:
    """Book one appointment or a weekly series. The family (an id or a Family) must be
    one the caller may name (``policy.family_write_basis``), the persons its members,
    the worker one the caller books (``policy.can_book_for``)."""
    family = frontdoor.family_to_write(caller, family)
    _worker(caller, worker, family)
    persons = frontdoor.persons_to_write(caller, family, persons)
    kwargs = dict(
        actor=caller.user,
        worker=worker,
        work_type=work_type,
        start=start,
        end=end,
        unit_price=unit_price,
        family=family,
        persons=persons,
        location_kind=location_kind,
        address=address or "",
        notes_to_heed=notes_to_heed or "",
        pair=pair,
        confirm_outside_shift=confirm_outside_shift,
    )
    if weekdays:
        created = services.appointment_book_recurring(weekdays=weekdays, weeks=weeks, **kwargs)
    else:
        created = [services.appointment_book(**kwargs)]
    _log_appointments(caller, A.CREATE, created)
    return created


def appointment_update_as(
    caller: Caller, pk, *, scope: str = "one", confirm_outside_shift: bool = False, **changes
) -> list[Appointment]:
    """Change a planned appointment (or it and the following ones of its series). Only
    the fields named in ``changes`` change. A new family must be one the caller may
    name; an address the caller was not shown (non-disclosure) is kept when they send it
    back blank."""
    appointment = _editable(caller, pk)
    kwargs = dict(changes)
    if "family" in changes:
        kwargs["family"] = frontdoor.family_to_write(caller, changes["family"])
    if "worker" in changes:
        _worker(caller, changes["worker"], kwargs.get("family", appointment.family))
    if "persons" in changes:
        family = kwargs.get("family", appointment.family) if "family" in changes else appointment.family
        kwargs["persons"] = frontdoor.persons_to_write(caller, family, changes["persons"] or [])
    if "address" in kwargs and not kwargs["address"]:
        if not policy.may_see_address(caller.user, appointment.family, appointment=appointment):
            del kwargs["address"]  # keep the protected address the caller was not shown
        else:
            kwargs["address"] = ""
    changed = services.appointment_update(
        actor=caller.user,
        appointment=appointment,
        scope=scope,
        confirm_outside_shift=confirm_outside_shift,
        **kwargs,
    )
    _log_appointments(caller, A.UPDATE, changed)
    return changed


def require_mover(caller: Caller, pk) -> None:
    """Drag and drop on the resource view is a coordinator's tool: Forbidden, logged, for
    anyone else, whatever the appointment."""
    if not policy.may_move_by_drag(caller.user):
        frontdoor.refuse(caller, "appointment", pk)
        raise Forbidden


def appointment_move_as(
    caller: Caller,
    pk,
    *,
    start: dt.datetime,
    worker: Worker | None = None,
    pair: Worker | None | object = services.UNSET,
    confirm_outside_shift: bool = False,
) -> tuple[Appointment, dict]:
    """Drag and drop on the resource view (``require_mover``). Returns the moved
    appointment and where it was before (start, worker and pair ids), which is what an
    undo moves it back to."""
    require_mover(caller, pk)
    appointment = _editable(caller, pk)
    _worker(caller, worker, appointment.family)
    if isinstance(pair, Worker):
        _worker(caller, pair, appointment.family)
    old_worker, old_pair = services.workers_of(appointment)
    previous = {
        "start": appointment.planned_start,
        "worker": old_worker.pk,
        "pair": old_pair.pk if old_pair else None,
    }
    moved = services.appointment_move(
        actor=caller.user,
        appointment=appointment,
        start=start,
        worker=worker,
        pair=pair,
        confirm_outside_shift=confirm_outside_shift,
    )
    _log_appointments(caller, A.UPDATE, [moved])
    return moved, previous


def _realise(caller: Caller, appointment: Appointment, actual_start, actual_end) -> Appointment:
    done = services.appointment_realise(
        actor=caller.user, appointment=appointment, actual_start=actual_start, actual_end=actual_end
    )
    _log_appointments(caller, A.UPDATE, [done])
    return done


def appointment_realise_as(caller: Caller, pk, *, actual_start=None, actual_end=None) -> Appointment:
    return _realise(caller, _editable(caller, pk), actual_start, actual_end)


def appointment_realise_local_as(caller: Caller, pk, *, day=None, start_time=None, end_time=None) -> Appointment:
    """Realise with times typed on a page: the local date (default: the planned one) and
    wall-clock times (``wallclock.combine``: a time the clocks skip or pass twice is
    refused)."""
    appointment = _editable(caller, pk)
    day = day or timezone.localtime(appointment.planned_start, HELSINKI).date()
    start = wallclock.combine(day, start_time) if start_time else None
    end = wallclock.combine(day, end_time) if end_time else None
    if start and end is None:
        end = start + (appointment.planned_end - appointment.planned_start)
    return _realise(caller, appointment, start, end)


def appointment_cancel_as(caller: Caller, pk, *, reason: str, text: str = "", cancelled_by=None) -> Appointment:
    appointment = _editable(caller, pk)
    done = services.appointment_cancel(
        actor=caller.user, appointment=appointment, reason=reason, text=text or "", cancelled_by=cancelled_by or None
    )
    _log_appointments(caller, A.UPDATE, [done])
    return done


# --- shifts (capacity; no client data, still the policy's) -----------------------------------


def shift_create_as(caller: Caller, *, worker: Worker, start, end):
    if not policy.may_change_shifts(caller.user, worker):
        raise Forbidden
    return services.shift_create(worker=worker, start=start, end=end)


def shift_update_as(caller: Caller, shift, *, start, end):
    if not policy.may_change_shifts(caller.user, shift.worker):
        raise Forbidden
    return services.shift_update(shift=shift, start=start, end=end)


def shift_delete_as(caller: Caller, shift) -> None:
    if not policy.may_change_shifts(caller.user, shift.worker):
        raise Forbidden
    services.shift_delete(shift=shift)
