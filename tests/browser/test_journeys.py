"""Each role's working day as a journey in real Chromium, in Finnish, on a 390 px phone and
on a 1440 px desktop. Every page state a journey reaches is checked as it is reached:
axe-core finds no serious or critical violation, and nothing scrolls sideways (on the
desktop also at 200 % zoom, half the CSS pixels).

- the coordinator's Monday: resource view, filter, book an empty slot by keyboard with a
  pair, move onto another organisation's worker (confirmed in the page, no pop-up), undo;
- a worker: the day, realise, cancel, an empty day's pointer, the week and the family;
- service guidance: lands in the inbox, answers, turns a phoned contact into a need only
  with the call recorded;
- a family: asks for help, reads the answer with its own message, replies;
- child protection: a notification from receipt through the urgent assessment (which
  offers the urgent visit) to the decision;
- an administrator: the disclosure rules and a family's access report."""

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.utils import timezone, translation

from perhekeskus.intake import services as intake
from perhekeskus.intake.models import ChildWelfareNotification, Contact, ServiceNeed
from perhekeskus.network.models import Organisation
from perhekeskus.people.models import NamedWorker
from perhekeskus.people.roles import ADMINISTRATOR, COORDINATOR, SERVICE_GUIDANCE, WORKER
from perhekeskus.scheduling import services
from perhekeskus.scheduling.models import Appointment

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
from ..reports.conftest import region  # noqa: F401 (the hand-made region of the reports' tests)
from .conftest import login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("no_public_holidays"),  # the allocation step runs on today's calendar
]
HELSINKI = timezone.get_current_timezone()


def _monday() -> dt.date:
    today = timezone.localdate()
    return today - dt.timedelta(days=today.weekday()) + dt.timedelta(days=7)


# --- the coordinator ----------------------------------------------------------------------


def test_coordinators_monday(screen, live_server):
    page, check, width = screen
    monday = _monday()
    area = OrganisationFactory(name="Hyvinvointialue")
    ngo = OrganisationFactory(name="Perhejärjestö", kind="ngo")
    family_work = ServiceFactory(organisation=area, name="Perhetyö")
    ngo_service = ServiceFactory(organisation=ngo, name="Perhekumppanuus")
    team = UnitFactory(organisation=area, name="Perhetyön tiimi")
    ngo_unit = UnitFactory(organisation=ngo, name="Järjestön tiimi")
    aino = make_worker("Aino Aamunen", unit=team, service=family_work)
    bertta = make_worker("Bertta Berg", unit=team, service=family_work)
    kaisu = make_worker("Kaisu Kumppani", unit=ngo_unit, service=ngo_service, profession="ngo_worker")
    for w in (aino, bertta, kaisu):
        add_shifts(w, monday, 35)
    wt = WorkTypeFactory(service=family_work, name="Tehostettu perhetyö")
    family = FamilyFactory(name="Perhe Miettinen", address="Koulukatu 3")
    make_person(family, first="Eetu", born=dt.date(2019, 3, 1))
    make_user("koordinaattori", COORDINATOR)

    login(page, live_server.url, "koordinaattori")
    assert "/resources/" in page.url  # the coordinator's day starts in the resource view
    page.goto(f"{live_server.url}/resources/?view=day&date={monday.isoformat()}")
    check("resource view")
    page.select_option("#id_unit", str(team.pk))
    page.get_by_role("button", name="Näytä").click()
    page.wait_for_load_state()
    assert page.locator(".tl-row[id^=row-]").count() == 2  # the unit's two workers
    check("filtered")

    # book an empty slot with the keyboard: Tab reaches one cursor, arrows move it
    page.goto(f"{live_server.url}/resources/?view=day&date={monday.isoformat()}")
    page.locator(f"#row-{aino.pk} .tl-name a").focus()
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert "tl-cursor" in focused
    cursor_row = page.evaluate("document.activeElement.closest('.tl-row').id")
    if cursor_row != f"row-{aino.pk}":  # the roving cursor starts in the first row
        page.keyboard.press("ArrowDown" if cursor_row < f"row-{aino.pk}" else "ArrowUp")
    for _ in range(4):  # 8:00 -> 10:00
        page.keyboard.press("ArrowRight")
    label = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert label.startswith("Varaa Aino Aamunen") and "10:00" in label, label
    check("keyboard cursor")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.input_value("#id_start_time") == "10:00"
    check("booking form")
    page.select_option("#id_work_type", str(wt.pk))
    page.fill("#family-search", "Eetu")  # a child's first name finds the family
    page.wait_for_selector(f"#id_family option[value='{family.pk}']", state="attached")
    option = page.locator(f"#id_family option[value='{family.pk}']").inner_text()
    assert "Eetu 2019" in option and "Koulukatu 3" in option  # told apart from another Miettinen
    page.select_option("#id_family", str(family.pk))
    page.select_option("#id_pair", str(bertta.pk))
    page.locator("button.primary").click()
    page.wait_for_url("**/appointments/*/")
    assert "Varaus tehty." in page.content()
    check("booked")
    appointment = Appointment.objects.get()
    # back to the same week of the resource view
    page.get_by_role("link", name="Resurssinäkymään, tämä viikko").click()
    page.wait_for_load_state()
    assert monday.strftime("%-d.%-m.") in page.locator(".period").inner_text()

    # move it onto the NGO's worker: the page asks (service and organisation change), no pop-up
    page.goto(f"{live_server.url}/resources/?view=day&date={monday.isoformat()}")
    entry = page.locator(f"#row-{aino.pk} .tl-entry[data-id='{appointment.pk}']")
    target = page.locator(f"#row-{kaisu.pk} .tl-track")
    box = target.bounding_box()
    x = box["width"] * (13 - 6) / 16 + 2  # 13:00 on a 6-22 day
    entry.drag_to(target, source_position={"x": 2, "y": 5}, target_position={"x": x, "y": 10})
    dialog = page.locator("#tl-confirm")
    dialog.wait_for(state="visible")
    text = dialog.inner_text()
    assert "Palvelu vaihtuu: Perhetyö → Perhekumppanuus" in text and "Organisaatio vaihtuu" in text
    check("move confirmation")
    appointment.refresh_from_db()
    assert services.workers_of(appointment)[0] == aino  # nothing moved before the answer
    with page.expect_response(lambda r: "/move/" in r.url):
        dialog.get_by_role("button", name="Siirrä silti").click()
    status = page.locator("#tl-status")
    status.get_by_role("button", name="Kumoa").wait_for()
    assert "Siirretty" in status.inner_text()
    check("moved")
    appointment.refresh_from_db()
    assert services.workers_of(appointment)[0] == kaisu
    assert timezone.localtime(appointment.planned_start).strftime("%H:%M") == "13:00"
    assert services.workers_of(appointment)[1] == bertta  # the pair stays

    # undo: back to Aino at 10:00
    with page.expect_response(lambda r: "/move/" in r.url):
        status.get_by_role("button", name="Kumoa").click()
    page.locator("#tl-status", has_text="kumottiin").wait_for()
    appointment.refresh_from_db()
    assert services.workers_of(appointment) == (aino, bertta)
    assert timezone.localtime(appointment.planned_start).strftime("%H:%M") == "10:00"
    page.wait_for_selector(f"#row-{aino.pk} .tl-entry[data-id='{appointment.pk}']", state="attached")
    check("undone")

    # a move refused (onto a time taken by the pair's own booking) is told in the page
    services.appointment_book(
        actor=None,
        worker=bertta,
        work_type=wt,
        start=dt.datetime.combine(monday, dt.time(14), tzinfo=HELSINKI),
        end=dt.datetime.combine(monday, dt.time(15), tzinfo=HELSINKI),
    )
    page.reload()
    entry = page.locator(f"#row-{aino.pk} .tl-entry[data-id='{appointment.pk}']")
    track = page.locator(f"#row-{aino.pk} .tl-track")
    box = track.bounding_box()
    with page.expect_response(lambda r: "/move/" in r.url) as refused:
        entry.drag_to(
            track, source_position={"x": 2, "y": 5}, target_position={"x": box["width"] * 8 / 16 + 2, "y": 10}
        )
    assert refused.value.status == 409
    page.locator("#tl-status.error").wait_for()
    check("move refused")

    # allocate a queued need: the queue, the need, the candidates, a time that fits every week
    other = FamilyFactory(name="Perhe Jonossa")
    make_person(other, first="Oona", born=dt.date(2021, 2, 2))
    need = intake.service_need_record(
        actor=None,
        family=other,
        service=family_work,
        work_type=wt,
        source="phone",
        sessions_per_week=1,
        session_minutes=60,
        weeks=3,
        urgency="high",
    )
    page.goto(f"{live_server.url}/intake/needs/")
    check("queue")
    page.get_by_role("link", name="Perhe Jonossa").click()
    page.wait_for_load_state()
    check("need")
    page.get_by_role("link", name=re.compile("Kuka voisi ottaa")).click()
    page.wait_for_url("**/candidates/")
    check("candidates")
    page.locator("ul.slots button").first.click()
    page.wait_for_load_state()
    need.refresh_from_db()
    assert need.status == ServiceNeed.Status.ALLOCATED and need.appointments.count() == 3
    check("allocated")


# --- a worker --------------------------------------------------------------------------------


def test_a_workers_day(screen, live_server):
    page, check, width = screen
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    service = ServiceFactory(name="Perhetyö")
    w = make_worker("Päivi Perhetyöntekijä", service=service)
    user = make_user("paivi", WORKER)
    w.user = user
    w.save()
    wt = WorkTypeFactory(service=service, name="Kotipalvelun käynti")
    family = FamilyFactory(name="Perhe Virta")
    make_person(family, first="Aada")
    NamedWorker.objects.create(family=family, worker=w, role="own_worker", start_date=yesterday)
    start = dt.datetime.combine(yesterday, dt.time(9), tzinfo=HELSINKI)
    for h in (0, 2):
        services.appointment_book(
            actor=None,
            worker=w,
            work_type=wt,
            family=family,
            start=start + dt.timedelta(hours=h),
            end=start + dt.timedelta(hours=h + 1),
            confirm_outside_shift=True,
        )
    add_shifts(w, yesterday + dt.timedelta(days=9), 1)

    login(page, live_server.url, "paivi")
    assert f"/workers/{w.pk}/calendar/" in page.url  # a worker starts from their own day
    page.goto(f"{live_server.url}/workers/{w.pk}/calendar/?view=day&date={yesterday.isoformat()}")
    check("day")
    cards = page.locator(".entry-card")
    assert cards.count() == 2
    with page.expect_navigation():
        cards.nth(0).locator("button.ok").click()
    assert "Merkitty toteutuneeksi." in page.content()
    check("realised")
    page.locator(".entry-card").nth(1).locator("summary").click()
    with page.expect_navigation():
        page.locator(".entry-card").nth(1).get_by_role("button", name="Asiakas ei saapunut").click()
    assert "Merkintä peruttu." in page.content()
    check("cancelled")
    # the cancelled visit reads without a stray colon or a repeated party
    cancelled = Appointment.objects.get(status="cancelled")
    page.goto(f"{live_server.url}/appointments/{cancelled.pk}/")
    status = page.locator("dd", has_text="Peruuntui").inner_text()
    assert status.startswith("Peruuntui: Asiakas ei saapunut") and "perujana" not in status, status
    check("cancelled visit")

    # an empty day points to the next working day
    page.goto(
        f"{live_server.url}/workers/{w.pk}/calendar/?view=day&date={(yesterday + dt.timedelta(days=1)).isoformat()}"
    )
    link = page.get_by_role("link", name=re.compile("Seuraava työpäivä"))
    link.click()
    page.wait_for_load_state()
    assert (yesterday + dt.timedelta(days=9)).strftime("%-d.%-m.%Y") in page.locator(".period").inner_text()
    check("next working day")

    # the week and the month: readable on both widths, the week's end date in the header
    page.goto(f"{live_server.url}/calendar/?view=week&date={yesterday.isoformat()}")
    first = yesterday - dt.timedelta(days=yesterday.weekday())
    last = first + dt.timedelta(days=6)
    assert page.locator(".period").inner_text() == f"{first:%-d.%-m.}–{last:%-d.%-m.%Y}"
    if width < 800:
        assert page.locator(".week-agenda").is_visible() and not page.locator(".week-grid").is_visible()
        assert page.locator(".week-agenda li", has_text="Kotipalvelun käynti").count() == 2
    check("week")
    page.goto(f"{live_server.url}/calendar/?view=month&date={yesterday.isoformat()}")
    check("month")
    # the family's page
    page.goto(f"{live_server.url}/families/")
    check("own families")
    row = page.locator("table.list tbody tr", has_text="Perhe Virta")
    assert "Päivi Perhetyöntekijä" in row.inner_text()  # the own worker, to tell families apart
    row.get_by_role("link").click()
    page.wait_for_load_state()
    check("family page")


# --- service guidance and the family ---------------------------------------------------------


@pytest.fixture
def area(db):
    cache.clear()
    return Organisation.objects.create(
        name="Alue",
        kind="wellbeing_area",
        answers_for_municipalities="Varkaus",
        social_emergency_phone="017 000 0000",
    )


def test_service_guidance_inbox_to_need(screen, live_server, area):
    page, check, width = screen
    service = ServiceFactory(organisation=area, name="Perhetyö")
    WorkTypeFactory(service=service, name="Perhetyön käynti")
    family = FamilyFactory(name="Perhe Vuori")
    make_person(family, first="Veera", born=dt.date(2016, 1, 1))
    other = FamilyFactory(name="Perhe Vuori")
    make_person(other, first="Ville", born=dt.date(2012, 1, 1))
    contact = intake.contact_record(
        actor=None,
        channel="phone",
        organisation=area,
        message="Äiti pyytää soittoa: lapsen uniongelmat.",
        answer_by="phone",
        phone="040 123 4567",
    )
    make_user("ohjaaja", SERVICE_GUIDANCE)
    login(page, live_server.url, "ohjaaja")
    assert page.url.endswith("/intake/")  # service guidance starts in the inbox
    check("inbox")
    page.goto(f"{live_server.url}/intake/contacts/{contact.pk}/")
    check("contact")
    page.locator(f"a[href$='/contacts/{contact.pk}/need/']").click()
    page.wait_for_load_state()
    page.fill("#q", "Veera")  # a member's name
    page.get_by_role("button", name="Hae").click()
    page.wait_for_load_state()
    choices = page.locator(".choice label").all_inner_texts()
    assert len(choices) == 1 and "Veera 2016" in choices[0], choices
    check("family chosen")
    page.get_by_role("button", name="Jatka").click()
    page.wait_for_load_state()
    page.select_option("#id_service", str(service.pk))
    page.wait_for_load_state()
    if page.locator("#id_work_type option").count() > 1:
        page.select_option("#id_work_type", index=1)
    page.get_by_role("button", name="Kirjaa palvelutarve").click()
    page.wait_for_load_state()
    # the sender asked to be called and no call was recorded: refused, nothing half-saved
    assert "kirjaa ensin puhelu" in page.content()
    assert not ServiceNeed.objects.exists()
    check("call not recorded")
    page.fill("#id_answer", "Soitettu 1.12.: sovittu perhetyön arviokäynti.")
    page.select_option("#id_service", str(service.pk))
    if page.locator("#id_work_type option").count() > 1:
        page.select_option("#id_work_type", index=1)
    page.get_by_role("button", name="Kirjaa palvelutarve").click()
    page.wait_for_load_state()
    assert "Palvelutarve kirjattu" in page.content()
    check("need recorded")
    contact.refresh_from_db()
    assert contact.status == "closed" and contact.first_answered_at is not None
    assert ServiceNeed.objects.get().family == family


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_a_family_asks_reads_and_replies(screen, live_server, area, lang):
    page, check, width = screen
    words = {
        "fi": ("Lähetä", "Näytä vastaus", "Lähetä vastaus", "Vastaamme viimeistään", "na "),
        "sv": ("Skicka", "Visa svaret", "Skicka svaret", "Vi svarar senast", "en "),
        "en": ("Send", "Show the answer", "Send the reply", "We answer at the latest", "on "),
    }[lang]
    page.context.add_cookies([{"name": "django_language", "value": lang, "url": live_server.url}])
    page.goto(f"{live_server.url}/help/")
    assert page.locator("a[href='tel:112']").count() == 1 and page.locator("a[href='tel:0170000000']").count() == 1
    check("help form")
    page.fill("#id_message", "Vauva valvoo öisin, olemme lopussa.")
    page.select_option("#id_age_group", "0-2")
    page.select_option("#id_municipality", "Varkaus")
    page.locator("input[value=anonymous]").check()
    page.get_by_role("button", name=words[0], exact=True).click()
    page.wait_for_load_state()
    receipt = page.locator("main").inner_text()
    assert words[3] in receipt
    if lang == "fi":  # the weekday in the essive: "torstaina", not "torstai"
        assert re.search(r"viimeistään \w+na \d", receipt), receipt
    reference = page.locator("#reference code").inner_text()
    secret = page.locator("#secret code").inner_text()
    check("receipt")
    contact = Contact.objects.get(reference=reference)
    guidance = make_user(f"ohjaaja-{lang}", SERVICE_GUIDANCE)
    intake.contact_answer(actor=guidance, contact=contact, answer="Tervetuloa perhekahvilaan tiistaina.")

    page.goto(f"{live_server.url}/help/answer/")
    check("codes")
    page.fill("#id_reference", reference)
    page.fill("#id_secret", secret)
    page.get_by_role("button", name=words[1]).click()
    page.wait_for_load_state()
    body = page.locator("main").inner_text()
    assert "Vauva valvoo öisin" in body and "Tervetuloa perhekahvilaan" in body  # own message shown back
    check("answer")
    page.fill("#id_message", "Kiitos! Voiko kahvilaan tulla vauvan kanssa?")
    page.get_by_role("button", name=words[2]).click()
    page.wait_for_load_state()
    reply = Contact.objects.get(reply_to=contact)
    assert reply.message.startswith("Kiitos!") and reply.answer_by == "anonymous"
    assert "Voiko kahvilaan" in page.locator("main").inner_text()  # the conversation, with the reply
    check("replied")
    # the reply waits in the inbox like any contact; its answer shows in the same conversation
    intake.contact_answer(actor=guidance, contact=reply, answer="Voi, vauvat ovat tervetulleita.")
    page.reload()
    assert "vauvat ovat tervetulleita" in page.locator("main").inner_text()
    check("second answer")


# --- child protection -------------------------------------------------------------------------


def test_child_protection_from_receipt_to_decision(screen, live_server):
    page, check, width = screen
    area = OrganisationFactory(name="Hyvinvointialue")
    cp = ServiceFactory(organisation=area, name="Lastensuojelu", receives_child_welfare_notifications=True)
    unit = UnitFactory(organisation=area, name="Lastensuojelun tiimi")
    user = make_user("lastensuojelu", WORKER)
    worker = make_worker("Laura Lastensuojelu", unit=unit, service=cp, profession="social_worker", user=user)
    add_shifts(worker, timezone.localdate(), 2, hours=(0, 23))
    family = FamilyFactory(name="Perhe Koski")
    child = make_person(family, first="Kalle", born=dt.date(2015, 6, 1))
    n = intake.notification_record(
        actor=None,
        service=cp,
        family=family,
        child=child,
        notifier=ChildWelfareNotification.Notifier.PROFESSIONAL,
        content="Koulu on huolissaan: lapsi on ollut kolme päivää poissa ja kertoo pelkäävänsä kotiin menoa.",
        reported_urgent=True,
    )
    login(page, live_server.url, "lastensuojelu")
    page.goto(f"{live_server.url}/intake/notifications/")
    row = page.locator(f"tr[data-notification='{n.pk}']")
    assert "Kalle Koski (2015)" in row.inner_text()  # the child, not only the family
    check("notifications")
    page.goto(f"{live_server.url}/intake/deadlines/")
    check("deadlines")
    page.goto(f"{live_server.url}/intake/notifications/")
    row = page.locator(f"tr[data-notification='{n.pk}']")
    row.get_by_role("link").click()
    page.wait_for_load_state()
    check("notification")
    page.locator("input[name=is_urgent][value='1']").check()
    page.get_by_role("button", name="Tallenna").click()
    page.wait_for_load_state()
    banner = page.locator(".urgent-action")
    assert banner.is_visible()
    check("urgent")
    banner.get_by_role("link", name="Varaa kiireellinen käynti").click()
    page.wait_for_load_state()
    # the booking form opens for the assessing worker, today, at the next quarter hour
    assert page.input_value("#id_worker") == str(worker.pk)
    soon = timezone.localtime() + dt.timedelta(minutes=15)
    assert page.input_value("#id_date") in (timezone.localdate().isoformat(), soon.date().isoformat())
    check("urgent visit form")
    page.go_back()
    page.wait_for_load_state()
    page.select_option("#id_decision", "start_assessment")
    page.select_option("#id_worker", str(worker.pk))
    page.get_by_role("button", name=re.compile("Tallenna")).click()
    page.wait_for_load_state()
    n.refresh_from_db()
    assert n.decision == "start_assessment" and n.assigned_worker == worker
    check("decided")


# --- the administrator ------------------------------------------------------------------------


def test_administrator_rules_and_access_report(screen, live_server):
    page, check, width = screen
    family = FamilyFactory(name="Perhe Lahti")
    make_person(family, first="Lumi")
    w = make_worker("Päivi Perhetyöntekijä", user=make_user("paivi", WORKER))
    NamedWorker.objects.create(family=family, worker=w, role="own_worker", start_date=timezone.localdate())
    make_user("admin", ADMINISTRATOR)
    # the worker opens the family's page: one access for the report to show
    login(page, live_server.url, "paivi")
    page.goto(f"{live_server.url}/families/{family.pk}/calendar/")
    page.context.clear_cookies()
    login(page, live_server.url, "admin")
    page.goto(f"{live_server.url}/disclosure-rules/")
    check("disclosure rules")
    page.goto(f"{live_server.url}/families/{family.pk}/calendar/")
    check("family page")
    page.get_by_role("link", name=re.compile("Tietojen käyttö|käyttöloki|access", re.I)).first.click()
    page.wait_for_load_state()
    text = page.locator("main").inner_text()
    assert "Päivi Perhetyöntekijä" in text
    assert not re.search(r"(family|appointment) \d+|role:", text)  # nothing but words a family reads
    check("access report")


# --- the manager ------------------------------------------------------------------------------


def _number(text: str) -> float:
    return float(text.replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace(",", ".").replace("−", "-"))


def _same(shown: str, value) -> bool:
    """A page cell against an exported value: numbers equal at the page's precision."""
    shown = shown.strip()
    if value is None or value == "":
        return shown in ("", "–")
    if isinstance(value, bool) or value in ("True", "False"):
        return shown == ("✓" if value in (True, "True") else "–")
    if isinstance(value, dt.date | dt.datetime):
        return str(value.year) in shown
    if isinstance(value, int | float):
        return abs(_number(shown) - value) < 1e-9
    text = str(value)
    if shown == text or "'" + shown == text:
        return True
    try:  # a CSV number
        return abs(_number(shown) - float(text)) < 1e-9
    except ValueError:
        pass
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}.*", text):  # a CSV date
        return text[:4] in shown
    return shown == text or "'" + shown == text


def _page_table(page) -> list[list[str]]:
    table = page.locator("table.report")
    head = table.locator("thead th").all_inner_texts()
    body = [r.locator("th, td").all_inner_texts() for r in table.locator("tbody tr, tfoot tr").all()]
    return [head, *body]


def _compare_downloads(page, label: str) -> int:
    """Download the CSV and the XLSX of the page's table and compare them cell for cell
    with the page; returns the number of cells compared."""
    import csv
    import io

    from openpyxl import load_workbook

    shown = _page_table(page)
    with page.expect_download() as got:
        page.get_by_role("link", name="Lataa Excel (XLSX)").click()
    with open(got.value.path(), "rb") as f:
        sheet = load_workbook(io.BytesIO(f.read()), read_only=True).active
    every = [list(r) for r in sheet.iter_rows(values_only=True)]
    start = next(i for i, r in enumerate(every) if [str(c) for c in r if c is not None] == shown[0])  # after the title
    width = len(shown[0])
    rows = [(r + [None] * width)[:width] for r in every[start : start + len(shown)]]
    with page.expect_download() as got:
        page.get_by_role("link", name="Lataa CSV").click()
    with open(got.value.path(), encoding="utf-8-sig") as f:
        csv_rows = list(csv.reader(io.StringIO(f.read()), delimiter=";"))[: len(shown)]
    compared = 0
    assert [str(c) for c in rows[0]] == shown[0] == csv_rows[0], label
    for line, (page_row, xlsx_row, csv_row) in enumerate(zip(shown[1:], rows[1:], csv_rows[1:], strict=True), 1):
        for col, cell in enumerate(page_row):
            assert _same(cell, xlsx_row[col]), f"{label} XLSX row {line} col {col}: {cell!r} != {xlsx_row[col]!r}"
            assert _same(cell, csv_row[col]), f"{label} CSV row {line} col {col}: {cell!r} != {csv_row[col]!r}"
            compared += 2
    return compared


def test_a_managers_reports(screen, live_server, region):  # noqa: F811
    from perhekeskus.people.roles import MANAGER
    from perhekeskus.reports.catalog import REPORTS

    page, check, width = screen
    make_user("johtaja", MANAGER)
    login(page, live_server.url, "johtaja")
    assert page.url.endswith("/reports/")  # a manager's day starts in the reports
    check("reports")
    assert "docs/metrics.md" not in page.content()
    compared = 0
    for key, spec in REPORTS.items():
        page.goto(f"{live_server.url}/reports/{key}/?start=2026-01-01&end=2026-01-31")
        with translation.override("fi"):
            assert page.locator("h1").inner_text() == str(spec.title)
        check(key)
        if page.locator("#report-chart").count():
            assert page.evaluate("() => !!document.getElementById('report-chart').chart"), key
        if page.locator("table.report").count():
            compared += _compare_downloads(page, key)
    assert compared > 200
    assert region.f1.name not in page.content()  # families by key only
    # drill down from a number to its rows, and export those too
    page.goto(f"{live_server.url}/reports/family_hours/?start=2026-01-01&end=2026-01-31")
    page.locator("table.report tbody tr").first.locator("td a").first.click()
    page.wait_for_load_state()
    assert "työparin" in page.locator("main").inner_text()  # why a pair visit has two rows
    check("drill-down")
    assert _compare_downloads(page, "drill-down") > 20
