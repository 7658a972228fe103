"""In real Chromium: a worker without a relationship to a family sees another worker's
visit to it in the resource view as busy time only and cannot open the family; once
they have their own appointment with the family they open it from the resource view;
the family's access report then lists that view."""

import datetime as dt

import pytest
from django.utils import timezone

from perhekeskus.people.roles import ADMINISTRATOR, WORKER
from perhekeskus.scheduling import services

from ..factories import FamilyFactory, UnitFactory, WorkTypeFactory, add_shifts, make_person, make_user, make_worker
from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_relationship_decides_whether_a_worker_opens_the_family(page, live_server):
    day = timezone.localdate()
    unit = UnitFactory(name="Perhetyö")
    viewer = make_worker("Veera Vieras", unit=unit, user=make_user("vieras", WORKER))
    other = make_worker("Olli Omatyöntekijä", unit=unit)
    for w in (viewer, other):
        add_shifts(w, day, 1)
    family = FamilyFactory(name="Perhe Salonen")
    make_person(family, first="Siiri")
    wt = WorkTypeFactory(name="Tehostettu perhetyö")

    def book(worker, hour):
        return services.appointment_book(
            actor=None,
            worker=worker,
            work_type=wt,
            family=family,
            notes_to_heed="Koira kotona",
            start=dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone()),
            end=dt.datetime.combine(day, dt.time(hour, 45), tzinfo=timezone.get_current_timezone()),
            confirm_outside_shift=True,
        )

    book(other, 9)
    login(page, live_server.url, "vieras")
    page.goto(f"{live_server.url}/resources/?view=day&date={day.isoformat()}")
    entry = page.locator(f"#row-{other.pk} .tl-entry")
    assert entry.count() == 1
    assert entry.evaluate("e => e.tagName") == "SPAN" and "is-busy" in entry.get_attribute("class")
    assert "Salonen" not in page.content() and "Koira" not in page.content()
    before = page.url
    entry.click()
    assert page.url == before  # busy time leads nowhere
    response = page.goto(f"{live_server.url}/families/{family.pk}/calendar/")
    assert response.status == 404 and "Salonen" not in page.content()

    # an appointment of their own with the family: now it opens from the resource view
    mine = book(viewer, 11)
    page.goto(f"{live_server.url}/resources/?view=day&date={day.isoformat()}")
    own = page.locator(f"#row-{viewer.pk} a.tl-entry[data-id='{mine.pk}']")
    assert "Perhe Salonen" in own.inner_text()
    own.click()
    page.wait_for_url(f"**/appointments/{mine.pk}/")
    page.click(f"a[href='/families/{family.pk}/calendar/']")
    page.wait_for_url(f"**/families/{family.pk}/calendar/")
    assert page.locator("h1").inner_text().startswith("Perhe Salonen")
    assert "Siiri" in page.content()

    # the family's access report lists the refused attempt and the view
    make_user("yllapito", ADMINISTRATOR)
    page.context.clear_cookies()
    login(page, live_server.url, "yllapito")
    page.goto(f"{live_server.url}/families/{family.pk}/access-log/")
    rows = page.locator("table.list tbody tr")
    texts = [rows.nth(i).inner_text() for i in range(rows.count())]
    # in words a family reads: who by name, what was seen, on what grounds (no ids, codes)
    assert any(
        "Veera Vieras" in t and "perheen tiedot" in t and "käynti tai tapaaminen perheen kanssa" in t for t in texts
    ), texts
    assert any("Veera Vieras" in t and "estetty: ei oikeutta nähdä" in t for t in texts), texts
    assert not any(f"family {family.pk}" in t or "refused" in t for t in texts), texts
