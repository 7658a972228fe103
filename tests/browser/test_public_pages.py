"""A family finds a meeting place and its programme on the public pages, in real
Chromium, in Finnish, Swedish and English, on a phone (390 px) and a desktop (1440 px):
from the list of places to one place's programme and on to all events. axe-core finds
no violation of any impact on any of them (public pages are WCAG 2.1 AA), nothing
scrolls sideways, and no cookie but the chosen language is set."""

import datetime as dt

import pytest

from perhekeskus.network.models import MeetingPlace, ProgrammeItem
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db(transaction=True)

TEXTS = {
    "fi": ("Perheiden kohtaamispaikat", "Perhekahvila Satama", "Perhekahvila", "Tapahtumat"),
    "sv": ("Familjernas mötesplatser", "Familjecafé Hamnen", "Familjecafé", "Evenemang"),
    "en": ("Family meeting places", "Harbour family café", "Family café", "Events"),
}


def every_violation(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    return [f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']}" for v in Axe().run(page).response["violations"]]


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
@pytest.mark.parametrize("width", [390, 1440])
def test_a_family_finds_a_meeting_place_and_its_programme(browser, live_server, lang, width):
    place = MeetingPlace.objects.create(
        name_fi="Perhekahvila Satama", name_sv="Familjecafé Hamnen", name_en="Harbour family café",
        organiser=OrganisationFactory(name="Seurakunta"), municipality="Kemi", address="Satamakatu 1",
        accessibility_fi="Esteetön", accessibility_sv="Tillgänglig", accessibility_en="Step-free",
    )  # fmt: skip
    today = dt.date.today()
    ProgrammeItem.objects.create(
        place=place, kind="family_cafe", title_fi="Perhekahvila", title_sv="Familjecafé", title_en="Family café",
        rule="FREQ=WEEKLY", first_date=today, start_time=dt.time(17), end_time=dt.time(19),
    )  # fmt: skip
    context = browser.new_context(
        viewport={"width": width, "height": 844 if width < 800 else 900}, is_mobile=width < 800,
        has_touch=width < 800, locale={"fi": "fi-FI", "sv": "sv-FI", "en": "en-GB"}[lang],
        timezone_id="Europe/Helsinki",
    )  # fmt: skip
    page = context.new_page()
    csp = []
    page.on("console", lambda m: csp.append(m.text) if "Content Security Policy" in m.text else None)
    heading, name, title, events = TEXTS[lang]

    def check(label):
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == lang, label
        assert every_violation(page) == [], (label, width)
        assert page.evaluate("document.documentElement.scrollWidth") <= width + 1, (label, width)

    page.goto(f"{live_server.url}/kohtaamispaikat/")
    assert page.locator("h1").inner_text() == heading
    check("places")
    page.get_by_role("link", name=name).click()
    page.wait_for_url(f"**/kohtaamispaikat/{place.pk}/")
    assert page.get_by_text(f"17:00–19:00 {title}").first.is_visible()
    check("place")
    page.get_by_role("navigation").get_by_role("link", name=events).click()
    page.wait_for_url("**/tapahtumat/")
    assert page.get_by_role("link", name=name).first.is_visible()
    check("events")
    assert {c["name"] for c in context.cookies()} <= {"csrftoken", "django_language"}
    assert csp == []
    context.close()
