"""The demo data: deterministic by seed, and consistent with the calendar's rules."""

import datetime as dt
from collections import defaultdict

import pytest
from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone

from perhekeskus.access import policy
from perhekeskus.access.models import BreakGlass, Consent, DisclosureRule
from perhekeskus.demo.generator import generate
from perhekeskus.people.models import Family, Membership, RoleAssignment, Worker
from perhekeskus.scheduling import selectors
from perhekeskus.scheduling.models import Appointment, Participant, Shift

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 9, 16)


def _run(seed):
    with transaction.atomic():
        counts = generate(seed=seed, scale=0.1, today=TODAY, days_back=8, days_ahead=3, quiet=True)
        fingerprint = (
            counts["appointments"],
            list(Family.objects.order_by("id").values_list("name", "address")[:20]),
            list(Worker.objects.order_by("id").values_list("first_name", "last_name", "profession")),
            list(Appointment.objects.order_by("id").values_list("planned_start", "status", "work_type__name")[:300]),
        )
        transaction.set_rollback(True)
    return fingerprint


def test_same_seed_same_data_other_seed_other_data():
    first = _run(7)
    assert first == _run(7)
    assert first != _run(8)


def test_demo_data_keeps_the_rules():
    counts = generate(seed=1, scale=0.1, today=TODAY, days_back=30, days_ahead=14, quiet=True)
    assert counts["workers"] >= 8 and counts["appointments"] > 1000
    # no resource in two active appointments at once
    spans = defaultdict(list)
    for rid, s, e in Participant.objects.filter(active=True).values_list("resource_id", "start", "end"):
        spans[rid].append((s, e))
    for rid, items in spans.items():
        items.sort()
        assert all(items[i][1] <= items[i + 1][0] for i in range(len(items) - 1)), rid
    # past entries are realised or cancelled (a few left unrecorded), future ones planned
    today_start = dt.datetime.combine(TODAY, dt.time(0), tzinfo=dt.UTC)
    past = Appointment.objects.filter(planned_end__lt=today_start - dt.timedelta(days=1))
    share = {row["status"]: row["n"] for row in past.values("status").annotate(n=Count("id"))}
    total = sum(share.values())
    assert 0.03 < share.get("cancelled", 0) / total < 0.15
    assert share.get("realised", 0) / total > 0.8
    assert (
        not Appointment.objects.filter(planned_start__gt=today_start + dt.timedelta(days=2))
        .exclude(status="planned")
        .exists()
    )
    assert not Appointment.objects.filter(status="cancelled", cancellation_reason="").exists()
    # a quarter of households are single-parent (second homes of separated parents aside)
    guardians = Membership.objects.filter(role="guardian").values("family").annotate(n=Count("id"))
    single = sum(1 for g in guardians if g["n"] == 1)
    assert 0.18 < single / len(guardians) < 0.45
    # shifts on working days only, and appointments of workers on leave have no pair from them
    assert not Shift.objects.filter(start__week_day__in=[1, 7]).exists()
    # every pair participation falls inside that worker's shift
    shifts = defaultdict(list)
    for wid, s, e in Shift.objects.values_list("worker__resource_id", "start", "end"):
        shifts[wid].append((s, e))
    for rid, s, e in Participant.objects.filter(role="pair").values_list("resource_id", "start", "end"):
        assert any(a <= s and e <= b for a, b in shifts[rid]), (rid, s)


def test_demo_address_non_disclosure_is_consistent():
    from django.db.models import Exists, OuterRef

    generate(seed=3, scale=0.3, today=TODAY, days_back=2, days_ahead=1, quiet=True)
    flagged = Membership.objects.filter(family=OuterRef("pk"), person__address_non_disclosure=True)
    families = Family.objects.annotate(flagged=Exists(flagged))
    assert families.filter(address_protected=True).exists()
    assert all(f.address_protected == f.flagged for f in families)


def test_the_demo_shows_each_access_rule_at_work():
    generate(seed=1, scale=0.2, today=timezone.localdate(), days_back=30, days_ahead=14, quiet=True)
    assert DisclosureRule.objects.filter(mode="never").exists() and DisclosureRule.objects.filter(mode="automatic")
    withdrawn = Consent.objects.filter(withdrawal__isnull=False).select_related("source_service").first()
    assert withdrawn is not None and Consent.objects.filter(withdrawal__isnull=True).exists()
    # the family worker sees the services consented to, not the one withdrawn
    user = Worker.objects.get(user__username="perhetyontekija").user
    family = withdrawn.person.memberships.first().family
    basis = policy.family_access_basis(user, family.pk)
    assert basis is not None
    appointments = list(selectors.family_appointments(family=family))
    shown = policy.disclosed_entry_ids(user, family, [policy.appointment_entry(a) for a in appointments], basis=basis)
    by_service = defaultdict(set)
    for a in appointments:
        by_service[a.work_type.service_id].add(a.pk in shown)
    assert by_service[withdrawn.source_service_id] == {False}
    consented = Consent.objects.filter(withdrawal__isnull=True).values_list("source_service_id", flat=True)
    assert any(by_service[s] == {True} for s in consented)
    # an emergency access waiting for review and one reviewed; scoped roles
    assert BreakGlass.objects.filter(review__isnull=True).count() == 1
    assert BreakGlass.objects.filter(review__isnull=False).count() == 1
    assert RoleAssignment.objects.filter(user__username="jarjestokoordinaattori", organisation__isnull=False).exists()


def test_the_demo_shows_intake_in_every_state():
    from perhekeskus.intake import clocks
    from perhekeskus.intake.models import ChildWelfareNotification, Contact, ServiceNeed

    counts = generate(seed=1, scale=0.2, today=timezone.localdate(), days_back=75, days_ahead=14, quiet=True)
    assert counts["contacts"] and counts["notifications"] and counts["service_needs"]
    now = timezone.now()
    assert set(Contact.objects.values_list("status", flat=True)) >= {"new", "answered", "closed"}
    assert set(Contact.objects.values_list("channel", flat=True)) >= {"help_button", "phone", "consultation"}
    assert Contact.objects.filter(first_answered_at__isnull=True, due_at__lte=now).exists()  # late
    assert ServiceNeed.objects.filter(status="waiting").exists()
    assert ServiceNeed.objects.filter(status__in=["allocated", "in_progress"]).exists()
    assert ServiceNeed.objects.filter(status="closed").exclude(outcome="").exists()
    assert ChildWelfareNotification.objects.filter(urgency_assessed_at__isnull=True).exists()
    assert ChildWelfareNotification.objects.filter(decided_at__isnull=False).exists()
    assert ChildWelfareNotification.objects.filter(decided_at__isnull=True, decision_due_at__lte=now).exists() or (
        ChildWelfareNotification.objects.filter(decided_at__gt=F("decision_due_at")).exists()
    )
    states = {clocks.clock_state(c.due_at, c.first_answered_at, now) for c in Contact.objects.all()}
    assert clocks.LATE in states and (clocks.DONE_ON_TIME in states)
