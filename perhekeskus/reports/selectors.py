"""Reads of the management reports: every number is computed by the database (one
aggregate query per report part, whatever the number of appointments), and the same
functions serve the pages, the exports and the API. docs/metrics.md defines each
number; the names of the measures here are the names used there.

The unit of work is the *worker-hour*: a ``WorkFact`` row, one per participation of a
worker (the primary worker or the work pair) in an appointment, kept exact by the booking
services. An appointment done by two workers is two worker-hours per hour and costs twice
its unit price per hour. Appointment-level counts (cancellations, planned vs realised)
use the primary worker's row only, so that each appointment counts once.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import (
    Avg,
    Case,
    Count,
    DateTimeField,
    Exists,
    F,
    FloatField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from perhekeskus.access import policy
from perhekeskus.network.models import Service
from perhekeskus.people.models import Family, NamedWorker
from perhekeskus.scheduling.models import Appointment, Participant, Shift, WorkClass
from perhekeskus.scheduling.selectors import Epoch

from .models import PopulationYear, PurchasedService, WorkFact

HELSINKI = ZoneInfo("Europe/Helsinki")
REALISED, PLANNED, CANCELLED = Appointment.Status.REALISED, Appointment.Status.PLANNED, Appointment.Status.CANCELLED
WORKER_ROLES = (Participant.Role.PRIMARY, Participant.Role.PAIR, Participant.Role.INVITED)
CLIENT_WORK = (WorkClass.DIRECT_CLIENT, WorkClass.INDIRECT_CLIENT)
INTERNAL_WORK = (WorkClass.MEETING, WorkClass.TRAINING, WorkClass.OTHER)
# Rows a report page shows; exports and the API give every row.
PAGE_ROWS = 200


# --- a report's database session ------------------------------------------------------


def analytic(report):
    """Run a report in a transaction of its own (a savepoint inside another) with
    ``settings.REPORT_WORK_MEM`` for PostgreSQL's sorts and hashes: a year of rows hashed
    in memory rather than sorted on disk. SET LOCAL ends with the transaction."""

    @functools.wraps(report)
    def run(*args, **kwargs):
        from django.conf import settings

        if connection.vendor != "postgresql":
            return report(*args, **kwargs)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('work_mem', %s, true)", [settings.REPORT_WORK_MEM])
            return report(*args, **kwargs)

    return run


# --- filters -------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """What a report is computed over. ``start``/``end`` are local days, both included.
    The first six are the report filters; the rest narrow a drill-down to the rows behind
    one number."""

    start: dt.date
    end: dt.date
    organisation: int | None = None
    unit: int | None = None
    service: int | None = None
    work_type: int | None = None
    worker: int | None = None
    group: str = ""  # each report has its own default
    # drill-down refinements
    family: str | None = None
    work_class: tuple[str, ...] = ()
    reason: str | None = None
    cancelled_by: str | None = None
    month: dt.date | None = None
    level: str | None = None
    status: str | None = None
    location: str | None = None

    @property
    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        lo = dt.datetime.combine(self.start, dt.time(0), tzinfo=HELSINKI)
        hi = dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time(0), tzinfo=HELSINKI)
        return lo, hi

    @property
    def has_worker_filters(self) -> bool:
        return bool(self.unit or self.work_type or self.worker or self.work_class)

    def as_params(self) -> dict[str, str]:
        """The filters as query parameters (for drill-down and export links)."""
        out = {"start": self.start.isoformat(), "end": self.end.isoformat()}
        for name in ("organisation", "unit", "service", "work_type", "worker", "family", "reason", "cancelled_by"):
            if (value := getattr(self, name)) not in (None, ""):
                out[name] = str(value)
        for name in ("level", "status", "location"):
            if value := getattr(self, name):
                out[name] = value
        if self.group:
            out["group"] = self.group
        if self.work_class:
            out["work_class"] = ",".join(self.work_class)
        if self.month:
            out["month"] = self.month.strftime("%Y-%m")
        return out


def default_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """This calendar year up to today."""
    today = today or timezone.localdate()
    return today.replace(month=1, day=1), today


# --- result shape ----------------------------------------------------------------------


@dataclass
class Column:
    key: str
    label: str
    kind: str = "text"  # one of COLUMN_KINDS


# What a column holds: text; key (a family's pseudonymous key); int (a count); hours,
# pct and num (numbers at one decimal); eur (money, two decimals); month (its first day);
# year (a whole year, the lifecycle's cohort).
COLUMN_KINDS = ("text", "key", "int", "hours", "eur", "pct", "num", "month", "year")

# The shown precision of each numeric column kind (docs/metrics.md): pages, exports and
# the API all give a number rounded half away from zero to these decimals.
DECIMALS = {"hours": 1, "eur": 2, "pct": 1, "num": 1, "int": 0}


def rounded(value, digits: int) -> Decimal:
    """A number rounded half away from zero to ``digits`` decimals (27.55 -> 27.6, -0.25
    -> -0.3). Python's round() rounds half to even on binary floats (2.675 -> 2.67)."""
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def precise(value, kind: str):
    """``value`` at its column's shown precision: an int for whole numbers, a float with
    the kind's decimals otherwise; anything not numeric unchanged."""
    if kind not in DECIMALS or value is None or isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return value
    digits = DECIMALS[kind] if not isinstance(value, int) else 0
    r = rounded(value, digits)
    return int(r) if digits == 0 else float(r)


@dataclass
class Table:
    columns: list[Column]
    rows: list[dict]
    totals: dict | None = None
    # which column labels the chart's x axis, which columns are its series
    chart: dict | None = None
    notes: list[str] = field(default_factory=list)
    # the lifecycle's second table: each cohort's size and reach of specialised services
    reach: list[dict] | None = None

    def precise_row(self, row: dict | None) -> dict | None:
        """A row (or the totals) with every number at its column's shown precision."""
        if row is None:
            return None
        kinds = {c.key: c.kind for c in self.columns}
        return {k: precise(v, kinds.get(k, "text")) for k, v in row.items()}

    def logged(self, rows: list[dict] | None = None) -> list[tuple[int, int]]:
        """(object id, family id) of the families these rows name (all rows by default),
        for the access log: a family report's families, a drill-down's appointments."""
        return [
            (r.get("_appointment_id") or r["_family_id"], r["_family_id"])
            for r in (self.rows if rows is None else rows)
            if r.get("_family_id")
        ]


# --- expressions -----------------------------------------------------------------------


DAY = 86400.0


def _duration(end, start, unit_seconds: float = 3600.0):
    """end - start in hours (or another unit), computed by the database."""
    return Cast(Epoch(end) - Epoch(start), FloatField()) / Value(unit_seconds)


def _given(qs: QuerySet, lookups: dict) -> QuerySet:
    """Filter by the lookups whose value was given (a filter left empty means all)."""
    return qs.filter(**{k: v for k, v in lookups.items() if v not in (None, "")})


def _hours(seconds_field: str):
    return Cast(seconds_field, FloatField()) / Value(3600.0)


# on WorkFact: the participation's planned time, the realised time (0 unless realised)
PLANNED_HOURS = _hours("planned_seconds")
ACTUAL_HOURS = _hours("actual_seconds")
PRICE = Cast("unit_price", FloatField())
Q_REALISED = Q(status=REALISED)
Q_ACTIVE = ~Q(status=CANCELLED)
Q_OPEN = Q(status=PLANNED)
Q_PRIMARY = Q(role=Participant.Role.PRIMARY)


def _sum(expr, q: Q | None = None):
    return Coalesce(Sum(expr, filter=q, output_field=FloatField()), Value(0.0), output_field=FloatField())


def measures(*names: str, by_primary: bool = False) -> dict:
    """The named aggregates over worker-hour rows (docs/metrics.md).

    ``by_primary``: the rows hold every worker's row of each of their appointments
    (``_whole_appointments``) and are grouped by something of the appointment (family,
    service, month), so an appointment is counted by its primary worker's row: a plain
    count, which the databases hash, instead of a distinct count, which they sort."""
    all_measures = {
        "realised_hours": lambda: _sum(ACTUAL_HOURS, Q_REALISED),
        "booked_hours": lambda: _sum(PLANNED_HOURS, Q_ACTIVE),
        "open_hours": lambda: _sum(PLANNED_HOURS, Q_OPEN),
        "realised_cost": lambda: _sum(ACTUAL_HOURS * PRICE, Q_REALISED),
        "open_cost": lambda: _sum(PLANNED_HOURS * PRICE, Q_OPEN),
        "worker_visits": lambda: Count("pk", filter=Q_ACTIVE),
        "appointments": lambda: Count("appointment_id", distinct=True, filter=Q_ACTIVE),
        "realised_appointments": lambda: Count("appointment_id", distinct=True, filter=Q_REALISED),
        "families": lambda: Count("family_id", distinct=True, filter=Q_REALISED),
    }
    if by_primary:
        all_measures |= {
            "appointments": lambda: Count("pk", filter=Q_ACTIVE & Q_PRIMARY),
            "realised_appointments": lambda: Count("pk", filter=Q_REALISED & Q_PRIMARY),
        }
    return {name: all_measures[name]() for name in names}


def _whole_appointments(user, f: Filters) -> bool:
    """Whether the rows hold all the workers' rows of each appointment they hold: nothing
    restricts them by worker (scope, organisation, unit, worker). An appointment's rows
    share everything but the worker (its day, status, work type, family, place), so the
    other filters take all of them or none."""
    return not (policy.worker_scope_q(user) or f.organisation or f.unit or f.worker)


def _per_group_sql(
    qs: QuerySet,
    keys: tuple[str, ...],
    counted: str,
    distinct_as: str,
    distinct_q=None,
    *,
    total=False,
    label: tuple | None = None,
    **sums,
):
    """SQL of additive aggregates per group of ``keys`` and one distinct count of
    ``counted`` per group, computed in two steps: the aggregates per (group, counted)
    first, then summed per group, counting the ``counted`` values with rows (of
    ``distinct_q``). A distinct count in one step makes the databases sort the period's
    rows by the group (PostgreSQL walked the worker index for it, random reads through a
    year: docs/performance.md); both steps here are hashed. ``sums`` are additive
    aggregates: sums and plain counts. ``total``: a last row (``is_total`` 1) over all
    groups from the same first step, its distinct count over them all. ``label``: (model,
    its field, the name to give it) read for the first key from that model after the two
    steps (grouping the rows by the label too would make the first step wider)."""
    qn = connection.ops.quote_name
    hits = Count("pk", filter=distinct_q) if distinct_q is not None else Count("pk")
    inner = qs.values(*keys, counted).annotate(distinct_hits=hits, **sums).order_by()
    sql, params = inner.query.sql_with_params()
    summed = []
    for name, agg in sums.items():
        kind = "DOUBLE PRECISION" if isinstance(agg.output_field, FloatField) else "BIGINT"
        summed.append(f"CAST(COALESCE(SUM(s.{qn(name)}), 0) AS {kind}) AS {qn(name)}")
    counted_ = f"CASE WHEN s.{qn(counted)} IS NOT NULL AND s.distinct_hits > 0 THEN s.{qn(counted)} END"
    keyed = [f"s.{qn(k)}" for k in keys]
    source = "s" if total else f"({sql}) s"
    if label is not None:
        model, column, alias = label
        source += f" JOIN {qn(model._meta.db_table)} l ON l.{qn(model._meta.pk.column)} = s.{qn(keys[0])}"
        keyed.append(f"l.{qn(model._meta.get_field(column).column)}")
    names = [*keys, label[2]] if label is not None else list(keys)
    groups = ", ".join(
        [f"{k} AS {qn(n)}" for k, n in zip(keyed, names, strict=True)]
        + summed
        + [f"COUNT({counted_}) AS {qn(distinct_as)}"]
    )
    group_by = f" GROUP BY {', '.join(keyed)}" if keys else ""
    if not total:
        return f"SELECT {groups} FROM {source}{group_by}", params  # noqa: S608 (compiled ORM SQL, quoted names)
    all_ = ", ".join(["NULL"] * len(names) + summed + [f"COUNT(DISTINCT {counted_})"])
    return (
        f"WITH s AS ({sql}) SELECT 0 AS is_total, {groups} FROM {source}{group_by} "  # noqa: S608 (as above)
        f"UNION ALL SELECT 1, {all_} FROM s",
        params,
    )


def _fetch(sql: str, params) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [c[0] for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _split_total(result: list[dict]) -> tuple[list[dict], dict]:
    """The group rows and the total row of a ``_per_group_sql(..., total=True)`` result
    (the total row is always there: it aggregates without grouping)."""
    return [r for r in result if not r["is_total"]], next(r for r in result if r["is_total"])


def _per_group(qs: QuerySet, keys: tuple[str, ...], counted: str, distinct_as: str, distinct_q=None, **kwargs):
    """The rows of ``_per_group_sql``: one dict per group."""
    return _fetch(*_per_group_sql(qs, keys, counted, distinct_as, distinct_q, **kwargs))


def _persons(qs: QuerySet, key: str | None = None) -> dict:
    """Distinct persons named on the appointments of these rows, per ``key`` (a column of
    the rows the same for all rows of an appointment) and overall (under None), from one
    statement: the rows joined to the appointments' person links (the small side hashed),
    not the links filtered by the rows (which hashed a year of appointment ids) and not
    a distinct count over rows times persons."""
    qn = connection.ops.quote_name
    links = qn(Appointment.persons.through._meta.db_table)
    sql, params = qs.values("appointment_id", *([key] if key else [])).order_by().query.sql_with_params()
    pairs = (
        f"SELECT DISTINCT {f'w.{qn(key)}' if key else 'NULL'} AS k, p.person_id FROM ({sql}) w "  # noqa: S608
        f"JOIN {links} p ON p.appointment_id = w.appointment_id"
    )
    per_key = "SELECT 0 AS is_total, k, COUNT(*) AS n FROM sp GROUP BY k UNION ALL " if key else ""
    rows = _fetch(
        f"WITH sp AS ({pairs}) {per_key}SELECT 1 AS is_total, NULL AS k, COUNT(DISTINCT person_id) AS n FROM sp",  # noqa: S608
        params,
    )
    out = {r["k"]: r["n"] for r in rows if not r["is_total"]}
    out[None] = next(r["n"] for r in rows if r["is_total"])
    return out


def _one_decimal(value: float) -> float:
    """Shares, rates and the metrics are computed at their shown precision (one decimal,
    half away from zero, as ``precise`` rounds: once, from the exact value)."""
    return float(rounded(value, 1))


def _share(part: float, whole: float) -> float | None:
    return _one_decimal(100.0 * part / whole) if whole else None


# --- the rows every report starts from ----------------------------------------------


def work_rows(user, f: Filters, *, period: bool = True) -> QuerySet[WorkFact]:
    """Worker-hour rows of the period (by local day) within the user's scope and the
    filters: ``WorkFact`` rows, one per worker participation."""
    qs = WorkFact.objects.all()
    if period:
        qs = qs.filter(day__gte=f.start, day__lte=f.end)
    qs = qs.filter(policy.worker_scope_q(user))
    simple = {
        "worker__organisation_id": f.organisation,
        "worker__unit_id": f.unit,
        "worker__id": f.worker,
        "work_type__service_id": f.service,
        "work_type_id": f.work_type,
        "family__key": f.family,
        "cancellation_reason": f.reason,
        "cancelled_by": f.cancelled_by,
        "work_type__service__level": f.level,
        "status": f.status,
        "location_kind": f.location,
    }
    qs = _given(qs, simple)
    if f.work_class:
        qs = qs.filter(work_type__work_class__in=f.work_class)
    if f.month:
        nxt = (f.month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        qs = qs.filter(day__gte=f.month.replace(day=1), day__lt=nxt)
    return qs


def appointment_rows(user, f: Filters) -> QuerySet[WorkFact]:
    """One row per appointment: the primary worker's."""
    return work_rows(user, f).filter(role=Participant.Role.PRIMARY)


def purchase_rows(user, f: Filters, *, period: bool = True) -> QuerySet[PurchasedService]:
    """Purchases whose start date is in the period, of the purchasing organisations in the
    user's scope. Filters purchases do not carry (unit, worker, work type, work class)
    leave none: they are own work only."""
    if f.has_worker_filters:
        return PurchasedService.objects.none()
    qs = PurchasedService.objects.filter(policy.organisation_scope_q(user, "purchaser_id"))
    if period:
        qs = qs.filter(start_date__gte=f.start, start_date__lte=f.end)
    return _given(
        qs,
        {"purchaser_id": f.organisation, "service_id": f.service, "family__key": f.family, "service__level": f.level},
    )


def shift_rows(user, f: Filters) -> QuerySet[Shift]:
    lo, hi = f.bounds
    qs = Shift.objects.filter(policy.worker_scope_q(user), start__gte=lo, start__lt=hi)
    return _given(qs, {"worker__organisation_id": f.organisation, "worker__unit_id": f.unit, "worker_id": f.worker})


def _worker_label(row: dict, prefix: str = "worker__") -> str:
    return f"{row[prefix + 'last_name']} {row[prefix + 'first_name']}"


GROUPS = {
    # group -> (its key on WorkFact and on Shift, its label fields read from the worker)
    "worker": ("worker_id", ("id", "last_name", "first_name", "unit__name")),
    "unit": ("worker__unit_id", ("unit_id", "unit__name", "organisation__name")),
    "organisation": ("worker__organisation_id", ("organisation_id", "organisation__name")),
}


def _grouped(group: str, qs: QuerySet, **aggregates) -> dict:
    """The aggregates of the rows per worker, unit or organisation, by its id. The
    database groups by the id alone: grouped by the names as well, it sorted a year of
    rows by them instead of hashing (docs/performance.md)."""
    key = GROUPS[group][0]
    return {r[key]: r for r in qs.values(key).annotate(**aggregates).order_by()}


def _labelled(group: str, rows: dict, extra_keys=()) -> list[dict]:
    """The grouped rows (and the groups of ``extra_keys`` without rows) with their label
    fields (``worker__last_name``, ``worker__unit__name``...), in the order of the labels."""
    from perhekeskus.people.models import Worker

    fields = GROUPS[group][1]
    keys = set(rows) | set(extra_keys)
    labels = {
        w[fields[0]]: {f"worker__{k}": v for k, v in w.items()}
        for w in Worker.objects.filter(**{f"{fields[0]}__in": keys}).values(*fields).order_by().distinct()
    }
    out = [labels[k] | rows.get(k, {}) for k in keys if k in labels]
    out.sort(key=lambda r: (*(str(r[f"worker__{x}"] or "") for x in fields[1:]), r[f"worker__{fields[0]}"]))
    return out


def _group_key(group: str, row: dict):
    return row[f"worker__{GROUPS[group][1][0]}"]


def _group_row(group: str, row: dict) -> dict:
    if group == "worker":
        return {
            "name": _worker_label(row),
            "unit": row["worker__unit__name"],
            "_drill": {"worker": row["worker__id"]},
        }
    if group == "unit":
        return {
            "name": row["worker__unit__name"],
            "unit": row["worker__organisation__name"],
            "_drill": {"unit": row["worker__unit_id"]},
        }
    return {
        "name": row["worker__organisation__name"],
        "unit": "",
        "_drill": {"organisation": row["worker__organisation_id"]},
    }


def _group_columns(group: str) -> list[Column]:
    if group == "worker":
        return [Column("name", _("Worker")), Column("unit", _("Unit"))]
    if group == "unit":
        return [Column("name", _("Unit")), Column("unit", _("Organisation"))]
    return [Column("name", _("Organisation"))]


def _shift_hours_by(user, f: Filters, group: str) -> dict:
    key = GROUPS[group][0]
    return {
        r[key]: r["hours"]
        for r in shift_rows(user, f).values(key).annotate(hours=_sum(_duration("end", "start"))).order_by()
    }


# --- the eleven reports --------------------------------------------------------------


@analytic
def family_hours(user, f: Filters) -> Table:
    """1. Worker-hours per family."""
    whole = _whole_appointments(user, f)
    counts = ("realised_hours", "open_hours", "appointments", "realised_appointments")
    # a family's row is its work not cancelled: a family whose only appointments in the
    # period were cancelled has nothing here (report 4 counts its cancellations), and the
    # totals count each worker once however many families they worked with
    family_rows = work_rows(user, f).filter(Q_ACTIVE, family__isnull=False)
    if whole:
        # workers per family in two hashed steps, appointments by their primary rows, the
        # totals from the same first step
        rows = _per_group(
            family_rows,
            ("family_id",),
            "worker_id",
            "workers",
            Q_ACTIVE,
            total=True,
            label=(Family, "key", "family__key"),
            **measures(*counts, by_primary=True),
        )
        rows, total = _split_total(rows)
        totals = {k: total[k] for k in (*counts, "workers")}
    else:
        rows = list(
            family_rows.values("family_id", "family__key")
            .annotate(**measures(*counts), workers=Count("worker_id", distinct=True, filter=Q_ACTIVE))
            .order_by()
        )
        totals = family_rows.aggregate(**measures(*counts), workers=Count("worker_id", distinct=True, filter=Q_ACTIVE))
    rows.sort(key=lambda r: (-r["realised_hours"], r["family__key"]))
    out = []
    for r in rows:
        out.append(
            {
                "family": r["family__key"],
                "realised_hours": r["realised_hours"],
                "open_hours": r["open_hours"],
                "appointments": r["appointments"],
                "realised_appointments": r["realised_appointments"],
                "workers": r["workers"],
                "_drill": {"family": r["family__key"]},
                "_family_id": r["family_id"],
            }
        )
    totals["family"] = _("%(n)d families") % {"n": len(out)}
    return Table(
        columns=[
            Column("family", _("Family key"), "key"),
            Column("realised_hours", _("Realised hours"), "hours"),
            Column("open_hours", _("Planned hours not yet realised"), "hours"),
            Column("appointments", _("Appointments"), "int"),
            Column("realised_appointments", _("Realised appointments"), "int"),
            Column("workers", _("Workers"), "int"),
        ],
        rows=out,
        totals=totals,
        chart={
            "type": "bar",
            "label": "family",
            "series": ["realised_hours", "open_hours"],
            "stacked": True,
            "top": 30,
        },
    )


@analytic
def family_cost(user, f: Filters) -> Table:
    """2. Cost per family: own work at the booked unit prices plus purchased services."""
    own = {  # own work not cancelled (a family with only cancelled work and no purchase has no row)
        r["family_id"]: r
        for r in work_rows(user, f)
        .filter(Q_ACTIVE, family__isnull=False)
        .values("family_id", "family__key")
        .annotate(**measures("realised_cost", "open_cost", "realised_hours"))
        .order_by()
    }
    bought = {
        r["family_id"]: r
        for r in purchase_rows(user, f)
        .values("family_id", "family__key")
        .annotate(purchased=Sum(Cast("amount", FloatField())))
        .order_by()
    }
    out = []
    for family_id in own.keys() | bought.keys():
        o, b = own.get(family_id, {}), bought.get(family_id, {})
        key = o.get("family__key") or b.get("family__key")
        own_cost, purchased = o.get("realised_cost", 0.0), b.get("purchased", 0.0) or 0.0
        out.append(
            {
                "family": key,
                "realised_hours": o.get("realised_hours", 0.0),
                "own_cost": own_cost,
                "purchased": purchased,
                "total": own_cost + purchased,
                "open_cost": o.get("open_cost", 0.0),
                "_drill": {"family": key},
                "_family_id": family_id,
            }
        )
    out.sort(key=lambda r: (-r["total"], r["family"]))
    totals = {
        "family": _("%(n)d families") % {"n": len(out)},
        "realised_hours": sum(r["realised_hours"] for r in out),
        "own_cost": sum(r["own_cost"] for r in out),
        "purchased": sum(r["purchased"] for r in out),
        "total": sum(r["total"] for r in out),
        "open_cost": sum(r["open_cost"] for r in out),
    }
    return Table(
        columns=[
            Column("family", _("Family key"), "key"),
            Column("realised_hours", _("Realised hours"), "hours"),
            Column("own_cost", _("Own work (EUR)"), "eur"),
            Column("purchased", _("Purchased services (EUR)"), "eur"),
            Column("total", _("Total (EUR)"), "eur"),
            Column("open_cost", _("Planned, not yet realised (EUR)"), "eur"),
        ],
        rows=out,
        totals=totals,
        chart={"type": "bar", "label": "family", "series": ["own_cost", "purchased"], "stacked": True, "top": 30},
    )


@analytic
def worker_work_type(user, f: Filters) -> Table:
    """3. Per worker and per work type."""
    # grouped by the two ids alone (hashing, not sorting a year of rows by names); the
    # names come from the small tables
    from perhekeskus.people.models import Worker
    from perhekeskus.scheduling.models import WorkType

    grouped = list(
        work_rows(user, f)
        .values("worker_id", "work_type_id")
        .annotate(**measures("worker_visits", "booked_hours", "realised_hours", "realised_cost"))
        .order_by()
    )
    workers = {
        w["id"]: w
        for w in Worker.objects.filter(pk__in={r["worker_id"] for r in grouped}).values("id", "last_name", "first_name")
    }
    types = {
        t["id"]: t
        for t in WorkType.objects.filter(pk__in={r["work_type_id"] for r in grouped}).values("id", "name", "work_class")
    }
    rows = [
        r
        | {
            "worker__last_name": workers[r["worker_id"]]["last_name"],
            "worker__first_name": workers[r["worker_id"]]["first_name"],
        }
        | {
            "work_type__name": types[r["work_type_id"]]["name"],
            "work_type__work_class": types[r["work_type_id"]]["work_class"],
        }
        for r in grouped
    ]
    rows.sort(key=lambda r: (r["worker__last_name"], r["worker__first_name"], r["worker_id"], r["work_type__name"]))
    classes = dict(WorkClass.choices)
    out = [
        {
            "worker": _worker_label(r),
            "work_type": r["work_type__name"],
            "work_class": str(classes.get(r["work_type__work_class"], "")),
            "appointments": r["worker_visits"],
            "booked_hours": r["booked_hours"],
            "realised_hours": r["realised_hours"],
            "realised_cost": r["realised_cost"],
            "_drill": {"worker": r["worker_id"], "work_type": r["work_type_id"]},
        }
        for r in rows
    ]
    # the totals and the work classes are sums of the groups (which partition the rows):
    # no second and third pass over the year
    totals = {
        k: sum(r[k] for r in grouped) for k in ("worker_visits", "booked_hours", "realised_hours", "realised_cost")
    }
    totals["appointments"] = totals.pop("worker_visits")
    class_hours: dict[str, float] = {}
    for r in rows:
        class_hours[r["work_type__work_class"]] = class_hours.get(r["work_type__work_class"], 0.0) + r["booked_hours"]
    by_class = [{"work_type__work_class": c, "booked_hours": h} for c, h in sorted(class_hours.items())]
    return Table(
        columns=[
            Column("worker", _("Worker")),
            Column("work_type", _("Work type")),
            Column("work_class", _("Work class")),
            Column("appointments", _("Appointments"), "int"),
            Column("booked_hours", _("Booked hours"), "hours"),
            Column("realised_hours", _("Realised hours"), "hours"),
            Column("realised_cost", _("Realised cost (EUR)"), "eur"),
        ],
        rows=out,
        totals=totals,
        chart={
            "type": "doughnut",
            "labels": [str(classes.get(r["work_type__work_class"], "")) for r in by_class],
            "data": [precise(r["booked_hours"], "hours") for r in by_class],
            "title": _("Booked hours by work class"),
        },
    )


@analytic
def cancellations(user, f: Filters) -> Table:
    """4. Cancelled appointments by reason and by who cancelled."""
    base = appointment_rows(user, f)
    total = base.count()
    late = Q(late=True)
    rows = (
        base.filter(status=CANCELLED)
        .values("cancellation_reason", "cancelled_by")
        .annotate(
            cancelled=Count("pk"),
            late=Count("pk", filter=late),
            hours=_sum(PLANNED_HOURS),
        )
        .order_by("-cancelled", "cancellation_reason", "cancelled_by")
    )
    from perhekeskus.scheduling.models import CancellationReason, CancelledBy

    reasons, parties = dict(CancellationReason.choices), dict(CancelledBy.choices)
    out = [
        {
            "reason": str(reasons.get(r["cancellation_reason"], r["cancellation_reason"])),
            "cancelled_by": str(parties.get(r["cancelled_by"], "")) or "–",
            "cancelled": r["cancelled"],
            "share": _share(r["cancelled"], total),
            "late": r["late"],
            "hours": r["hours"],
            "_drill": {
                "reason": r["cancellation_reason"],
                "cancelled_by": r["cancelled_by"],
                "status": CANCELLED,
            },
        }
        for r in rows
    ]
    n = sum(r["cancelled"] for r in out)
    totals = {
        "reason": _("All cancellations"),
        "cancelled": n,
        "share": _share(n, total),
        "late": sum(r["late"] for r in out),
        "hours": sum(r["hours"] for r in out),
    }
    return Table(
        columns=[
            Column("reason", _("Reason")),
            Column("cancelled_by", _("Cancelled by")),
            Column("cancelled", _("Cancelled"), "int"),
            Column("share", _("Share of all appointments (%)"), "pct"),
            Column("late", _("Cancelled less than 24 h before"), "int"),
            Column("hours", _("Booked hours lost"), "hours"),
        ],
        rows=out,
        totals=totals,
        chart={"type": "bar", "label": "reason", "series": ["cancelled"], "horizontal": True},
        notes=[_("%(n)d appointments in the period and scope, cancelled or not.") % {"n": total}],
    )


@analytic
def realised_client_work(user, f: Filters) -> Table:
    """5. Realised client work by month and work class."""
    qs = work_rows(user, f).filter(Q_REALISED, work_type__work_class__in=CLIENT_WORK)
    keys = ("month", "work_type__work_class")
    if _whole_appointments(user, f):
        # families per month and class in two hashed steps, the totals from the same first
        # step, appointments by their primary rows
        result = _per_group(
            qs,
            keys,
            "family_id",
            "families",
            total=True,
            **measures("realised_hours", "realised_appointments", by_primary=True),
        )
        rows, totals = _split_total(result)
        rows.sort(key=lambda r: (_local_month(r["month"]), r[keys[1]]))
    else:
        rows = (
            qs.values(*keys).annotate(**measures("realised_hours", "realised_appointments", "families")).order_by(*keys)
        )
        totals = qs.aggregate(**measures("realised_hours", "realised_appointments", "families"))
    classes = dict(WorkClass.choices)
    out = []
    for r in rows:
        month = _local_month(r["month"])
        out.append(
            {
                "month": month,
                "work_class": str(classes[r["work_type__work_class"]]),
                "realised_appointments": r["realised_appointments"],
                "realised_hours": r["realised_hours"],
                "families": r["families"],
                "_drill": {
                    "month": month,
                    "work_class": (r["work_type__work_class"],),
                    "status": REALISED,
                },
            }
        )
    totals = {k: totals[k] for k in ("realised_hours", "realised_appointments", "families")}
    totals["month"] = _("Period")
    return Table(
        columns=[
            Column("month", _("Month"), "month"),
            Column("work_class", _("Work class")),
            Column("realised_appointments", _("Realised appointments"), "int"),
            Column("realised_hours", _("Realised hours"), "hours"),
            Column("families", _("Families"), "int"),
        ],
        rows=out,
        totals=totals,
        chart={"type": "bar", "label": "month", "pivot": "work_class", "value": "realised_hours", "stacked": True},
    )


@analytic
def planned_vs_realised(user, f: Filters) -> Table:
    """6. Planned vs realised duration of realised appointments, per work type."""
    qs = appointment_rows(user, f).filter(Q_REALISED).alias(diff_s=F("actual_seconds") - F("planned_seconds"))
    diff = ACTUAL_HOURS - PLANNED_HOURS
    measures_ = {
        "realised": Count("pk"),
        "planned_hours": _sum(PLANNED_HOURS),
        "actual_hours": _sum(ACTUAL_HOURS),
        "shorter": Count("pk", filter=Q(diff_s__lt=0)),
        "longer": Count("pk", filter=Q(diff_s__gt=0)),
        "difference": _sum(diff),
    }
    rows = list(qs.values("work_type_id", "work_type__name").annotate(**measures_).order_by("work_type__name"))

    def shape(r, name, drill):
        return {
            "work_type": name,
            "realised": r["realised"],
            "planned_hours": r["planned_hours"],
            "actual_hours": r["actual_hours"],
            "difference": r["difference"],
            "mean_difference_min": (60.0 * r["difference"] / r["realised"]) if r["realised"] else None,
            "shorter": r["shorter"],
            "longer": r["longer"],
            "_drill": drill,
        }

    out = [shape(r, r["work_type__name"], {"work_type": r["work_type_id"], "status": REALISED}) for r in rows]
    # the work types partition the rows: the totals are the sums of their rows
    totals = shape({k: sum(r[k] for r in rows) for k in measures_}, _("All work types"), None)
    return Table(
        columns=[
            Column("work_type", _("Work type")),
            Column("realised", _("Realised appointments"), "int"),
            Column("planned_hours", _("Planned hours"), "hours"),
            Column("actual_hours", _("Realised hours"), "hours"),
            Column("difference", _("Difference (h)"), "hours"),
            Column("mean_difference_min", _("Mean difference (min)"), "num"),
            Column("shorter", _("Shorter than planned"), "int"),
            Column("longer", _("Longer than planned"), "int"),
        ],
        rows=out,
        totals=totals,
        chart={"type": "bar", "label": "work_type", "series": ["planned_hours", "actual_hours"]},
    )


@analytic
def meeting_share(user, f: Filters) -> Table:
    """7. Share of working time in meetings, training and other internal work."""
    group = f.group if f.group in GROUPS else "unit"
    shift_hours = _shift_hours_by(user, f, group)
    is_class = {c: Q(work_type__work_class=c) & Q_ACTIVE for c in INTERNAL_WORK}
    rows = _labelled(
        group,
        _grouped(
            group,
            work_rows(user, f),
            meeting=_sum(PLANNED_HOURS, is_class[WorkClass.MEETING]),
            training=_sum(PLANNED_HOURS, is_class[WorkClass.TRAINING]),
            other=_sum(PLANNED_HOURS, is_class[WorkClass.OTHER]),
            booked=_sum(PLANNED_HOURS, Q_ACTIVE),
        ),
    )
    out = []
    for r in rows:
        shift = shift_hours.get(_group_key(group, r), 0.0)
        internal = r["meeting"] + r["training"] + r["other"]
        g = _group_row(group, r)
        g["_drill"] = {**g["_drill"], "work_class": INTERNAL_WORK}
        out.append(
            {
                **g,
                "shift_hours": shift,
                "meeting": r["meeting"],
                "training": r["training"],
                "other": r["other"],
                "internal": internal,
                "share_of_shift": _share(internal, shift),
                "share_of_booked": _share(internal, r["booked"]),
            }
        )
    totals = {
        "name": _("Total"),
        **{k: sum(r[k] for r in out) for k in ("shift_hours", "meeting", "training", "other", "internal")},
    }
    totals["share_of_shift"] = _share(totals["internal"], totals["shift_hours"])
    booked_all = sum(r["booked"] for r in rows)  # the groups partition the rows
    totals["share_of_booked"] = _share(totals["internal"], booked_all)
    return Table(
        columns=[
            *_group_columns(group),
            Column("shift_hours", _("Shift hours"), "hours"),
            Column("meeting", _("Meetings (h)"), "hours"),
            Column("training", _("Training (h)"), "hours"),
            Column("other", _("Other internal work (h)"), "hours"),
            Column("internal", _("Internal work in all (h)"), "hours"),
            Column("share_of_shift", _("Share of shift hours (%)"), "pct"),
            Column("share_of_booked", _("Share of booked hours (%)"), "pct"),
        ],
        rows=out,
        totals=totals,
        chart={"type": "bar", "label": "name", "series": ["share_of_shift"], "horizontal": True, "top": 40},
    )


def population_children(year: int) -> tuple[int | None, int | None]:
    """Children (0-18) of every municipality in the population table for ``year``, or
    the latest earlier year the table has: (children, year used)."""
    used = PopulationYear.objects.filter(year__lte=year).aggregate(y=Max("year"))["y"]
    if used is None:
        return None, None
    rows = PopulationYear.objects.filter(year=used).aggregate(
        n=Sum(F("age_0_6") + F("age_7_12") + F("age_13_15") + F("age_16_18"))
    )
    return rows["n"], used


def _per_1000(count: int | None, children: int | None) -> float | None:
    return _one_decimal(1000.0 * count / children) if children and count is not None else None


@analytic
def client_counts(user, f: Filters) -> Table:
    """8. Client counts: families and persons with realised work, per service."""
    qs = work_rows(user, f).filter(Q_REALISED)
    service = "work_type__service_id"
    if _whole_appointments(user, f):
        # families per service and overall from one pass: the (service, family) pairs
        # first, each appointment counted by its primary worker's row
        result = _fetch(
            *_per_group_sql(
                qs,
                (service,),
                "family_id",
                "families",
                total=True,
                **measures("realised_appointments", by_primary=True),
            )
        )
        rows, total = _split_total(result)
        totals = {"families": total["families"], "realised_appointments": total["realised_appointments"]}
    else:
        agg = {
            "families": Count("family_id", distinct=True),
            "realised_appointments": Count("appointment_id", distinct=True),
        }
        rows = list(qs.values(service).annotate(**agg).order_by())
        totals = qs.aggregate(**agg)
    n_persons = _persons(qs, service)
    children, year = population_children(f.end.year)
    services = {
        s.pk: s
        for s in Service.objects.filter(pk__in=[r["work_type__service_id"] for r in rows]).select_related(
            "organisation"
        )
    }
    out = [
        {
            "service": services[r["work_type__service_id"]].name,
            "organisation": services[r["work_type__service_id"]].organisation.name,
            "families": r["families"],
            "persons": n_persons.get(r["work_type__service_id"], 0),
            "realised_appointments": r["realised_appointments"],
            "families_per_1000": _per_1000(r["families"], children),
            "_drill": {"service": r["work_type__service_id"], "status": REALISED},
        }
        for r in rows
    ]
    out.sort(key=lambda r: (-r["families"], r["service"]))
    totals["persons"] = n_persons[None]
    totals |= {
        "service": _("All services (each family once)"),
        "families_per_1000": _per_1000(totals["families"], children),
    }
    notes = []
    if children:
        notes.append(
            _("Per 1,000 children: %(children)d children aged 0-18 in the population table, year %(year)d.")
            % {"children": children, "year": year}
        )
    else:
        notes.append(_("No population table for this year: rates per 1,000 children are not shown."))
    return Table(
        columns=[
            Column("service", _("Service")),
            Column("organisation", _("Organisation")),
            Column("families", _("Families"), "int"),
            Column("persons", _("Persons"), "int"),
            Column("realised_appointments", _("Realised appointments"), "int"),
            Column("families_per_1000", _("Families per 1,000 children"), "num"),
        ],
        rows=out,
        totals=totals,
        chart={"type": "bar", "label": "service", "series": ["families"], "horizontal": True, "top": 40},
        notes=notes,
    )


@analytic
def workload(user, f: Filters) -> Table:
    """9. Workload distribution and the resource situation."""
    group = f.group if f.group in GROUPS else "worker"
    shift_hours = _shift_hours_by(user, f, group)
    key = GROUPS[group][0]
    grouped_rows, total_row = _split_total(
        _per_group(
            work_rows(user, f),
            (key,),
            "family_id",
            "families",
            Q_ACTIVE,
            total=True,
            **measures("booked_hours", "realised_hours", "open_hours"),
        )
    )
    grouped = {r[key]: r for r in grouped_rows}
    out = []
    # workers (units, organisations) with shifts but no bookings are part of the picture
    for r in _labelled(group, grouped, extra_keys=shift_hours):
        shift, booked = shift_hours.get(_group_key(group, r), 0.0), r.get("booked_hours", 0.0)
        out.append(
            {
                **_group_row(group, r),
                "shift_hours": shift,
                "booked_hours": booked,
                "realised_hours": r.get("realised_hours", 0.0),
                "free_hours": max(shift - booked, 0.0),
                "utilisation": _share(booked, shift),
                "families": r.get("families", 0),
            }
        )
    out.sort(key=lambda r: (-(r["utilisation"] or 0), r["name"]))
    totals = {
        "name": _("Total"),
        **{k: sum(r[k] for r in out) for k in ("shift_hours", "booked_hours", "realised_hours", "free_hours")},
    }
    totals["utilisation"] = _share(totals["booked_hours"], totals["shift_hours"])
    totals["families"] = total_row.get("families") or 0  # each family once, however many workers
    return Table(
        columns=[
            *_group_columns(group),
            Column("shift_hours", _("Shift hours"), "hours"),
            Column("booked_hours", _("Booked hours"), "hours"),
            Column("realised_hours", _("Realised hours"), "hours"),
            Column("free_hours", _("Free hours"), "hours"),
            Column("utilisation", _("Utilisation (%)"), "pct"),
            Column("families", _("Families"), "int"),
        ],
        rows=out,
        totals=totals,
        chart={"type": "bar", "label": "name", "series": ["utilisation"], "horizontal": True, "top": 40},
    )


@analytic
def visits_travel(user, f: Filters) -> Table:
    """10. Client visit times and travel times."""
    group = f.group if f.group in GROUPS else "worker"
    home = Q(location_kind=Appointment.LocationKind.CLIENT_HOME) & Q_REALISED & Q(work_type__work_class__in=CLIENT_WORK)
    other = (
        ~Q(location_kind=Appointment.LocationKind.CLIENT_HOME) & Q_REALISED & Q(work_type__work_class__in=CLIENT_WORK)
    )
    travel = Q(work_type__work_class=WorkClass.TRAVEL) & Q_ACTIVE
    rows_qs = work_rows(user, f)

    def once(level: str | None) -> Q:
        """A visit is one visit, and its time the visit's time, however many workers made
        it: a row counts unless its appointment's primary worker's row is among the rows
        in the same group (a unit, an organisation, the total), which counts it instead.
        A worker's own row is always theirs (worker level)."""
        if level == "worker":
            return Q()
        same = {GROUPS[level][0]: OuterRef(GROUPS[level][0])} if level else {}
        primary_here = rows_qs.filter(appointment_id=OuterRef("appointment_id"), role=Participant.Role.PRIMARY)
        return Q_PRIMARY | ~Q(Exists(primary_here.filter(**same)))

    def agg(level: str | None) -> dict:
        counted = once(level)
        return {
            "home_visits": Count("pk", filter=home & counted),
            "home_visit_hours": _sum(ACTUAL_HOURS, home & counted),
            "other_visits": Count("pk", filter=other & counted),
            "other_visit_hours": _sum(ACTUAL_HOURS, other & counted),
            "travel_hours": _sum(PLANNED_HOURS, travel & counted),
        }

    rows = _labelled(group, _grouped(group, rows_qs, **agg(group)))

    def shape(r, head):
        return {
            **head,
            "home_visits": r["home_visits"],
            "home_visit_hours": r["home_visit_hours"],
            "mean_visit_min": 60.0 * r["home_visit_hours"] / r["home_visits"] if r["home_visits"] else None,
            "other_visits": r["other_visits"],
            "other_visit_hours": r["other_visit_hours"],
            "travel_hours": r["travel_hours"],
            "travel_per_home_visit_min": 60.0 * r["travel_hours"] / r["home_visits"] if r["home_visits"] else None,
        }

    out = [shape(r, _group_row(group, r)) for r in rows if r["home_visits"] or r["other_visits"] or r["travel_hours"]]
    totals = shape(rows_qs.aggregate(**agg(None)), {"name": _("Total")})
    return Table(
        columns=[
            *_group_columns(group),
            Column("home_visits", _("Home visits"), "int"),
            Column("home_visit_hours", _("Home visit hours"), "hours"),
            Column("mean_visit_min", _("Mean home visit (min)"), "num"),
            Column("other_visits", _("Other client appointments"), "int"),
            Column("other_visit_hours", _("Their hours"), "hours"),
            Column("travel_hours", _("Travel hours"), "hours"),
            Column("travel_per_home_visit_min", _("Travel per home visit (min)"), "num"),
        ],
        rows=out,
        totals=totals,
        chart={
            "type": "bar",
            "label": "name",
            "series": ["home_visit_hours", "travel_hours"],
            "stacked": True,
            "horizontal": True,
            "top": 40,
        },
    )


@analytic
def own_vs_purchased(user, f: Filters) -> Table:
    """11. Own work vs purchased services, per service (family-specific budgeting)."""
    own = {
        r["work_type__service_id"]: r
        for r in work_rows(user, f)
        .filter(family__isnull=False)
        .values("work_type__service_id")
        .annotate(**measures("realised_hours", "realised_cost"))
        .order_by()
    }
    bought = {
        r["service_id"]: r
        for r in purchase_rows(user, f)
        .values("service_id")
        .annotate(purchased=Sum(Cast("amount", FloatField())), purchases=Count("pk"))
        .order_by()
    }
    services = {
        s.pk: s for s in Service.objects.filter(pk__in=own.keys() | bought.keys()).select_related("organisation")
    }
    levels = dict(Service.Level.choices)
    out = []
    for pk, s in services.items():
        o, b = own.get(pk, {}), bought.get(pk, {})
        own_cost, purchased = o.get("realised_cost", 0.0), b.get("purchased") or 0.0
        out.append(
            {
                "service": s.name,
                "organisation": s.organisation.name,
                "level": str(levels[s.level]),
                "own_hours": o.get("realised_hours", 0.0),
                "own_cost": own_cost,
                "purchases": b.get("purchases", 0),
                "purchased": purchased,
                "total": own_cost + purchased,
                "purchased_share": _share(purchased, own_cost + purchased),
                "_drill": {"service": pk},
            }
        )
    out.sort(key=lambda r: (-r["total"], r["service"]))
    totals = {
        "service": _("Total"),
        **{k: sum(r[k] for r in out) for k in ("own_hours", "own_cost", "purchases", "purchased", "total")},
    }
    totals["purchased_share"] = _share(totals["purchased"], totals["total"])
    return Table(
        columns=[
            Column("service", _("Service")),
            Column("organisation", _("Organisation")),
            Column("level", _("Service level")),
            Column("own_hours", _("Own realised hours"), "hours"),
            Column("own_cost", _("Own work (EUR)"), "eur"),
            Column("purchases", _("Purchases"), "int"),
            Column("purchased", _("Purchased (EUR)"), "eur"),
            Column("total", _("Total (EUR)"), "eur"),
            Column("purchased_share", _("Purchased share (%)"), "pct"),
        ],
        rows=out,
        totals=totals,
        chart={
            "type": "bar",
            "label": "service",
            "series": ["own_cost", "purchased"],
            "stacked": True,
            "horizontal": True,
            "top": 30,
        },
    )


def _local_month(value) -> dt.date:
    if isinstance(value, str):  # a date column read by raw SQL on SQLite
        return dt.date.fromisoformat(value[:10]).replace(day=1)
    if isinstance(value, dt.datetime):
        return (timezone.localtime(value, HELSINKI) if timezone.is_aware(value) else value).date().replace(day=1)
    return value.replace(day=1)


# --- drill-down ------------------------------------------------------------------------


def drill_rows(user, f: Filters) -> QuerySet[WorkFact]:
    """The worker-hour rows behind a number, newest first, with what a drill-down page
    and its export show (docs/metrics.md: the same filters as the number)."""
    return (
        work_rows(user, f)
        .annotate(
            planned_hours=PLANNED_HOURS,
            actual_hours=Case(When(Q_REALISED, then=ACTUAL_HOURS), default=None, output_field=FloatField()),
            end=F("participant__end"),
        )
        .values(
            "pk",
            "role",
            "start",
            "end",
            "planned_hours",
            "actual_hours",
            "appointment_id",
            "status",
            "unit_price",
            "location_kind",
            "appointment__address",
            "cancellation_reason",
            "cancelled_by",
            "family_id",
            "family__key",
            "family__address_protected",
            "work_type__name",
            "work_type__service__name",
            "worker__id",
            "worker__first_name",
            "worker__last_name",
            "worker__organisation_id",
            "worker__unit_id",
            "worker__unit__name",
        )
        .order_by("-start", "-pk")
    )


def purchase_list(user) -> QuerySet[PurchasedService]:
    """Purchases the user may see: of the purchasing organisations in the report scope."""
    return (
        PurchasedService.objects.filter(policy.organisation_scope_q(user, "purchaser_id"))
        .select_related("purchaser", "provider", "service", "family")
        .order_by("-start_date", "-pk")
    )


# --- family-centre metrics (seeds/002) -------------------------------------------------


def _needs(user, f: Filters):
    from perhekeskus.intake.models import ServiceNeed

    qs = ServiceNeed.objects.filter(policy.organisation_scope_q(user, "service__organisation_id"))
    return _given(
        qs,
        {
            "service__organisation_id": f.organisation,
            "service_id": f.service,
            "work_type_id": f.work_type,
            "worker_id": f.worker,
            "worker__unit_id": f.unit,
        },
    )


def _contacts(user, f: Filters):
    """Contacts of the answering organisations in scope; none when a filter names what a
    contact does not have (unit, worker, service, work type)."""
    from perhekeskus.intake.models import Contact

    if f.has_worker_filters or f.service:
        return Contact.objects.none()
    lo, hi = f.bounds
    qs = Contact.objects.filter(
        policy.organisation_scope_q(user, "organisation_id"), received_at__gte=lo, received_at__lt=hi
    )
    return _given(qs, {"organisation_id": f.organisation})


def _notifications(user, f: Filters):
    from perhekeskus.intake.models import ChildWelfareNotification

    if f.has_worker_filters:
        return ChildWelfareNotification.objects.none()
    qs = ChildWelfareNotification.objects.filter(policy.organisation_scope_q(user, "service__organisation_id"))
    return _given(qs, {"service__organisation_id": f.organisation, "service_id": f.service})


@analytic
def metrics(user, f: Filters) -> Table:
    """The seeds/002 metrics the data supports, for the period (docs/metrics.md)."""
    from perhekeskus.intake import clocks
    from perhekeskus.intake.models import Channel, ChildWelfareNotification, ServiceNeed

    lo, hi = f.bounds
    children, year = population_children(f.end.year)
    rows: list[dict] = []

    def add(key, label, value, unit="", basis=None, per_1000=False, report=None):
        rows.append(
            {
                "key": key,
                "metric": label,
                "value": _one_decimal(value) if isinstance(value, float) else value,
                "unit": unit,
                "basis": basis,
                "per_1000": _per_1000(value, children) if per_1000 and isinstance(value, int) else None,
                "_report": report,
            }
        )

    served = work_rows(user, f).filter(Q_REALISED, family__isnull=False)

    # one pass over the period's rows: their distinct (family, worker, service) triples,
    # hashed (a few per cent of the rows); from them the services of each family, whether
    # a responsible / own worker is named for it on the last day of the period, and the
    # families of each worker
    def named(role):
        qs = NamedWorker.objects.filter(role=role, start_date__lte=f.end).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=f.end)
        )
        return qs.values("family_id").order_by().query.sql_with_params()

    triples, params = (
        served.values("family_id", "worker_id", "work_type__service_id").distinct().order_by().query.sql_with_params()
    )
    responsible, r_params = named(NamedWorker.Role.RESPONSIBLE_WORKER)
    own, o_params = named(NamedWorker.Role.OWN_WORKER)
    families = _fetch(
        f"WITH t AS ({triples}), "  # noqa: S608 (compiled ORM SQL)
        'fam AS (SELECT family_id, COUNT(DISTINCT "work_type__service_id") AS services FROM t GROUP BY family_id), '
        "wrk AS (SELECT worker_id, COUNT(DISTINCT family_id) AS n FROM t GROUP BY worker_id) "
        "SELECT (SELECT COUNT(*) FROM fam) AS n, "
        "(SELECT COALESCE(SUM(CASE WHEN services >= 2 THEN 1 ELSE 0 END), 0) FROM fam) AS multi, "
        f"(SELECT COALESCE(SUM(CASE WHEN services >= 2 AND family_id IN ({responsible}) THEN 1 ELSE 0 END), 0) "
        "FROM fam) AS multi_responsible, "
        f"(SELECT COALESCE(SUM(CASE WHEN family_id IN ({own}) THEN 1 ELSE 0 END), 0) FROM fam) AS with_own, "
        "(SELECT COUNT(*) FROM wrk) AS workers, (SELECT CAST(SUM(n) AS BIGINT) FROM wrk) AS total, "
        "(SELECT MAX(n) FROM wrk) AS most",
        (*params, *r_params, *o_params),
    )[0]
    n_families, n_multi = families["n"], families["multi"]
    add(
        "families_served",
        _("Families served (client count)"),
        n_families,
        basis=None,
        per_1000=True,
        report="client_counts",
    )
    n_persons = _persons(served)[None]
    add("persons_served", _("Persons named on realised appointments"), n_persons, per_1000=True, report="client_counts")
    add("multi_service", _("Multi-service clienthoods (families in 2 or more services)"), n_multi, per_1000=True)
    with_responsible = families["multi_responsible"]
    add(
        "responsible_named",
        _("Multi-service families with a responsible worker named"),
        _share(with_responsible, n_multi),
        "%",
        basis=f"{with_responsible}/{n_multi}",
    )
    with_own = families["with_own"]
    add(
        "own_worker_named",
        _("Families served with an own worker named"),
        _share(with_own, n_families),
        "%",
        basis=f"{with_own}/{n_families}",
    )

    add(
        "families_per_worker",
        _("Families per worker (mean over workers with realised client work)"),
        (families["total"] / families["workers"]) if families["workers"] else None,
        basis=_("%(workers)d workers, highest %(max)d")
        % {"workers": families["workers"], "max": families["most"] or 0},
        report="workload",
    )

    # the realised appointments counted by a plain pass; the multi-agency ones from the few
    # pair rows (their own index; a pair's row has its primary's day), each looking up its
    # appointment's primary row in the realised rows by the appointment's index: not every realised row joined to
    # its worker's organisation. An appointment has one pair at most.
    realised = appointment_rows(user, f).filter(Q_REALISED)
    n_realised = realised.count()
    primary_organisation = Subquery(
        realised.filter(appointment_id=OuterRef("appointment_id")).values("worker__organisation_id")[:1]
    )
    n_multi_agency = (
        WorkFact.objects.filter(role=Participant.Role.PAIR, day__gte=f.start, day__lte=f.end)
        .alias(primary_organisation=primary_organisation)
        .filter(primary_organisation__isnull=False)
        .exclude(primary_organisation=F("worker__organisation_id"))
        .count()
    )
    add(
        "multi_agency",
        _("Multi-agency work: realised appointments with a work pair from another organisation"),
        n_multi_agency,
        basis=_("of %(n)d realised appointments (%(share)s %%)")
        % {"n": n_realised, "share": _share(n_multi_agency, n_realised)},
    )

    # intake: waiting, first contact, clienthood, deadlines
    needs = _needs(user, f)
    started = needs.filter(first_help_at__gte=lo, first_help_at__lt=hi).aggregate(
        n=Count("pk"), days=Avg(_duration("first_help_at", "received_at", DAY))
    )
    add(
        "waiting_time",
        _("Waiting time to service: days from first contact to first realised help"),
        started["days"],
        _("days"),
        basis=_("%(n)d needs whose help began in the period") % {"n": started["n"]},
    )
    now = timezone.now()
    waiting = needs.filter(status=ServiceNeed.Status.WAITING).aggregate(
        n=Count("pk"), days=Avg(_duration(Value(now), "received_at", DAY))
    )
    add(
        "waiting_now",
        _("Service needs waiting now"),
        waiting["n"],
        basis=_("waited %(days)s days on average so far")
        % {"days": formats.number_format(rounded(waiting["days"], 1), 1) if waiting["days"] is not None else "–"},
        report=None,
    )
    closed = needs.filter(closed_at__gte=lo, closed_at__lt=hi)
    length = closed.filter(first_help_at__isnull=False).aggregate(
        n=Count("pk"), days=Avg(_duration("closed_at", "first_help_at", DAY))
    )
    add(
        "clienthood_length",
        _("Length of clienthood: days from first realised help to closing"),
        length["days"],
        _("days"),
        basis=_("%(n)d needs closed in the period after help began") % {"n": length["n"]},
    )
    outcomes = dict(ServiceNeed.Outcome.choices)
    for r in closed.values("outcome").annotate(n=Count("pk")).order_by("outcome"):
        add(
            f"closed_{r['outcome']}",
            _("Clienthoods closed: %(outcome)s") % {"outcome": outcomes.get(r["outcome"], r["outcome"])},
            r["n"],
        )

    contacts = _contacts(user, f)
    first = contacts.aggregate(
        n=Count("pk"),
        answered=Count("pk", filter=Q(first_answered_at__isnull=False)),
        on_time=Count("pk", filter=Q(first_answered_at__lt=F("due_at"))),
        hours=Avg(_duration("first_answered_at", "received_at")),
    )
    add(
        "contacts",
        _("Contacts received (help button, phone, walk-in, consultations, concern reports)"),
        first["n"],
        per_1000=True,
    )
    channels = dict(Channel.choices)
    for r in contacts.values("channel").annotate(n=Count("pk")).order_by("channel"):
        add(
            f"contacts_{r['channel']}",
            _("Contacts: %(channel)s") % {"channel": channels.get(r["channel"], r["channel"])},
            r["n"],
        )
    add(
        "time_to_contact",
        _("Time to first answer to a contact"),
        first["hours"],
        _("hours"),
        basis=_("%(n)d answered") % {"n": first["answered"]},
    )
    add(
        "contacts_on_time",
        _("Contacts answered within the promise"),
        _share(first["on_time"], first["n"]),
        "%",
        basis=f"{first['on_time']}/{first['n']}",
    )

    notes = _notifications(user, f)
    add(
        "notifications",
        _("Child welfare notifications received"),
        notes.filter(received_at__gte=lo, received_at__lt=hi).count(),
        per_1000=True,
    )
    labels = {
        clocks.CWN_URGENCY: _("Statutory deadline met: urgency assessed immediately"),
        clocks.CWN_DECISION: _("Statutory deadline met: decision by the 7th working day"),
        clocks.CWN_ASSESSMENT: _("Statutory deadline met: assessment within 3 months"),
    }
    for kind, due, done, applies in (
        (clocks.CWN_URGENCY, "urgency_due_at", "urgency_assessed_at", Q()),
        (clocks.CWN_DECISION, "decision_due_at", "decided_at", Q()),
        (
            clocks.CWN_ASSESSMENT,
            "assessment_due_at",
            "assessment_completed_at",
            Q(decision=ChildWelfareNotification.Decision.START_ASSESSMENT),
        ),
    ):
        # items whose due moment falls in the period and that are done or already due
        due_in = notes.filter(applies, **{f"{due}__gt": lo, f"{due}__lte": hi}).filter(
            Q(**{f"{done}__isnull": False}) | Q(**{f"{due}__lte": now})
        )
        c = due_in.aggregate(n=Count("pk"), on_time=Count("pk", filter=Q(**{f"{done}__lt": F(due)})))
        add(f"deadline_{kind}", labels[kind], _share(c["on_time"], c["n"]), "%", basis=f"{c['on_time']}/{c['n']}")

    add(
        "visitors",
        _("Meeting-place visitor counts"),
        None,
        basis=_("not recorded yet: the service catalogue does not hold visits"),
    )

    return Table(
        columns=[
            Column("metric", _("Metric")),
            Column("value", _("Value"), "num"),
            Column("unit", _("Unit")),
            Column("basis", _("Basis")),
            Column("per_1000", _("Per 1,000 children"), "num"),
        ],
        rows=rows,
        notes=[
            _("Per 1,000 children: %(children)d children aged 0-18 in the population table, year %(year)d.")
            % {"children": children, "year": year}
            if children
            else _("No population table for this year: rates per 1,000 children are not shown.")
        ],
    )


# --- lifecycle (seeds/003) -------------------------------------------------------------

MONTH_SECONDS = 2629746  # an average Gregorian month: 365.2425 / 12 days
QUARTERS = 8  # months 0-23 in quarters, then 24 and later


def _dialect_sql(vendor: str):
    """The lifecycle's raw SQL pieces: whole seconds since 1970 (the value
    ``scheduling.selectors.Epoch`` gives) and the local year."""
    if vendor == "postgresql":
        return {
            # date_part gives a double, EXTRACT a numeric (slower per row); both rounded to
            # whole seconds by the cast, as Epoch does
            "epoch": lambda x: f"CAST(date_part('epoch', {x}) AS BIGINT)",
            "year": lambda x: f"CAST(EXTRACT(YEAR FROM ({x}) AT TIME ZONE 'Europe/Helsinki') AS INTEGER)",
        }
    return {
        "epoch": lambda x: f"CAST(strftime('%%s', {x}) AS INTEGER)",
        "year": lambda x: f"django_datetime_extract('year', {x}, 'Europe/Helsinki', 'UTC')",
    }


def _first_contact_sql() -> str:
    from perhekeskus.intake.models import ChildWelfareNotification, Contact, ServiceNeed

    # appointments through their primary worker's row (one per appointment, the
    # appointment's planned start): the narrow worker-hour table instead of the calendar's
    a, n, c, w = (m._meta.db_table for m in (WorkFact, ServiceNeed, Contact, ChildWelfareNotification))
    return f"""
        SELECT family_id, MIN(t) AS first_at FROM (
            SELECT family_id, start AS t FROM {a}
            WHERE family_id IS NOT NULL AND status <> 'cancelled' AND role = 'primary'
            UNION ALL SELECT family_id, received_at FROM {n}
            UNION ALL SELECT family_id, received_at FROM {c} WHERE family_id IS NOT NULL
            UNION ALL SELECT family_id, received_at FROM {w} WHERE family_id IS NOT NULL
        ) AS contacts GROUP BY family_id"""  # noqa: S608 (table names; no values)


@analytic
def lifecycle(user, f: Filters, *, today: dt.date | None = None) -> Table:
    """Cost per family by time since the family's first contact, by cohort (the year of
    the first contact) and service level; and the share of each cohort that reached a
    specialised-level service within 24 months. Cohort: families whose first contact is in
    the period and who have own work or purchases within the user's scope."""
    today = today or timezone.localdate()
    sql = _dialect_sql(connection.vendor)
    lo, hi = f.bounds
    costs = (
        work_rows(user, f, period=False)
        .filter(Q_REALISED, family__isnull=False)
        .values(fid=F("family_id"), t=F("start"), lvl=F("work_type__service__level"))
        .annotate(cost=ACTUAL_HOURS * PRICE)
        .order_by()
    )
    bought = (
        purchase_rows(user, f, period=False)
        .values(fid=F("family_id"), t=Cast("start_date", output_field=DateTimeField()), lvl=F("service__level"))
        .annotate(cost=Cast("amount", FloatField()))
        .order_by()
    )
    c_sql, c_params = costs.query.sql_with_params()
    b_sql, b_params = bought.query.sql_with_params()
    # whole months since the first contact: integer seconds divided as integers, which
    # truncates alike on both databases (a numeric CAST would round on PostgreSQL)
    months = f"({sql['epoch']('c.t')} - fc.first_s) / {MONTH_SECONDS}"
    quarter = f"CASE WHEN m >= 24 THEN {QUARTERS} ELSE m / 3 END"
    # one statement: the first contacts of the families whose first contact is in the
    # period, with their cohort, computed once per family (MATERIALIZED); the cost rows
    # joined to them: hashed on PostgreSQL, and on SQLite the cost rows the outer loop
    # (CROSS JOIN keeps SQLite's order) with an index SQLite builds on the first contacts;
    # SQLite's own order looped over every cost row for each family (minutes at scale 10)
    # and summed per family, level and quarter; the cells and each cohort's size and
    # reach from those sums
    query = f"""
        WITH fc AS MATERIALIZED (
            SELECT family_id, first_at, {sql["year"]("first_at")} AS cohort, {sql["epoch"]("first_at")} AS first_s
            FROM ({_first_contact_sql()} HAVING MIN(t) >= %s AND MIN(t) < %s) AS first_contacts
        ),
        c AS ({c_sql} UNION ALL {b_sql}),
        rows AS (
            SELECT fc.cohort, c.fid AS family_id, c.lvl, c.cost,
                   CASE WHEN c.t < fc.first_at THEN 0 ELSE {months} END AS m
            FROM c CROSS JOIN fc WHERE fc.family_id = c.fid
        ),
        g AS (
            SELECT cohort, family_id, lvl, {quarter} AS q, SUM(cost) AS cost
            FROM rows GROUP BY cohort, family_id, lvl, {quarter}
        )
        SELECT 'cell', cohort, lvl, q, SUM(cost), 0 FROM g GROUP BY cohort, lvl, q
        UNION ALL
        SELECT 'cohort', cohort, NULL, NULL, COUNT(DISTINCT family_id),
               COUNT(DISTINCT CASE WHEN lvl = 'specialised' AND q < {QUARTERS} THEN family_id END)
        FROM g GROUP BY cohort
    """  # noqa: S608 (ORM-compiled SQL and constants; values go as parameters)
    bounds = connection.ops.adapt_datetimefield_value(lo), connection.ops.adapt_datetimefield_value(hi)
    with connection.cursor() as cursor:
        postgres = connection.vendor == "postgresql"
        if postgres:
            # PostgreSQL cannot estimate how many cost rows join the period's first
            # contacts (it guesses a few thousand of 0.8 million at scale 10) and sorts
            # them on disk to group them; hashing them halves the report's time. For this
            # statement only (the report's own transaction; set back as it was after it).
            cursor.execute("SELECT current_setting('enable_sort'), set_config('enable_sort', 'off', true)")
            enable_sort = cursor.fetchone()[0]
        try:
            cursor.execute(query, (*bounds, *c_params, *b_params))
            result = cursor.fetchall()
        finally:
            if postgres:
                cursor.execute("SELECT set_config('enable_sort', %s, true)", [enable_sort])
    cells = [r[1:5] for r in result if r[0] == "cell"]
    sizes = {int(r[1]): int(r[4]) for r in result if r[0] == "cohort"}
    reached = {int(r[1]): int(r[5]) for r in result if r[0] == "cohort"}
    levels = dict(Service.Level.choices)
    grid: dict[tuple[int, str], dict] = {}
    for cohort, lvl, q, cost in cells:
        cohort = int(cohort)
        row = grid.setdefault((cohort, lvl), {f"q{i}": 0.0 for i in range(QUARTERS + 1)})
        row[f"q{int(q)}"] += float(cost or 0.0)
    out = []
    for (cohort, lvl), cells_ in sorted(grid.items()):
        families = sizes.get(cohort, 0)
        out.append(
            {
                "cohort": cohort,
                "level": str(levels.get(lvl, lvl)),
                "families": families,
                **{k: v / families if families else 0.0 for k, v in cells_.items()},
                "total": sum(cells_.values()) / families if families else 0.0,
                "_drill": None,
            }
        )
    reach_rows = []
    for cohort, families in sorted(sizes.items()):
        complete = dt.date(cohort + 2, 12, 31) < today
        reach_rows.append(
            {
                "cohort": cohort,
                "families": families,
                "reached": reached.get(cohort, 0),
                "share": _share(reached.get(cohort, 0), families),
                "complete": complete,
            }
        )
    quarter_cols = [
        Column(f"q{i}", _("months %(a)d-%(b)d") % {"a": 3 * i, "b": 3 * i + 2}, "eur") for i in range(QUARTERS)
    ] + [Column(f"q{QUARTERS}", _("24 months and later"), "eur")]
    return Table(
        columns=[
            Column("cohort", _("Cohort (year of first contact)"), "year"),
            Column("level", _("Service level")),
            Column("families", _("Families in cohort"), "int"),
            *quarter_cols,
            Column("total", _("All (EUR per family)"), "eur"),
        ],
        rows=out,
        chart={
            "type": "line",
            "lifecycle": True,
            "series": [c.key for c in quarter_cols],
            "labels": [c.label for c in quarter_cols],
        },
        notes=[
            _(
                "Average cost per family of the cohort (own realised work and purchases), "
                "by months since the first contact."
            ),
        ],
        reach=reach_rows,
    )


@analytic
def drill_table(user, f: Filters, *, limit: int | None = None, offset: int = 0) -> tuple[Table, int]:
    """The rows behind a number as a table (page, export and API alike) and how many
    there are. A family is named by its key only; an address is shown only to those who
    plan the worker's visits and never for a family with an address non-disclosure
    order."""
    from perhekeskus.scheduling.models import CancellationReason

    qs = drill_rows(user, f)
    total = qs.count()
    if limit is not None:
        qs = qs[offset : offset + limit]
    statuses, reasons = dict(Appointment.Status.choices), dict(CancellationReason.choices)
    locations, roles = dict(Appointment.LocationKind.choices), dict(Participant.Role.choices)
    out = []
    for r in qs:
        start = timezone.localtime(r["start"], HELSINKI)
        address = ""
        if r["appointment__address"]:
            if r["family__address_protected"]:
                address = _("(address non-disclosure)")
            elif policy.may_see_addresses(
                user, organisation_id=r["worker__organisation_id"], unit_id=r["worker__unit_id"]
            ):
                address = r["appointment__address"]
        hours = r["actual_hours"] if r["actual_hours"] is not None else r["planned_hours"]
        out.append(
            {
                "date": start.date(),
                "time": f"{start:%H:%M}–{timezone.localtime(r['end'], HELSINKI):%H:%M}",
                "worker": _worker_label(r),
                "role": str(roles[r["role"]]),
                "unit": r["worker__unit__name"],
                "work_type": r["work_type__name"],
                "service": r["work_type__service__name"],
                "family": r["family__key"] or "",
                "status": str(statuses[r["status"]]),
                "reason": str(reasons.get(r["cancellation_reason"], "")),
                "planned_hours": r["planned_hours"],
                "actual_hours": r["actual_hours"],
                "unit_price": float(r["unit_price"]),
                "cost": (hours or 0.0) * float(r["unit_price"]) if r["status"] != CANCELLED else 0.0,
                "location": str(locations[r["location_kind"]]),
                "address": address,
                "_appointment_id": r["appointment_id"],
                "_family_id": r["family_id"],
            }
        )
    table = Table(
        columns=[
            Column("date", _("Date")),
            Column("time", _("Time")),
            Column("worker", _("Worker")),
            Column("role", _("As")),
            Column("unit", _("Unit")),
            Column("work_type", _("Work type")),
            Column("service", _("Service")),
            Column("family", _("Family key"), "key"),
            Column("status", _("Status")),
            Column("reason", _("Cancellation reason")),
            Column("planned_hours", _("Planned hours"), "hours"),
            Column("actual_hours", _("Realised hours"), "hours"),
            Column("unit_price", _("Unit price (EUR/h)"), "eur"),
            Column("cost", _("Cost (EUR)"), "eur"),
            Column("location", _("Location")),
            Column("address", _("Address")),
        ],
        rows=out,
        notes=[
            _(
                "One row for each worker on an appointment: an appointment done by a work pair has two rows "
                "(column 'As'), so there can be more rows than the appointments the report counted."
            )
        ],
    )
    return table, total


def family_figures(*, family_id: int, start: dt.date, end: dt.date, services: set[int] | None = None) -> dict:
    """One family's hours and cost in a period by service level, with the definitions of
    reports 1, 2 and 11 (docs/metrics.md): worker-hours and own cost of work not cancelled
    (realised hours at the booked unit price), planned hours not yet realised, purchases
    by their start date. ``services`` keeps only those services (what the reader may see);
    None: all, and then the sums equal report 1's and report 2's row for the family.
    Two queries, each reading the family's own rows: the worker-hour rows through their
    appointments' index (a row's family is its appointment's; ``WorkFact`` has no family
    index of its own, and the day index would read the whole region's period)."""
    rows = WorkFact.objects.filter(
        Q_ACTIVE,
        appointment_id__in=Appointment.objects.filter(family_id=family_id).values("pk"),
        family_id=family_id,
        day__gte=start,
        day__lte=end,
    )
    bought = PurchasedService.objects.filter(family_id=family_id, start_date__gte=start, start_date__lte=end)
    if services is not None:
        rows = rows.filter(work_type__service_id__in=services)
        bought = bought.filter(service_id__in=services)
    levels: dict[str, dict] = {}

    def level(key: str) -> dict:
        return levels.setdefault(
            key, {"realised_hours": 0.0, "open_hours": 0.0, "own_cost": 0.0, "purchased": 0.0, "purchases": 0}
        )

    for r in (
        rows.values("work_type__service__level")
        .annotate(**measures("realised_hours", "open_hours", "realised_cost"))
        .order_by()
    ):
        row = level(r["work_type__service__level"])
        row["realised_hours"] += r["realised_hours"]
        row["open_hours"] += r["open_hours"]
        row["own_cost"] += r["realised_cost"]
    for r in (
        bought.values("service__level").annotate(amount=Sum(Cast("amount", FloatField())), n=Count("pk")).order_by()
    ):
        row = level(r["service__level"])
        row["purchased"] += r["amount"] or 0.0
        row["purchases"] += r["n"]
    names = dict(Service.Level.choices)
    out = []
    for key in [k for k, _label in Service.Level.choices if k in levels]:
        row = levels[key]
        out.append({"level": key, "label": str(names[key]), **row, "total": row["own_cost"] + row["purchased"]})
    total = {k: sum(r[k] for r in out) for k in ("realised_hours", "open_hours", "own_cost", "purchased", "purchases")}
    total["total"] = total["own_cost"] + total["purchased"]
    return {"levels": out, "total": total}
