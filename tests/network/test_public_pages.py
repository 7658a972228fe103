"""The public meeting-place and events pages: no login, in Finnish, Swedish and English,
no session or tracking cookie, the programme's occurrences with their changes, and the
iCal feeds per place and for the whole programme."""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from icalendar import Calendar

from perhekeskus.network.models import MeetingPlace, ProgrammeChange, ProgrammeItem
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=2))), tick=True):
        yield


@pytest.fixture
def place(db):
    place = MeetingPlace.objects.create(
        name_fi="Perhekahvila Satama", name_sv="Familjecafé Hamnen", name_en="Harbour family café",
        organiser=OrganisationFactory(name="Seurakunta"), municipality="Kemi", address="Satamakatu 1",
        accessibility_fi="Esteetön sisäänkäynti", accessibility_sv="Tillgänglig ingång",
        accessibility_en="Step-free entrance",
    )  # fmt: skip
    item = ProgrammeItem.objects.create(
        place=place, kind="family_cafe", title_fi="Perhekahvila", title_sv="Familjecafé", title_en="Family café",
        rule="FREQ=WEEKLY;BYDAY=WE", first_date=dt.date(2026, 9, 2), start_time=dt.time(17), end_time=dt.time(19),
    )  # fmt: skip
    ProgrammeChange.objects.create(item=item, date=dt.date(2026, 12, 16), cancelled=True)
    ProgrammeChange.objects.create(item=item, date=dt.date(2026, 12, 9), new_start_time=dt.time(15), note="Joulujuhla")
    MeetingPlace.objects.create(
        name_fi="Suljettu paikka", organiser=place.organiser, municipality="Kemi", address="X", is_active=False
    )
    return place


@pytest.mark.parametrize(
    ("language", "name", "title", "access"),
    [
        ("fi", "Perhekahvila Satama", "Perhekahvila", "Esteetön sisäänkäynti"),
        ("sv", "Familjecafé Hamnen", "Familjecafé", "Tillgänglig ingång"),
        ("en", "Harbour family café", "Family café", "Step-free entrance"),
    ],
)
def test_the_public_pages_in_three_languages_without_login_or_cookies(place, language, name, title, access):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    listing = client.get("/kohtaamispaikat/")
    assert listing.status_code == 200 and name in listing.content.decode()
    assert "Suljettu paikka" not in listing.content.decode()
    page = client.get(f"/kohtaamispaikat/{place.pk}/")
    body = page.content.decode()
    assert page.status_code == 200 and access in body and f'<html lang="{language}">' in body
    # four weeks from Tuesday 1.12 (to 29.12): 2.12 and 23.12 as planned, 9.12 moved to
    # 15:00, 16.12 cancelled
    assert body.count(f"</time></strong> {title}") == 3
    assert "15:00–19:00" in body and "Joulujuhla" in body
    events = client.get("/tapahtumat/")
    assert events.status_code == 200 and name in events.content.decode()
    for r in (listing, page, events):
        assert "sessionid" not in r.cookies  # nothing is stored about the visitor


def test_the_feeds_per_place_and_for_the_whole_programme(place):
    client = Client(HTTP_ACCEPT_LANGUAGE="sv")
    for url in (f"/kohtaamispaikat/{place.pk}/ohjelma.ics", "/tapahtumat/ohjelma.ics"):
        r = client.get(url)
        assert r.status_code == 200 and r["Content-Type"].startswith("text/calendar")
        cal = Calendar.from_ical(r.content)
        events = cal.walk("VEVENT")
        assert {str(e["SUMMARY"]) for e in events} == {"Familjecafé"}
        assert len(events) == 2  # the series and its moved occurrence
    assert client.get("/kohtaamispaikat/999999/").status_code == 404
    inactive = MeetingPlace.objects.get(is_active=False)
    assert client.get(f"/kohtaamispaikat/{inactive.pk}/").status_code == 404
    assert client.get(f"/kohtaamispaikat/{inactive.pk}/ohjelma.ics").status_code == 404
