"""A coordinator books with a work pair from the resource view, moves it by dragging, sees
it in both workers' and the family's calendars, and realises it; a worker realises a
visit on a phone."""

import datetime as dt

import pytest
from django.utils import timezone

from perhekeskus.people.roles import COORDINATOR, WORKER
from perhekeskus.scheduling import services
from perhekeskus.scheduling.models import Appointment

from ..factories import FamilyFactory, UnitFactory, WorkTypeFactory, add_shifts, make_person, make_user, make_worker
from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOUR_FROM, HOUR_TO = 6, 22


def x_of(box, hour: float) -> float:
    return box["width"] * (hour - HOUR_FROM) / (HOUR_TO - HOUR_FROM)


def test_coordinator_books_moves_and_realises(page, live_server):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    unit = UnitFactory(name="Perhetyö")
    a = make_worker("Päivi Perhetyöntekijä", unit=unit)
    b = make_worker("Seppo Sosiaalityöntekijä", unit=unit, profession="social_worker")
    for w in (a, b):
        add_shifts(w, yesterday, 1)
    family = FamilyFactory(name="Perhe Miettinen")
    make_person(family, first="Eetu")
    wt = WorkTypeFactory(name="Tehostettu perhetyö")
    make_user("koordinaattori", COORDINATOR)

    login(page, live_server.url, "koordinaattori")
    page.goto(f"{live_server.url}/resources/?view=day&date={yesterday.isoformat()}")
    assert page.locator("h1").inner_text() == "Resurssinäkymä"
    track = page.locator(f"#row-{a.pk} .tl-track")
    box = track.bounding_box()
    track.click(position={"x": x_of(box, 10) + 2, "y": box["height"] / 2})

    page.wait_for_url("**/appointments/new/**")
    assert page.input_value("#id_start_time") == "10:00"
    page.select_option("#id_work_type", str(wt.pk))
    page.fill("#family-search", "Miettinen")
    page.wait_for_selector(f"#id_family option[value='{family.pk}']", state="attached")
    page.select_option("#id_family", str(family.pk))
    page.wait_for_selector("#persons-field input[type=checkbox]")
    page.check("#persons-field input[type=checkbox]")
    page.select_option("#id_pair", str(b.pk))
    page.select_option("#id_location_kind", "client_home")
    page.fill("#id_notes_to_heed", "Liukas etupiha")
    page.click("button.primary")
    page.wait_for_url("**/appointments/*/")
    assert "Varaus tehty." in page.content()
    appointment = Appointment.objects.get()
    assert appointment.participants.count() == 2 and appointment.persons.count() == 1

    # drag it two hours later on the timeline
    page.goto(f"{live_server.url}/resources/?view=day&date={yesterday.isoformat()}")
    entry = page.locator(f"#row-{a.pk} .tl-entry[data-id='{appointment.pk}']")
    track = page.locator(f"#row-{a.pk} .tl-track")
    box = track.bounding_box()
    with page.expect_response(lambda r: "/move/" in r.url) as moved:
        entry.drag_to(track, source_position={"x": 2, "y": 5}, target_position={"x": x_of(box, 12) + 2, "y": 10})
    assert moved.value.status == 200
    page.wait_for_function(f"document.querySelector(\"#row-{a.pk} .tl-entry[data-id='{appointment.pk}']\") !== null")
    appointment.refresh_from_db()
    assert timezone.localtime(appointment.planned_start).strftime("%H:%M") == "12:00"

    # both workers' calendars and the family's show it
    for w in (a, b):
        page.goto(f"{live_server.url}/workers/{w.pk}/calendar/?view=day&date={yesterday.isoformat()}")
        assert page.locator(".entry-card", has_text="Tehostettu perhetyö").count() == 1
    page.goto(f"{live_server.url}/families/{family.pk}/calendar/?show=all")
    row = page.locator("table.list tbody tr", has_text="Tehostettu perhetyö")
    assert "Päivi Perhetyöntekijä" in row.inner_text() and "Seppo Sosiaalityöntekijä" in row.inner_text()

    # realise it from its page
    page.goto(f"{live_server.url}/appointments/{appointment.pk}/")
    with page.expect_navigation():
        page.click("form[action$='/realise/'] button")
    assert "Merkitty toteutuneeksi." in page.content()
    appointment.refresh_from_db()
    assert appointment.status == "realised"


def test_worker_realises_and_cancels_on_a_phone(browser, live_server):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    w = make_worker("Päivi Perhetyöntekijä")
    user = make_user("paivi", WORKER)
    w.user = user
    w.save()
    wt = WorkTypeFactory(name="Kotipalvelun käynti")
    family = FamilyFactory()
    start = timezone.make_aware(dt.datetime.combine(yesterday, dt.time(9)))
    first = services.appointment_book(
        actor=None,
        worker=w,
        work_type=wt,
        family=family,
        start=start,
        end=start + dt.timedelta(hours=1),
        confirm_outside_shift=True,
    )
    second = services.appointment_book(
        actor=None,
        worker=w,
        work_type=wt,
        family=family,
        start=start + dt.timedelta(hours=2),
        end=start + dt.timedelta(hours=3),
        confirm_outside_shift=True,
    )
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        locale="fi-FI",
        timezone_id="Europe/Helsinki",
    )
    page = context.new_page()
    login(page, live_server.url, "paivi")
    page.goto(f"{live_server.url}/workers/{w.pk}/calendar/?view=day&date={yesterday.isoformat()}")
    # nothing sideways to scroll on a phone
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    cards = page.locator(".entry-card")
    assert cards.count() == 2
    with page.expect_navigation():
        cards.nth(0).locator("button.ok").tap()  # one tap: realised as planned
    assert "Merkitty toteutuneeksi." in page.content()
    page.locator(".entry-card").nth(1).locator("summary").tap()  # two taps: cancelled, with the reason
    with page.expect_navigation():
        page.locator(".entry-card").nth(1).get_by_role("button", name="Asiakas ei saapunut").tap()
    assert "Merkintä peruttu." in page.content()
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == "realised"
    assert (second.status, second.cancellation_reason) == ("cancelled", "client_no_show")
    context.close()
