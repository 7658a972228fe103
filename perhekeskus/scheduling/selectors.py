"""Reads of the calendar shared by pages, API and feeds. Every list here runs a fixed
number of queries whatever the row count; who sees what is ``access.policy``'s, applied
by the use cases (``usecases.py``)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import F, Func, IntegerField, Prefetch, Q, QuerySet
from django.utils import timezone

from perhekeskus.access import policy
from perhekeskus.people.models import Family, Worker

from .models import Absence, Appointment, Participant, Shift, WorkType

HELSINKI = ZoneInfo("Europe/Helsinki")


class Epoch(Func):
    """Seconds since 1970-01-01 UTC of a datetime column, computed by the database: the
    resource view reads tens of thousands of times, and turning each into a Python
    datetime costs more than the query."""

    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra):
        # the format goes as a parameter: a literal '%s' would be taken for a placeholder
        sql, params = compiler.compile(self.source_expressions[0])
        return f"CAST(strftime(%s, {sql}) AS INTEGER)", ("%s", *params)

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template="CAST(EXTRACT(EPOCH FROM %(expressions)s) AS BIGINT)", **extra
        )


# Appointments and shifts last at most this long (the services refuse longer ones), so a
# window query can bound the start from below too: ``start > lo - MAX_SPAN`` turns an
# index scan over a worker's whole history into a scan of the window.
MAX_SPAN = dt.timedelta(hours=24)


def overlapping(lo: dt.datetime, hi: dt.datetime, prefix: str = "") -> Q:
    """Rows whose [start, end) overlaps [lo, hi), in an index-friendly form."""
    return Q(**{f"{prefix}start__lt": hi, f"{prefix}start__gt": lo - MAX_SPAN, f"{prefix}end__gt": lo})


@dataclass
class WorkerFilter:
    organisation: int | None = None
    unit: int | None = None
    profession: str | None = None
    competence: int | None = None
    language: int | None = None
    search: str = ""
    ids: list[int] | None = None


def worker_list(*, filters: WorkerFilter | None = None) -> QuerySet[Worker]:
    """Active workers matching the filters, with what the rows show."""
    f = filters or WorkerFilter()
    qs = Worker.objects.filter(is_active=True).select_related("organisation", "unit")
    if f.ids is not None:
        qs = qs.filter(pk__in=f.ids)
    if f.organisation:
        qs = qs.filter(organisation_id=f.organisation)
    if f.unit:
        qs = qs.filter(unit_id=f.unit)
    if f.profession:
        qs = qs.filter(profession=f.profession)
    if f.competence:
        qs = qs.filter(competences__id=f.competence)
    if f.language:
        qs = qs.filter(languages__id=f.language)
    if f.search:
        for word in f.search.split():
            qs = qs.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    return qs.distinct().order_by("last_name", "first_name", "id")


def local_day_bounds(day: dt.date, days: int = 1) -> tuple[dt.datetime, dt.datetime]:
    """UTC bounds of ``days`` local days from ``day`` (23 or 25 hours on DST days)."""
    start = dt.datetime.combine(day, dt.time(0), tzinfo=HELSINKI)
    end = dt.datetime.combine(day + dt.timedelta(days=days), dt.time(0), tzinfo=HELSINKI)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


@dataclass(slots=True)
class Entry:
    """One appointment as a worker's row or calendar shows it. Times are epoch seconds;
    ``start`` and ``end`` give them as datetimes for the smaller views."""

    appointment_id: int
    start_ts: int
    end_ts: int
    status: str
    role: str
    work_class: str
    work_type: str
    family_id: int | None
    family_name: str
    location_kind: str
    address: str
    notes_to_heed: str
    others: list[str] = field(default_factory=list)  # the other workers on it
    boxes: list[tuple[float, float]] = field(default_factory=list)  # filled by the page
    family_key: str = ""  # pseudonymous, for those who may not see names
    family_protected: bool = False  # address non-disclosure: the address only for the visiting worker
    mode: str = "full"  # how much the viewer sees (policy.FULL / KEY / BUSY), set by the page

    @property
    def start(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.start_ts, dt.UTC)

    @property
    def end(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.end_ts, dt.UTC)


@dataclass
class Row:
    worker: Worker
    shifts: list[tuple[dt.datetime, dt.datetime]]  # less the absences
    entries: list[Entry]
    shift_hours: float
    booked_hours: float
    free_hours: float
    absences: list[tuple[dt.datetime, dt.datetime]] = field(default_factory=list)


def merge_intervals(intervals: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Overlapping or touching intervals joined, in order."""
    merged: list[list[float]] = []
    for s, e in sorted(intervals):
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    return [(s, e) for s, e in merged]


def subtract_intervals(intervals, holes):
    """The parts of ``intervals`` outside every hole: both lists of (start, end) of any
    ordered values (datetimes or epoch seconds); the result in order."""
    holes = merge_intervals(list(holes))
    if not holes:
        return sorted(intervals)
    out = []
    for s, e in sorted(intervals):
        cur = s
        for hs, he in holes:
            if he <= cur or hs >= e:
                continue
            if hs > cur:
                out.append((cur, hs))
            cur = max(cur, he)
        if cur < e:
            out.append((cur, e))
    return out


def absences_by_worker(worker_ids, start, end) -> dict[int, list]:
    """Each worker's absences (not withdrawn) overlapping [start, end), as (start, end)."""
    out: dict[int, list] = defaultdict(list)
    for worker_id, s, e in Absence.objects.filter(
        worker_id__in=list(worker_ids), start__lt=end, end__gt=start, withdrawn_at__isnull=True
    ).values_list("worker_id", "start", "end"):
        out[worker_id].append((s, e))
    return out


def _hours(intervals) -> float:
    """Hours in intervals of epoch seconds."""
    return sum(e - s for s, e in intervals) / 3600


def _clip(intervals, lo, hi):
    return [(max(s, lo), min(e, hi)) for s, e in intervals if s < hi and e > lo]


def capacity(shifts, booked, lo, hi) -> tuple[float, float, float]:
    """Shift hours, booked hours and free hours of one worker in [lo, hi), all given in
    epoch seconds.

    Free hours are shift time not covered by active bookings (docs/metrics.md). Booked
    hours count all active bookings in the period, in or out of shifts."""
    shift_spans = merge_intervals(_clip(shifts, lo, hi))
    booked_spans = merge_intervals(_clip(booked, lo, hi))
    busy_in_shift = []
    for bs, be in booked_spans:
        busy_in_shift.extend(_clip(shift_spans, bs, be))
    shift_h = _hours(shift_spans)
    return shift_h, _hours(booked_spans), max(0.0, shift_h - _hours(busy_in_shift))


_ENTRY_FIELDS = (
    "resource_id",
    "role",
    "appointment_id",
    "start_ts",
    "end_ts",
    "appointment__status",
    "appointment__work_type__work_class",
    "appointment__work_type__name",
    "appointment__family_id",
    "appointment__family__name",
    "appointment__family__key",
    "appointment__family__address_protected",
    "appointment__location_kind",
    "appointment__address",
    "appointment__notes_to_heed",
)


def _entries_for(
    resource_ids: list[int], start: dt.datetime, end: dt.datetime, include_cancelled: bool = True
) -> dict[int, list[Entry]]:
    """Entries per resource id, in two queries. Plain tuples, not model instances: the
    resource view reads tens of thousands."""
    if not resource_ids:
        return {}
    window = overlapping(start, end)
    qs = Participant.objects.filter(window, resource_id__in=resource_ids)
    if not include_cancelled:
        qs = qs.filter(active=True)
    qs = qs.annotate(start_ts=Epoch(F("start")), end_ts=Epoch(F("end")))
    # Straight through the DB-API cursor: every value is already an int or a string, and
    # Django's per-row converter pass would cost as much as the query.
    sql, params = qs.order_by("start", "appointment_id").values_list(*_ENTRY_FIELDS).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        participations = cursor.fetchall()
    co: dict[int, list[tuple[int, str]]] = defaultdict(list)
    if participations:
        # The other workers, only of appointments that have a work pair (a partial index
        # on pair rows keeps this small); no id list grows with the number of rows.
        in_view = Participant.objects.filter(window, resource_id__in=resource_ids).values("appointment_id")
        paired = Participant.objects.filter(window, role=Participant.Role.PAIR, appointment_id__in=in_view)
        for appointment_id, resource_id, name in Participant.objects.filter(
            appointment_id__in=paired.values("appointment_id")
        ).values_list("appointment_id", "resource_id", "resource__name"):
            co[appointment_id].append((resource_id, name))
    result: dict[int, list[Entry]] = defaultdict(list)
    for (
        rid,
        role,
        aid,
        a_start,
        a_end,
        status,
        wclass,
        wtype,
        fid,
        fname,
        fkey,
        protected,
        loc,
        address,
        notes,
    ) in participations:
        others = [name for other, name in co[aid] if other != rid] if aid in co else []
        result[rid].append(
            Entry(
                aid,
                a_start,
                a_end,
                status,
                role,
                wclass,
                wtype,
                fid,
                fname or "",
                loc,
                address,
                notes,
                others,
                family_key=fkey or "",
                family_protected=bool(protected),
            )
        )
    return result


def resource_rows(*, workers: list[Worker], start: dt.datetime, end: dt.datetime) -> list[Row]:
    """The resource view's rows for the given workers and period: four queries. An
    absence takes its time out of the shifts (and so out of the free hours)."""
    resource_ids = [w.resource_id for w in workers]
    shifts_by_worker: dict[int, list] = defaultdict(list)
    for worker_id, s, e in Shift.objects.filter(
        overlapping(start, end), worker_id__in=[w.pk for w in workers]
    ).values_list("worker_id", "start", "end"):
        shifts_by_worker[worker_id].append((s, e))
    away = absences_by_worker([w.pk for w in workers], start, end)
    entries = _entries_for(resource_ids, start, end)
    lo, hi = start.timestamp(), end.timestamp()
    rows = []
    for w in workers:
        worker_entries = entries.get(w.resource_id, [])
        booked = [(e.start_ts, e.end_ts) for e in worker_entries if e.status != Appointment.Status.CANCELLED]
        absences = merge_intervals(away.get(w.pk, []))
        shifts = subtract_intervals(shifts_by_worker[w.pk], absences)
        shift_h, booked_h, free_h = capacity([(s.timestamp(), e.timestamp()) for s, e in shifts], booked, lo, hi)
        rows.append(
            Row(
                worker=w,
                shifts=shifts,
                entries=worker_entries,
                shift_hours=shift_h,
                booked_hours=booked_h,
                free_hours=free_h,
                absences=absences,
            )
        )
    return rows


def worker_calendar(*, worker: Worker, start: dt.datetime, end: dt.datetime) -> Row:
    return resource_rows(workers=[worker], start=start, end=end)[0]


def next_working_day(*, worker: Worker, after: dt.datetime, within_days: int = 60) -> dt.date | None:
    """The first local day after ``after`` on which ``worker`` has a shift or an active
    appointment (what an empty day points to), looking ``within_days`` ahead."""
    limit = after + dt.timedelta(days=within_days)
    shift = (
        Shift.objects.filter(worker=worker, start__gte=after, start__lt=limit)
        .order_by("start")
        .values_list("start", flat=True)
        .first()
    )
    booked = (
        Appointment.objects.filter(
            participants__resource_id=worker.resource_id, planned_start__gte=after, planned_start__lt=limit
        )
        .exclude(status=Appointment.Status.CANCELLED)
        .order_by("planned_start")
        .values_list("planned_start", flat=True)
        .first()
    )
    first = min((t for t in (shift, booked) if t is not None), default=None)
    return timezone.localtime(first, HELSINKI).date() if first else None


def own_appointment_ids(*, worker: Worker | None, start: dt.datetime, end: dt.datetime) -> frozenset[int]:
    """The appointments a worker takes part in within a window (shown to them in full
    wherever they appear)."""
    if worker is None:
        return frozenset()
    return frozenset(
        Participant.objects.filter(resource_id=worker.resource_id, start__lt=end, end__gt=start).values_list(
            "appointment_id", flat=True
        )
    )


def visible_appointments(qs: QuerySet[Appointment], *, user) -> QuerySet[Appointment]:
    """Appointments a user may list (``policy.editable_appointments_q``): an administrator
    all; a resource coordinator those whose primary worker is within their scope;
    everyone their own (taking part or booked by them). The family page adds what the
    disclosure rules open."""
    q = policy.editable_appointments_q(user, Appointment)
    return qs if q is None else qs.filter(q)


def family_appointments(
    *, family: Family, start: dt.datetime | None = None, end: dt.datetime | None = None
) -> QuerySet[Appointment]:
    """All of a family's appointments across services and workers."""
    qs = Appointment.objects.filter(family=family)
    if start:
        qs = qs.filter(planned_end__gt=start)
    if end:
        qs = qs.filter(planned_start__lt=end)
    return (
        qs.select_related("work_type__service__organisation")
        .prefetch_related(
            Prefetch("participants", queryset=Participant.objects.select_related("resource__worker").order_by("role")),
            "persons",
        )
        .order_by("planned_start", "id")
    )


def family_appointment_entries(*, family: Family) -> list[Appointment]:
    """All of a family's appointments for reading many at once (the overall picture),
    in four queries whatever their number, each appointment with:

    - ``work_type`` (with its service and organisation), one object per work type;
    - ``participant_list``: its participants, each with its ``resource`` and worker;
    - ``person_ids``: the persons it names, as a tuple of ids.

    Django's prefetch would build two related managers per appointment; at 500
    appointments that was half of the overall picture's time (docs/performance.md)."""
    appointments = list(Appointment.objects.filter(family=family).order_by("planned_start", "id"))
    if not appointments:
        return appointments
    work_types = {
        wt.pk: wt
        for wt in WorkType.objects.filter(pk__in={a.work_type_id for a in appointments}).select_related(
            "service__organisation"
        )
    }
    parts = list(
        Participant.objects.filter(appointment__family=family).order_by("role", "id").select_related("resource__worker")
    )
    by_appointment: dict[int, list[Participant]] = defaultdict(list)
    for p in parts:
        by_appointment[p.appointment_id].append(p)
    persons: dict[int, list[int]] = defaultdict(list)
    for appointment_id, person_id in Appointment.persons.through.objects.filter(appointment__family=family).values_list(
        "appointment_id", "person_id"
    ):
        persons[appointment_id].append(person_id)
    for a in appointments:
        a.work_type = work_types[a.work_type_id]
        a.participant_list = by_appointment.get(a.pk, [])
        a.person_ids = tuple(sorted(persons.get(a.pk, ())))
    return appointments


def appointment_list(
    *,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    worker: int | None = None,
    family: int | None = None,
    status: str | None = None,
) -> QuerySet[Appointment]:
    qs = Appointment.objects.all()
    if start:
        qs = qs.filter(planned_end__gt=start)
    if end:
        qs = qs.filter(planned_start__lt=end)
    if worker:
        qs = qs.filter(participants__resource__worker__id=worker)
    if family:
        qs = qs.filter(family_id=family)
    if status:
        qs = qs.filter(status=status)
    return (
        qs.select_related("work_type", "family")
        .prefetch_related(
            Prefetch("participants", queryset=Participant.objects.select_related("resource__worker")),
            "persons",
        )
        .order_by("planned_start", "id")
    )


def appointment_detail_qs() -> QuerySet[Appointment]:
    """Appointments with everything their page shows (and the policy reads)."""
    return Appointment.objects.select_related("work_type__service", "family", "created_by").prefetch_related(
        Prefetch("participants", queryset=Participant.objects.select_related("resource__worker__unit")),
        "persons",
        "changes__changed_by",
    )


def appointment_get(*, pk: int) -> Appointment:
    return appointment_detail_qs().get(pk=pk)


def appointment_workers(appointment: Appointment) -> tuple[Worker | None, Worker | None]:
    """Primary worker and work pair of an appointment whose participants are prefetched."""
    primary = pair = None
    for p in appointment.participants.all():
        worker = getattr(p.resource, "worker", None)
        if p.role == Participant.Role.PRIMARY:
            primary = worker
        elif p.role == Participant.Role.PAIR:
            pair = worker
    return primary, pair


def work_type_list() -> QuerySet[WorkType]:
    return WorkType.objects.filter(is_active=True).select_related("service").order_by("service__name", "name")


def unit_price_total(appointment: Appointment) -> Decimal:
    hours = Decimal((appointment.planned_end - appointment.planned_start).total_seconds()) / Decimal(3600)
    return (hours * appointment.unit_price).quantize(Decimal("0.01"))


def now_local() -> dt.datetime:
    return timezone.localtime(timezone.now(), HELSINKI)


def working_hours_spans(start: dt.datetime, end: dt.datetime, hours: tuple[dt.time, dt.time]) -> list[tuple[int, int]]:
    """Working hours on working days (Monday to Friday, not a Finnish public holiday nor
    Christmas or Midsummer Eve: ``holidays.Finland``) between ``start`` and ``end``, as
    epoch-second spans of Helsinki wall-clock times (right across a DST change)."""
    import holidays

    day = timezone.localtime(start, HELSINKI).date()
    last = timezone.localtime(end, HELSINKI).date()
    days_off = holidays.Finland(years=range(day.year, last.year + 1))
    out = []
    while day <= last:
        if day.isoweekday() <= 5 and day not in days_off:
            lo = dt.datetime.combine(day, hours[0], tzinfo=HELSINKI)
            hi = dt.datetime.combine(day, hours[1], tzinfo=HELSINKI)
            out.append((int(lo.timestamp()), int(hi.timestamp())))
        day += dt.timedelta(days=1)
    return out


def free_time(
    *, workers: list[Worker], start: dt.datetime, end: dt.datetime, hours: tuple[dt.time, dt.time]
) -> dict[int, list[tuple[int, int]]]:
    """Each worker's free time in [start, end): shifts inside working hours, less absences
    and active bookings (``freetime.free_spans``), in three queries whatever the number of
    workers."""
    from .freetime import free_spans, intersect

    ids = [w.pk for w in workers]
    lo, hi = int(start.timestamp()), int(end.timestamp())
    shifts: dict[int, list] = defaultdict(list)
    for worker_id, s, e in (
        Shift.objects.filter(overlapping(start, end), worker_id__in=ids)
        .annotate(s=Epoch("start"), e=Epoch("end"))
        .values_list("worker_id", "s", "e")
    ):
        shifts[worker_id].append((max(s, lo), min(e, hi)))
    busy: dict[int, list] = defaultdict(list)
    resource_of = {w.resource_id: w.pk for w in workers}
    for resource_id, s, e in (
        Participant.objects.filter(overlapping(start, end), resource_id__in=list(resource_of), active=True)
        .annotate(s=Epoch("start"), e=Epoch("end"))
        .values_list("resource_id", "s", "e")
    ):
        busy[resource_of[resource_id]].append((s, e))
    for worker_id, spans in absences_by_worker(ids, start, end).items():
        busy[worker_id].extend((int(s.timestamp()), int(e.timestamp())) for s, e in spans)
    working = working_hours_spans(start, end, hours)
    return {
        w.pk: free_spans(available=intersect(merge_intervals(shifts[w.pk]), working), busy=busy[w.pk]) for w in workers
    }
