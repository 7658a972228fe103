"""The network meeting on one call in real Chromium, at 390 px and 1440 px: a family
worker opens the family's overall picture, convenes a network meeting with two
professionals of other organisations (the family's consent recorded), books the first
common time the search proposes, and each invited worker finds the meeting in their own
calendar; the convener records what was agreed. axe-core finds no serious or critical
violation on any state; nothing scrolls sideways, on the desktop also at 200 % zoom
(the shared ``screen`` fixture)."""

import datetime as dt

import pytest
from django.utils import timezone

from perhekeskus.families.models import MeetingNetwork, NetworkMeeting
from perhekeskus.people.roles import WORKER
from perhekeskus.scheduling import services

from ..factories import (
    FamilyFactory,
    OrganisationFactory,
    ServiceFactory,
    UnitFactory,
    WorkTypeFactory,
    add_shifts,
    make_person,
    make_user,
    make_worker,
)
from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
HELSINKI = timezone.get_current_timezone()


def test_a_worker_convenes_a_network_meeting_that_lands_in_every_calendar(screen, live_server):
    page, check, _width = screen
    area = OrganisationFactory(name="Hyvinvointialue")
    ngo = OrganisationFactory(name="Järjestö ry", kind="ngo")
    fw = ServiceFactory(organisation=area, name="Perhetyö")
    school = ServiceFactory(organisation=area, name="Koulukuraattori")
    partner = ServiceFactory(organisation=ngo, name="Perhekumppanuus")
    wt = WorkTypeFactory(service=fw, name="Perhetyö")
    WorkTypeFactory(service=fw, name="Verkostopalaveri", work_class="meeting", default_unit_price=0)
    a = make_worker("Aila Perhetyö", unit=UnitFactory(organisation=area), service=fw, user=make_user("aila", WORKER))
    k_unit = UnitFactory(organisation=area)
    k = make_worker("Kaisa Kuraattori", unit=k_unit, service=school, user=make_user("kaisa", WORKER))
    b = make_worker("Bea Kumppani", unit=UnitFactory(organisation=ngo), service=partner, user=make_user("bea", WORKER))
    today = timezone.localdate()
    for w in (a, k, b):
        add_shifts(w, today + dt.timedelta(days=1), 21)
    network = MeetingNetwork.objects.create(
        name="Perhekeskusverkosto", weekday=3, start_time=dt.time(14), end_time=dt.time(16), every_weeks=1,
        first_date=today,
    )  # fmt: skip
    network.members.set([a, k, b])
    family = FamilyFactory(name="Perhe Virtanen")
    child = make_person(family, first="Eino", born=dt.date(2014, 3, 1))
    start = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(9), tzinfo=HELSINKI)
    services.appointment_book(
        actor=None, worker=a, work_type=wt, family=family, persons=[child], start=start,
        end=start + dt.timedelta(hours=1), confirm_outside_shift=True,
    )  # fmt: skip
    base = live_server.url

    login(page, base, "aila")
    page.goto(f"{base}/families/{family.pk}/overview/")
    page.get_by_role("heading", name="Perhe Virtanen").wait_for()
    check("overall picture")
    page.get_by_role("link", name="Kutsu verkostopalaveri koolle").click()
    page.select_option("#id_workers", [str(k.pk), str(b.pk)])
    page.select_option("#id_requested_by", "family")
    page.fill("#id_consent_given_by", "Äiti, puhelimessa")
    page.fill("#id_assessment", "Koulunkäynti ja arki; perhe toivoo yhteistä palaveria.")
    page.get_by_role("button", name="Etsi yhteiset ajat").click()
    page.get_by_role("heading", name="Ajat, jolloin kaikki ovat vapaina").wait_for()
    check("proposals")
    first = page.locator(".slots button").first
    assert "varattu aika" in first.inner_text()  # the network's reserved slot first
    first.click()
    page.get_by_role("heading", name="Verkostopalaveri").wait_for()
    check("meeting")
    meeting = NetworkMeeting.objects.get()
    assert meeting.consent_given_by == "Äiti, puhelimessa"
    assert timezone.localtime(meeting.appointment.planned_start, HELSINKI).isoweekday() == 3
    when = timezone.localtime(meeting.appointment.planned_start, HELSINKI)

    # each invited worker finds it in their own calendar
    for username in ("kaisa", "bea"):
        page.context.clear_cookies()
        login(page, base, username)
        page.goto(f"{base}/calendar/?date={when.date().isoformat()}")
        entry = page.locator(f'a[href="/appointments/{meeting.appointment_id}/"]').first
        entry.wait_for()
        check(f"{username}'s calendar")
        page.goto(f"{base}/meetings/{meeting.pk}/")
        page.get_by_text("Aila Perhetyö").first.wait_for()
        assert page.locator("#id_agreed").count() == 0  # an invited worker does not record it

    # the convener records what was agreed and who continues
    page.context.clear_cookies()
    login(page, base, "aila")
    page.goto(f"{base}/meetings/{meeting.pk}/")
    page.fill("#id_agreed", "Perhekumppani tukee arkea, kuraattori seuraa koulua.")
    page.select_option("#id_continues_with", str(b.pk))
    page.check("#id_name_responsible")
    page.fill("#id_next_check", (today + dt.timedelta(days=30)).isoformat())
    page.get_by_role("button", name="Tallenna").click()
    page.get_by_text("Sovittu on kirjattu.").wait_for()
    check("recorded")
    page.goto(f"{base}/families/{family.pk}/overview/")
    assert "Bea Kumppani" in page.locator("#named-workers").inner_text()
