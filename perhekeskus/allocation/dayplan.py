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
        .exclude(appointment__work_type__work_class=WorkClass.TRAVEL, appointment__notes_to_heed=ROUTE_NOTE)
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
    result = routing.solve(stops, vehicles, minutes, seconds=seconds, seed=seed)
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
    plan.unplaced = [by_id[i][0] for i in result.unplaced]
    plan.seconds = _time.perf_counter() - started
    return plan


@transaction.atomic
def apply(*, actor, plan: DayPlan) -> dict:
    """Move the visits to their planned times (and workers), then book the travel legs,
    all through the booking services, all or nothing. The planner's earlier travel
    entries of the day are moved onto the new legs (or cancelled when fewer are needed),
    so a day can be planned again."""
    if not plan.feasible:
        raise ValidationError(plan.problem or _("The plan is not feasible."))
    lo = dt.datetime.combine(plan.day, dt.time(0), tzinfo=HELSINKI)
    hi = lo + dt.timedelta(days=1)
    old_travel = list(
        Appointment.objects.filter(
            participants__resource__worker__in=plan.workers, participants__active=True, planned_start__lt=hi,
            planned_end__gt=lo, status=Appointment.Status.PLANNED, work_type__work_class=WorkClass.TRAVEL,
            notes_to_heed=ROUTE_NOTE,
        ).distinct().order_by("planned_start")
    )  # fmt: skip
    # the old travel entries leave the way first: cancelled as replaced (reason "other")
    for a in old_travel:
        scheduling_services.appointment_cancel(
            actor=actor,
            appointment=a,
            reason="other",
            text=_("Replaced by a new route plan."),
            cancelled_by="organisation",
        )
    pending = [v for v in plan.visits if v.moved]
    moved = 0
    # move in an order that never passes through a collision: a visit whose target is
    # free of the others' current times goes first
    while pending:
        progressed = False
        for v in list(pending):
            blockers = [
                o
                for o in pending
                if o is not v
                and o.worker.pk == v.worker.pk
                and o.appointment.planned_start < v.end
                and o.appointment.planned_end > v.start
            ]
            if blockers:
                continue
            updated = scheduling_services.appointment_update(
                actor=actor, appointment=v.appointment, worker=v.worker, start=v.start, end=v.end
            )[0]
            v.appointment = updated
            pending.remove(v)
            moved += 1
            progressed = True
        if not progressed:
            raise ValidationError(_("The visits cannot be moved one by one without a collision; move them by hand."))
    booked = 0
    if plan.travel_type is not None:
        for w, start, end, _minutes in plan.legs():
            scheduling_services.appointment_book(
                actor=actor, worker=w, work_type=plan.travel_type, start=start, end=end, notes_to_heed=ROUTE_NOTE,
                confirm_outside_shift=True,
            )  # fmt: skip
            booked += 1
    return {"moved": moved, "travel_booked": booked, "travel_replaced": len(old_travel)}
