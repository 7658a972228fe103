"""The iCalendar feed: subscribable by secret token, with no client data in it."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from perhekeskus.scheduling import services

from ..factories import make_person

pytestmark = pytest.mark.django_db


def test_feed_lists_appointments_without_client_data(worker, work_type, family):
    child = make_person(family, first="Eetu")
    start = timezone.now().replace(microsecond=0) + dt.timedelta(days=1)
    services.appointment_book(
        actor=None,
        worker=worker,
        work_type=work_type,
        start=start,
        end=start + dt.timedelta(hours=1),
        family=family,
        persons=[child],
        location_kind="client_home",
        notes_to_heed="Liukas etupiha",
        confirm_outside_shift=True,
    )
    cancelled = services.appointment_book(
        actor=None,
        worker=worker,
        work_type=work_type,
        start=start + dt.timedelta(hours=2),
        end=start + dt.timedelta(hours=3),
        location_kind="unit",
        confirm_outside_shift=True,
    )
    services.appointment_cancel(actor=None, appointment=cancelled, reason="client_cancelled")
    r = Client().get(f"/ical/{worker.ical_token}.ics")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/calendar")
    body = r.content.decode()
    for secret in ("Miettinen", "Miettistenkuja", "Eetu", "Liukas"):
        assert secret not in body
    events = [c for c in Calendar.from_ical(r.content).walk("VEVENT")]
    assert len(events) == 2
    assert {str(e["STATUS"]) for e in events} == {"CONFIRMED", "CANCELLED"}
    assert all(str(e["SUMMARY"]).startswith(work_type.name) for e in events)
    first = min(events, key=lambda e: e.decoded("DTSTART"))
    assert first.decoded("DTSTART") == start
    assert str(first["LOCATION"]) == "Asiakkaan koti"  # Finnish by default, kind only


def test_wrong_token_is_404(worker):
    assert Client().get("/ical/not-the-token.ics").status_code == 404
    worker.is_active = False
    worker.save()
    assert Client().get(f"/ical/{worker.ical_token}.ics").status_code == 404
