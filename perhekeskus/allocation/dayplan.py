"""A worker's (or a team's) day of home visits as a route (docs/allocation.md): the
order and times that minimise travel, visits with a time window placed inside it, fixed
visits kept; then the travel legs between consecutive places booked as travel entries
(work class "travel"), so that the worker's day shows them and the visits and travel
report counts them. Reads here; ``apply`` writes through the booking services, all or
nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from perhekeskus.people.models import Worker
from perhekeskus.scheduling import services as scheduling_services
from perhekeskus.scheduling.models import Appointment, Participant, Shift, WorkClass, WorkType

from . import routing, travel
from .candidates import HELSINKI

ROUTE_NOTE = "route"  # the travel entries the planner books carry this in notes_to_heed
MIN_TRAVEL = 1.0  # minutes: shorter legs are not booked
ROUTE_ITERATIONS = 3000  # of the genetic search for a day (tens of stops: well under a second)


@dataclass
class PlannedVisit:
    appointment: Appointment
    worker: Worker
    start: dt.datetime
    end: dt.datetime
    travel_before: float  # minutes from the previous place
    km_before: float
    moved: bool
    window: bool


@dataclass
class DayPlan:
    day: dt.date
    workers: list[Worker]
    visits: list[PlannedVisit] = field(default_factory=list)
    back: dict = field(default_factory=dict)  # worker id -> minutes back to the base
    travel_now: float = 0.0  # minutes of travel in the current order
    travel_planned: float = 0.0
    unplaced: list[Appointment] = field(default_factory=list)
    feasible: bool = True
    problem: str = ""
    travel_type: WorkType | None = None
    fallback_used: bool = False
    seconds: float = 0.0

    @property
    def fingerprint(self) -> str:
        raw = "|".join(f"{v.appointment.pk}:{v.worker.pk}:{v.start.isoformat()}" for v in self.visits)
        return hashlib.sha256(raw.encode()).hexdigest()[:16]

    @property
    def saving(self) -> float:
        return max(0.0, self.travel_now - self.travel_planned)

    def legs(self):
        """(worker, start, end, minutes) of every travel leg to book, base to base."""
        out = []
        for w in self.workers:
            mine = sorted((v for v in self.visits if v.worker.pk == w.pk), key=lambda v: v.start)
            prev_end = None
            for v in mine:
                if v.travel_before >= MIN_TRAVEL:
                    begin = v.start - dt.timedelta(minutes=v.travel_before)
                    if prev_end is not None:
                        begin = max(prev_end, begin)
                    if begin < v.start:
                        out.append((w, begin, v.start, v.travel_before))
                prev_end = v.end
            if mine and self.back.get(w.pk, 0) >= MIN_TRAVEL:
                end = mine[-1].end + dt.timedelta(minutes=self.back[w.pk])
                out.append((w, mine[-1].end, end, self.back[w.pk]))
        return out


def _minute(value: dt.datetime, day: dt.date) -> float:
    midnight = dt.datetime.combine(day, dt.time(0), tzinfo=HELSINKI)
    return (value - midnight).total_seconds() / 60


def _at(day: dt.date, minute: float) -> dt.datetime:
    midnight = dt.datetime.combine(day, dt.time(0), tzinfo=HELSINKI)
    # whole minutes: the booking service and the calendar work in minutes
    return midnight + dt.timedelta(minutes=round(minute))


def _point(appointment: Appointment, worker: Worker):
    f = appointment.family
    if appointment.location_kind == Appointment.LocationKind.CLIENT_HOME and f and f.latitude is not None:
        return (f.latitude, f.longitude)
    return _base(worker)


def _base(worker: Worker):
    if worker.base_latitude is None:
        return None
    return (worker.base_latitude, worker.base_longitude)


def plan_day(workers: list[Worker], day: dt.date, *, matrix=None, seconds: float = 2.0, seed: int = 0) -> DayPlan:
    """Plan the day's planned visits of ``workers`` (one worker, or a team whose window
    visits may pass between them; a fixed visit stays with its worker)."""
    import time as _time

    started = _time.perf_counter()
    matrix = matrix or travel.default_matrix()
    plan = DayPlan(day, workers)
    lo = dt.datetime.combine(day, dt.time(0), tzinfo=HELSINKI)
    hi = lo + dt.timedelta(days=1)
    by_resource = {w.resource_id: w for w in workers}
    parts = list(
        Participant.objects.filter(
            resource_id__in=list(by_resource), active=True, start__lt=hi, end__gt=lo,
            appointment__status=Appointment.Status.PLANNED,
        )
        .exclude(appointment__work_type__work_class=WorkClass.TRAVEL)  # travel is what the plan decides
        .select_related("appointment__family", "appointment__work_type")
        .prefetch_related("appointment__participants")
        .order_by("start")
    )  # fmt: skip
    # every entry of the day is a stop; only a visit with a time window that the worker
    # does alone (no pair, no one else's route to keep) may move
    visits = [(p.appointment, by_resource[p.resource_id]) for p in parts]
    movable = {
        p.appointment_id
        for p in parts
        if p.role == "primary"
        and p.appointment.window_start is not None
        and sum(1 for q in p.appointment.participants.all() if q.active) == 1
    }
    plan.travel_type = (
        WorkType.objects.filter(work_class=WorkClass.TRAVEL, service_id__in={w.service_id for w in workers})
        .order_by("pk")
        .first()
        or WorkType.objects.filter(work_class=WorkClass.TRAVEL).order_by("pk").first()
    )
    if not visits:
        plan.problem = _("No planned visits on the day.")
        return plan
    bases = [_base(w) for w in workers]
    if any(b is None for b in bases):
        plan.feasible, plan.problem = False, _("A worker has no base location: travel cannot be estimated.")
        return plan
    shifts = {}
    for worker_id, s, e in Shift.objects.filter(worker__in=workers, start__lt=hi, end__gt=lo).values_list(
        "worker_id", "start", "end"
    ):
        a, b = shifts.get(worker_id, (s, e))
        shifts[worker_id] = (min(a, s), max(b, e))
    points = bases + [_point(a, w) for a, w in visits]
    minutes, km = matrix.table(points, "car")
    plan.fallback_used = getattr(matrix, "fallback_used", False)
    # travel in the current order, per worker: base, visits by start, base
    for i, w in enumerate(workers):
        idx = [len(workers) + k for k, (_a, vw) in enumerate(visits) if vw.pk == w.pk]
        path = [i, *idx, i] if idx else []
        plan.travel_now += sum(minutes[a][b] for a, b in zip(path, path[1:], strict=False))
    stops = []
    for a, w in visits:
        fixed = a.pk not in movable
        start = _minute(a.planned_start, day)
        duration = (a.planned_end - a.planned_start).total_seconds() / 60
        earliest = start if fixed else _minute(a.window_start, day)
        latest = start if fixed else _minute(a.window_end, day)
        stops.append(
            routing.Stop(len(stops), duration, earliest, latest, vehicle=w.pk if (fixed or len(workers) == 1) else None)
        )
    vehicles = []
    for w in workers:
        s, e = shifts.get(w.pk, (None, None))
        vehicles.append(routing.Vehicle(w.pk, _minute(s, day) if s else 7 * 60, _minute(e, day) if e else 17 * 60))
    # the same plan when it is shown and when it is accepted (the fingerprint): a fixed
    # iteration budget, not only a time limit
    result = routing.solve(stops, vehicles, minutes, seconds=seconds, seed=seed, iterations=ROUTE_ITERATIONS)
    plan.feasible = result.feasible and not result.unplaced
    if not result.feasible:
        plan.problem = _(
            "The fixed visits and the time windows leave no time to travel between them inside the shifts."
        )
    by_id = {k: (a, w) for k, (a, w) in enumerate(visits)}
    workers_by_id = {w.pk: w for w in workers}
    for vehicle_id, legs in result.routes.items():
        w = workers_by_id[vehicle_id]
        prev = workers.index(w)
        for leg in legs:
            a, _owner = by_id[leg.stop]
            place = len(workers) + leg.stop
            start = _at(day, leg.start)
            end = start + (a.planned_end - a.planned_start)
            plan.visits.append(
                PlannedVisit(
                    a, w, start, end, minutes[prev][place], km[prev][place],
                    moved=a.pk in movable and (start != a.planned_start or w.pk != _owner.pk),
                    window=a.pk in movable,
                )
            )  # fmt: skip
            prev = place
        plan.back[w.pk] = minutes[prev][workers.index(w)]
    plan.visits.sort(key=lambda v: (v.worker.last_name, v.start))
    plan.travel_planned = sum(v.travel_before for v in plan.visits) + sum(plan.back.values())
    if plan.feasible and plan.travel_planned >= plan.travel_now - 0.5:
        # no travel saved: keep the day as it is (its travel legs are still put in the calendar)
        plan.visits, plan.back = [], {}
        for i, w in enumerate(workers):
            prev = i
            for k, (a, vw) in enumerate(visits):
                if vw.pk != w.pk:
                    continue
                place = len(workers) + k
                plan.visits.append(
                    PlannedVisit(
                        a, w, a.planned_start, a.planned_end, minutes[prev][place], km[prev][place],
                        moved=False, window=a.pk in movable,
                    )
                )  # fmt: skip
                prev = place
            if prev != i:
                plan.back[w.pk] = minutes[prev][i]
        plan.travel_planned = plan.travel_now
    plan.unplaced = [by_id[i][0] for i in result.unplaced]
    plan.seconds = _time.perf_counter() - started
    return plan


@dataclass
class _Move:
    appointment: Appointment
    worker: Worker
    start: dt.datetime
    end: dt.datetime


@transaction.atomic
def apply(*, actor, plan: DayPlan) -> dict:
    """Move the visits to their planned times (and workers) and put the travel legs in
    the calendar, all through the booking services, all or nothing. The day's existing
    travel entries of each worker (alone on them) are re-timed onto the new legs, in
    order; more legs than entries are booked as new travel entries, fewer leave the
    surplus cancelled as replaced. Moves go in an order that never passes through a
    collision."""
    if not plan.feasible:
        raise ValidationError(plan.problem or _("The plan is not feasible."))
    lo = dt.datetime.combine(plan.day, dt.time(0), tzinfo=HELSINKI)
    hi = lo + dt.timedelta(days=1)
    legs_of: dict[int, list] = {}
    for w, start, end, _minutes in plan.legs():
        legs_of.setdefault(w.pk, []).append((start, end))
    pending: list[_Move] = [_Move(v.appointment, v.worker, v.start, v.end) for v in plan.visits if v.moved]
    to_book, surplus = [], []
    for w in plan.workers:
        old = [
            p.appointment
            for p in Participant.objects.filter(
                resource_id=w.resource_id, role="primary", active=True, start__lt=hi, end__gt=lo,
                appointment__status=Appointment.Status.PLANNED, appointment__work_type__work_class=WorkClass.TRAVEL,
            ).select_related("appointment").prefetch_related("appointment__participants").order_by("start")
            if sum(1 for q in p.appointment.participants.all() if q.active) == 1
        ]  # fmt: skip
        legs = legs_of.get(w.pk, [])
        for a, (start, end) in zip(old, legs, strict=False):
            if (a.planned_start, a.planned_end) != (start, end):
                pending.append(_Move(a, w, start, end))
        surplus += old[len(legs) :]
        to_book += [(w, start, end) for start, end in legs[len(old) :]]
    for a in surplus:  # rare: the plan needs fewer trips than the day had
        scheduling_services.appointment_cancel(
            actor=actor, appointment=a, reason="other", text=_("Replaced by a new route plan."),
            cancelled_by="organisation",
        )  # fmt: skip
    moved = retimed = 0
    while pending:
        progressed = False
        for m in list(pending):
            blocked = any(
                o is not m
                and o.worker.pk == m.worker.pk
                and o.appointment.planned_start < m.end
                and o.appointment.planned_end > m.start
                for o in pending
            )
            if blocked:
                continue
            m.appointment = scheduling_services.appointment_update(
                actor=actor, appointment=m.appointment, worker=m.worker, start=m.start, end=m.end,
                confirm_outside_shift=True,
            )[0]  # fmt: skip
            pending.remove(m)
            if m.appointment.work_type.work_class == WorkClass.TRAVEL:
                retimed += 1
            else:
                moved += 1
            progressed = True
        if not progressed:
            raise ValidationError(_("The visits cannot be moved one by one without a collision; move them by hand."))
    booked = 0
    if plan.travel_type is not None:
        for w, start, end in to_book:
            scheduling_services.appointment_book(
                actor=actor, worker=w, work_type=plan.travel_type, start=start, end=end, notes_to_heed=ROUTE_NOTE,
                confirm_outside_shift=True,
            )  # fmt: skip
            booked += 1
    return {"moved": moved, "travel_booked": booked, "travel_retimed": retimed, "travel_replaced": len(surplus)}
