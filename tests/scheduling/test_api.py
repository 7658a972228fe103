"""The REST API: same validation as the pages, clear 400/409, bounded queries."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from perhekeskus.people.roles import WORKER
from perhekeskus.scheduling import services
from perhekeskus.scheduling.models import Appointment

from ..factories import add_shifts, local, make_person, make_user, make_worker

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(coordinator):
    client = APIClient()
    client.force_authenticate(coordinator)
    return client


def payload(worker, work_type, **kw):
    data = {
        "worker": worker.pk,
        "work_type": work_type.pk,
        "planned_start": "2026-09-14T09:30:00+03:00",
        "planned_end": "2026-09-14T10:30:00+03:00",
        "confirm_outside_shift": True,
    }
    data.update(kw)
    return data


def test_anonymous_gets_nothing():
    assert APIClient().get("/api/appointments/").status_code == 401


def test_create_realise_and_cancel(api, worker, pair_worker, work_type, family):
    child = make_person(family)
    r = api.post(
        "/api/appointments/",
        payload(
            worker,
            work_type,
            family=family.pk,
            persons=[child.pk],
            location_kind="client_home",
            notes_to_heed="Liukas etupiha",
            pair=pair_worker.pk,
        ),
        format="json",
    )
    assert r.status_code == 201, r.content
    body = r.json()[0]
    assert body["worker"] == worker.pk and body["pair"] == pair_worker.pk
    # the family by id and by the pseudonymous key that purchases and reports use
    assert body["family"] == family.pk and body["family_key"] == family.key
    assert Decimal(body["unit_price"]) == Decimal("62.00")
    assert body["address"].startswith("Miettistenkuja 2")
    r = api.post(
        f"/api/appointments/{body['id']}/realise/",
        {"actual_start": "2026-09-14T09:40:00+03:00", "actual_end": "2026-09-14T10:45:00+03:00"},
        format="json",
    )
    assert r.status_code == 200 and r.json()["status"] == "realised"
    assert r.json()["actual_start"].startswith("2026-09-14T09:40:00+03:00")
    second = api.post(
        "/api/appointments/",
        payload(worker, work_type, planned_start="2026-09-14T12:00:00+03:00", planned_end="2026-09-14T13:00:00+03:00"),
        format="json",
    ).json()[0]
    r = api.post(f"/api/appointments/{second['id']}/cancel/", {"reason": "other"}, format="json")
    assert r.status_code == 400 and "text" in r.json()
    r = api.post(f"/api/appointments/{second['id']}/cancel/", {"reason": "client_no_show"}, format="json")
    assert r.json()["status"] == "cancelled" and r.json()["cancelled_by"] == "client"
    history = api.get(f"/api/appointments/{second['id']}/history/").json()
    assert [h["action"] for h in history] == ["created", "cancelled"]
    assert history[0]["changed_by"] == "koordinaattori"


def test_conflict_is_409_with_the_collision_named(api, worker, work_type):
    assert api.post("/api/appointments/", payload(worker, work_type), format="json").status_code == 201
    r = api.post(
        "/api/appointments/",
        payload(worker, work_type, planned_start="2026-09-14T10:00:00+03:00", planned_end="2026-09-14T11:00:00+03:00"),
        format="json",
    )
    assert r.status_code == 409
    assert "Päivi Perhetyöntekijä" in r.json()["planned_start"][0]
    assert Appointment.objects.count() == 1


def test_invalid_input_is_400_with_field_errors_in_finnish(api, worker, work_type):
    r = api.post(
        "/api/appointments/",
        payload(worker, work_type, planned_end="2026-09-14T08:00:00+03:00"),
        format="json",
        HTTP_ACCEPT_LANGUAGE="fi",
    )
    assert r.status_code == 400
    assert r.json() == {"planned_end": ["Lopun on oltava alun jälkeen."]}
    r = api.post("/api/appointments/", payload(worker, work_type, unit_price="-3"), format="json")
    assert r.status_code == 400 and "unit_price" in r.json()
    r = api.post("/api/appointments/", {"worker": 999999}, format="json")
    assert r.status_code == 400 and {"worker", "work_type", "planned_start"} <= set(r.json())
    assert Appointment.objects.count() == 0


def test_outside_shift_must_be_confirmed(api, worker, work_type):
    add_shifts(worker, dt.date(2026, 9, 14), 1)
    r = api.post(
        "/api/appointments/",
        payload(
            worker,
            work_type,
            planned_start="2026-09-14T15:30:00+03:00",
            planned_end="2026-09-14T17:00:00+03:00",
            confirm_outside_shift=False,
        ),
        format="json",
    )
    assert r.status_code == 400 and "confirm_outside_shift" in r.json()


def test_recurring_booking_and_change_of_following(api, worker, work_type):
    r = api.post("/api/appointments/", payload(worker, work_type, weekdays=[1, 3], weeks=4), format="json")
    assert r.status_code == 201 and len(r.json()) == 8
    third = r.json()[2]
    r = api.patch(
        f"/api/appointments/{third['id']}/",
        {
            "scope": "following",
            "planned_start": third["planned_start"].replace("09:30", "13:00"),
            "planned_end": third["planned_end"].replace("10:30", "14:00"),
            "confirm_outside_shift": True,
        },
        format="json",
    )
    assert r.status_code == 200, r.content
    assert len(r.json()) == 6
    assert all("T13:00:00" in a["planned_start"] for a in r.json())


def test_list_filters_by_date_range_worker_and_status(api, worker, pair_worker, work_type):
    for day in (14, 15, 16):
        services.appointment_book(
            actor=None,
            worker=worker,
            work_type=work_type,
            start=local(2026, 9, day, 9),
            end=local(2026, 9, day, 10),
            confirm_outside_shift=True,
        )
    services.appointment_book(
        actor=None,
        worker=pair_worker,
        work_type=work_type,
        start=local(2026, 9, 15, 9),
        end=local(2026, 9, 15, 10),
        confirm_outside_shift=True,
    )
    r = api.get("/api/appointments/", {"start": "2026-09-15", "end": "2026-09-16"})
    assert r.json()["count"] == 2
    r = api.get("/api/appointments/", {"start": "2026-09-15", "end": "2026-09-17", "worker": worker.pk})
    assert r.json()["count"] == 2
    assert api.get("/api/appointments/", {"status": "nonsense"}).status_code == 400
    assert api.get("/api/appointments/", {"start": "not-a-date"}).status_code == 400


def _list_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_list_queries_do_not_grow_with_rows(api, work_type, family):
    workers = [make_worker(f"Työntekijä Numero{i}") for i in range(6)]

    def add(n, day):
        for i in range(n):
            services.appointment_book(
                actor=None,
                worker=workers[i % 3],
                work_type=work_type,
                family=family,
                start=local(2026, 9, day, 8) + dt.timedelta(hours=i // 3),
                end=local(2026, 9, day, 9) + dt.timedelta(hours=i // 3),
                pair=workers[3 + i % 3] if i % 2 else None,
                confirm_outside_shift=True,
            )

    add(3, 14)
    _list_queries(api, "/api/appointments/")  # warm per-user caches (roles)
    few = _list_queries(api, "/api/appointments/?start=2026-09-14&end=2026-09-15")
    add(24, 15)
    many = _list_queries(api, "/api/appointments/?start=2026-09-14&end=2026-09-16")
    assert many == few
    for url in ("/api/workers/", "/api/families/", "/api/persons/", "/api/shifts/", "/api/units/"):
        assert _list_queries(api, url) <= 6


def test_worker_sees_only_own_appointments_and_gets_404_for_others(worker, pair_worker, work_type):
    user = make_user("paivi", WORKER)
    worker.user = user
    worker.save()
    mine = services.appointment_book(
        actor=None,
        worker=worker,
        work_type=work_type,
        start=local(2026, 9, 14, 9),
        end=local(2026, 9, 14, 10),
        confirm_outside_shift=True,
    )
    other = services.appointment_book(
        actor=None,
        worker=pair_worker,
        work_type=work_type,
        start=local(2026, 9, 14, 9),
        end=local(2026, 9, 14, 10),
        confirm_outside_shift=True,
    )
    client = APIClient()
    client.force_authenticate(user)
    ids = [a["id"] for a in client.get("/api/appointments/").json()["results"]]
    assert ids == [mine.pk]
    assert client.get(f"/api/appointments/{other.pk}/").status_code == 404
    assert client.post(f"/api/appointments/{other.pk}/cancel/", {"reason": "worker_ill"}).status_code == 404
    r = client.post("/api/appointments/", payload(pair_worker, work_type), format="json")
    assert r.status_code == 403
    assert (
        client.post(
            "/api/shifts/",
            {"worker": worker.pk, "start": "2026-09-20T08:00:00+03:00", "end": "2026-09-20T16:00:00+03:00"},
        ).status_code
        == 403
    )


def test_shifts_api_validates(api, worker):
    ok = api.post(
        "/api/shifts/",
        {"worker": worker.pk, "start": "2026-09-20T08:00:00+03:00", "end": "2026-09-20T16:00:00+03:00"},
        format="json",
    )
    assert ok.status_code == 201
    r = api.post(
        "/api/shifts/",
        {"worker": worker.pk, "start": "2026-09-20T12:00:00+03:00", "end": "2026-09-20T18:00:00+03:00"},
        format="json",
    )
    assert r.status_code == 400 and "start" in r.json()
    r = api.post(
        "/api/shifts/",
        {"worker": worker.pk, "start": "2026-09-21T12:00:00+03:00", "end": "2026-09-21T10:00:00+03:00"},
        format="json",
    )
    assert r.status_code == 400 and "end" in r.json()


def test_openapi_schema_is_served_and_documents_the_operations(api):
    r = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert r.status_code == 200
    schema = r.json()
    assert schema["openapi"].startswith("3.")
    for path in (
        "/api/appointments/",
        "/api/appointments/{id}/realise/",
        "/api/appointments/{id}/cancel/",
        "/api/shifts/",
        "/api/workers/",
        "/api/families/",
        "/api/persons/",
        "/api/organisations/",
        "/api/units/",
        "/api/work-types/",
    ):
        assert path in schema["paths"], path
    assert api.get("/api/docs/").status_code == 200


@pytest.mark.parametrize("when", ["0001-01-01T00:00:00Z", "9999-12-31T23:00:00Z"])
def test_dates_far_out_are_refused_with_400(api, worker, work_type, when):
    r = api.post("/api/appointments/", payload(worker, work_type, planned_start=when, planned_end=when), format="json")
    assert r.status_code == 400 and "planned_start" in r.json()
    assert api.get("/api/appointments/", {"start": "0001-01-01"}).status_code == 400
    assert api.get("/api/appointments/", {"worker": str(2**80)}).status_code == 400


def test_list_times_with_any_iso_offset(api, worker, work_type):
    """ISO 8601 allows any offset; PostgreSQL's timestamps take up to 15:59, so a list
    asked with "-22:51" answered 500 there (the schema fuzzer found it). Times are read
    in UTC: the same answer on both databases."""
    services.appointment_book(
        actor=None, worker=worker, work_type=work_type, start=local(2026, 9, 14, 9), end=local(2026, 9, 14, 10),
        confirm_outside_shift=True,
    )  # fmt: skip
    # 2026-09-14 06:00 UTC is 9:00 in Helsinki; "-22:51" puts 2026-09-13T07:00 at 05:51 UTC on the 14th
    r = api.get("/api/appointments/", {"start": "2026-09-13T07:00:00-22:51", "end": "2026-09-15T00:00:00+15:59"})
    assert r.status_code == 200 and r.json()["count"] == 1
    later = api.get("/api/appointments/", {"start": "2026-09-13T08:10:00-22:51"})
    assert later.status_code == 200 and later.json()["count"] == 0  # 07:01 UTC: after the visit ended
    assert api.get("/api/shifts/", {"start": "2080-02-28T19:26:49-22:51"}).status_code == 200
