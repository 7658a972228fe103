"""Candidates for one service need: the workers who could take it, ranked, each with its
score broken down and every failed hard condition named (docs/allocation.md).

Hard conditions (a worker failing one is shown apart, with the reason): the worker's
service provides the need's service; speaks the need's language; has the competence or
method training the need asks for; the child-protection caseload cap (Child Welfare Act
s. 13 b) is not passed; and at least one **slot pattern** fits: the need's weekly
intensity (visits a week at one time of day) where every occurrence of the whole
recurrence lies inside the worker's shifts, clear of their bookings and, for home visits,
with travel time before and after (checked on a free-time bitmap per worker and day,
conservatively: see ``_Calendar``). A partial fit (10 of 12 weeks) is shown as such, with
the weeks it misses.

Soft score (the ranking among those who pass): continuity (named for the family,
earlier appointments with it), language beyond the need's, workload balance over the
horizon, and the distance from the worker's base to the family's home.

Reads only: shifts and participations of the horizon for every candidate in two queries,
the rest in a fixed number more; nothing is written (booking is the booking service's,
through intake's allocation).
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from perhekeskus.access import policy
from perhekeskus.intake import clocks
from perhekeskus.intake import selectors as intake_selectors
from perhekeskus.intake.models import ServiceNeed
from perhekeskus.people.models import NamedWorker, Worker
from perhekeskus.scheduling.models import Absence, Appointment, Participant, Shift
from perhekeskus.scheduling.selectors import Epoch, merge_intervals, subtract_intervals

from . import travel

HELSINKI = ZoneInfo("Europe/Helsinki")
WEEKDAYS = (1, 2, 3, 4, 5)  # Monday to Friday
STEP = dt.timedelta(minutes=30)
DAY_FROM, DAY_TO = dt.time(7, 0), dt.time(19, 0)
SLOTS = 48  # half hours of a day
OTHERS_SHOWN = 50  # workers of the organisation's other services listed with why not


@dataclass
class Slot:
    """A weekday-and-time pattern and how many of its occurrences fit."""

    weekdays: tuple[int, ...]
    time: dt.time
    first_start: dt.datetime
    fits: int
    occurrences: int
    missing: list[str] = field(default_factory=list)  # the weeks that do not fit, as dates
    skipped: list[str] = field(default_factory=list)  # public holidays: no visit that day
    first_visit: dt.datetime | None = None  # the first visit held (first_start may be a holiday)

    @property
    def full(self) -> bool:
        return self.fits == self.occurrences


@dataclass
class Candidate:
    worker: Worker
    failures: list[str]
    score: float
    reasons: list[tuple[str, float]]  # (why, points)
    slots: list[Slot]
    partial: Slot | None
    caseload: int | None = None
    km: float | None = None
    codes: list[str] = field(default_factory=list)  # one per failure: service, language, competence, time, caseload

    @property
    def eligible(self) -> bool:
        return not self.failures


def _start_day(today: dt.date) -> dt.date:
    """Allocation books from the next Monday: the coming week is usually planned."""
    return today + dt.timedelta(days=7 - today.weekday())


class _Calendar:
    """One worker's free time over the horizon as a bitmap a day: bit k of a day is set
    when its k-th half hour (local wall-clock time) lies wholly inside a shift and clear
    of every booking widened by the travel time. Conservative: a booking that touches a
    half hour takes all of it, so nothing offered can collide (the booking service checks
    the exact times again). A pattern's fit over the weeks is then one AND a week."""

    def __init__(self, shifts, busy, days: list[list[float]], buffer: float):
        shifts = merge_intervals(shifts)
        self.shift_seconds = sum(e - s for s, e in shifts)
        self.booked_seconds = sum(e - s for s, e in merge_intervals([(b[0], b[1]) for b in busy]))
        self.free = [0] * len(days)
        starts = [b[0] for b in days]
        last = len(days) - 1

        def day_range(s, e):
            return range(max(0, bisect.bisect_right(starts, s) - 1), min(last, bisect.bisect_left(starts, e) - 1) + 1)

        for s, e in shifts:
            for d in day_range(s, e):
                b = days[d]
                lo, hi = bisect.bisect_left(b, s), bisect.bisect_right(b, e) - 1
                if hi > lo:
                    self.free[d] |= ((1 << hi) - 1) ^ ((1 << lo) - 1)
        for item in busy:
            gap = buffer(item) if callable(buffer) else buffer
            s, e = item[0] - gap, item[1] + gap
            for d in day_range(s, e):
                b = days[d]
                lo, hi = max(0, bisect.bisect_right(b, s) - 1), min(SLOTS, bisect.bisect_left(b, e))
                if hi > lo:
                    self.free[d] &= ~(((1 << hi) - 1) ^ ((1 << lo) - 1))

    def fits(self, days: list[int], mask: int) -> list[bool]:
        return [(self.free[d] & mask) == mask for d in days]


def _distance_km(a_lat, a_lon, b_lat, b_lon) -> float | None:
    if None in (a_lat, a_lon, b_lat, b_lon):
        return None
    return travel.road_km((a_lat, a_lon), (b_lat, b_lon))


def _days(first_day: dt.date, count: int) -> list[list[float]]:
    """For each day of the horizon, the epoch seconds of its half-hour boundaries in local
    wall-clock time (00:00, 00:30, ... 24:00), kept increasing across a DST night."""
    out = []
    for i in range(count):
        day = first_day + dt.timedelta(days=i)
        bounds = [
            dt.datetime.combine(day, dt.time(k // 2, 30 * (k % 2)), tzinfo=HELSINKI).timestamp() for k in range(SLOTS)
        ]
        bounds.append(dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=HELSINKI).timestamp())
        for k in range(1, len(bounds)):
            bounds[k] = max(bounds[k], bounds[k - 1])
        out.append(bounds)
    return out


def _grid(need: ServiceNeed, first_day: dt.date):
    """Every (weekday, time) the need's visits could take: the series' first start, the day
    indices of its occurrences over the need's weeks with their dates (public holidays
    left out), the mask of the half hours a visit takes, and the holidays left out. The
    same for every worker, so computed once."""
    minutes = need.session_minutes
    span = -(-minutes // 30)  # half hours a visit takes, rounded up
    times = []
    t = dt.datetime.combine(first_day, DAY_FROM)
    while (t + dt.timedelta(minutes=minutes)).time() <= DAY_TO and (
        t + dt.timedelta(minutes=minutes)
    ).date() == first_day:
        times.append(t.time())
        t += STEP
    # no visit on a public holiday: those occurrences are neither needed nor counted, and
    # the booking leaves them out too (intake.services.service_need_allocate)
    holidays = clocks.holidays_between(first_day, first_day + dt.timedelta(weeks=need.weeks))
    grid = {}
    for weekday in WEEKDAYS:
        every = [(d, first_day + dt.timedelta(days=d)) for d in (weekday - 1 + 7 * w for w in range(need.weeks))]
        anchor = every[0][1]  # the series counts its weeks from here
        kept = [d for d, day in every if day not in holidays]
        dates = [day for _d, day in every if day not in holidays]
        off = [day for _d, day in every if day in holidays]
        for time in times:
            k0 = (time.hour * 60 + time.minute) // 30
            mask = ((1 << (k0 + span)) - 1) ^ ((1 << k0) - 1)
            start = dt.datetime.combine(anchor, time, tzinfo=HELSINKI)
            grid[(weekday, time)] = (start, kept, dates, mask, off)
    return times, grid


def _slot(grid, weekdays: tuple[int, ...], time: dt.time, fits: int | None = None, missing=()) -> Slot:
    """A pattern's slot: its occurrences are the weeks' visits less the public holidays,
    which it names (no visit those days)."""
    occurrences = sum(len(grid[(d, time)][1]) for d in weekdays)
    held = sorted(date for d in weekdays for date in grid[(d, time)][2])
    skipped = sorted(date for d in weekdays for date in grid[(d, time)][4])
    return Slot(
        weekdays,
        time,
        grid[(min(weekdays), time)][0],
        occurrences if fits is None else fits,
        occurrences,
        list(missing),
        [f"{d.day}.{d.month}." for d in skipped],
        dt.datetime.combine(held[0], time, tzinfo=HELSINKI) if held else None,
    )


def _combos(days: list[int], per_week: int) -> list[tuple[int, ...]]:
    """The weekday sets of ``per_week`` visits from ``days``, in order; one or two visits
    a week at least a day apart."""
    gap = 2 if per_week <= 2 else 1
    out = []
    for combo in itertools.combinations(days, per_week):
        if all(b - a >= gap for a, b in zip(combo, combo[1:], strict=False)):
            out.append(combo)
    return out


def _patterns(need: ServiceNeed, calendar: _Calendar, times, grid, limit: int = 5):
    """Slot patterns of the need's intensity (visits a week at one time of day): full fits
    first; the best partial fit when none is full. Every occurrence of the whole
    recurrence is checked. The ``limit`` patterns offered are spread: first each distinct
    weekday set at its earliest time, then the earliest times of the rest, so that a
    worker's offer is not five ways of taking the same mornings."""
    per_week = need.sessions_per_week

    free = calendar.free
    weekly: dict = {}  # (weekday, time) -> [fits in week 0, week 1, ...], computed once

    def week_fits(key) -> list[bool]:
        hit = weekly.get(key)
        if hit is None:
            _start, days, _dates, mask, _off = grid[key]
            hit = weekly[key] = [(free[d] & mask) == mask for d in days]
        return hit

    def fits_all(key) -> bool:
        _start, days, _dates, mask, _off = grid[key]
        if key in weekly:
            return all(weekly[key])
        return all((free[d] & mask) == mask for d in days)  # stops at the first week that fails

    found: list[tuple[dt.time, tuple[int, ...]]] = []
    distinct: set = set()
    for time in times:
        ok = [d for d in WEEKDAYS if fits_all((d, time))]
        if len(ok) >= per_week:
            for combo in _combos(ok, per_week):
                found.append((time, combo))
                distinct.add(combo)
        if len(distinct) >= limit:
            break  # later times only add patterns that come after these in the offer
    first_of: dict[tuple, tuple] = {}
    for time, combo in found:
        first_of.setdefault(combo, (time, combo))
    ordered = sorted(first_of.values(), key=lambda tc: (tc[0], tc[1]))
    seen = set(ordered)
    ordered += [tc for tc in found if tc not in seen]
    full: list[Slot] = [_slot(grid, combo, time) for time, combo in ordered[:limit]]
    if full:
        return full, None
    # no full fit: the pattern whose weekdays fit the most weeks
    best: Slot | None = None
    for time in times:
        ok = {d: week_fits((d, time)) for d in WEEKDAYS}
        ranked = sorted(WEEKDAYS, key=lambda d: (-sum(ok[d]), d))[:per_week]
        fits = sum(sum(ok[d]) for d in ranked)
        if best is None or fits > best.fits:
            missed = sorted(
                {date for d in ranked for good, date in zip(ok[d], grid[(d, time)][2], strict=True) if not good}
            )
            missing = [f"{date.day}.{date.month}." for date in missed]  # in date order
            best = _slot(grid, tuple(sorted(ranked)), time, fits, missing)
    return [], best


@dataclass
class Loaded:
    """What the engine reads of a set of workers over a horizon, in a fixed number of
    queries whatever their number: languages, competences, shifts and bookings (as epoch
    seconds), absences cut out of the shifts. Calendars are built lazily and kept."""

    lo: dt.datetime
    hi: dt.datetime
    days: list[list[float]]
    languages: dict[int, set]
    competences: dict[int, set]
    shifts: dict[int, list]
    busy: dict[int, list]
    _calendars: dict = field(default_factory=dict)
    _merged: dict = field(default_factory=dict)

    def calendar(self, worker_id: int, buffer) -> _Calendar:
        """The worker's calendar with ``buffer`` around each booking: seconds, or
        ``("to", place)``: the travel time between each booking's place and ``place``."""
        key = (worker_id, buffer)
        if key not in self._calendars:
            gap = buffer
            if isinstance(buffer, tuple):
                gap = _travel_gap(buffer[1])
            self._calendars[key] = _Calendar(
                self.shifts.get(worker_id, []), self.busy.get(worker_id, []), self.days, gap
            )
        return self._calendars[key]

    def merged_shifts(self, worker_id: int) -> list:
        """The worker's shifts (less absences) joined, kept for repeated exact checks."""
        if worker_id not in self._merged:
            self._merged[worker_id] = merge_intervals(self.shifts.get(worker_id, []))
        return self._merged[worker_id]


def _travel_gap(place):
    """Seconds of travel between a booking's place (the busy item's 3rd and 4th values)
    and ``place``: the straight-line estimate of the travel model (detour factor, car
    speed, parking; allocation/travel.py). None at either end (a remote meeting, no
    coordinates): the fixed ``ALLOCATION_TRAVEL_MINUTES`` when the two may differ."""
    fixed = 60.0 * settings.ALLOCATION_TRAVEL_MINUTES

    def gap(item) -> float:
        if len(item) < 4 or item[2] == "remote":
            return 0.0
        there = item[2:4]
        if place is None or there[0] is None:
            return fixed
        if abs(there[0] - place[0]) < 1e-5 and abs(there[1] - place[1]) < 1e-5:
            return 0.0
        return 60.0 * travel.straight_minutes(tuple(there), tuple(place))

    return gap


def load_workers(workers, first_day: dt.date, days_count: int) -> Loaded:
    """Languages, competences, shifts (less absences) and bookings of ``workers`` over
    ``days_count`` days from ``first_day``: five queries."""
    lo = dt.datetime.combine(first_day, dt.time(0), tzinfo=HELSINKI)
    hi = dt.datetime.combine(first_day + dt.timedelta(days=days_count + 7), dt.time(0), tzinfo=HELSINKI)
    ids = [w.pk for w in workers]
    languages: dict[int, set] = {i: set() for i in ids}
    for worker_id, language_id in Worker.languages.through.objects.filter(worker_id__in=ids).values_list(
        "worker_id", "language_id"
    ):
        languages[worker_id].add(language_id)
    competences: dict[int, set] = {i: set() for i in ids}
    for worker_id, competence_id in Worker.competences.through.objects.filter(worker_id__in=ids).values_list(
        "worker_id", "competence_id"
    ):
        competences[worker_id].add(competence_id)
    # times as epoch seconds from the database: thousands of rows, no datetimes made
    shifts: dict[int, list] = {i: [] for i in ids}
    for worker_id, s, e in (
        Shift.objects.filter(worker_id__in=ids, start__lt=hi, end__gt=lo)
        .annotate(s=Epoch("start"), e=Epoch("end"))
        .values_list("worker_id", "s", "e")
    ):
        shifts[worker_id].append((s, e))
    away: dict[int, list] = {}
    for worker_id, s, e in (
        Absence.objects.filter(worker_id__in=ids, start__lt=hi, end__gt=lo, withdrawn_at__isnull=True)
        .annotate(s=Epoch("start"), e=Epoch("end"))
        .values_list("worker_id", "s", "e")
    ):
        away.setdefault(worker_id, []).append((s, e))
    for worker_id, holes in away.items():
        shifts[worker_id] = subtract_intervals(shifts[worker_id], holes)
    by_resource = {w.resource_id: w for w in workers}
    busy: dict[int, list] = {i: [] for i in ids}
    home = Appointment.LocationKind.CLIENT_HOME
    # each booking with its place: the family's home for a home visit, the worker's base
    # otherwise, "remote" for a remote one (no travel)
    for resource_id, s, e, kind, lat, lon in (
        Participant.objects.filter(resource_id__in=list(by_resource), active=True, start__lt=hi, end__gt=lo)
        .annotate(s=Epoch("start"), e=Epoch("end"))
        .values_list(
            "resource_id", "s", "e", "appointment__location_kind", "appointment__family__latitude",
            "appointment__family__longitude",
        )
    ):  # fmt: skip
        w = by_resource[resource_id]
        if kind == Appointment.LocationKind.REMOTE:
            busy[w.pk].append((s, e, "remote", None))
        elif kind == home:
            busy[w.pk].append((s, e, lat, lon))
        else:
            busy[w.pk].append((s, e, w.base_latitude, w.base_longitude))
    return Loaded(lo, hi, _days(first_day, days_count), languages, competences, shifts, busy)


@dataclass
class FamilyContext:
    """Continuity for a set of families: who is named for each, and how many earlier
    (not cancelled) appointments each resource has had with each. Two queries."""

    named: dict[int, set]  # family id -> worker ids
    earlier: dict[tuple[int, int], int]  # (family id, resource id) -> appointments


def family_context(family_ids, resource_ids) -> FamilyContext:
    family_ids = list(set(family_ids))
    named: dict[int, set] = {f: set() for f in family_ids}
    for family_id, worker_id in NamedWorker.objects.filter(
        policy.naming_in_force(), family_id__in=family_ids
    ).values_list("family_id", "worker_id"):
        named[family_id].add(worker_id)
    earlier = {
        (f, r): n
        for f, r, n in Participant.objects.filter(
            appointment__family_id__in=family_ids, resource_id__in=list(resource_ids)
        )
        .exclude(appointment__status=Appointment.Status.CANCELLED)
        .values("appointment__family_id", "resource_id")
        .annotate(n=Count("appointment", distinct=True))
        .values_list("appointment__family_id", "resource_id", "n")
    }
    return FamilyContext(named, earlier)


def pool_for(need: ServiceNeed, user) -> list[Worker]:
    """The workers of the need's service, and (to show why not) the first OTHERS_SHOWN
    others of its organisation, that the user books."""
    base = Worker.objects.filter(is_active=True).select_related("service", "unit", "organisation")
    order = ("last_name", "first_name", "pk")
    pool = list(base.filter(service=need.service).order_by(*order)) + list(
        base.filter(organisation_id=need.service.organisation_id)
        .exclude(service=need.service)
        .order_by(*order)[:OTHERS_SHOWN]
    )
    return [w for w in pool if policy.can_book_for(user, w)]


def evaluate(
    need: ServiceNeed,
    w: Worker,
    loaded: Loaded | None,
    ctx: FamilyContext,
    grid_of,
    children: set,
    *,
    limit: int = 5,
    carried_of=None,
) -> Candidate:
    """One worker against one need: the hard conditions, the slot patterns and the score.
    ``grid_of`` gives the need's (times, grid); ``carried_of(worker)`` the children a
    child-protection social worker carries (counted only when every other condition
    passes)."""
    failures, reasons, codes = [], [], []
    provides = w.service_id == need.service_id
    caseload = None
    full, partial = [], None
    # travel to and from the neighbouring bookings: from each booking's place to where
    # this need's visits are (the family's home, or the worker's base for unit visits)
    family = need.family
    if need.home_visits:
        place = (family.latitude, family.longitude) if family.latitude is not None else None
    else:
        place = (w.base_latitude, w.base_longitude) if w.base_latitude is not None else None
    calendar = loaded.calendar(w.pk, ("to", place)) if provides and loaded is not None else None
    cap = settings.CHILD_PROTECTION_CASELOAD_CAP
    if not provides:
        failures.append(_("does not provide this service (%(service)s)") % {"service": need.service.name})
        codes.append("service")
    else:
        if need.language_id and need.language_id not in loaded.languages[w.pk]:
            failures.append(_("no %(language)s") % {"language": need.language.name})
            codes.append("language")
        if need.competence_id and need.competence_id not in loaded.competences[w.pk]:
            failures.append(_("not trained in %(method)s") % {"method": need.competence.name})
            codes.append("competence")
        times, grid = grid_of(need)
        full, partial = _patterns(need, calendar, times, grid, limit=limit)
        if not full:
            codes.append("time")
            if partial is None or partial.fits == 0:
                failures.append(_("no time in the shifts for %(intensity)s") % {"intensity": need.intensity})
            else:
                failures.append(
                    _("%(fits)d of %(all)d visits fit; not %(dates)s")
                    % {"fits": partial.fits, "all": partial.occurrences, "dates": ", ".join(partial.missing[:4])}
                )
        # the caseload (one query a worker) only for those who could otherwise take it
        if not failures and intake_selectors.caseload_applies(w):
            carried = carried_of(w) if carried_of else intake_selectors.caseload_children(w)
            caseload = len(carried)
            if len(carried | children) > cap:
                failures.append(_("caseload %(n)d/%(cap)d") % {"n": caseload, "cap": cap})
                codes.append("caseload")
    score = 0.0
    if w.pk in ctx.named.get(need.family_id, ()):
        score += 30
        reasons.append((_("named for the family"), 30))
    before = ctx.earlier.get((need.family_id, w.resource_id))
    if before:
        points = min(20, 5 * before)
        score += points
        reasons.append((_("%(n)d earlier appointments with the family") % {"n": before}, points))
    shift_h = calendar.shift_seconds / 3600 if calendar else 0
    busy_h = calendar.booked_seconds / 3600 if calendar else 0
    if shift_h:
        free_share = max(0.0, 1 - busy_h / shift_h)
        points = round(20 * free_share, 1)
        score += points
        free = _("%(pct)d %% of the shifts free over the weeks") % {"pct": round(100 * free_share)}
        reasons.append((free, points))
    family = need.family
    km = _distance_km(w.base_latitude, w.base_longitude, family.latitude, family.longitude)
    if km is not None and need.home_visits:
        points = round(max(0.0, 15 - km), 1)
        score += points
        reasons.append((_("%(km).1f km from the base") % {"km": km}, points))
    if full:
        points = 10.0
        score += points
        reasons.append((_("%(n)d slot patterns fit every week") % {"n": len(full)}, points))
    return Candidate(w, failures, round(score, 1), reasons, full, partial, caseload, km=km, codes=codes)


def grid_cache(first_day: dt.date):
    """``grid_of(need)``: the need's pattern grid, computed once per (minutes, weeks)."""
    cache: dict = {}

    def grid_of(need):
        key = (need.session_minutes, need.weeks)
        if key not in cache:
            cache[key] = _grid(need, first_day)
        return cache[key]

    return grid_of


def candidates(need: ServiceNeed, *, user, today: dt.date | None = None) -> list[Candidate]:
    """The workers who could take the need, those who pass every hard condition first
    (best score first), then the others with their failures."""
    today = today or timezone.localdate()
    first_day = _start_day(today)
    pool = pool_for(need, user)
    # only those who provide the service have their languages, training and weeks read:
    # the others cannot take it whatever they are
    providers = [w for w in pool if w.service_id == need.service_id]
    loaded = load_workers(providers, first_day, 7 * need.weeks)
    ctx = family_context([need.family_id], [w.resource_id for w in providers])
    children = intake_selectors.family_children(need.family_id)
    grid_of = grid_cache(first_day)
    # the caseloads of the child-protection social workers among them: four queries
    carried = intake_selectors.caseload_children_many([w for w in providers if intake_selectors.caseload_applies(w)])
    out = [evaluate(need, w, loaded, ctx, grid_of, children, carried_of=lambda w: carried[w.pk]) for w in pool]
    out.sort(key=lambda c: (not c.eligible, -c.score, c.worker.last_name, c.worker.pk))
    return out
