"""Candidates for one service need, from rows made for the test: each hard condition
fails alone and is named; every offered slot pattern fits every occurrence inside the
shifts and clear of bookings (with travel time around home visits); continuity ranks
first; choosing a pattern books the whole series; the API says the same."""

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from perhekeskus.access.models import AccessEvent
from perhekeskus.allocation import candidates as engine
from perhekeskus.intake.models import ServiceNeed
from perhekeskus.intake.services import service_need_record
from perhekeskus.network.models import Service
from perhekeskus.people.models import Competence, Language, Person
from perhekeskus.people.roles import COORDINATOR
from perhekeskus.people.services import named_worker_assign
from perhekeskus.scheduling import services
from perhekeskus.scheduling.models import Appointment, Shift

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


def _monday():
    return engine._start_day(timezone.localdate())


def _shifts(worker, weeks, days=(0, 1, 2, 3, 4), hours=(8, 16)):
    for w in weeks:
        for d in days:
            day = _monday() + dt.timedelta(days=7 * w + d)
            Shift.objects.create(
                worker=worker,
                start=dt.datetime.combine(day, dt.time(hours[0]), tzinfo=HELSINKI),
                end=dt.datetime.combine(day, dt.time(hours[1]), tzinfo=HELSINKI),
            )


@pytest.fixture
def place(db):
    org = OrganisationFactory(name="Hyvinvointialue")
    service = ServiceFactory(organisation=org, name="Perhetyö")
    other = ServiceFactory(organisation=org, name="Kotipalvelu")
    unit = UnitFactory(organisation=org)
    swedish, _ = Language.objects.get_or_create(code="sv", defaults={"name": "ruotsi"})
    nepsy = Competence.objects.create(name="Nepsy-valmennus")
    wt = WorkTypeFactory(service=service, name="Tehostettu perhetyö")
    family = FamilyFactory(name="Perhe Ehdokas")
    make_person(family, first="Ella")

    def worker(name, service=service, sv=True, method=True):
        w = make_worker(name, unit=unit, service=service)
        if sv:
            w.languages.add(swedish)
        if method:
            w.competences.add(nepsy)
        return w

    workers = {
        "ok": worker("Olga Sopiva"),
        "no_swedish": worker("Kalle Kieletön", sv=False),
        "no_method": worker("Mikko Menetelmätön", method=False),
        "other_service": worker("Kaija Kotipalvelu", service=other),
        "short": worker("Liisa Lyhyt"),
        "named": worker("Noora Nimetty"),
    }
    for key in ("ok", "no_swedish", "no_method", "other_service", "named"):
        _shifts(workers[key], range(3))
    _shifts(workers["short"], range(2))  # no shifts in the third week
    named_worker_assign(actor=None, family=family, worker=workers["named"], role="family_partner")
    need = service_need_record(
        actor=None, family=family, service=service, work_type=wt, source="phone", sessions_per_week=1,
        session_minutes=90, weeks=3, language=swedish, competence=nepsy, home_visits=True,
    )  # fmt: skip
    coordinator = make_user("koordinaattori", COORDINATOR)
    return {
        "need": need,
        "workers": workers,
        "coordinator": coordinator,
        "wt": wt,
        "family": family,
        "service": service,
    }


def test_each_hard_condition_fails_alone_and_is_named(place):
    found = {c.worker.pk: c for c in engine.candidates(place["need"], user=place["coordinator"])}
    w = place["workers"]
    assert found[w["ok"].pk].failures == []
    assert found[w["no_swedish"].pk].failures == ["no ruotsi"]
    assert found[w["no_method"].pk].failures == ["not trained in Nepsy-valmennus"]
    assert found[w["other_service"].pk].failures == ["does not provide this service (Perhetyö)"]
    short = found[w["short"].pk]
    assert len(short.failures) == 1 and short.failures[0].startswith("2 of 3 visits fit; not ")
    assert short.partial is not None and short.partial.fits == 2 and not short.slots


def test_continuity_ranks_first_and_the_score_is_explained(place):
    ranked = [c for c in engine.candidates(place["need"], user=place["coordinator"]) if c.eligible]
    assert [c.worker for c in ranked][:2] == [place["workers"]["named"], place["workers"]["ok"]]
    reasons = dict(ranked[0].reasons)
    assert reasons["named for the family"] == 30
    assert ranked[0].score == pytest.approx(sum(reasons.values()))
    # those failing a condition come after every eligible one, never dropped
    everyone = engine.candidates(place["need"], user=place["coordinator"])
    assert len(everyone) == 6 and [c.eligible for c in everyone] == [True, True, False, False, False, False]


def test_every_offered_pattern_fits_every_occurrence(place):
    """Checked against the booking service's own rules: no occurrence outside the shifts,
    none colliding with a booking (or inside the travel time around one)."""
    ok = place["workers"]["ok"]
    # a booking on the first Monday 10:00-11:00: 8:00 is still free (8:00-9:30 + 20 min
    # travel), 9:00 and 10:30 are not (travel time), 11:30 is
    monday = _monday()
    services.appointment_book(
        actor=None, worker=ok, work_type=place["wt"],
        start=dt.datetime.combine(monday, dt.time(10), tzinfo=HELSINKI),
        end=dt.datetime.combine(monday, dt.time(11), tzinfo=HELSINKI),
    )  # fmt: skip
    candidate = next(c for c in engine.candidates(place["need"], user=place["coordinator"]) if c.worker == ok)
    assert candidate.slots
    for slot in candidate.slots:
        intervals = services.recurrence_intervals(
            first_start=slot.first_start,
            first_end=slot.first_start + dt.timedelta(minutes=90),
            weekdays=list(slot.weekdays),
            weeks=3,
        )
        assert len(intervals) == 3
        assert services.intervals_outside_shifts(ok, intervals) == []
        buffered = [
            services.Interval(i.start - dt.timedelta(minutes=20), i.end + dt.timedelta(minutes=20)) for i in intervals
        ]
        assert services.find_conflicts(resource_ids=[ok.resource_id], intervals=buffered) == []
    # 8:00-9:30 leaves the travel time before the 10:00 visit, so Monday 8:00 is offered;
    # the offer is spread: each weekday at its earliest time before a second time of one
    pairs = [(s.time, s.weekdays) for s in candidate.slots]
    assert pairs == [(dt.time(8, 0), (d,)) for d in (1, 2, 3, 4, 5)]
    grid_of = engine.grid_cache(_monday())
    loaded = engine.load_workers([ok], _monday(), 21)
    times, grid = grid_of(place["need"])
    every, _partial = engine._patterns(place["need"], loaded.calendar(ok.pk, 1200.0), times, grid, limit=200)
    mondays = [s.time for s in every if s.weekdays == (1,)]
    # Monday: 8:00 fits; 8:30 to 10:30 would meet the 10:00-11:00 visit or its travel time
    assert dt.time(8, 0) in mondays and not {dt.time(8, 30), dt.time(9), dt.time(10, 30)} & set(mondays)
    assert dt.time(11, 30) in mondays


def test_choosing_a_pattern_books_the_whole_series(client, place):
    client.force_login(place["coordinator"])
    html = client.get(f"/intake/needs/{place['need'].pk}/candidates/").content.decode()
    assert "Olga" in html and "ei kieltä: ruotsi" in html  # the failures are shown, in Finnish
    candidate = next(c for c in engine.candidates(place["need"], user=place["coordinator"]) if c.eligible)
    slot = candidate.slots[0]
    r = client.post(
        f"/intake/needs/{place['need'].pk}/allocate/",
        {
            "worker": candidate.worker.pk,
            "first_start": timezone.localtime(slot.first_start).strftime("%Y-%m-%dT%H:%M"),
            "weekdays": list(slot.weekdays),
        },
    )
    assert r.status_code == 302
    need = ServiceNeed.objects.get(pk=place["need"].pk)
    assert need.status == "allocated" and need.worker == candidate.worker
    booked = Appointment.objects.filter(family=place["family"]).order_by("planned_start")
    assert booked.count() == 3 and all(a.location_kind == "client_home" for a in booked)


def test_the_caseload_cap_is_a_named_condition(place, settings):
    settings.CHILD_PROTECTION_CASELOAD_CAP = 0
    cp = ServiceFactory(
        organisation=place["service"].organisation, name="Lastensuojelu", level=Service.Level.SPECIALISED,
        receives_child_welfare_notifications=True,
    )  # fmt: skip
    social = make_worker("Sanna Sosiaali", unit=UnitFactory(organisation=cp.organisation), service=cp,
                         profession="social_worker")  # fmt: skip
    _shifts(social, range(3))
    need = service_need_record(
        actor=None, family=place["family"], service=cp, work_type=WorkTypeFactory(service=cp), source="phone", weeks=3
    )
    found = next(c for c in engine.candidates(need, user=place["coordinator"]) if c.worker == social)
    assert found.failures == ["caseload 0/0"]


def test_the_api_gives_the_same_candidates_and_refuses_like_an_unknown_need(place):
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.force_authenticate(place["coordinator"])
    data = api.get(f"/api/service-needs/{place['need'].pk}/candidates/").json()
    by_name = {row["name"]: row for row in data}
    assert by_name["Olga Sopiva"]["eligible"] and by_name["Olga Sopiva"]["slots"]
    assert by_name["Kalle Kieletön"]["failures"] == ["no ruotsi"]
    assert data[0]["name"] == "Noora Nimetty"
    stranger = make_user("vieras")
    make_worker("Vilma Vieras", user=stranger)
    api.force_authenticate(stranger)
    assert api.get(f"/api/service-needs/{place['need'].pk}/candidates/").status_code == 404
    assert api.get(f"/api/service-needs/{place['need'].pk + 99}/candidates/").status_code == 404
    assert AccessEvent.objects.filter(username="vieras", basis="refused", object_type="service_need").count() == 2
    assert Person.objects.filter(first_name="Ella").exists()


def test_caseloads_in_one_pass_equal_one_worker_at_a_time(place):
    from perhekeskus.intake import selectors as intake_selectors

    cp = ServiceFactory(organisation=place["service"].organisation, name="Lastensuojelu")
    cp.receives_child_welfare_notifications = True
    cp.save()
    social = [make_worker(f"Sosiaali {i}", service=cp, profession="social_worker") for i in range(3)]
    families = [FamilyFactory(name=f"Perhe Kuorma{i}") for i in range(4)]
    for f in families:
        make_person(f, first="Lapsi")
        make_person(f, first="Toinen")
        make_person(f, first="Aikuinen", role=Person.Role.GUARDIAN, born=dt.date(1980, 1, 1))
    named_worker_assign(actor=None, family=families[0], worker=social[0], role="responsible_worker")
    named_worker_assign(actor=None, family=families[1], worker=social[0], role="responsible_worker")
    named_worker_assign(actor=None, family=families[2], worker=social[1], role="responsible_worker")
    ServiceNeed.objects.filter(pk=place["need"].pk).update(status="allocated", worker=social[2])
    many = intake_selectors.caseload_children_many(social)
    for w in social:
        assert many[w.pk] == intake_selectors.caseload_children(w)
    assert len(many[social[0].pk]) == 4 and len(many[social[1].pk]) == 2


def test_travel_to_and_from_neighbouring_visits_follows_their_places(place):
    """The time kept around a neighbouring booking is the travel between its place and the
    need's family's home: a visit 40 km away keeps over an hour free, one next door a few
    minutes (the straight-line estimate of the travel model)."""
    ok = place["workers"]["ok"]
    ok.base_latitude, ok.base_longitude = 62.310, 27.870
    ok.save()
    family = place["family"]
    family.latitude, family.longitude = 62.320, 27.880
    family.save()
    far = FamilyFactory(name="Perhe Kaukana", latitude=62.60, longitude=28.40)
    near = FamilyFactory(name="Perhe Naapuri", latitude=62.321, longitude=27.881)
    monday = _monday()
    tuesday = monday + dt.timedelta(days=1)
    for fam, day in ((far, monday), (near, tuesday)):
        services.appointment_book(
            actor=None, worker=ok, work_type=place["wt"], family=fam, location_kind="client_home",
            start=dt.datetime.combine(day, dt.time(10), tzinfo=HELSINKI),
            end=dt.datetime.combine(day, dt.time(11), tzinfo=HELSINKI),
        )  # fmt: skip
    need = ServiceNeed.objects.select_related("family").get(pk=place["need"].pk)
    loaded = engine.load_workers([ok], monday, 21)
    times, grid = engine.grid_cache(monday)(need)
    calendar = loaded.calendar(ok.pk, ("to", (family.latitude, family.longitude)))
    every, _ = engine._patterns(need, calendar, times, grid, limit=500)
    by_day = {d: {s.time for s in every if s.weekdays == (d,)} for d in (1, 2)}
    # Monday, 40 km away 10-11: about 75 min of travel either side
    assert dt.time(12, 0) not in by_day[1] and dt.time(12, 30) in by_day[1]
    assert dt.time(8, 0) not in by_day[1]
    # Tuesday, next door 10-11: a few minutes either side (the half hour it touches)
    assert dt.time(11, 30) in by_day[2] and dt.time(8, 0) in by_day[2]


@pytest.mark.holidays
def test_a_weekly_series_leaves_out_public_holidays(db):
    """Over Christmas a Thursday series has no visit on Christmas Eve: the slot fits with
    the visit left out (and says so), and booking it books no visit that day."""
    from perhekeskus.intake.services import service_need_allocate

    today = dt.date(2026, 12, 14)
    first = engine._start_day(today)  # Monday 21.12.
    service = ServiceFactory(name="Perhetyö")
    w = make_worker("Olga Sopiva", service=service)
    for i in range(21):
        day = first + dt.timedelta(days=i)
        if day.weekday() < 5:
            Shift.objects.create(
                worker=w,
                start=dt.datetime.combine(day, dt.time(8), tzinfo=HELSINKI),
                end=dt.datetime.combine(day, dt.time(16), tzinfo=HELSINKI),
            )
    family = FamilyFactory(name="Perhe Joulu")
    need = service_need_record(
        actor=None, family=family, service=service, work_type=WorkTypeFactory(service=service), source="phone",
        sessions_per_week=1, session_minutes=60, weeks=3,
    )  # fmt: skip
    coordinator = make_user("koordinaattori", COORDINATOR)
    [c] = engine.candidates(need, user=coordinator, today=today)
    by_day = {s.weekdays: s for s in c.slots}
    # every weekday fits once the holidays are left out; Monday has all three visits
    thursday = engine._slot(engine._grid(need, first)[1], (4,), dt.time(9))
    assert thursday.occurrences == 2 and thursday.skipped == ["24.12."]
    assert thursday.first_visit.date() == dt.date(2026, 12, 31)
    friday = engine._slot(engine._grid(need, first)[1], (5,), dt.time(9))
    assert friday.occurrences == 1 and friday.skipped == ["25.12.", "1.1."]
    assert all(s.full for s in by_day.values())
    booked = service_need_allocate(
        actor=coordinator,
        need=need,
        worker=w,
        first_start=thursday.first_start,
        weekdays=[4],
    )
    dates = sorted(timezone.localtime(a.planned_start).date() for a in booked)
    assert dates == [dt.date(2026, 12, 31), dt.date(2027, 1, 7)]
