"""Address non-disclosure (turvakielto): the address is shown only to the workers who
must visit, and never in the resource view, feeds, search results or to others."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from perhekeskus.people.models import Family
from perhekeskus.people.services import person_set_address_non_disclosure
from perhekeskus.scheduling import services

from ..factories import FamilyFactory, make_person

pytestmark = pytest.mark.django_db

STREET = "Miettistenkuja 2"


@pytest.fixture
def visit(worker, pair_worker, work_type, family):
    """A protected family and a home visit to it tomorrow by worker (and pair_worker)."""
    child = make_person(family, first="Eetu")
    person_set_address_non_disclosure(person=child, value=True)
    family.refresh_from_db()
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    start = timezone.make_aware(dt.datetime.combine(tomorrow, dt.time(10)))
    return services.appointment_book(
        actor=None,
        worker=worker,
        work_type=work_type,
        family=family,
        location_kind="client_home",
        start=start,
        end=start + dt.timedelta(hours=1),
        confirm_outside_shift=True,
    )


def test_the_flag_protects_every_home_of_the_person_and_lifts_cleanly(family):
    second_home = FamilyFactory(name="Perhe Toinen")
    child = make_person(family, first="Eetu")
    from perhekeskus.people.models import Membership

    Membership.objects.create(family=second_home, person=child, role="child")
    person_set_address_non_disclosure(person=child, value=True)
    assert set(Family.objects.filter(address_protected=True)) == {family, second_home}
    person_set_address_non_disclosure(person=child, value=False)
    assert not Family.objects.filter(address_protected=True).exists()


def test_the_visiting_worker_sees_the_address_others_do_not(client, worker_user, coordinator, visit, worker, family):
    day = timezone.localtime(visit.planned_start).date().isoformat()
    client.force_login(worker_user)
    assert STREET in client.get(f"/workers/{worker.pk}/calendar/?view=day&date={day}").content.decode()
    assert STREET in client.get(f"/appointments/{visit.pk}/").content.decode()
    assert STREET in client.get(f"/families/{family.pk}/calendar/").content.decode()
    client.force_login(coordinator)
    for url in (
        f"/workers/{worker.pk}/calendar/?view=day&date={day}",
        f"/appointments/{visit.pk}/",
        f"/appointments/{visit.pk}/edit/",
        f"/families/{family.pk}/calendar/",
        f"/resources/?view=day&date={day}",
        "/families/search/?q=Miettinen",
    ):
        html = client.get(url).content.decode()
        assert STREET not in html, url
    assert "Perhe Miettinen" in client.get(f"/resources/?view=day&date={day}").content.decode()  # the name stays


def test_a_coordinator_editing_the_visit_keeps_the_hidden_address(client, coordinator, visit, worker, work_type):
    client.force_login(coordinator)
    local = timezone.localtime(visit.planned_start)
    r = client.post(
        f"/appointments/{visit.pk}/edit/",
        {
            "worker": worker.pk,
            "work_type": work_type.pk,
            "date": local.date().isoformat(),
            "start_time": (local + dt.timedelta(hours=1)).strftime("%H:%M"),
            "end_time": (local + dt.timedelta(hours=2)).strftime("%H:%M"),
            "family": visit.family_id,
            "location_kind": "client_home",
            "address": "",
            "confirm_outside_shift": "on",
        },
    )
    assert r.status_code == 302
    visit.refresh_from_db()
    assert visit.address.startswith(STREET)


def test_api_hides_the_address_from_all_but_the_visiting_worker(worker_user, coordinator, visit, family):
    for user, sees in ((worker_user, True), (coordinator, False)):
        api = APIClient()
        api.force_authenticate(user)
        assert api.get(f"/api/appointments/{visit.pk}/").json()["address"].startswith(STREET) is sees
        family_json = api.get(f"/api/families/{family.pk}/").json()
        assert (family_json["address"] == STREET) is sees and family_json["address_protected"] is True


def test_the_calendar_feed_never_carries_it(worker, visit):
    body = Client().get(f"/ical/{worker.ical_token}.ics").content.decode()
    assert "Miettistenkuja" not in body
