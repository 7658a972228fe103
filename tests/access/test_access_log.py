"""The access log: append-only in the database, written wherever client data is read or
changed, and readable per family."""

import pytest
from django.db import DatabaseError, connection, transaction
from rest_framework.test import APIClient

from perhekeskus.access.models import AccessEvent
from perhekeskus.people.services import named_worker_assign
from perhekeskus.scheduling import services

from ..factories import local, make_person, make_user, make_worker

pytestmark = pytest.mark.django_db


def _event(**kw):
    data = {
        "username": "u",
        "action": "view",
        "object_type": "family",
        "object_id": 1,
        "family_id": 1,
        "basis": "test",
        "channel": "page",
    }
    return AccessEvent.objects.create(**data | kw)


def test_the_database_refuses_update_and_delete():
    event = _event()
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessEvent.objects.filter(pk=event.pk).update(username="someone else")
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE access_accessevent SET basis = 'forged'")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM access_accessevent")
    event.refresh_from_db()
    assert event.username == "u" and AccessEvent.objects.count() == 1


def _booked(worker, work_type, family, hour=9):
    return services.appointment_book(
        actor=None,
        worker=worker,
        work_type=work_type,
        family=family,
        start=local(2026, 9, 14, hour),
        end=local(2026, 9, 14, hour + 1),
        confirm_outside_shift=True,
    )


def test_reading_a_family_page_is_logged_with_who_what_basis_and_where(client, coordinator, family):
    client.force_login(coordinator)
    assert client.get(f"/families/{family.pk}/calendar/?show=all", REMOTE_ADDR="10.1.2.3").status_code == 200
    e = AccessEvent.objects.get()
    assert (e.user_id, e.username, e.action, e.object_type, e.object_id, e.family_id) == (
        coordinator.pk,
        "koordinaattori",
        "view",
        "family",
        family.pk,
        family.pk,
    )
    assert (e.basis, e.channel, e.path, e.ip) == (
        "role:resource_coordinator",
        "page",
        f"/families/{family.pk}/calendar/",
        "10.1.2.3",
    )


def test_worker_views_log_client_rows_only_where_client_data_is_shown(client, worker_user, worker, work_type, family):
    a = _booked(worker, work_type, family)
    _booked(worker, work_type, None, hour=11)  # internal work: no client data
    client.force_login(worker_user)
    client.get(f"/workers/{worker.pk}/calendar/?view=month&date=2026-09-14")  # work types only
    assert AccessEvent.objects.count() == 0
    client.get(f"/workers/{worker.pk}/calendar/?view=day&date=2026-09-14")
    assert list(AccessEvent.objects.values_list("object_type", "object_id", "family_id", "basis")) == [
        ("appointment", a.pk, family.pk, "own_appointments")
    ]
    client.get(f"/appointments/{a.pk}/")
    assert AccessEvent.objects.filter(action="view", object_id=a.pk, basis="participant").exists()
    client.post(f"/appointments/{a.pk}/realise/")
    assert AccessEvent.objects.filter(action="update", object_id=a.pk).exists()


def test_resource_view_logs_the_day_view_not_the_week_view(client, coordinator, worker, work_type, family):
    _booked(worker, work_type, family)
    client.force_login(coordinator)
    client.get("/resources/?view=week&date=2026-09-14")
    assert AccessEvent.objects.count() == 0
    client.get("/resources/?view=day&date=2026-09-14")
    assert AccessEvent.objects.filter(family_id=family.pk, action="list").count() == 1


def test_family_search_logs_the_families_listed_and_not_the_search_words(client, coordinator, family):
    client.force_login(coordinator)
    client.post("/families/search/", {"q": "Miettinen"})
    e = AccessEvent.objects.get()
    assert e.family_id == family.pk and e.path == "/families/search/" and "Miettinen" not in e.path


def test_api_reads_and_writes_are_logged(coordinator, worker, work_type, family):
    make_person(family)
    api = APIClient()
    api.force_authenticate(coordinator)
    api.get("/api/families/")
    api.get(f"/api/families/{family.pk}/")
    r = api.post(
        "/api/appointments/",
        {
            "worker": worker.pk,
            "work_type": work_type.pk,
            "family": family.pk,
            "planned_start": "2026-09-14T09:00:00+03:00",
            "planned_end": "2026-09-14T10:00:00+03:00",
            "confirm_outside_shift": True,
        },
        format="json",
    )
    api.get("/api/persons/")
    logged = list(AccessEvent.objects.order_by("id").values_list("action", "object_type", "channel"))
    assert logged == [
        ("list", "family", "api"),
        ("view", "family", "api"),
        ("create", "appointment", "api"),
        ("list", "person", "api"),
    ]
    assert AccessEvent.objects.filter(object_id=r.json()[0]["id"], family_id=family.pk).exists()


def test_the_family_access_report_lists_who_accessed(client, coordinator, worker_user, worker, work_type, family):
    a = _booked(worker, work_type, family)
    client.force_login(worker_user)
    client.get(f"/appointments/{a.pk}/")
    # an appointment alone does not let a worker read the log, nor does the coordinator role
    assert client.get(f"/families/{family.pk}/access-log/").status_code == 404
    client.force_login(coordinator)
    assert client.get(f"/families/{family.pk}/access-log/").status_code == 404
    responsible = make_user("vastuu")
    named_worker_assign(
        actor=None, family=family, worker=make_worker("Vastuu Työntekijä", user=responsible), role="responsible_worker"
    )
    client.force_login(responsible)
    html = client.get(f"/families/{family.pk}/access-log/").content.decode()
    # in words a family reads: the worker's name and unit, what was seen, on what grounds
    assert "Päivi Perhetyöntekijä" in html and "Katsoi" in html  # Finnish: viewed
    assert "käynti" in html and "appointment " not in html and "role:" not in html
    assert AccessEvent.objects.filter(object_type="access_report", family_id=family.pk).exists()


def test_a_manager_sees_family_keys_not_names_in_the_resource_view(
    client, manager, coordinator, worker, work_type, family
):
    services.appointment_book(
        actor=None,
        worker=worker,
        work_type=work_type,
        family=family,
        location_kind="client_home",
        notes_to_heed="Koira kotona",
        start=local(2026, 9, 14, 9),
        end=local(2026, 9, 14, 10),
        confirm_outside_shift=True,
    )
    client.force_login(manager)
    html = client.get("/resources/?view=day&date=2026-09-14").content.decode()
    assert family.key in html
    for secret in ("Miettinen", "Miettistenkuja", "Koira"):
        assert secret not in html
    assert AccessEvent.objects.count() == 0  # no client data shown, nothing to log
    assert client.get(f"/families/{family.pk}/calendar/").status_code == 404
    client.force_login(coordinator)
    html = client.get("/resources/?view=day&date=2026-09-14").content.decode()
    assert "Perhe Miettinen" in html and "Miettistenkuja" in html and "Koira kotona" in html
