"""Reads of the family's overall picture, named workers and network meetings. Who sees
what is ``access.policy``'s, applied here on the entries (appointments, service needs,
purchases) and by the use cases (``usecases.py``) on the parts."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from perhekeskus.access import policy
from perhekeskus.intake.models import Contact, ServiceNeed
from perhekeskus.network.models import Service
from perhekeskus.people.models import Family, Membership, NamedWorker, Worker
from perhekeskus.reports.models import PurchasedService
from perhekeskus.reports.selectors import family_figures
from perhekeskus.scheduling import freetime
from perhekeskus.scheduling import selectors as calendar
from perhekeskus.scheduling.models import Appointment, WorkType
from perhekeskus.scheduling.selectors import HELSINKI

from .models import FamilyClientGroup, MeetingNetwork, NetworkMeeting

CANCELLED = Appointment.Status.CANCELLED


# --- the common slot search ----------------------------------------------------------------


@dataclass(frozen=True)
class Proposal:
    start: dt.datetime
    end: dt.datetime
    reserved: bool


def reserved_spans(network: MeetingNetwork | None, start: dt.datetime, end: dt.datetime) -> list[tuple[int, int]]:
    """The network's reserved slot occurrences in [start, end) as epoch-second spans
    (Helsinki wall-clock times, right across a DST change)."""
    if network is None or not network.is_active:
        return []
    first = timezone.localtime(start, HELSINKI).date()
    last = timezone.localtime(end, HELSINKI).date()
    out = []
    for day in network.occurrences(first, last):
        out.append(
            (
                int(dt.datetime.combine(day, network.start_time, tzinfo=HELSINKI).timestamp()),
                int(dt.datetime.combine(day, network.end_time, tzinfo=HELSINKI).timestamp()),
            )
        )
    return out


def meeting_slots(
    *,
    workers: list[Worker],
    minutes: int,
    network: MeetingNetwork | None,
    after: dt.datetime | None = None,
    weeks: int = 8,
    limit: int = 5,
) -> list[Proposal]:
    """The earliest times every worker is free for ``minutes`` within the next ``weeks``:
    first inside the network's reserved slots, then any common free time within working
    hours and shifts (``scheduling.freetime.propose``). Three queries whatever the number
    of workers (``scheduling.selectors.free_time``)."""
    after = after or timezone.now()
    end = after + dt.timedelta(weeks=weeks)
    hours = settings.NETWORK_MEETING_HOURS
    free = calendar.free_time(
        workers=workers, start=after, end=end, hours=(dt.time.fromisoformat(hours[0]), dt.time.fromisoformat(hours[1]))
    )
    slots = freetime.propose(
        [free[w.pk] for w in workers],
        reserved=reserved_spans(network, after, end),
        duration=minutes * 60,
        after=int(after.timestamp()),
        limit=limit,
    )
    return [
        Proposal(dt.datetime.fromtimestamp(s.start, dt.UTC), dt.datetime.fromtimestamp(s.end, dt.UTC), s.reserved)
        for s in slots
    ]


def network_for(workers: list[Worker]) -> MeetingNetwork | None:
    """The active network with the most of these workers as members (ties: by name)."""
    ids = [w.pk for w in workers]
    return (
        MeetingNetwork.objects.filter(is_active=True, members__in=ids)
        .annotate(n=Count("members", filter=Q(members__in=ids)))
        .order_by("-n", "name")
        .first()
    )


def meeting_work_type() -> WorkType | None:
    """The work type of network meetings: a meeting work type named in the settings."""
    return (
        WorkType.objects.filter(is_active=True, work_class="meeting", name=settings.NETWORK_MEETING_WORK_TYPE)
        .select_related("service")
        .order_by("pk")
        .first()
    )


# --- the overall picture ------------------------------------------------------------------


@dataclass
class ServiceInUse:
    service: Service
    whom: str  # a member's first name, or "" for the whole family
    since: dt.date
    last: dt.datetime | None = None
    next: dt.datetime | None = None
    sources: set[str] = field(default_factory=set)


@dataclass
class Overlap:
    whom: str
    group: str
    group_label: str
    services: tuple[str, str]
    first: dt.date
    last: dt.date


@dataclass
class Stage:
    key: str
    label: str
    date: dt.date | None


@dataclass
class Overview:
    family: Family
    members: list
    named_workers: list  # every naming, current first
    services: list[ServiceInUse]
    open_needs: list
    meetings: list
    overlaps: list[Overlap]
    client_groups: list
    stages: list[Stage]
    today: dt.date
    figures_year: dict
    figures_all: dict
    timeline: list[dict]
    hidden: dict[str, int]
    shown_appointments: list
    shown_needs: list
    shown_purchases: list
    details: bool

    @property
    def stage(self) -> Stage | None:
        """The current stage of the service path: the latest reached by today."""
        reached = [s for s in self.stages if s.date is not None and s.date <= self.today]
        return reached[-1] if reached else None


def overlaps_of(entries: list[tuple[dt.date, int, str, str, frozenset[int]]], names: dict, weeks: int) -> list[Overlap]:
    """The overlap rule (docs/metrics.md): two different services with work of the same
    overlap group for the same person (an entry naming nobody concerns every member)
    with starts at most ``weeks`` weeks apart. ``entries``: (local date, service id,
    service name, group, person ids). One warning per person, group and pair of
    services, with the first and last date of the overlapping entries."""
    from perhekeskus.scheduling.models import OverlapGroup

    labels = dict(OverlapGroup.choices)
    found: dict[tuple, list] = {}
    by_group: dict[str, list] = defaultdict(list)
    for e in entries:
        by_group[e[3]].append(e)
    gap = dt.timedelta(weeks=weeks)
    everyone = frozenset(names)
    for group, items in by_group.items():
        items.sort()
        for i, (d1, s1, n1, _g, p1) in enumerate(items):
            for d2, s2, n2, _g2, p2 in items[i + 1 :]:
                if d2 - d1 > gap:
                    break
                if s1 == s2:
                    continue
                common = (p1 or everyone) & (p2 or everyone)
                for person in sorted(common):
                    key = (person, group, tuple(sorted((s1, s2))))
                    span = found.setdefault(key, [d1, d2, tuple(sorted((n1, n2)))])
                    span[0], span[1] = min(span[0], d1), max(span[1], d2)
    return [
        Overlap(
            whom=names.get(person, ""),
            group=group,
            group_label=str(labels.get(group, group)),
            services=pair_names,
            first=first,
            last=last,
        )
        for (person, group, _pair), (first, last, pair_names) in sorted(found.items(), key=lambda kv: kv[1][0])
    ]


def overview(*, user, family: Family, basis: str, today: dt.date | None = None) -> Overview:
    """The family's overall picture as ``user`` may see it: every entry (appointment,
    service need, purchase) through the disclosure rules, every hidden one counted; the
    services, figures, path, overlaps and timeline built only from what is shown. A fixed
    number of queries whatever the number of appointments."""
    today = today or timezone.localdate()
    now = timezone.now()
    details = policy.may_see_overview_details(user, basis)
    members = list(family.memberships.select_related("person").order_by("role", "person__birth_date", "person_id"))
    names = {m.person_id: m.person.first_name for m in members}
    # a child of separated parents lives in two homes: said, the other home not named
    elsewhere = set(
        Membership.objects.filter(person_id__in=list(names)).exclude(family=family).values_list("person_id", flat=True)
    )
    for m in members:
        m.other_homes = m.person_id in elsewhere

    appointments = calendar.family_appointment_entries(family=family)
    shown_ids = policy.disclosed_entry_ids(
        user, family, [policy.appointment_entry(a) for a in appointments], basis=basis
    )
    shown = [a for a in appointments if a.pk in shown_ids]

    needs = list(ServiceNeed.objects.filter(family=family).select_related("service", "work_type", "worker"))
    shown_need_ids = policy.disclosed_need_ids(user, family, needs, basis=basis)
    shown_needs = [n for n in needs if n.pk in shown_need_ids]

    purchases = list(PurchasedService.objects.filter(family=family).select_related("service", "provider"))
    shown_purchase_ids = policy.disclosed_purchase_ids(user, family, purchases, basis=basis)
    shown_purchases = [p for p in purchases if p.pk in shown_purchase_ids]

    hidden_services = (
        {a.work_type.service_id for a in appointments if a.pk not in shown_ids}
        | {n.service_id for n in needs if n.pk not in shown_need_ids}
        | {p.service_id for p in purchases if p.pk not in shown_purchase_ids}
    )
    shown_services = (
        {a.work_type.service_id for a in shown}
        | {n.service_id for n in shown_needs}
        | {p.service_id for p in shown_purchases}
    )
    hidden = {
        "appointments": len(appointments) - len(shown),
        "needs": len(needs) - len(shown_needs),
        "purchases": len(purchases) - len(shown_purchases),
        "services": len(hidden_services - shown_services),
    }

    # services in use per member
    services: dict[tuple[int, int | None], ServiceInUse] = {}

    def use(service, person_id, since, source):
        key = (service.pk, person_id)
        s = services.get(key)
        if s is None:
            s = services[key] = ServiceInUse(service=service, whom=names.get(person_id, ""), since=since)
        s.since = min(s.since, since)
        s.sources.add(source)
        return s

    for a in shown:
        if a.status == CANCELLED:
            continue
        day = timezone.localtime(a.planned_start, HELSINKI).date()
        for person_id in a.person_ids or [None]:
            s = use(a.work_type.service, person_id, day, "appointments")
            if a.planned_start <= now and (s.last is None or a.planned_start > s.last):
                s.last = a.planned_start
            if a.planned_start > now and (s.next is None or a.planned_start < s.next):
                s.next = a.planned_start
    for n in shown_needs:
        if n.status in (ServiceNeed.Status.ALLOCATED, ServiceNeed.Status.IN_PROGRESS):
            use(n.service, n.person_id, timezone.localtime(n.received_at, HELSINKI).date(), "need")
    for p in shown_purchases:
        if p.end_date >= today - dt.timedelta(days=365):
            use(p.service, p.person_id, p.start_date, "purchase")
    service_list = sorted(services.values(), key=lambda s: (s.whom, s.since, s.service.name))

    open_needs = [n for n in shown_needs if n.status != ServiceNeed.Status.CLOSED]
    for n in open_needs:
        n.waiting_days = max((today - timezone.localtime(n.received_at, HELSINKI).date()).days, 0)

    meetings = list(
        NetworkMeeting.objects.filter(family=family, appointment_id__in=[a.pk for a in shown])
        .select_related("appointment", "continues_with", "network")
        .order_by("appointment__planned_start")
    )

    # current namings first, then by role, the latest first
    named = sorted(
        NamedWorker.objects.filter(family=family).select_related("worker__unit", "worker__organisation"),
        key=lambda n: (n.end_date is not None, n.role, -(n.end_date or n.start_date).toordinal()),
    )

    client_groups = list(FamilyClientGroup.objects.filter(family=family)) if details else []

    entries = [
        (
            timezone.localtime(a.planned_start, HELSINKI).date(),
            a.work_type.service_id,
            a.work_type.service.name,
            a.work_type.overlap_group,
            frozenset(a.person_ids),
        )
        for a in shown
        if a.status != CANCELLED and a.work_type.overlap_group
    ]
    overlaps = overlaps_of(entries, names, settings.OVERLAP_WEEKS)

    stages = path_stages(family=family, shown=shown, needs=shown_needs, meetings=meetings) if details else []

    full = not any(hidden.values())
    visible = None if full else shown_services
    year_start = today.replace(month=1, day=1)
    figures_year = family_figures(
        family_id=family.pk, start=year_start, end=today.replace(month=12, day=31), services=visible
    )
    days = [timezone.localtime(a.planned_start, HELSINKI).date() for a in appointments]
    days += [p.start_date for p in purchases] + [today]
    figures_all = family_figures(family_id=family.pk, start=min(days), end=max(days), services=visible)

    timeline = _timeline(shown, shown_needs, shown_purchases, meetings, named)
    return Overview(
        family=family,
        members=members,
        named_workers=named,
        services=service_list,
        open_needs=open_needs,
        meetings=meetings,
        overlaps=overlaps,
        client_groups=client_groups,
        stages=stages,
        today=today,
        figures_year=figures_year,
        figures_all=figures_all,
        timeline=timeline,
        hidden=hidden,
        shown_appointments=shown,
        shown_needs=shown_needs,
        shown_purchases=shown_purchases,
        details=details,
    )


STAGES = (
    ("recognised", gettext_lazy("Need recognised")),
    ("assessment", gettext_lazy("Assessment or network meeting")),
    ("plan", gettext_lazy("Plan")),
    ("services", gettext_lazy("Services")),
    ("follow_up", gettext_lazy("Follow-up")),
)


def path_stages(*, family: Family, shown, needs, meetings) -> list[Stage]:
    """The family's service path with the date each stage was reached (docs/metrics.md):
    need recognised (its first contact or service need), multi-professional assessment
    or network meeting (the first assessment visit or network meeting), plan (the first
    meeting whose agreement was recorded), services (the first realised visit from the
    plan on; from recognition when there is no plan), follow-up (the latest next check
    agreed)."""

    def local(value):
        return timezone.localtime(value, HELSINKI).date() if value else None

    first_contact = (
        Contact.objects.filter(family=family).order_by("received_at").values_list("received_at", flat=True).first()
    )
    starts = [local(n.received_at) for n in needs] + ([local(first_contact)] if first_contact else [])
    recognised = min(starts) if starts else None
    active = [a for a in shown if a.status != CANCELLED]
    meeting_ids = {m.appointment_id for m in meetings}
    assessed = [
        local(a.planned_start) for a in active if a.pk in meeting_ids or a.work_type.overlap_group == "assessment"
    ]
    assessment = min(assessed) if assessed else None
    planned = [local(m.recorded_at) for m in meetings if m.recorded_at]
    plan = min(planned) if planned else None
    since = plan or recognised
    realised = [
        local(a.planned_start)
        for a in active
        if a.status == Appointment.Status.REALISED
        and a.pk not in meeting_ids
        and (since is None or local(a.planned_start) >= since)
    ]
    services = min(realised) if realised else None
    checks = [m.next_check for m in meetings if m.next_check]
    follow_up = max(checks) if checks else None
    dates = {
        "recognised": recognised,
        "assessment": assessment,
        "plan": plan,
        "services": services,
        "follow_up": follow_up,
    }
    return [Stage(key, str(label), dates[key]) for key, label in STAGES]


def _timeline(shown, needs, purchases, meetings, named) -> list[dict]:
    """Everything shown, newest first (at most 200 rows)."""
    meeting_ids = {m.appointment_id for m in meetings}
    statuses = {value: str(label) for value, label in Appointment.Status.choices}  # translated once
    rows = []
    for a in shown:
        rows.append(
            {
                "at": a.planned_start,
                "kind": "meeting" if a.pk in meeting_ids else "appointment",
                "service": a.work_type.service.name,
                "what": a.work_type.name,
                "status": statuses[a.status],
                "appointment": a,
            }
        )
    for n in needs:
        rows.append(
            {
                "at": n.received_at,
                "kind": "need",
                "service": n.service.name,
                "what": n.work_type.name,
                "status": n.get_status_display(),
            }
        )
    for p in purchases:
        at = dt.datetime.combine(p.start_date, dt.time(12), tzinfo=HELSINKI)
        rows.append({"at": at, "kind": "purchase", "service": p.service.name, "what": p.provider.name, "status": ""})
    for nw in named:
        at = dt.datetime.combine(nw.start_date, dt.time(12), tzinfo=HELSINKI)
        rows.append({"at": at, "kind": "named", "service": nw.get_role_display(), "what": nw.worker.name, "status": ""})
    rows.sort(key=lambda r: r["at"], reverse=True)
    return rows[:200]


# --- named workers ------------------------------------------------------------------------


def named_families(*, worker: Worker) -> list[NamedWorker]:
    """The namings of a worker in force, with their families."""
    return list(
        NamedWorker.objects.filter(policy.naming_in_force(), worker=worker)
        .select_related("family")
        .order_by("family__name", "role")
    )


def next_checks(*, worker: Worker) -> list[NetworkMeeting]:
    """Network meetings that agreed this worker continues with the family, by the date of
    the next check (open ones: a next check set)."""
    return list(
        NetworkMeeting.objects.filter(continues_with=worker, next_check__isnull=False)
        .select_related("family", "appointment")
        .order_by("next_check", "pk")
    )


def service_counts(*, since: dt.date) -> dict[int, int]:
    """How many services each family has used since ``since``: appointments not
    cancelled, service needs not closed, purchases in force on or after that day
    (docs/metrics.md). Three queries."""
    lo = dt.datetime.combine(since, dt.time(0), tzinfo=HELSINKI)
    appointments = Appointment.objects.filter(planned_start__gte=lo, family__isnull=False).exclude(status=CANCELLED)
    pairs = set(appointments.values_list("family_id", "work_type__service_id").distinct())
    pairs |= set(
        ServiceNeed.objects.exclude(status=ServiceNeed.Status.CLOSED).values_list("family_id", "service_id").distinct()
    )
    pairs |= set(PurchasedService.objects.filter(end_date__gte=since).values_list("family_id", "service_id").distinct())
    count: dict[int, int] = defaultdict(int)
    for family_id, _service in pairs:
        count[family_id] += 1
    return dict(count)


def without_responsible(
    *, since: dt.date, services: int, scope: Q | None = None
) -> tuple[QuerySet[Family], dict[int, int]]:
    """Families with ``services`` or more services since ``since`` and no responsible
    worker or family partner in force (the seeds/002 metric; docs/metrics.md), with every
    family's number of services."""
    named = NamedWorker.objects.filter(
        policy.naming_in_force(),
        family_id=OuterRef("pk"),
        role__in=(NamedWorker.Role.RESPONSIBLE_WORKER, NamedWorker.Role.FAMILY_PARTNER),
    )
    counts = service_counts(since=since)
    qs = Family.objects.filter(pk__in=[f for f, n in counts.items() if n >= services]).filter(~Exists(named))
    if scope is not None:
        qs = qs.filter(scope)
    return qs.order_by("key"), counts
