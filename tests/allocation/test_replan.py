"""Absences and re-planning: an absence takes its time out of the shifts (booking check,
resource view, candidates); its appointments go to other workers at the same time,
preferring one who knows the family, keeping the pair, moving nobody else's
appointments; what cannot be placed gets a new time or a cancellation; accepting is one
all-or-nothing action through the booking services."""

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from perhekeskus.access.models import AccessEvent
from perhekeskus.allocation import replan
from perhekeskus.people.roles import COORDINATOR
from perhekeskus.people.services import named_worker_assign
from perhekeskus.scheduling import selectors, services
from perhekeskus.scheduling.models import Absence, Appointment, Participant, Shift

from ..factories import (
    FamilyFactory,
    OrganisationFactory,
    ServiceFactory,
    UnitFactory,
    WorkTypeFactory,
    make_person,
    make_user,
    make_worker,
)

pytestmark = pytest.mark.django_db
HELSINKI = timezone.get_current_timezone()


def _next_monday():
    today = timezone.localdate()
    return today + dt.timedelta(days=7 - today.weekday())


def at(day, hour, minute=0):
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=HELSINKI)


@pytest.fixture
def region(db):
    org = OrganisationFactory(name="Hyvinvointialue")
    service = ServiceFactory(organisation=org, name="Perhetyö")
    unit = UnitFactory(organisation=org)
    wt = WorkTypeFactory(service=service, name="Perhetyön käynti")
    ill = make_worker("Irma Sairas", unit=unit, service=service)
    knows = make_worker("Kaisa Tuttu", unit=unit, service=service)
    spare = make_worker("Vesa Vapaa", unit=unit, service=service)
    pair = make_worker("Paula Pari", unit=unit, service=service)
    monday = _next_monday()
    for w in (ill, knows, spare, pair):
        for d in range(19):
            day = monday + dt.timedelta(days=d)
            if day.weekday() < 5:
                Shift.objects.create(worker=w, start=at(day, 8), end=at(day, 16))
    families = [FamilyFactory(name=f"Perhe Poissa{i}") for i in range(4)]
    for f in families:
        make_person(f, first="Lapsi")
    named_worker_assign(actor=None, family=families[0], worker=knows, role="own_worker")

    def book(worker, family, day, hour, pair=None):
        return services.appointment_book(
            actor=None, worker=worker, pair=pair, work_type=wt, family=family,
            start=at(day, hour), end=at(day, hour + 1),
        )  # fmt: skip

    tuesday = monday + dt.timedelta(days=1)
    appointments = {
        "knows_family": book(ill, families[0], monday, 9),
        "with_pair": book(ill, families[1], monday, 12, pair=pair),
        "nobody_free": book(ill, families[2], tuesday, 10),
        "as_pair": book(pair, families[3], tuesday, 13, pair=ill),
    }
    # at Tuesday 10-11 everyone else is busy: that visit must find a new time
    others = {
        "knows": book(knows, None, tuesday, 10),
        "spare": book(spare, None, tuesday, 10),
        "pair": book(pair, None, tuesday, 10),
    }
    coordinator = make_user("koordinaattori", COORDINATOR)
    absence = services.absence_record(
        actor=coordinator, worker=ill, start=at(monday, 0), end=at(monday + dt.timedelta(days=2), 0), reason="ill"
    )
    return {
        "absence": absence,
        "appointments": appointments,
        "others": others,
        "workers": {"ill": ill, "knows": knows, "spare": spare, "pair": pair},
        "coordinator": coordinator,
        "monday": monday,
        "wt": wt,
    }


def test_the_absence_takes_capacity_out_of_the_shifts(region):
    ill, monday = region["workers"]["ill"], region["monday"]
    interval = services.Interval(at(monday, 14), at(monday, 15))
    assert services.intervals_outside_shifts(ill, [interval]) == [interval]
    row = selectors.resource_rows(workers=[ill], start=at(monday, 0), end=at(monday + dt.timedelta(days=1), 0))[0]
    assert row.shift_hours == 0 and row.absences
    # a day after the absence the shift is back
    later = monday + dt.timedelta(days=2)
    row = selectors.resource_rows(workers=[ill], start=at(later, 0), end=at(later + dt.timedelta(days=1), 0))[0]
    assert row.shift_hours == 8 and not row.absences


def test_the_plan_prefers_who_knows_the_family_keeps_pairs_and_finds_new_times(region):
    plan = replan.plan(region["absence"], user=region["coordinator"])
    items = {i.appointment.pk: i for i in plan.items}
    a, w = region["appointments"], region["workers"]
    assert len(items) == 4
    assert items[a["knows_family"].pk].action == "reassign" and items[a["knows_family"].pk].worker == w["knows"]
    with_pair = items[a["with_pair"].pk]
    assert with_pair.action == "reassign" and with_pair.worker not in (w["pair"], w["ill"])
    as_pair = items[a["as_pair"].pk]
    assert as_pair.role == "pair" and as_pair.action == "reassign" and as_pair.worker != w["pair"]
    nobody = items[a["nobody_free"].pk]
    assert nobody.action == "move" and nobody.start >= region["absence"].end
    assert {f.pk for f in plan.families} == {x.family_id for x in a.values()}


def test_accepting_changes_only_the_absent_workers_appointments(client, region):
    others_before = {
        p.pk: (p.resource_id, p.start, p.end)
        for p in Participant.objects.exclude(appointment__in=list(region["appointments"].values()))
    }
    client.force_login(region["coordinator"])
    page = client.get(f"/allocation/absences/{region['absence'].pk}/")
    assert page.status_code == 200 and "Perhe Poissa0" in page.content.decode()
    fingerprint = page.context["plan"].fingerprint
    assert client.post(f"/allocation/absences/{region['absence'].pk}/", {"fingerprint": "stale"}).status_code == 400
    response = client.post(f"/allocation/absences/{region['absence'].pk}/", {"fingerprint": fingerprint})
    assert response.status_code == 302
    ill = region["workers"]["ill"]
    a = region["appointments"]
    for key, appointment in a.items():
        appointment.refresh_from_db()
        active = set(appointment.participants.filter(active=True).values_list("resource_id", flat=True))
        if key == "nobody_free":  # a new time after the absence, with its own worker back
            assert active == {ill.resource_id}
        else:
            assert ill.resource_id not in active
    assert region["workers"]["pair"].resource_id in set(
        a["with_pair"].participants.filter(active=True).values_list("resource_id", flat=True)
    )
    assert a["nobody_free"].planned_start >= region["absence"].end
    others_after = {
        p.pk: (p.resource_id, p.start, p.end)
        for p in Participant.objects.exclude(appointment__in=list(a.values())).filter(pk__in=list(others_before))
    }
    assert others_after == others_before  # nobody else's appointment moved
    assert AccessEvent.objects.filter(action="update", object_type="appointment", family_id=a["knows_family"].family_id)


def test_what_cannot_be_placed_is_cancelled_with_the_absences_reason(region):
    # no shifts for anyone in the two weeks after: the Tuesday visit can only be cancelled
    Shift.objects.filter(start__gte=region["absence"].end).delete()
    plan = replan.plan(region["absence"], user=region["coordinator"])
    item = next(i for i in plan.items if i.appointment == region["appointments"]["nobody_free"])
    assert item.action == "cancel"
    replan.apply(actor=region["coordinator"], the_plan=plan)
    cancelled = Appointment.objects.get(pk=item.appointment.pk)
    assert cancelled.status == Appointment.Status.CANCELLED and cancelled.cancellation_reason == "worker_ill"


def test_a_refused_step_undoes_the_whole_replan(region, monkeypatch):
    plan = replan.plan(region["absence"], user=region["coordinator"])
    original = services.appointment_cancel

    def boom(**kw):
        raise services.BookingConflict("x")

    monkeypatch.setattr(services, "appointment_update", boom)
    monkeypatch.setattr(services, "appointment_cancel", original)
    with pytest.raises(services.BookingConflict):
        replan.apply(actor=region["coordinator"], the_plan=plan)
    for appointment in region["appointments"].values():
        before = appointment.participants.filter(active=True).values_list("resource_id", flat=True)
        assert region["workers"]["ill"].resource_id in set(before)


def test_the_api_records_an_absence_and_replans(region):
    api = APIClient()
    api.force_authenticate(region["coordinator"])
    day = region["monday"] + dt.timedelta(days=14)
    response = api.post(
        "/api/absences/",
        {"worker": region["workers"]["spare"].pk, "first_day": day, "last_day": day, "reason": "training"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert Absence.objects.filter(worker=region["workers"]["spare"]).count() == 1
    overlapping = api.post(
        "/api/absences/",
        {"worker": region["workers"]["spare"].pk, "first_day": day, "last_day": day, "reason": "ill"},
        format="json",
    )
    assert overlapping.status_code == 400
    plan = api.get(f"/api/absences/{region['absence'].pk}/plan/").json()
    assert len(plan["items"]) == 4 and plan["fingerprint"]
    done = api.post(
        f"/api/absences/{region['absence'].pk}/replan/", {"fingerprint": plan["fingerprint"]}, format="json"
    )
    assert done.status_code == 200 and sum(done.json().values()) == 4
    stranger = APIClient()
    stranger.force_authenticate(make_user("muu", COORDINATOR, organisation=OrganisationFactory(name="Muu")))
    assert stranger.get(f"/api/absences/{region['absence'].pk}/plan/").status_code == 404


def test_a_withdrawn_absence_gives_the_capacity_back(client, region):
    ill, monday = region["workers"]["ill"], region["monday"]
    interval = services.Interval(at(monday, 14), at(monday, 15))
    client.force_login(region["coordinator"])
    assert client.post(f"/allocation/absences/{region['absence'].pk}/withdraw/").status_code == 302
    assert services.intervals_outside_shifts(ill, [interval]) == []
    region["absence"].refresh_from_db()
    assert region["absence"].withdrawn_by == region["coordinator"]
    again = client.post(f"/allocation/absences/{region['absence'].pk}/withdraw/")
    assert again.status_code == 302  # back to the absence with the error, nothing changed
    stranger = APIClient()
    stranger.force_authenticate(make_user("vieras", COORDINATOR, organisation=OrganisationFactory(name="Toinen")))
    assert stranger.post(f"/api/absences/{region['absence'].pk}/withdraw/").status_code == 404


def test_absence_days_out_of_range_are_refused(region):
    api = APIClient()
    api.force_authenticate(region["coordinator"])
    worker = region["workers"]["spare"].pk
    for first, last in (("9999-12-31", "9999-12-31"), ("0001-01-01", "0001-01-02")):
        response = api.post(
            "/api/absences/", {"worker": worker, "first_day": first, "last_day": last, "reason": "ill"}, format="json"
        )
        assert response.status_code == 400 and "start" in response.json()
    assert not Absence.objects.filter(worker_id=worker).exists()
