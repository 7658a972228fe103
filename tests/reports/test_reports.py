"""Every report and metric against the hand-made region of conftest.py, whose answers
are worked out by hand there. The same tests run on SQLite and on PostgreSQL
(``make test``), so both databases give these numbers."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from perhekeskus.access.models import AccessEvent
from perhekeskus.people.roles import COORDINATOR, MANAGER
from perhekeskus.reports import selectors
from perhekeskus.reports.models import WorkFact
from perhekeskus.reports.selectors import Filters
from perhekeskus.scheduling.services import appointment_book, appointment_realise
from tests.factories import FamilyFactory, local, make_user

JAN = Filters(start=dt.date(2026, 1, 1), end=dt.date(2026, 1, 31))


@pytest.fixture
def boss(region):
    return make_user("johtaja", MANAGER)


def by(table, key):
    return {r[key]: r for r in table.rows}


def test_hours_per_family(region, boss):
    t = selectors.family_hours(boss, JAN)
    rows = by(t, "family")
    f1, f2 = rows[region.f1.key], rows[region.f2.key]
    assert [r["family"] for r in t.rows] == [region.f1.key, region.f2.key]  # most hours first
    assert (f1["realised_hours"], f1["open_hours"], f1["appointments"], f1["realised_appointments"], f1["workers"]) == (
        5.5, 2.0, 4, 3, 3,
    )  # fmt: skip
    assert (f2["realised_hours"], f2["open_hours"], f2["appointments"], f2["workers"]) == (0.5, 0.0, 1, 1)
    assert (t.totals["realised_hours"], t.totals["open_hours"], t.totals["appointments"]) == (6.0, 2.0, 5)
    assert "Perhe" not in str(t.rows)  # families by key only


def test_cost_per_family_adds_purchases_of_the_period(region, boss):
    t = selectors.family_cost(boss, JAN)
    f1, f2 = by(t, "family")[region.f1.key], by(t, "family")[region.f2.key]
    assert (f1["own_cost"], f1["purchased"], f1["total"], f1["open_cost"]) == (310.0, 1000.0, 1310.0, 120.0)
    assert (f2["own_cost"], f2["purchased"], f2["total"]) == (20.0, 950.0, 970.0)
    assert (t.totals["own_cost"], t.totals["purchased"], t.totals["total"]) == (330.0, 1950.0, 2280.0)
    feb = selectors.family_cost(boss, Filters(start=dt.date(2026, 2, 1), end=dt.date(2026, 2, 28)))
    assert [(r["family"], r["purchased"], r["own_cost"]) for r in feb.rows] == [(region.f1.key, 500.0, 0.0)]


def test_per_worker_and_work_type(region, boss):
    t = selectors.worker_work_type(boss, JAN)
    got = {
        (r["worker"], r["work_type"]): (r["appointments"], r["booked_hours"], r["realised_hours"], r["realised_cost"])
        for r in t.rows
    }
    assert got == {
        ("Yksi Aino", "WA direct"): (2, 3.0, 3.5, 210.0),
        ("Yksi Aino", "WA meeting"): (1, 1.0, 0.0, 0.0),
        ("Yksi Aino", "WA travel"): (1, 0.5, 0.0, 0.0),
        ("Kaksi Bertta", "WA direct"): (1, 2.0, 0.0, 0.0),
        ("Kolme Cecilia", "WA direct"): (1, 1.0, 1.0, 60.0),
        ("Kolme Cecilia", "WB direct"): (2, 2.0, 1.5, 60.0),
    }


def test_cancellations_by_reason_and_party(region, boss):
    t = selectors.cancellations(boss, JAN)
    assert len(t.rows) == 1
    r = t.rows[0]
    assert (r["reason"], r["cancelled_by"], r["cancelled"], r["share"], r["late"], r["hours"]) == (
        "Client cancelled", "Client", 1, 12.5, 1, 1.5,
    )  # fmt: skip
    assert r["_drill"] == {"reason": "client_cancelled", "cancelled_by": "client", "status": "cancelled"}


def test_realised_client_work_by_month(region, boss):
    t = selectors.realised_client_work(boss, JAN)
    assert [
        (r["month"], r["work_class"], r["realised_appointments"], r["realised_hours"], r["families"]) for r in t.rows
    ] == [(dt.date(2026, 1, 1), "Direct client work", 4, 6.0, 2)]


def test_planned_vs_realised(region, boss):
    t = selectors.planned_vs_realised(boss, JAN)
    got = {r["work_type"]: r for r in t.rows}
    wa, wb = got["WA direct"], got["WB direct"]
    assert (wa["realised"], wa["planned_hours"], wa["actual_hours"], wa["difference"], wa["mean_difference_min"]) == (
        2,
        3.0,
        3.5,
        0.5,
        15.0,
    )
    assert (wa["shorter"], wa["longer"]) == (0, 1)
    assert (wb["realised"], wb["planned_hours"], wb["actual_hours"], wb["mean_difference_min"], wb["shorter"]) == (
        2,
        2.0,
        1.5,
        -15.0,
        1,
    )


def test_meeting_share_by_unit(region, boss):
    t = selectors.meeting_share(boss, JAN)
    got = by(t, "name")
    a1, b1 = got["A1"], got["B1"]
    assert (a1["shift_hours"], a1["meeting"], a1["internal"], a1["share_of_shift"], a1["share_of_booked"]) == (
        24.0,
        1.0,
        1.0,
        4.2,
        15.4,
    )
    assert (b1["shift_hours"], b1["internal"], b1["share_of_shift"]) == (8.0, 0.0, 0.0)


def test_client_counts_and_rate_per_1000_children(region, boss):
    t = selectors.client_counts(boss, JAN)
    assert [(r["service"], r["families"], r["persons"], r["realised_appointments"]) for r in t.rows] == [
        ("SB", 2, 1, 2),
        ("SA", 1, 1, 2),
    ]
    # each family once in the total; Varkaus 2023 is the latest year: 841+926+573+593 children
    assert (t.totals["families"], t.totals["persons"], t.totals["families_per_1000"]) == (2, 2, 0.7)
    assert selectors.population_children(2026) == (2933, 2023)
    assert selectors.population_children(2021) == (3104, 2021)


def test_workload_and_resource_situation(region, boss):
    t = selectors.workload(boss, JAN)
    got = {
        r["name"]: (r["shift_hours"], r["booked_hours"], r["realised_hours"], r["free_hours"], r["utilisation"])
        for r in t.rows
    }
    assert got == {
        "Yksi Aino": (16.0, 4.5, 3.5, 11.5, 28.1),
        "Kaksi Bertta": (8.0, 2.0, 0.0, 6.0, 25.0),
        "Kolme Cecilia": (8.0, 3.0, 2.5, 5.0, 37.5),
    }
    assert [r["name"] for r in t.rows] == ["Kolme Cecilia", "Yksi Aino", "Kaksi Bertta"]  # busiest first
    units = selectors.workload(boss, Filters(start=JAN.start, end=JAN.end, group="unit"))
    assert {r["name"]: (r["shift_hours"], r["booked_hours"]) for r in units.rows} == {
        "A1": (24.0, 6.5),
        "B1": (8.0, 3.0),
    }


def test_visits_and_travel(region, boss):
    t = selectors.visits_travel(boss, JAN)
    got = {r["name"]: r for r in t.rows}
    assert set(got) == {"Yksi Aino", "Kolme Cecilia"}  # no realised visits or travel: no row
    w1, w3 = got["Yksi Aino"], got["Kolme Cecilia"]
    assert (w1["home_visits"], w1["home_visit_hours"], w1["mean_visit_min"], w1["other_visits"], w1["travel_hours"], w1["travel_per_home_visit_min"]) == (1, 2.5, 150.0, 1, 0.5, 30.0)  # fmt: skip  # noqa: E501
    assert (
        w3["home_visits"],
        w3["mean_visit_min"],
        w3["other_visits"],
        w3["other_visit_hours"],
        w3["travel_hours"],
    ) == (1, 30.0, 2, 2.0, 0.0)


def test_own_vs_purchased(region, boss):
    t = selectors.own_vs_purchased(boss, JAN)
    got = {
        r["service"]: (r["own_hours"], r["own_cost"], r["purchases"], r["purchased"], r["purchased_share"])
        for r in t.rows
    }
    assert got == {"SP": (0.0, 0.0, 2, 1950.0, 100.0), "SA": (4.5, 270.0, 0, 0.0, 0.0), "SB": (1.5, 60.0, 0, 0.0, 0.0)}
    assert (t.totals["own_cost"], t.totals["purchased"], t.totals["purchased_share"]) == (330.0, 1950.0, 85.5)


def test_family_centre_metrics(region, boss):
    m = {r["key"]: r for r in selectors.metrics(boss, JAN).rows}
    assert m["families_served"]["value"] == 2
    assert m["families_served"]["per_1000"] == 0.7
    assert m["multi_service"]["value"] == 1  # F1: SA and SB
    assert (m["responsible_named"]["value"], m["responsible_named"]["basis"]) == (100.0, "1/1")
    assert (m["own_worker_named"]["value"], m["own_worker_named"]["basis"]) == (50.0, "1/2")
    assert m["families_per_worker"]["value"] == 1.5  # w1: F1; w3: F1 and F2
    assert m["multi_agency"]["value"] == 1  # a2: w1 (A) with w3 (B)
    assert m["waiting_time"]["value"] == 3.0
    assert m["clienthood_length"]["value"] == 15.0
    assert m["closed_completed"]["value"] == 1
    assert m["visitors"]["value"] is None  # not recorded: said, not invented


def test_lifecycle_cost_by_months_since_first_contact(region, boss):
    t = selectors.lifecycle(boss, JAN, today=dt.date(2026, 11, 23))
    got = {r["level"]: r for r in t.rows}
    # first contacts: F1 2 Jan (its service need), F2 5 Jan; both in the 2026 cohort
    assert {r["cohort"] for r in t.rows} == {2026}
    assert {r["families"] for r in t.rows} == {2}
    assert got["Early support"]["q0"] == 135.0  # (150 + 60 + 60) / 2
    assert got["Health and wellbeing promotion"]["q0"] == 30.0  # (40 + 20) / 2
    assert got["Specialised and consultative"]["q0"] == 1225.0  # (1000 + 950 + 500) / 2, the February one too
    assert t.reach == [{"cohort": 2026, "families": 2, "reached": 2, "share": 100.0, "complete": False}]
    assert selectors.lifecycle(boss, Filters(start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31))).rows == []


def test_scope_limits_every_report_to_the_scope(region):
    b_manager = make_user("johtaja-b", MANAGER, organisation=region.org_b)
    t = selectors.family_hours(b_manager, JAN)
    assert {r["family"]: r["realised_hours"] for r in t.rows} == {region.f1.key: 2.0, region.f2.key: 0.5}
    # purchases are the purchasing organisation's (A): not in B's reports
    assert by(selectors.family_cost(b_manager, JAN), "family")[region.f1.key]["purchased"] == 0.0
    assert {r["name"] for r in selectors.workload(b_manager, JAN).rows} == {"Kolme Cecilia"}
    unit_manager = make_user("johtaja-a1", MANAGER, unit=region.a1)
    assert selectors.purchase_rows(unit_manager, JAN).count() == 0  # unit scope: no organisation-level rows


def test_filters_narrow_the_numbers(region, boss):
    f = Filters(start=JAN.start, end=JAN.end, service=region.sb.pk)
    assert by(selectors.family_hours(boss, f), "family")[region.f1.key]["realised_hours"] == 1.0
    f = Filters(start=JAN.start, end=JAN.end, worker=region.w1.pk)
    assert selectors.family_hours(boss, f).totals["realised_hours"] == 3.5
    assert selectors.family_cost(boss, f).totals["purchased"] == 0.0  # purchases have no worker
    f = Filters(start=JAN.start, end=JAN.end, organisation=region.org_a.pk)
    assert selectors.family_cost(boss, f).totals["purchased"] == 1950.0


def test_report_queries_do_not_grow_with_rows(region, boss, django_assert_max_num_queries):
    def count(report):
        with CaptureQueriesContext(connection) as ctx:
            report(boss, JAN)
        return len(ctx.captured_queries)

    reports = (selectors.family_hours, selectors.workload, selectors.family_cost)
    count(reports[0])  # the user's roles are read once and kept on the user
    before = {r: count(r) for r in reports}
    for i in range(3):  # three more families, each with a realised visit and a purchase
        family = FamilyFactory(name=f"Perhe Lisä{i}")
        visit = appointment_book(
            actor=None, worker=region.w2, work_type=region.wa, family=family,
            start=local(2026, 1, 12 + i, 9), end=local(2026, 1, 12 + i, 10), confirm_outside_shift=True,
        )  # fmt: skip
        appointment_realise(actor=None, appointment=visit)
        region.buy(family, dt.date(2026, 1, 15), lump_sum=100)
    assert {r: count(r) for r in before} == before
    with django_assert_max_num_queries(6):
        selectors.family_hours(boss, JAN)
    with django_assert_max_num_queries(8):
        selectors.workload(boss, JAN)


def test_pages_log_the_families_they_show(region, boss, client):
    client.force_login(boss)
    response = client.get("/reports/family_hours/", {"start": "2026-01-01", "end": "2026-01-31"})
    assert response.status_code == 200
    body = response.content.decode()
    assert region.f1.key in body and "Perhe Ensimmäinen" not in body
    logged = set(AccessEvent.objects.filter(user_id=boss.pk, object_type="family").values_list("family_id", flat=True))
    assert logged == {region.f1.pk, region.f2.pk}


def test_bad_filters_get_a_clear_error_in_finnish(region, boss, client):
    client.force_login(boss)
    client.cookies["django_language"] = "fi"
    response = client.get("/reports/workload/", {"start": "2026-02-01", "end": "2026-01-01"})
    assert response.status_code == 400
    assert "Jakson loppu on ennen sen alkua." in response.content.decode()


def test_reports_are_for_managers_coordinators_and_administrators(region, client):
    client.force_login(make_user("tyontekija"))
    assert client.get("/reports/").status_code == 403
    assert client.get("/reports/workload/").status_code == 403
    assert client.get("/api/reports/workload/").status_code == 403
    client.force_login(make_user("koordinaattori", COORDINATOR))
    assert client.get("/reports/workload/").status_code == 200


def test_lifecycle_months_are_whole_months_on_both_databases(region, boss):
    # 22 March is 2.6 average months after F1's first contact (2 Jan 10:00): month 2, the
    # first quarter; rounding (as a numeric CAST does on PostgreSQL) would make it month 3
    region.buy(region.f1, dt.date(2026, 3, 22), lump_sum=300)
    got = {r["level"]: r for r in selectors.lifecycle(boss, JAN, today=dt.date(2026, 11, 23)).rows}
    assert (got["Specialised and consultative"]["q0"], got["Specialised and consultative"]["q1"]) == (1375.0, 0.0)


@pytest.mark.parametrize("report", ["family_hours", "client_counts", "realised_client_work"])
def test_counts_by_primary_rows_equal_the_distinct_counts(region, boss, report, monkeypatch):
    # Over the whole region an appointment's rows are all there, and these reports count
    # it by its primary worker's row in two hashed steps. Restricted by worker they count
    # distinct appointments and families in one step: both ways give the same numbers
    # (January has an appointment with a work pair from the other organisation).
    fast = getattr(selectors, report)(boss, JAN)
    assert selectors._whole_appointments(boss, JAN)
    monkeypatch.setattr(selectors, "_whole_appointments", lambda user, f: False)
    slow = getattr(selectors, report)(boss, JAN)
    assert fast.rows and fast.rows == slow.rows
    assert fast.totals == slow.totals


def test_a_work_pair_outside_the_filter_still_counts_its_appointment_once(region, boss):
    # a2 is w1's (organisation A) with w3 of B as the pair: B's filter keeps only the pair's
    # row, and the appointment still counts, once
    f = Filters(start=JAN.start, end=JAN.end, organisation=region.org_b.pk)
    assert not selectors._whole_appointments(boss, f)
    row = by(selectors.family_hours(boss, f), "family")[region.f1.key]
    b_rows = WorkFact.objects.filter(
        day__gte=JAN.start, day__lte=JAN.end, worker__organisation=region.org_b, family=region.f1
    ).exclude(status="cancelled")
    assert (
        b_rows.filter(role="pair").exists()
        and not b_rows.filter(
            appointment__participants__role="primary",
            appointment__participants__resource__worker__organisation=region.org_b,
            role="pair",
        ).exists()
    )
    assert row["appointments"] == b_rows.values("appointment_id").distinct().count()


@pytest.mark.parametrize(
    ("kind", "value", "finnish"),
    [
        ("hours", 27.58, "27,6"),  # was cut to 27,5
        ("hours", 1436.67, "1\xa0436,7"),  # was 1 436,6
        ("hours", 0.25, "0,3"),  # half up, not half to even
        ("hours", -0.25, "-0,3"),
        ("eur", 2.675, "2,68"),  # 2.675 is 2.67499... as a float; shown as written
        ("int", 155548, "155\xa0548"),
        ("pct", 99.95, "100,0"),
    ],
)
def test_report_numbers_round_half_up_with_finnish_grouping(kind, value, finnish):
    from django.utils import translation

    from perhekeskus.reports.selectors import Column
    from perhekeskus.reports.templatetags.report_cells import cell, grouped

    with translation.override("fi"):
        assert cell({"x": value}, Column("x", "x", kind)) == finnish
        assert grouped(155548) == "155\xa0548"


def test_visits_and_travel_count_a_pair_visit_once_above_the_worker(region, boss):
    """a2 (w1 of unit A1 / organisation A with w3 of unit B1 / organisation B, at the unit,
    realised 1 h) is in each worker's row, once in each unit and organisation, once in the
    total; a home visit by a pair of one unit (w1 + w2 in A1) is one visit of that unit."""
    both = appointment_book(
        actor=None, worker=region.w1, pair=region.w2, work_type=region.wa, family=region.f1,
        start=local(2026, 1, 6, 12, 0), end=local(2026, 1, 6, 13, 0), location_kind="client_home",
        confirm_outside_shift=True,
    )  # fmt: skip
    appointment_realise(actor=None, appointment=both)

    def rows(group):
        table = selectors.visits_travel(boss, Filters(start=JAN.start, end=JAN.end, group=group))
        return {r["name"]: r for r in table.rows}

    workers, units, orgs = rows("worker"), rows("unit"), rows("organisation")
    assert (workers["Yksi Aino"]["home_visits"], workers["Kaksi Bertta"]["home_visits"]) == (2, 1)
    assert workers["Kolme Cecilia"]["other_visits"] == 2  # a2 as the pair, a8
    a1, b1 = (next(r for name, r in units.items() if unit in name) for unit in ("A1", "B1"))
    assert (a1["home_visits"], a1["home_visit_hours"], a1["mean_visit_min"]) == (2, 3.5, 105.0)  # a1 + the pair's
    assert (a1["other_visits"], b1["other_visits"], b1["home_visits"]) == (1, 2, 1)  # a2 once in each unit
    org_a, org_b = orgs["Hyvinvointialue A"], orgs["Järjestö B"]
    assert (org_a["home_visits"], org_a["other_visits"], org_b["other_visits"]) == (2, 1, 2)
    total = selectors.visits_travel(boss, JAN).totals
    assert (total["home_visits"], total["home_visit_hours"]) == (3, 4.0)  # a1, a4, the pair's: each once
    assert (total["other_visits"], total["other_visit_hours"]) == (2, 2.0)  # a2, a8
    assert total["mean_visit_min"] == 80.0


def test_totals_count_distinct_and_cancelled_only_families_have_no_row(region, boss):
    from perhekeskus.scheduling.services import appointment_cancel

    f3 = FamilyFactory(name="Perhe Peruttu")
    gone = appointment_book(
        actor=None, worker=region.w1, work_type=region.wa, family=f3,
        start=local(2026, 1, 7, 9), end=local(2026, 1, 7, 10), confirm_outside_shift=True,
    )  # fmt: skip
    appointment_cancel(actor=None, appointment=gone, reason="client_cancelled", cancelled_by="client")
    for whole_region in (True, False):  # both ways report 1 is computed: the whole region and a filtered one
        f = JAN if whole_region else Filters(start=JAN.start, end=JAN.end, organisation=region.org_a.pk)
        hours = selectors.family_hours(boss, f)
        assert f3.key not in {r["family"] for r in hours.rows}
        if whole_region:
            # F1: w1, w3 (a2, a8), w2 (a7 planned); F2: w3 (a4; a3 was cancelled): 3 workers in all, not 4
            assert hours.totals["workers"] == 3
    assert f3.key not in {r["family"] for r in selectors.family_cost(boss, JAN).rows}
    workload = selectors.workload(boss, JAN)
    # w1: F1; w2: F1 (a7); w3: F1, F2: 4 family-worker pairs, 2 families
    assert sum(r["families"] for r in workload.rows) == 4 and workload.totals["families"] == 2


def test_workload_lists_every_worker_with_a_shift_or_a_booking_in_scope(region, boss):
    """A worker with a booking but no shift is listed (utilisation unknown), one with a
    shift but no booking too (0 booked); a worker with neither is not."""
    from tests.factories import UnitFactory, add_shifts, make_worker

    unit = UnitFactory(organisation=region.org_a, name="A2")
    booked_only = make_worker("Varattu Vuoroton", unit=unit)
    shift_only = make_worker("Vuoro Varaukseton", unit=unit)
    make_worker("Ei Mitään", unit=unit)
    appointment_book(
        actor=None, worker=booked_only, work_type=region.wa, start=local(2026, 1, 8, 9), end=local(2026, 1, 8, 10),
        confirm_outside_shift=True,
    )  # fmt: skip
    add_shifts(shift_only, dt.date(2026, 1, 8), 1)
    rows = {r["name"]: r for r in selectors.workload(boss, JAN).rows}
    assert rows["Vuoroton Varattu"]["booked_hours"] == 1.0 and rows["Vuoroton Varattu"]["utilisation"] is None
    assert rows["Varaukseton Vuoro"]["shift_hours"] == 8.0 and rows["Varaukseton Vuoro"]["booked_hours"] == 0.0
    assert "Mitään Ei" not in rows
