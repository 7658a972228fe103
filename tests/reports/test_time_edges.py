"""Regression cases of the independent recomputation (issue: reports): a visit across
the autumn DST change, a visit across midnight, a visit at local midnight, and an
organisation-filtered cancellation share with a work pair from outside. The rules are
docs/metrics.md's: a worker-hour row belongs to the local (Helsinki) day and month of its
planned start, and durations are real elapsed seconds, not wall-clock differences."""

import datetime as dt
from decimal import Decimal

import pytest

from perhekeskus.network.models import Organisation
from perhekeskus.people.roles import MANAGER
from perhekeskus.reports import selectors
from perhekeskus.reports.selectors import Filters
from perhekeskus.scheduling.services import appointment_book, appointment_cancel, appointment_realise
from perhekeskus.scheduling.wallclock import HELSINKI
from tests.factories import (
    FamilyFactory,
    OrganisationFactory,
    ServiceFactory,
    UnitFactory,
    WorkTypeFactory,
    make_user,
    make_worker,
)

pytestmark = pytest.mark.django_db
UTC = dt.UTC


@pytest.fixture
def edges(db):
    area = OrganisationFactory(name="Alue")
    ngo = OrganisationFactory(name="Järjestö", kind=Organisation.Kind.NGO)
    service = ServiceFactory(organisation=area, name="Perhetyö")
    wt = WorkTypeFactory(
        service=service, name="Kotikäynti", work_class="direct_client", default_unit_price=Decimal("60")
    )
    w = make_worker("Aino Alue", unit=UnitFactory(organisation=area), service=service)
    outsider = make_worker("Bea Järjestö", unit=UnitFactory(organisation=ngo))
    fam = FamilyFactory(name="Perhe Reuna")
    boss = make_user("johtaja-reuna", MANAGER)

    def visit(start, end, *, pair=None, realise=True, worker=w):
        ap = appointment_book(
            actor=None, worker=worker, work_type=wt, family=fam, start=start, end=end, pair=pair,
            confirm_outside_shift=True,
        )  # fmt: skip
        return appointment_realise(actor=None, appointment=ap) if realise else ap

    return {"area": area, "ngo": ngo, "w": w, "outsider": outsider, "fam": fam, "boss": boss, "visit": visit}


def hours_of(boss, fam, start, end, **filters):
    table = selectors.family_hours(boss, Filters(start=start, end=end, **filters))
    row = next((r for r in table.rows if r["family"] == fam.key), None)
    return None if row is None else row["realised_hours"]


def test_a_visit_across_the_autumn_dst_change_counts_its_elapsed_hours(edges):
    # Sunday 25.10.2026: 02:30 EEST (23:30 UTC) to 04:30 EET (02:30 UTC) is 3 hours, though
    # the wall clock moved only 2
    start = dt.datetime(2026, 10, 24, 23, 30, tzinfo=UTC)
    edges["visit"](start, start + dt.timedelta(hours=3))
    assert start.astimezone(HELSINKI).date() == dt.date(2026, 10, 25)
    day = dt.date(2026, 10, 25)
    assert hours_of(edges["boss"], edges["fam"], day, day) == 3.0
    cost = selectors.family_cost(edges["boss"], Filters(start=day, end=day))
    assert next(r for r in cost.rows if r["family"] == edges["fam"].key)["own_cost"] == pytest.approx(180.0)
    # in UTC it started on the 24th; the report's day is Helsinki's
    assert hours_of(edges["boss"], edges["fam"], dt.date(2026, 10, 24), dt.date(2026, 10, 24)) is None


def test_a_visit_across_midnight_belongs_whole_to_the_day_and_month_it_starts(edges):
    start = dt.datetime(2026, 10, 31, 23, 30, tzinfo=HELSINKI)
    edges["visit"](start, start + dt.timedelta(hours=1))
    assert hours_of(edges["boss"], edges["fam"], dt.date(2026, 10, 31), dt.date(2026, 10, 31)) == 1.0
    assert hours_of(edges["boss"], edges["fam"], dt.date(2026, 11, 1), dt.date(2026, 11, 30)) is None
    months = selectors.realised_client_work(
        edges["boss"], Filters(start=dt.date(2026, 10, 1), end=dt.date(2026, 11, 30))
    )
    assert {(r["month"].month, r["realised_hours"]) for r in months.rows} == {(10, 1.0)}


def test_a_visit_at_local_midnight_is_the_new_day_not_the_utc_day_before(edges):
    # 00:00 Helsinki on 1.11 is 22:00 UTC on 31.10
    start = dt.datetime(2026, 11, 1, 0, 0, tzinfo=HELSINKI)
    edges["visit"](start, start + dt.timedelta(minutes=30))
    assert hours_of(edges["boss"], edges["fam"], dt.date(2026, 11, 1), dt.date(2026, 11, 1)) == 0.5
    assert hours_of(edges["boss"], edges["fam"], dt.date(2026, 10, 31), dt.date(2026, 10, 31)) is None
    # and the last second of a day is still that day
    late = dt.datetime(2026, 11, 2, 23, 59, tzinfo=HELSINKI)
    edges["visit"](late, late + dt.timedelta(minutes=60))
    assert hours_of(edges["boss"], edges["fam"], dt.date(2026, 11, 2), dt.date(2026, 11, 2)) == 1.0


def test_an_organisation_filtered_cancellation_share_leaves_out_appointments_where_it_was_only_the_pair(edges):
    """docs/metrics.md report 4: the share's denominator under an organisation filter is
    the appointments whose primary worker is of the organisation; one where the
    organisation's worker was only the pair is the other organisation's appointment."""
    day = dt.date(2026, 11, 10)
    at = dt.datetime(2026, 11, 10, 9, tzinfo=HELSINKI)
    v = edges["visit"]
    v(at, at + dt.timedelta(hours=1))  # the area's own, realised
    cancelled = v(at + dt.timedelta(hours=2), at + dt.timedelta(hours=3), realise=False)
    appointment_cancel(actor=None, appointment=cancelled, reason="client_cancelled", cancelled_by="client", text="")
    # the NGO worker's visit with the area's worker as the pair: not the area's appointment
    v(at + dt.timedelta(hours=4), at + dt.timedelta(hours=5), worker=edges["outsider"], pair=edges["w"])
    table = selectors.cancellations(edges["boss"], Filters(start=day, end=day, organisation=edges["area"].pk))
    [row] = table.rows
    assert row["cancelled"] == 1 and row["share"] == 50.0  # 1 of the area's 2, not of 3
