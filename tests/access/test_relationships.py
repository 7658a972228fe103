"""Relationships give a worker access to a family: a naming in force, or an appointment
within the window around it. Without one: 404, in pages and API alike."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework.test import APIClient

from perhekeskus.access.models import AccessEvent
from perhekeskus.people.models import NamedWorker
from perhekeskus.people.services import named_worker_assign, named_worker_end
from perhekeskus.scheduling import services

from ..factories import FamilyFactory, make_person, make_worker

pytestmark = pytest.mark.django_db


def _sees(client, family) -> bool:
    status = client.get(f"/families/{family.pk}/calendar/").status_code
    assert status in (200, 404)
    return status == 200


def test_a_named_worker_sees_the_family_while_named(client, worker_user, worker, family):
    client.force_login(worker_user)
    assert not _sees(client, family)
    named = named_worker_assign(
        actor=None,
        family=family,
        worker=worker,
        role="own_worker",
        start_date=timezone.localdate() - dt.timedelta(days=10),
    )
    assert _sees(client, family)
    assert AccessEvent.objects.filter(family_id=family.pk, basis="named_worker:own_worker").exists()
    named_worker_end(named_worker=named, end_date=timezone.localdate() - dt.timedelta(days=1))
    assert not _sees(client, family)


@pytest.mark.parametrize("days_from_now, sees", [(-100, False), (-80, True), (-1, True), (10, True), (20, False)])
def test_an_appointment_gives_access_within_its_window(
    client, worker_user, worker, work_type, family, settings, days_from_now, sees
):
    settings.ACCESS_DAYS_BEFORE_APPOINTMENT, settings.ACCESS_DAYS_AFTER_APPOINTMENT = 14, 90
    start = timezone.now() + dt.timedelta(days=days_from_now)
    services.appointment_book(
        actor=None,
        worker=worker,
        work_type=work_type,
        family=family,
        start=start,
        end=start + dt.timedelta(hours=1),
        confirm_outside_shift=True,
    )
    client.force_login(worker_user)
    assert _sees(client, family) is sees


def test_assigning_a_new_worker_in_a_role_ends_the_previous(worker, family):
    other = make_worker("Olli Omatyöntekijä")
    first = named_worker_assign(
        actor=None, family=family, worker=worker, role="own_worker", start_date=dt.date(2026, 1, 1)
    )
    second = named_worker_assign(
        actor=None, family=family, worker=other, role="own_worker", start_date=dt.date(2026, 6, 1)
    )
    first.refresh_from_db()
    assert first.end_date == dt.date(2026, 5, 31) and second.end_date is None
    assert named_worker_assign(actor=None, family=family, worker=other, role="own_worker") == second
    with pytest.raises(IntegrityError), transaction.atomic():
        NamedWorker.objects.create(family=family, worker=worker, role="own_worker", start_date=dt.date(2026, 7, 1))


def test_api_lists_only_related_families_and_answers_404_for_others(worker_user, worker, family):
    stranger = FamilyFactory(name="Perhe Vieras")
    make_person(family, first="Eetu")
    make_person(stranger, first="Vilma")
    named_worker_assign(actor=None, family=family, worker=worker, role="family_partner")
    api = APIClient()
    api.force_authenticate(worker_user)
    assert [f["id"] for f in api.get("/api/families/").json()["results"]] == [family.pk]
    assert [p["first_name"] for p in api.get("/api/persons/").json()["results"]] == ["Eetu"]
    assert api.get(f"/api/families/{stranger.pk}/").status_code == 404
    assert api.get(f"/api/families/{family.pk}/").status_code == 200
