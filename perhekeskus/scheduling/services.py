"""Every write of the calendar: one function per use case, each in one transaction.

Rules kept here (and by the database where it can):
- no resource (worker, work pair; later a room or a car) is double-booked by
  non-cancelled appointments. PostgreSQL's exclusion constraint ``participant_no_overlap``
  guarantees it under concurrency; on SQLite the check below runs inside an IMMEDIATE
  transaction, which serialises writers;
- end after start, actual times only on realised entries, a cancellation has a reason,
  prices are non-negative;
- booking outside the worker's shifts needs the coordinator's confirmation, or is refused
  (setting ``BOOKING_OUTSIDE_SHIFT``);
- every change is recorded in AppointmentChange (who, when, what);
- the actor must have the right (``access.policy``), asked here again after the use case
  asked it (defence in depth): a worker they may book, a family they already reach, an
  appointment they may change. An actor of None is a system job (the demo generator, a
  management command), never a request.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from perhekeskus.access import frontdoor, policy
from perhekeskus.errors import Conflict
from perhekeskus.people.models import Family, Person, Worker

from . import selectors  # noqa: I001
from .models import (
    Absence,
    Appointment,
    AppointmentChange,
    AppointmentSeries,
    CancellationReason,
    CancelledBy,
    Participant,
    Resource,
    Shift,
    WorkType,
)
from .selectors import overlapping
from .signals import appointment_changed, appointment_realised

HELSINKI = ZoneInfo("Europe/Helsinki")
MAX_RECURRING_WEEKS = 104


class BookingConflict(Conflict):
    """A resource is already booked for (part of) the requested time."""


class OutsideShift(ValidationError):
    """The booking falls outside the worker's shifts and was not confirmed."""


@dataclass(frozen=True)
class Interval:
    start: dt.datetime
    end: dt.datetime


EARLIEST = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)
LATEST = dt.datetime(2200, 1, 1, tzinfo=dt.UTC)


def _in_range(value: dt.datetime) -> bool:
    """Times the calendar handles; far outside, time-zone and window arithmetic overflow."""
    return EARLIEST <= value <= LATEST


def _fmt(value: dt.datetime) -> str:
    local = timezone.localtime(value, HELSINKI)
    return f"{local.day}.{local.month}.{local.year} {local:%H:%M}"


def _fmt_span(start: dt.datetime, end: dt.datetime) -> str:
    local_start, local_end = timezone.localtime(start, HELSINKI), timezone.localtime(end, HELSINKI)
    if local_start.date() == local_end.date():
        return f"{_fmt(start)}–{local_end:%H:%M}"
    return f"{_fmt(start)}–{_fmt(end)}"


# --- rights (defence in depth: the use cases ask first) -------------------------------------


def _authorise_booking(actor, workers: Sequence[Worker], family: Family | None) -> None:
    if actor is None:
        return
    if not policy.can_book_for(actor, workers[0]):
        raise PermissionDenied(_("You may not book this worker."))
    if family is not None:
        _authorise_family(actor, family)


def _authorise_family(actor, family: Family) -> None:
    if actor is not None and policy.family_write_basis(actor, family.pk) is None:
        raise ValidationError({"family": [frontdoor.FAMILY_UNKNOWN]}, code="unknown")


def _authorise_change(actor, appointment: Appointment) -> None:
    if actor is not None and not policy.can_edit_appointment(actor, appointment):
        raise PermissionDenied


# --- checks ---------------------------------------------------------------------------


def find_conflicts(
    *, resource_ids: Sequence[int], intervals: Sequence[Interval], exclude_appointment_ids: Iterable[int] = ()
) -> list[Participant]:
    """Active participations of the given resources that overlap any of the intervals."""
    if not resource_ids or not intervals:
        return []
    overlap = Q()
    for interval in intervals:
        overlap |= overlapping(interval.start, interval.end)
    return list(
        Participant.objects.filter(overlap, active=True, resource_id__in=resource_ids)
        .exclude(appointment_id__in=list(exclude_appointment_ids))
        .select_related("appointment__work_type", "resource")
        .order_by("start")
    )


def _conflict_error(conflicts: list[Participant]) -> BookingConflict:
    lines = []
    for p in conflicts[:5]:
        lines.append(
            _("%(name)s is already booked %(when)s (%(work_type)s).")
            % {"name": p.resource.name, "when": _fmt_span(p.start, p.end), "work_type": p.appointment.work_type.name}
        )
    if len(conflicts) > 5:
        lines.append(_("…and %(count)d more collisions.") % {"count": len(conflicts) - 5})
    return BookingConflict({"planned_start": lines}, code="conflict")


def _check_conflicts(workers: Sequence[Worker], intervals: Sequence[Interval], exclude: Iterable[int] = ()) -> None:
    conflicts = find_conflicts(
        resource_ids=[w.resource_id for w in workers], intervals=intervals, exclude_appointment_ids=exclude
    )
    if conflicts:
        raise _conflict_error(conflicts)


def intervals_outside_shifts(worker: Worker, intervals: Sequence[Interval]) -> list[Interval]:
    """Intervals not wholly covered by the worker's shifts (adjacent shifts join)."""
    if not intervals:
        return []
    lo = min(i.start for i in intervals)
    hi = max(i.end for i in intervals)
    shifts = list(
        Shift.objects.filter(overlapping(lo, hi), worker=worker).order_by("start").values_list("start", "end")
    )
    # an absence takes its time out of the shifts
    shifts = selectors.subtract_intervals(shifts, selectors.absences_by_worker([worker.pk], lo, hi).get(worker.pk, []))
    merged: list[list[dt.datetime]] = []
    for s, e in shifts:
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    return [i for i in intervals if not any(s <= i.start and i.end <= e for s, e in merged)]


def booking_warnings(*, workers: Sequence[Worker], intervals: Sequence[Interval]) -> list[str]:
    """Human-readable warnings for bookings outside shifts (one per worker)."""
    warnings = []
    for worker in workers:
        outside = intervals_outside_shifts(worker, intervals)
        if outside:
            warnings.append(
                _("%(name)s has no shift covering %(when)s.")
                % {"name": worker.name, "when": ", ".join(_fmt_span(i.start, i.end) for i in outside[:3])}
                + (" " + _("(%(count)d times in all)") % {"count": len(outside)} if len(outside) > 3 else "")
            )
    return warnings


def _check_shifts(workers: Sequence[Worker], intervals: Sequence[Interval], confirmed: bool) -> None:
    warnings = booking_warnings(workers=workers, intervals=intervals)
    if not warnings:
        return
    if settings.BOOKING_OUTSIDE_SHIFT == "refuse":
        raise ValidationError(
            {"planned_start": warnings + [_("Bookings outside shifts are not allowed.")]}, code="outside_shift"
        )
    if not confirmed:
        raise OutsideShift(
            {"confirm_outside_shift": warnings + [_("Confirm to book outside the shift.")]}, code="outside_shift"
        )


def _validate(
    *,
    worker: Worker,
    pair: Worker | None,
    work_type: WorkType,
    start: dt.datetime,
    end: dt.datetime,
    unit_price: Decimal,
    family: Family | None,
    persons: Sequence[Person],
    location_kind: str,
) -> None:
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if start is None or end is None:
        add("planned_start", _("Start and end are required."))
    elif timezone.is_naive(start) or timezone.is_naive(end):
        add("planned_start", _("Times must include a time zone."))
    elif not (_in_range(start) and _in_range(end)):
        add("planned_start", _("Enter a date between 1900 and 2200."))
    elif end <= start:
        add("planned_end", _("The end must be after the start."))
    elif end - start > dt.timedelta(hours=24):
        add("planned_end", _("An appointment can last at most 24 hours."))
    if unit_price is None or unit_price < 0:
        add("unit_price", _("The unit price cannot be negative."))
    if not worker.is_active:
        add("worker", _("This worker is no longer active."))
    if pair is not None:
        if pair.pk == worker.pk:
            add("pair", _("The work pair must be another worker."))
        elif not pair.is_active:
            add("pair", _("This worker is no longer active."))
    if not work_type.is_active:
        add("work_type", _("This work type is no longer in use."))
    if persons:
        if family is None:
            add("persons", _("Choose the family of the persons."))
        else:
            member_ids = set(family.memberships.values_list("person_id", flat=True))
            if any(p.pk not in member_ids for p in persons):
                add("persons", _("Every person must belong to the chosen family."))
    if location_kind == Appointment.LocationKind.CLIENT_HOME and family is None:
        add("location_kind", _("A home visit needs a family."))
    if errors:
        raise ValidationError(errors)


# --- history --------------------------------------------------------------------------

_TRACKED_TIMES = ("planned_start", "planned_end", "actual_start", "actual_end")
_TRACKED_VALUES = ("status", "unit_price", "location_kind", "cancellation_reason", "cancelled_by")
_TRACKED_IDS = ("work_type_id", "family_id")
_TRACKED_TEXT = ("address", "notes_to_heed", "cancellation_text")


def _snapshot(a: Appointment) -> dict:
    snap = {f: getattr(a, f) for f in _TRACKED_TIMES + _TRACKED_VALUES + _TRACKED_IDS + _TRACKED_TEXT}
    snap["workers"] = sorted((p.role, p.resource_id) for p in a.participants.all()) if a.pk else []
    return snap


def _diff(before: dict, after: dict) -> dict:
    changes = {}
    for key, old in before.items():
        new = after[key]
        if old == new:
            continue
        if key in _TRACKED_TEXT:
            changes[key] = "changed"  # client data is not copied into the history
        elif isinstance(old, (dt.datetime, Decimal)) or isinstance(new, (dt.datetime, Decimal)):
            changes[key] = [None if old is None else str(old), None if new is None else str(new)]
        else:
            changes[key] = [old, new]
    return changes


def _record(appointment: Appointment, actor: AbstractBaseUser | None, action: str, changes: dict) -> None:
    AppointmentChange.objects.create(
        appointment=appointment,
        changed_by=actor if actor and actor.is_authenticated else None,
        action=action,
        changes=changes,
    )
    appointment_changed.send(sender=Appointment, appointment=appointment)


# --- participants -----------------------------------------------------------------------


def _sync_participants(
    appointment: Appointment, worker: Worker, pair: Worker | None, invited: Sequence[Worker] | None = None
) -> None:
    """Make the appointment's participant rows match its workers, times and status: the
    worker (primary), the work pair, and the workers ``invited`` to a network meeting
    (None: keep the invited it has). Rows of other roles are kept; every row's times and
    activity follow the appointment.

    Rows are written in resource-id order and only when something changes: under
    concurrency this keeps PostgreSQL's exclusion checks from waiting on each other in a
    cycle (a needless UPDATE re-checks the constraint)."""
    existing = list(appointment.participants.all())
    own_roles = (Participant.Role.PRIMARY, Participant.Role.PAIR)
    if invited is not None:
        own_roles += (Participant.Role.INVITED,)
    wanted = {p.resource_id: p.role for p in existing if p.role not in own_roles}
    wanted.update({w.resource_id: Participant.Role.INVITED for w in invited or ()})
    if pair is not None:
        wanted[pair.resource_id] = Participant.Role.PAIR
    wanted[worker.resource_id] = Participant.Role.PRIMARY
    active = appointment.status != Appointment.Status.CANCELLED
    times = (appointment.planned_start, appointment.planned_end, active)
    kept = []
    for participant in existing:
        if wanted.get(participant.resource_id) == participant.role:
            kept.append(participant)
        else:
            participant.delete()
    have = {p.resource_id for p in kept}
    for resource_id in sorted(set(wanted) - have):
        Participant.objects.create(
            appointment=appointment,
            resource_id=resource_id,
            role=wanted[resource_id],
            start=appointment.planned_start,
            end=appointment.planned_end,
            active=active,
        )
    for participant in sorted(kept, key=lambda p: p.resource_id):
        if (participant.start, participant.end, participant.active) != times:
            participant.start, participant.end, participant.active = times
            participant.save(update_fields=["start", "end", "active"])


def _save_guarded(fn):
    """Run a write in a savepoint; turn the PostgreSQL exclusion violation into the same
    clear conflict error that the check gives on SQLite."""

    def wrapped(*, workers: Sequence[Worker], intervals: Sequence[Interval], exclude: Iterable[int] = ()):
        try:
            with transaction.atomic():
                return fn()
        except (IntegrityError, OperationalError) as exc:
            # the exclusion constraint refused an overlap, or two bookings of the same
            # resources waited on each other and PostgreSQL chose this one to give way
            deadlock = getattr(getattr(exc, "__cause__", None), "sqlstate", None) == "40P01"
            if "participant_no_overlap" not in str(exc) and not deadlock:
                raise
            conflicts = find_conflicts(
                resource_ids=[w.resource_id for w in workers],
                intervals=intervals,
                exclude_appointment_ids=exclude,
            )
            raise (
                _conflict_error(conflicts)
                if conflicts
                else BookingConflict(
                    {"planned_start": [_("Someone else booked this time just now. Please try again.")]},
                    code="conflict",
                )
            ) from exc

    return wrapped


# --- use cases ------------------------------------------------------------------------


def appointment_book(
    *,
    actor: AbstractBaseUser | None,
    worker: Worker,
    work_type: WorkType,
    start: dt.datetime,
    end: dt.datetime,
    unit_price: Decimal | None = None,
    family: Family | None = None,
    persons: Sequence[Person] = (),
    location_kind: str = Appointment.LocationKind.UNIT,
    address: str = "",
    notes_to_heed: str = "",
    pair: Worker | None = None,
    confirm_outside_shift: bool = False,
    series: AppointmentSeries | None = None,
    window: tuple[dt.datetime, dt.datetime] | None = None,
    invited: Sequence[Worker] = (),
    _checked: bool = False,
) -> Appointment:
    """Book one appointment for a worker (and an invited work pair). ``window``: the
    visit may start any time in it (home help); ``start`` is the plan inside it.
    ``invited``: the other participants of a network meeting (``appointment_book_meeting``
    checks them)."""
    price = work_type.default_unit_price if unit_price is None else unit_price
    if window is not None:
        w_start, w_end = window
        if not (w_start <= start <= w_end) or timezone.localtime(w_start).date() != timezone.localtime(w_end).date():
            raise ValidationError(
                {"window_start": [_("The planned start must lie inside the time window, on the same day.")]}
            )
    workers = [worker] + ([pair] if pair else []) + list(invited)
    interval = [Interval(start, end)]
    with transaction.atomic():
        if not _checked:
            _authorise_booking(actor, workers, family)
            _validate(
                worker=worker,
                pair=pair,
                work_type=work_type,
                start=start,
                end=end,
                unit_price=price,
                family=family,
                persons=persons,
                location_kind=location_kind,
            )
            _check_conflicts(workers, interval)
            _check_shifts(workers, interval, confirm_outside_shift)
        if not address and location_kind == Appointment.LocationKind.CLIENT_HOME and family is not None:
            address = family.full_address
        elif not address and location_kind == Appointment.LocationKind.UNIT:
            address = worker.unit.address

        def create() -> Appointment:
            appointment = Appointment.objects.create(
                work_type=work_type,
                planned_start=start,
                planned_end=end,
                unit_price=price,
                family=family,
                location_kind=location_kind,
                address=address,
                notes_to_heed=notes_to_heed,
                series=series,
                window_start=window[0] if window else None,
                window_end=window[1] if window else None,
                created_by=actor if actor and actor.is_authenticated else None,
            )
            if persons:
                appointment.persons.set(persons)
            _sync_participants(appointment, worker, pair, invited)
            return appointment

        appointment = _save_guarded(create)(workers=workers, intervals=interval)
        _record(appointment, actor, "created", _diff(_snapshot(Appointment()), _snapshot(appointment)))
    return appointment


def appointment_book_meeting(
    *,
    actor: AbstractBaseUser | None,
    convener: Worker,
    invited: Sequence[Worker],
    work_type: WorkType,
    start: dt.datetime,
    end: dt.datetime,
    family: Family,
    persons: Sequence[Person] = (),
    location_kind: str = Appointment.LocationKind.UNIT,
    address: str = "",
) -> Appointment:
    """Book a network meeting: one appointment with the convener (its primary worker)
    and every invited worker as participants, in everyone's calendar at once. All or
    nothing: nobody may be double-booked (the same rule as any booking, kept by the
    database on PostgreSQL) and everyone must be in a shift; the slot search proposes
    only such times (``freetime.propose``). Who may convene is the caller's use case's
    question (``access.policy.may_convene_meeting``); the family must be one the actor
    may name."""
    invited = [w for w in invited if w.pk != convener.pk]
    errors: dict[str, list[str]] = {}
    if not invited:
        errors["workers"] = [_("Invite at least one other professional.")]
    elif len({w.pk for w in invited}) != len(invited):
        errors["workers"] = [_("Each professional can be invited only once.")]
    inactive = [w.name for w in [convener, *invited] if not w.is_active]
    if inactive:
        errors.setdefault("workers", []).append(_("No longer active: %(names)s.") % {"names": ", ".join(inactive)})
    if errors:
        raise ValidationError(errors)
    _validate(
        worker=convener,
        pair=None,
        work_type=work_type,
        start=start,
        end=end,
        unit_price=work_type.default_unit_price,
        family=family,
        persons=persons,
        location_kind=location_kind,
    )
    workers = [convener, *invited]
    interval = [Interval(start, end)]
    with transaction.atomic():
        _authorise_family(actor, family)
        _check_conflicts(workers, interval)
        outside = [w for w in workers if intervals_outside_shifts(w, interval)]
        if outside:
            raise ValidationError(
                {
                    "planned_start": [
                        _("Not in a shift at that time: %(names)s.") % {"names": ", ".join(w.name for w in outside)}
                    ]
                },
                code="outside_shift",
            )
        return appointment_book(
            actor=actor,
            worker=convener,
            work_type=work_type,
            start=start,
            end=end,
            family=family,
            persons=persons,
            location_kind=location_kind,
            address=address,
            invited=invited,
            _checked=True,
        )


def recurrence_intervals(
    *, first_start: dt.datetime, first_end: dt.datetime, weekdays: Sequence[int], weeks: int
) -> list[Interval]:
    """Occurrences of a weekly pattern in local (Helsinki) wall-clock time: 9:30 stays
    9:30 across daylight-saving changes. ``weekdays`` are ISO (1 = Monday). The first
    week is the week of ``first_start``; days before it in that week are skipped."""
    local_start = timezone.localtime(first_start, HELSINKI)
    local_end = timezone.localtime(first_end, HELSINKI)
    start_time, end_time = local_start.time().replace(tzinfo=None), local_end.time().replace(tzinfo=None)
    day_span = (local_end.date() - local_start.date()).days
    monday = local_start.date() - dt.timedelta(days=local_start.isoweekday() - 1)
    result = []
    for week in range(weeks):
        for weekday in sorted(set(weekdays)):
            day = monday + dt.timedelta(days=7 * week + weekday - 1)
            if day < local_start.date():
                continue
            s = dt.datetime.combine(day, start_time, tzinfo=HELSINKI)
            e = dt.datetime.combine(day + dt.timedelta(days=day_span), end_time, tzinfo=HELSINKI)
            result.append(Interval(s.astimezone(dt.UTC), e.astimezone(dt.UTC)))
    return result


def appointment_book_recurring(
    *,
    actor: AbstractBaseUser | None,
    worker: Worker,
    work_type: WorkType,
    start: dt.datetime,
    end: dt.datetime,
    weekdays: Sequence[int],
    weeks: int,
    unit_price: Decimal | None = None,
    family: Family | None = None,
    persons: Sequence[Person] = (),
    location_kind: str = Appointment.LocationKind.UNIT,
    address: str = "",
    notes_to_heed: str = "",
    pair: Worker | None = None,
    confirm_outside_shift: bool = False,
    skip_dates: Collection[dt.date] = (),
) -> list[Appointment]:
    """Book a weekly pattern for N weeks. Every occurrence is checked; all or nothing.
    Occurrences on ``skip_dates`` (local dates, e.g. public holidays) are not booked."""
    errors = {}
    if not weekdays or any(d not in range(1, 8) for d in weekdays):
        errors["weekdays"] = [_("Choose at least one weekday.")]
    if not 1 <= weeks <= MAX_RECURRING_WEEKS:
        errors["weeks"] = [_("The number of weeks must be between 1 and %(max)d.") % {"max": MAX_RECURRING_WEEKS}]
    if errors:
        raise ValidationError(errors)
    price = work_type.default_unit_price if unit_price is None else unit_price
    _authorise_booking(actor, [worker], family)
    _validate(
        worker=worker,
        pair=pair,
        work_type=work_type,
        start=start,
        end=end,
        unit_price=price,
        family=family,
        persons=persons,
        location_kind=location_kind,
    )
    intervals = recurrence_intervals(first_start=start, first_end=end, weekdays=weekdays, weeks=weeks)
    if skip_dates:
        skip = set(skip_dates)
        intervals = [i for i in intervals if timezone.localtime(i.start, HELSINKI).date() not in skip]
    if not intervals:
        raise ValidationError({"weekdays": [_("The pattern gives no occurrences.")]})
    workers = [worker] + ([pair] if pair else [])
    with transaction.atomic():
        _check_conflicts(workers, intervals)
        _check_shifts(workers, intervals, confirm_outside_shift)
        series = AppointmentSeries.objects.create(
            weekdays=sorted(set(weekdays)),
            weeks=weeks,
            first_date=timezone.localtime(intervals[0].start, HELSINKI).date(),
            created_by=actor if actor and actor.is_authenticated else None,
        )
        return [
            appointment_book(
                actor=actor,
                worker=worker,
                work_type=work_type,
                start=i.start,
                end=i.end,
                unit_price=price,
                family=family,
                persons=persons,
                location_kind=location_kind,
                address=address,
                notes_to_heed=notes_to_heed,
                pair=pair,
                series=series,
                _checked=True,
            )
            for i in intervals
        ]


def workers_of(appointment: Appointment) -> tuple[Worker, Worker | None]:
    by_role = {p.role: p.resource_id for p in appointment.participants.all()}
    found = Worker.objects.filter(resource_id__in=by_role.values()).select_related("unit", "service", "organisation")
    workers = {w.resource_id: w for w in found}
    primary = workers[by_role[Participant.Role.PRIMARY]]
    pair = workers.get(by_role.get(Participant.Role.PAIR))
    return primary, pair


def invited_of(appointment: Appointment) -> list[Worker]:
    """The workers invited to a network meeting's appointment (none for other bookings)."""
    ids = [p.resource_id for p in appointment.participants.all() if p.role == Participant.Role.INVITED]
    return list(Worker.objects.filter(resource_id__in=ids).select_related("unit")) if ids else []


UNSET = object()


def appointment_update(
    *,
    actor: AbstractBaseUser | None,
    appointment: Appointment,
    scope: str = "one",
    worker: Worker | None = None,
    pair: Worker | None | object = UNSET,
    work_type: WorkType | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    unit_price: Decimal | None = None,
    family: Family | None | object = UNSET,
    persons: Sequence[Person] | None = None,
    location_kind: str | None = None,
    address: str | None = None,
    notes_to_heed: str | None = None,
    confirm_outside_shift: bool = False,
) -> list[Appointment]:
    """Change a planned appointment, or it and all following planned occurrences of its
    series (``scope="following"``). Every changed occurrence is checked for conflicts."""
    if scope not in ("one", "following"):
        raise ValidationError({"scope": [_("Unknown scope.")]})
    with transaction.atomic():
        appointment = (
            Appointment.objects.select_for_update(of=("self",))
            .select_related("work_type", "family")
            .get(pk=appointment.pk)
        )
        _authorise_change(actor, appointment)
        if appointment.status != Appointment.Status.PLANNED:
            raise ValidationError(_("Only planned appointments can be changed."), code="not_planned")
        old_worker, old_pair = workers_of(appointment)
        new_worker = worker or old_worker
        new_pair = old_pair if pair is UNSET else pair
        new_family = appointment.family if family is UNSET else family
        new_start = start or appointment.planned_start
        new_end = end or (new_start + (appointment.planned_end - appointment.planned_start))
        new_type = work_type or appointment.work_type
        new_price = appointment.unit_price if unit_price is None else unit_price
        if work_type is not None and unit_price is None and work_type.pk != appointment.work_type_id:
            new_price = work_type.default_unit_price
        new_persons = list(appointment.persons.all()) if persons is None else list(persons)
        if family is not UNSET and persons is None and (new_family is None or new_family != appointment.family):
            new_persons = []
        new_location = location_kind or appointment.location_kind
        if worker is not None and worker != old_worker:
            _authorise_booking(actor, [new_worker], None)
        if family is not UNSET and new_family is not None and new_family != appointment.family:
            _authorise_family(actor, new_family)
        _validate(
            worker=new_worker,
            pair=new_pair,
            work_type=new_type,
            start=new_start,
            end=new_end,
            unit_price=new_price,
            family=new_family,
            persons=new_persons,
            location_kind=new_location,
        )

        targets = [appointment]
        if scope == "following" and appointment.series_id:
            targets = list(
                Appointment.objects.select_for_update(of=("self",))
                .filter(
                    series_id=appointment.series_id,
                    status=Appointment.Status.PLANNED,
                    planned_start__gte=appointment.planned_start,
                )
                .select_related("work_type", "family")
                .order_by("planned_start")
            )
        # Each target keeps its own date, shifted by the same number of days, at the new
        # wall-clock time: a move from Tuesday 9:30 to Wednesday 10:00 moves every
        # following Tuesday 9:30 to that week's Wednesday 10:00.
        old_local = timezone.localtime(appointment.planned_start, HELSINKI)
        new_local = timezone.localtime(new_start, HELSINKI)
        day_shift = new_local.date() - old_local.date()
        duration = new_end - new_start
        plan = []
        for target in targets:
            if target.pk == appointment.pk:
                s, e = new_start, new_end
            else:
                t_local = timezone.localtime(target.planned_start, HELSINKI)
                s = dt.datetime.combine(
                    t_local.date() + day_shift, new_local.time().replace(tzinfo=None), tzinfo=HELSINKI
                ).astimezone(dt.UTC)
                e = s + duration
            plan.append((target, Interval(s, e)))
        # a network meeting's invited move with it: checked like its worker and pair
        invited = [w for w in invited_of(appointment) if w not in (new_worker, new_pair)]
        workers = [new_worker] + ([new_pair] if new_pair else []) + invited
        intervals = [i for _t, i in plan]
        exclude = [t.pk for t in targets]
        _check_conflicts(workers, intervals, exclude)
        times_changed = (
            any((i.start, i.end) != (t.planned_start, t.planned_end) for t, i in plan)
            or new_worker != old_worker
            or new_pair != old_pair
        )
        if times_changed:
            _check_shifts(workers, intervals, confirm_outside_shift)

        def write() -> list[Appointment]:
            for target, interval in plan:
                before = _snapshot(target)
                target.planned_start, target.planned_end = interval.start, interval.end
                target.work_type = new_type
                target.unit_price = new_price
                target.family = new_family
                target.location_kind = new_location
                if address is not None:
                    target.address = address
                elif (
                    new_location == Appointment.LocationKind.CLIENT_HOME
                    and new_family is not None
                    and (new_family != appointment.family or location_kind)
                ):
                    target.address = new_family.full_address
                if notes_to_heed is not None:
                    target.notes_to_heed = notes_to_heed
                target.save()
                target.persons.set(new_persons)
                _sync_participants(target, new_worker, new_pair)
                changes = _diff(before, _snapshot(target))
                if changes:
                    _record(target, actor, "updated", changes)
            return [t for t, _i in plan]

        return _save_guarded(write)(workers=workers, intervals=intervals, exclude=exclude)


class MoveNeedsConfirmation(OutsideShift):
    """A move that changes the appointment's service or organisation, or drops its work
    pair, was not confirmed. Its messages name each change (and the shift warning, when
    the new time is also outside a shift), so one confirmation covers what was shown."""


def _move_changes(old_worker: Worker, old_pair: Worker | None, worker: Worker | None) -> list[str]:
    """What moving an appointment from ``old_worker`` onto ``worker`` changes beyond its
    time, in words: the service and the organisation the work is done in, and a work
    pair dropped because the new worker is that pair."""
    if worker is None or worker.pk == old_worker.pk:
        return []
    changes = []
    if worker.service_id != old_worker.service_id:
        changes.append(
            _("The service changes: %(old)s → %(new)s.")
            % {"old": old_worker.service or "–", "new": worker.service or "–"}
        )
    if worker.organisation_id != old_worker.organisation_id:
        changes.append(
            _("The organisation changes: %(old)s → %(new)s.")
            % {"old": old_worker.organisation, "new": worker.organisation}
        )
    if old_pair is not None and worker.pk == old_pair.pk:
        changes.append(_("The work pair %(pair)s is dropped from the appointment.") % {"pair": old_pair})
    return changes


def appointment_move(
    *,
    actor: AbstractBaseUser | None,
    appointment: Appointment,
    start: dt.datetime,
    worker: Worker | None = None,
    pair: Worker | None | object = UNSET,
    confirm_outside_shift: bool = False,
) -> Appointment:
    """Move one appointment (drag on the timeline), keeping its duration; optionally to
    another worker. A move that changes the service or organisation or drops the pair
    (the new worker was the pair) raises ``MoveNeedsConfirmation`` unless confirmed;
    ``pair`` given sets the pair as well (the undo of such a move)."""
    duration = appointment.planned_end - appointment.planned_start
    changes = []
    if pair is UNSET:
        old_worker, old_pair = workers_of(appointment)
        changes = _move_changes(old_worker, old_pair, worker)
        if old_pair is not None and worker is not None and worker.pk == old_pair.pk:
            pair = None
    if changes and not confirm_outside_shift:
        workers = [worker] + ([pair] if isinstance(pair, Worker) else [])
        shift = booking_warnings(workers=workers, intervals=[Interval(start, start + duration)])
        raise MoveNeedsConfirmation(
            {"confirm_outside_shift": changes + shift + [_("Confirm to move the appointment.")]},
            code="move_changes",
        )
    return appointment_update(
        actor=actor,
        appointment=appointment,
        start=start,
        end=start + duration,
        worker=worker,
        pair=pair,
        confirm_outside_shift=confirm_outside_shift,
    )[0]


def appointment_realise(
    *,
    actor: AbstractBaseUser | None,
    appointment: Appointment,
    actual_start: dt.datetime | None = None,
    actual_end: dt.datetime | None = None,
) -> Appointment:
    """Mark an appointment realised; the actual times default to the planned ones. A
    realised appointment may be realised again to correct its times."""
    with transaction.atomic():
        appointment = Appointment.objects.select_for_update(of=("self",)).get(pk=appointment.pk)
        _authorise_change(actor, appointment)
        if appointment.status == Appointment.Status.CANCELLED:
            raise ValidationError(_("A cancelled appointment cannot be marked realised."), code="cancelled")
        s = actual_start or appointment.planned_start
        e = actual_end or (
            appointment.planned_end
            if actual_start is None
            else s + (appointment.planned_end - appointment.planned_start)
        )
        errors = {}
        if not (_in_range(s) and _in_range(e)):
            errors["actual_start"] = [_("Enter a date between 1900 and 2200.")]
        elif e <= s:
            errors["actual_end"] = [_("The end must be after the start.")]
        elif e - s > dt.timedelta(hours=24):
            errors["actual_end"] = [_("An appointment can last at most 24 hours.")]
        if s > timezone.now():
            errors["actual_start"] = [_("An appointment cannot be marked realised before it has started.")]
        if errors:
            raise ValidationError(errors)
        before = _snapshot(appointment)
        appointment.status = Appointment.Status.REALISED
        appointment.actual_start, appointment.actual_end = s, e
        appointment.save(update_fields=["status", "actual_start", "actual_end", "updated_at"])
        _record(appointment, actor, "realised", _diff(before, _snapshot(appointment)))
        appointment_realised.send(sender=Appointment, appointment=appointment, actor=actor)
    return appointment


_DEFAULT_PARTY = {
    CancellationReason.CLIENT_CANCELLED: CancelledBy.CLIENT,
    CancellationReason.CLIENT_NO_SHOW: CancelledBy.CLIENT,
    CancellationReason.WORKER_ILL: CancelledBy.WORKER,
    CancellationReason.ORGANISATION_CANCELLED: CancelledBy.ORGANISATION,
}


def appointment_cancel(
    *,
    actor: AbstractBaseUser | None,
    appointment: Appointment,
    reason: str,
    text: str = "",
    cancelled_by: str | None = None,
) -> Appointment:
    """Cancel with a reason; the entry stays as history and frees the time."""
    errors = {}
    if reason not in CancellationReason.values:
        errors["reason"] = [_("Choose a cancellation reason.")]
    elif reason == CancellationReason.OTHER and not text.strip():
        errors["text"] = [_("Explain the reason when it is 'Other'.")]
    party = cancelled_by or _DEFAULT_PARTY.get(reason)
    if party not in CancelledBy.values and "reason" not in errors:
        errors["cancelled_by"] = [_("Choose who cancelled.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        appointment = Appointment.objects.select_for_update(of=("self",)).get(pk=appointment.pk)
        _authorise_change(actor, appointment)
        if appointment.status != Appointment.Status.PLANNED:
            raise ValidationError(_("Only planned appointments can be cancelled."), code="not_planned")
        before = _snapshot(appointment)
        appointment.status = Appointment.Status.CANCELLED
        appointment.cancellation_reason = reason
        appointment.cancellation_text = text.strip()
        appointment.cancelled_by = party
        appointment.cancelled_at = timezone.now()
        appointment.save(
            update_fields=[
                "status",
                "cancellation_reason",
                "cancellation_text",
                "cancelled_by",
                "cancelled_at",
                "updated_at",
            ]
        )
        appointment.participants.update(active=False)
        _record(appointment, actor, "cancelled", _diff(before, _snapshot(appointment)))
    return appointment


# --- workers ---------------------------------------------------------------------------


def worker_create(**fields) -> Worker:
    """Create a worker together with the resource through which it is booked (the
    resource is the calendar's, so the calendar creates both)."""
    languages = fields.pop("languages", ())
    competences = fields.pop("competences", ())
    with transaction.atomic():
        resource = Resource.objects.create(
            kind=Resource.Kind.WORKER, name=f"{fields['first_name']} {fields['last_name']}"
        )
        worker = Worker.objects.create(resource=resource, **fields)
        if languages:
            worker.languages.set(languages)
        if competences:
            worker.competences.set(competences)
    return worker


# --- shifts ----------------------------------------------------------------------------


def shift_create(*, worker: Worker, start: dt.datetime, end: dt.datetime) -> Shift:
    _validate_shift(worker, start, end, exclude=None)
    with transaction.atomic():
        return Shift.objects.create(worker=worker, start=start, end=end)


def shift_update(*, shift: Shift, start: dt.datetime, end: dt.datetime) -> Shift:
    _validate_shift(shift.worker, start, end, exclude=shift.pk)
    with transaction.atomic():
        shift.start, shift.end = start, end
        shift.save(update_fields=["start", "end"])
        return shift


def shift_delete(*, shift: Shift) -> None:
    with transaction.atomic():
        shift.delete()


def _validate_shift(worker: Worker, start: dt.datetime, end: dt.datetime, exclude: int | None) -> None:
    if not (_in_range(start) and _in_range(end)):
        raise ValidationError({"start": [_("Enter a date between 1900 and 2200.")]})
    if end <= start:
        raise ValidationError({"end": [_("The end must be after the start.")]})
    if end - start > dt.timedelta(hours=24):
        raise ValidationError({"end": [_("A shift can last at most 24 hours.")]})
    clash = Shift.objects.filter(overlapping(start, end), worker=worker).exclude(pk=exclude)
    if clash.exists():
        raise ValidationError({"start": [_("The worker already has a shift at this time.")]})


def absence_record(*, actor, worker: Worker, start: dt.datetime, end: dt.datetime, reason: str) -> Absence:
    """Record a worker's absence: its time leaves the shifts' capacity (the booking
    check, the resource view, allocation). Appointments in it stay as they are until the
    coordinator accepts a re-plan."""
    if actor is not None and not policy.may_record_absence(actor, worker):
        raise PermissionDenied
    if reason not in Absence.Reason.values:
        raise ValidationError({"reason": [_("Choose the reason.")]})
    if end <= start:
        raise ValidationError({"end": [_("The end must be after the start.")]})
    if Absence.objects.filter(worker=worker, start__lt=end, end__gt=start, withdrawn_at__isnull=True).exists():
        raise ValidationError({"start": [_("The worker already has an absence in this period.")]})
    return Absence.objects.create(worker=worker, start=start, end=end, reason=reason, recorded_by=actor)


def absence_withdraw(*, actor, absence: Absence) -> Absence:
    if actor is not None and not policy.may_record_absence(actor, absence.worker):
        raise PermissionDenied
    absence.withdrawn_at, absence.withdrawn_by = timezone.now(), actor
    absence.save(update_fields=["withdrawn_at", "withdrawn_by"])
    return absence
