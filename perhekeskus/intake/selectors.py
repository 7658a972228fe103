"""Reads of intake, filtered by ``intake.policy``: the inbox, the notifications, the
service-need queue, caseloads and the deadline dashboard. Counts are computed in the
database."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import TruncMonth
from django.utils import timezone

from perhekeskus.access import policy
from perhekeskus.people.models import Membership, NamedWorker, Person, Profession, Worker

from . import clocks
from .models import URGENCY_ORDER, ChildWelfareNotification, Contact, ServiceNeed


def _filtered(qs: QuerySet, q: Q | None) -> QuerySet:
    return qs if q is None else qs.filter(q)


def _day_bounds(now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """Start of today's due window: items whose due_at is the end of today."""
    today = clocks.local_date(now)
    return clocks.end_of_day(today - dt.timedelta(days=1)), clocks.end_of_day(today)


# --- the inbox ---------------------------------------------------------------------------------


def inbox(*, user, show: str = "open", now: dt.datetime | None = None) -> QuerySet[Contact]:
    """Contacts the user answers: late first, then due today, then by due time and
    arrival. ``show``: "open" (not closed), "closed" or "all"."""
    now = now or timezone.now()
    _start, end_today = _day_bounds(now)
    qs = _filtered(Contact.objects.all(), policy.contacts_q(user)).select_related(
        "organisation", "claimed_by", "referred_service"
    )
    if show == "open":
        qs = qs.exclude(status=Contact.Status.CLOSED)
    elif show == "closed":
        qs = qs.filter(status=Contact.Status.CLOSED)
    return qs.annotate(
        clock_rank=Case(
            When(first_answered_at__isnull=False, then=Value(3)),
            When(due_at__lte=now, then=Value(0)),
            When(due_at__lte=end_today, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
    ).order_by("clock_rank", "due_at", "received_at", "id")


def contact_for(*, user, pk) -> Contact | None:
    return (
        _filtered(Contact.objects.all(), policy.contacts_q(user))
        .select_related("organisation", "claimed_by", "referred_service", "family", "recorded_by")
        .filter(pk=pk)
        .first()
    )


# --- notifications -----------------------------------------------------------------------------


def notifications(*, user, show: str = "open") -> QuerySet[ChildWelfareNotification]:
    qs = _filtered(ChildWelfareNotification.objects.all(), policy.notifications_q(user)).select_related(
        "service", "family", "child", "assigned_worker"
    )
    open_q = Q(decided_at__isnull=True) | Q(decision="start_assessment", assessment_completed_at__isnull=True)
    if show == "open":
        qs = qs.filter(open_q)
    elif show == "closed":
        qs = qs.exclude(open_q)
    # the next clock of each: urgency, then decision, then assessment
    return qs.annotate(
        next_due_at=Case(
            When(urgency_assessed_at__isnull=True, then=F("urgency_due_at")),
            When(decided_at__isnull=True, then=F("decision_due_at")),
            default=F("assessment_due_at"),
        )
    ).order_by("next_due_at", "id")


def notification_for(*, user, pk) -> ChildWelfareNotification | None:
    return (
        _filtered(ChildWelfareNotification.objects.all(), policy.notifications_q(user))
        .select_related("service", "family", "child", "assigned_worker", "source_contact")
        .filter(pk=pk)
        .first()
    )


# --- service needs ------------------------------------------------------------------------------


def queue(*, user, status: str = "waiting", service_id: int | None = None) -> QuerySet[ServiceNeed]:
    """The coordinator's queue: urgent first, then the longest waiting."""
    qs = _filtered(ServiceNeed.objects.all(), policy.needs_q(user)).select_related(
        "family", "service", "work_type", "language", "worker", "person"
    )
    if status:
        qs = qs.filter(status=status)
    if service_id:
        qs = qs.filter(service_id=service_id)
    urgency_rank = Case(
        *[When(urgency=u, then=Value(rank)) for u, rank in URGENCY_ORDER.items()],
        output_field=IntegerField(),
    )
    return qs.annotate(urgency_rank=urgency_rank).order_by("urgency_rank", "received_at", "id")


def need_for(*, user, pk) -> ServiceNeed | None:
    """The need if the user's queue holds it (user None: unfiltered, for a caller that
    has already decided by the family's disclosure rules)."""
    return (
        _filtered(ServiceNeed.objects.all(), None if user is None else policy.needs_q(user))
        .select_related("family", "service", "work_type", "language", "worker", "person", "source_contact")
        .filter(pk=pk)
        .first()
    )


def family_needs(*, user, family, basis: str) -> list[ServiceNeed]:
    """The family's service needs that the user may see on the family's page
    (``policy.disclosed_need_ids``: all by role or emergency access; otherwise those
    allocated to the user and those the disclosure rules show)."""
    needs = list(
        ServiceNeed.objects.filter(family=family)
        .select_related("service", "work_type", "worker")
        .order_by("-received_at")
    )
    shown = policy.disclosed_need_ids(user, family, needs, basis=basis)
    return [n for n in needs if n.pk in shown]


def waiting_days(need: ServiceNeed, now: dt.datetime | None = None) -> int:
    """Days from the first contact to the first realised help (or to now)."""
    end = need.first_help_at or now or timezone.now()
    return max((clocks.local_date(end) - clocks.local_date(need.received_at)).days, 0)


# --- caseload (Child Welfare Act s. 13 b) ------------------------------------------------------------


def caseload_applies(worker: Worker) -> bool:
    """The cap applies to social workers of a service that receives child welfare
    notifications (child protection)."""
    return (
        worker.profession == Profession.SOCIAL_WORKER
        and worker.service is not None
        and worker.service.receives_child_welfare_notifications
    )


def caseload_children_q(worker: Worker) -> Q:
    """Children (members with the child role) of the families the worker carries: named
    responsible worker in force, an allocated or ongoing service need, or a notification
    whose assessment they are responsible for and which is not finished."""
    named = NamedWorker.objects.filter(
        policy.naming_in_force(),
        worker=worker,
        role=NamedWorker.Role.RESPONSIBLE_WORKER,
        family_id=OuterRef("memberships__family_id"),
    )
    need = ServiceNeed.objects.filter(
        worker=worker,
        status__in=[ServiceNeed.Status.ALLOCATED, ServiceNeed.Status.IN_PROGRESS],
        family_id=OuterRef("memberships__family_id"),
    )
    assessment = ChildWelfareNotification.objects.filter(
        assigned_worker=worker,
        decision=ChildWelfareNotification.Decision.START_ASSESSMENT,
        assessment_completed_at__isnull=True,
        family_id=OuterRef("memberships__family_id"),
    )
    return Q(memberships__role=Person.Role.CHILD) & (Q(Exists(named)) | Q(Exists(need)) | Q(Exists(assessment)))


def caseload_children(worker: Worker) -> set[int]:
    return set(Person.objects.filter(caseload_children_q(worker)).values_list("pk", flat=True))


def caseload_children_many(workers) -> dict[int, set[int]]:
    """``caseload_children`` for many workers at once, in four queries whatever their
    number: the families each carries (responsible worker in force, an allocated or
    ongoing need, an open assessment), then those families' children."""
    ids = [w.pk for w in workers]
    families: dict[int, set[int]] = {i: set() for i in ids}
    for worker_id, family_id in NamedWorker.objects.filter(
        policy.naming_in_force(), worker_id__in=ids, role=NamedWorker.Role.RESPONSIBLE_WORKER
    ).values_list("worker_id", "family_id"):
        families[worker_id].add(family_id)
    for worker_id, family_id in ServiceNeed.objects.filter(
        worker_id__in=ids, status__in=[ServiceNeed.Status.ALLOCATED, ServiceNeed.Status.IN_PROGRESS]
    ).values_list("worker_id", "family_id"):
        families[worker_id].add(family_id)
    for worker_id, family_id in ChildWelfareNotification.objects.filter(
        assigned_worker_id__in=ids,
        decision=ChildWelfareNotification.Decision.START_ASSESSMENT,
        assessment_completed_at__isnull=True,
    ).values_list("assigned_worker_id", "family_id"):
        families[worker_id].add(family_id)
    children = family_children_many(set().union(*families.values()) if families else ())
    return {w: set().union(*(children[f] for f in fs)) if fs else set() for w, fs in families.items()}


def family_children_many(family_ids) -> dict[int, set[int]]:
    """Each family's children (members with the child role), in one query."""
    family_ids = list(set(family_ids))
    out: dict[int, set[int]] = {f: set() for f in family_ids}
    for family_id, person_id in Membership.objects.filter(family_id__in=family_ids, role=Person.Role.CHILD).values_list(
        "family_id", "person_id"
    ):
        out[family_id].add(person_id)
    return out


def family_children(family_id: int) -> set[int]:
    return family_children_many([family_id])[family_id]


def caseload(worker: Worker) -> int:
    return Person.objects.filter(caseload_children_q(worker)).distinct().count()


def caseloads(*, workers) -> list[tuple[Worker, int, int]]:
    """(worker, children, cap) for child-protection social workers."""
    cap = settings.CHILD_PROTECTION_CASELOAD_CAP
    return [(w, caseload(w), cap) for w in workers if caseload_applies(w)]


# --- the deadline dashboard ---------------------------------------------------------------------

CLOCKS = (
    # (kind, model, due field, done field, extra filter for items the clock applies to)
    (clocks.HELP_ANSWER, Contact, "due_at", "first_answered_at", Q()),
    (clocks.CWN_URGENCY, ChildWelfareNotification, "urgency_due_at", "urgency_assessed_at", Q()),
    (clocks.CWN_DECISION, ChildWelfareNotification, "decision_due_at", "decided_at", Q()),
    (
        clocks.CWN_ASSESSMENT,
        ChildWelfareNotification,
        "assessment_due_at",
        "assessment_completed_at",
        Q(decision=ChildWelfareNotification.Decision.START_ASSESSMENT),
    ),
)


def _visible(model, user) -> QuerySet:
    if model is Contact:
        # the inbox's scope for service guidance; counts of all for the other dashboard roles
        q = policy.contacts_q(user) if policy.may_use_inbox(user) else None
        return _filtered(model.objects.all(), q)
    return model.objects.all()


def deadline_dashboard(*, user, now: dt.datetime | None = None, months: int = 6, soon_days: int = 3) -> list[dict]:
    """For each clock: open items, late, due in the next ``soon_days`` working days, and
    the share handled on time per month of the due date (items due in that month and
    already due or done; open late items count as not on time). Counts only: no client
    data."""
    now = now or timezone.now()
    today = clocks.local_date(now)
    soon_end = clocks.end_of_day(clocks.add_working_days(today, soon_days))
    first_month = (today.replace(day=1) - dt.timedelta(days=31 * (months - 1))).replace(day=1)
    month_start = dt.datetime.combine(first_month, dt.time(0), tzinfo=clocks.HELSINKI)
    rows = []
    for kind, model, due, done, applies in CLOCKS:
        qs = _visible(model, user).filter(applies)
        open_qs = qs.filter(**{f"{done}__isnull": True})
        counts = open_qs.aggregate(
            open=Count("pk"),
            late=Count("pk", filter=Q(**{f"{due}__lte": now})),
            soon=Count("pk", filter=Q(**{f"{due}__gt": now, f"{due}__lte": soon_end})),
        )
        # per month of the (last) due day: done on time / everything due so far
        per_month = (
            qs.filter(**{f"{due}__gt": month_start})
            .filter(Q(**{f"{done}__isnull": False}) | Q(**{f"{due}__lte": now}))
            # the due day is the day before due_at (local midnight after it)
            .annotate(
                due_day=ExpressionWrapper(F(due) - dt.timedelta(seconds=1), output_field=DateTimeField()),
                month=TruncMonth("due_day", tzinfo=clocks.HELSINKI),
            )
            .values("month")
            .annotate(
                total=Count("pk"),
                on_time=Count("pk", filter=Q(**{f"{done}__lt": F(due)})),
            )
            .order_by("month")
        )
        rows.append({"kind": kind, **counts, "months": [_month_row(r) for r in per_month]})
    return rows


def _month_row(row: dict) -> dict:
    month = row["month"]
    if isinstance(month, dt.datetime):
        month = timezone.localtime(month, clocks.HELSINKI).date() if timezone.is_aware(month) else month.date()
    share = row["on_time"] / row["total"] if row["total"] else None
    return {"month": month, "total": row["total"], "on_time": row["on_time"], "share": share}
