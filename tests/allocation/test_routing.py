"""Home-visit routes: the solver keeps fixed visits fixed and windows respected and
shortens travel; the travel matrix's straight line, its OSRM answers (cached) and its
fallback when the server is down; a worker's day planned, accepted (visits moved inside
their windows, travel legs booked as travel entries) and planned again."""

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from perhekeskus.allocation import dayplan, routing, travel
from perhekeskus.people.roles import COORDINATOR
from perhekeskus.scheduling import services
from perhekeskus.scheduling.models import Appointment, Shift, WorkClass

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

HELSINKI = timezone.get_current_timezone()


def test_fixed_visits_stay_and_windows_hold():
    # places on a line: base 0, stops at 10, 20, 30 (minutes apart = distance)
    pos = [0, 30, 10, 20]
    travel_m = [[abs(a - b) for b in pos] for a in pos]
    stops = [
        routing.Stop("far", 30, 8 * 60, 12 * 60),
        routing.Stop("near", 30, 8 * 60, 12 * 60),
        routing.Stop("fixed", 30, 11 * 60, 11 * 60),
    ]
    plan = routing.solve(stops, [routing.Vehicle("w", 8 * 60, 16 * 60)], travel_m, seconds=0.5)
    legs = {leg.stop: leg for leg in plan.routes["w"]}
    assert plan.feasible and not plan.unplaced
    assert legs["fixed"].start == 11 * 60
    for name in ("far", "near"):
        assert 8 * 60 <= legs[name].start <= 12 * 60
    assert plan.travel == 60  # out along the line and back: the shortest there is


def test_a_team_keeps_each_fixed_visit_with_its_worker():
    travel_m = [[0 if i == j else 5 for j in range(5)] for i in range(5)]
    stops = [
        routing.Stop("a_fixed", 30, 9 * 60, 9 * 60, vehicle="A"),
        routing.Stop("b_fixed", 30, 9 * 60, 9 * 60, vehicle="B"),
        routing.Stop("free", 30, 8 * 60, 14 * 60),
    ]
    plan = routing.solve(
        stops, [routing.Vehicle("A", 8 * 60, 16 * 60), routing.Vehicle("B", 8 * 60, 16 * 60)], travel_m, seconds=0.5
    )
    where = {leg.stop: v for v, legs in plan.routes.items() for leg in legs}
    assert where["a_fixed"] == "A" and where["b_fixed"] == "B" and "free" in where


def test_the_straight_line_estimate():
    helsinki, espoo = (60.1699, 24.9384), (60.2055, 24.6559)
    minutes, km = travel.HaversineMatrix().table([helsinki, espoo], "car")
    straight = travel.haversine_km(helsinki, espoo)
    assert 15 < straight < 17
    assert km[0][1] == pytest.approx(straight * 1.35)
    assert minutes[0][1] == pytest.approx(60 * straight * 1.35 / 45 + 3)
    walk_min, walk_km = travel.HaversineMatrix().table([helsinki, espoo], "walk")
    assert walk_km[0][1] == pytest.approx(straight * 1.3) and walk_min[0][1] > minutes[0][1]


class _Osrm(BaseHTTPRequestHandler):
    calls = 0

    def do_GET(self):  # noqa: N802
        _Osrm.calls += 1
        body = json.dumps({"code": "Ok", "durations": [[0, 600], [660, 0]], "distances": [[0, 9000], [9500, 0]]})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args):
        pass


@pytest.mark.django_db
def test_osrm_answers_are_used_and_cached_and_a_dead_server_falls_back():
    cache.clear()
    server = HTTPServer(("127.0.0.1", 0), _Osrm)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        matrix = travel.OsrmMatrix(f"http://127.0.0.1:{server.server_port}")
        points = [(60.17, 24.94), (60.21, 24.66)]
        minutes, km = matrix.table(points, "car")
        assert minutes[0][1] == pytest.approx(10 + 3) and km[1][0] == pytest.approx(9.5)
        assert not matrix.fallback_used
        matrix.table(points, "car")
        assert _Osrm.calls == 1  # the second answer came from the cache
    finally:
        server.shutdown()
    dead = travel.OsrmMatrix("http://127.0.0.1:9", timeout=0.5)
    minutes, km = dead.table([(60.17, 24.94), (60.21, 24.66)], "car")
    assert dead.fallback_used and km[0][1] == pytest.approx(
        travel.haversine_km(*[(60.17, 24.94), (60.21, 24.66)]) * 1.35
    )


def at(day, hour, minute=0):
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=HELSINKI)


@pytest.fixture
def day_of_visits(db):
    org = OrganisationFactory(name="Kunta")
    service = ServiceFactory(organisation=org, name="Kotipalvelu")
    unit = UnitFactory(organisation=org)
    visit = WorkTypeFactory(service=service, name="Kotipalvelun käynti", work_class=WorkClass.DIRECT_CLIENT)
    travel_type = WorkTypeFactory(service=service, name="Matka", work_class=WorkClass.TRAVEL)
    worker = make_worker("Hilkka Kotiapu", unit=unit, service=service)
    worker.base_latitude, worker.base_longitude = 62.3130, 27.8720  # Varkaus centre
    worker.save()
    day = timezone.localdate() + dt.timedelta(days=7 - timezone.localdate().weekday())  # next Monday
    Shift.objects.create(worker=worker, start=at(day, 8), end=at(day, 16))
    places = {"far": (62.36, 27.95), "near": (62.32, 27.88), "mid": (62.34, 27.91)}
    families = {}
    for name, (lat, lon) in places.items():
        f = FamilyFactory(name=f"Perhe {name}", latitude=lat, longitude=lon)
        make_person(f, first="Asiakas")
        families[name] = f
    # planned in a wasteful order: far, near, mid, each with a window 08:30-14:00
    booked = {}
    for hour, name in ((9, "far"), (10, "near"), (11, "mid")):
        booked[name] = services.appointment_book(
            actor=None, worker=worker, work_type=visit, family=families[name], location_kind="client_home",
            start=at(day, hour), end=at(day, hour, 45), window=(at(day, 8, 30), at(day, 14)),
        )  # fmt: skip
    fixed = services.appointment_book(
        actor=None, worker=worker, work_type=visit, family=families["near"], location_kind="client_home",
        start=at(day, 14, 30), end=at(day, 15),
    )  # fmt: skip
    # a travel entry the worker booked by hand between two visits: the plan re-times it
    by_hand = services.appointment_book(
        actor=None, worker=worker, work_type=travel_type, start=at(day, 9, 45), end=at(day, 10)
    )
    return {
        "worker": worker, "day": day, "booked": booked, "fixed": fixed, "by_hand": by_hand,
        "coordinator": make_user("k", COORDINATOR),
    }  # fmt: skip


@pytest.mark.django_db
def test_a_day_is_planned_with_less_travel_and_accepted_through_the_booking_service(client, day_of_visits):
    d = day_of_visits
    plan = dayplan.plan_day([d["worker"]], d["day"], matrix=travel.HaversineMatrix(), seconds=0.5)
    assert plan.feasible and plan.travel_planned < plan.travel_now
    fixed = next(v for v in plan.visits if v.appointment == d["fixed"])
    assert fixed.start == d["fixed"].planned_start and not fixed.moved
    client.force_login(d["coordinator"])
    page = client.get(f"/allocation/routes/{d['worker'].pk}/?date={d['day'].isoformat()}")
    assert page.status_code == 200 and "Perhe far" in page.content.decode()
    shown = page.context["plan"]
    response = client.post(
        f"/allocation/routes/{d['worker'].pk}/", {"date": d["day"].isoformat(), "fingerprint": shown.fingerprint}
    )
    assert response.status_code == 302
    for a in d["booked"].values():
        a.refresh_from_db()
        assert a.window_start <= a.planned_start <= a.window_end
    d["fixed"].refresh_from_db()
    assert d["fixed"].planned_start == at(d["day"], 14, 30)
    legs = Appointment.objects.filter(work_type__work_class=WorkClass.TRAVEL, status="planned")
    assert legs.count() == len(shown.legs()) >= 4  # base -> 3 visits in order -> the fixed one -> base
    d["by_hand"].refresh_from_db()
    assert d["by_hand"].status == "planned" and d["by_hand"] in legs  # re-timed onto a leg, not cancelled
    assert not Appointment.objects.filter(status="cancelled").exists()
    # planned again: nothing to change, nothing doubled
    again = dayplan.plan_day([d["worker"]], d["day"], matrix=travel.HaversineMatrix(), seconds=0.5)
    assert again.travel_now == pytest.approx(again.travel_planned, abs=0.5)  # already the best order
    done = dayplan.apply(actor=d["coordinator"], plan=again)
    assert done == {"moved": 0, "travel_booked": 0, "travel_retimed": 0, "travel_replaced": 0}
    assert legs.count() == len(shown.legs())


@pytest.mark.django_db
def test_someone_else_cannot_plan_the_route(day_of_visits):
    other = make_user("muu", COORDINATOR, organisation=OrganisationFactory(name="Muu org"))
    api = APIClient()
    api.force_authenticate(other)
    assert api.get(f"/api/routes/{day_of_visits['worker'].pk}/?date={day_of_visits['day']}").status_code == 404
    assert api.post(f"/api/routes/{day_of_visits['worker'].pk}/accept/", {"fingerprint": "x"}).status_code == 404
    assert api.post(f"/api/routes/{day_of_visits['worker'].pk}/accept/", [1], format="json").status_code == 404
    api.force_authenticate(day_of_visits["coordinator"])
    plan = api.get(f"/api/routes/{day_of_visits['worker'].pk}/?date={day_of_visits['day']}").json()
    assert plan["feasible"] and len(plan["visits"]) == 4


@pytest.mark.django_db
def test_a_day_out_of_range_is_refused_with_a_field_error(client, day_of_visits):
    api = APIClient()
    api.force_authenticate(day_of_visits["coordinator"])
    worker = day_of_visits["worker"].pk
    response = api.post(f"/api/routes/{worker}/accept/", {"fingerprint": "x", "date": "0001-01-01"}, format="json")
    assert response.status_code == 400 and "date" in response.json()
    assert api.get(f"/api/routes/{worker}/?date=9999-12-31").status_code == 400
    client.force_login(day_of_visits["coordinator"])
    page = client.get(f"/allocation/routes/{worker}/?date=0001-01-01")
    assert page.status_code == 400 and page.context["plan"].day == timezone.localdate()


@pytest.mark.django_db
def test_an_empty_query_parameter_is_refused(day_of_visits):
    api = APIClient()
    api.force_authenticate(day_of_visits["coordinator"])
    response = api.get(f"/api/routes/{day_of_visits['worker'].pk}/?date=&team=")
    assert response.status_code == 400 and set(response.json()) == {"date", "team"}
