"""From a help request to a service need, allocated bookings and the first realised
visit, with the waiting time; every step recorded; nothing closes without an outcome."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from perhekeskus.access import policy
from perhekeskus.access.models import AccessEvent
from perhekeskus.intake import selectors, services
from perhekeskus.intake.models import ChildWelfareNotification, Contact, IntakeEvent, ServiceNeed
from perhekeskus.people.models import NamedWorker
from perhekeskus.people.roles import COORDINATOR
from perhekeskus.scheduling import services as scheduling_services
from perhekeskus.scheduling.models import Appointment
from tests.factories import FamilyFactory, add_shifts, make_person, make_user, make_worker


@pytest.fixture
def family(db):
    f = FamilyFactory(name="Perhe Virtanen")
    make_person(f, "Aino")
    make_person(f, "Eero", born=dt.date(2020, 3, 3))
    return f


@pytest.fixture
def family_worker(region):
    user = make_user("perhetyontekija")
    return make_worker("Päivi Perhetyöntekijä", unit=region["fw_unit"], user=user, service=region["family_work"])


@pytest.fixture
def coordinator(region):
    return make_user("koordinaattori", COORDINATOR, organisation=region["org"])


def _next_monday(now):
    d = timezone.localdate(now)
    return d + dt.timedelta(days=7 - d.weekday())


@pytest.fixture
def midday():
    """A fixed Wednesday midday, ticking, set before the other fixtures: the first visit
    realised two hours ago falls on the same local day as now whenever the suite runs
    (run just after midnight, it fell on the day before and the wait was 9 days, not 10)."""
    with time_machine.travel(dt.datetime(2026, 12, 2, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=2))), tick=True):
        yield


def test_help_request_to_first_realised_help(midday, region, guidance, coordinator, family, family_worker, client):
    received = timezone.now() - dt.timedelta(days=10)
    contact, _secret = services.help_request_submit(
        municipality="Varkaus",
        age_group="0-2",
        message="Tarvitsemme apua arkeen.",
        answer_by="anonymous",
        received_at=received,
    )
    services.contact_claim(actor=guidance, contact=contact)
    need = services.contact_to_service_need(
        actor=guidance,
        contact=contact,
        family=family,
        answer="Perhetyö ottaa yhteyttä.",
        service=region["family_work"],
        work_type=region["work_type"],
        sessions_per_week=2,
        session_minutes=90,
        weeks=3,
    )
    contact.refresh_from_db()
    assert contact.status == Contact.Status.CLOSED and contact.outcome == Contact.Outcome.SERVICE_NEED
    assert contact.first_answered_at is not None and contact.family == family
    assert need.received_at == received and need.source == "help_button" and need.status == "waiting"
    # the queue shows it; waiting counted from the contact
    assert list(selectors.queue(user=coordinator)) == [need]
    assert selectors.waiting_days(need) == 10

    # allocate: two visits a week for three weeks, booked in the worker's calendar
    monday = _next_monday(timezone.now())
    add_shifts(family_worker, monday, 21)
    first = timezone.make_aware(dt.datetime.combine(monday, dt.time(9)))
    appointments = services.service_need_allocate(
        actor=coordinator, need=need, worker=family_worker, first_start=first, weekdays=[1, 4]
    )
    need.refresh_from_db()
    assert len(appointments) == 6 and need.status == "allocated" and need.worker == family_worker
    assert set(need.appointments.all()) == set(appointments)
    assert all(a.family == family and a.work_type == region["work_type"] for a in appointments)
    assert all((a.planned_end - a.planned_start) == dt.timedelta(minutes=90) for a in appointments)
    # the allocation is a relationship with the family
    assert policy.family_access_basis(family_worker.user, family.pk) in ("appointment", "service_need")

    # the first realised visit starts the help and ends the waiting
    first_visit = appointments[0]
    Appointment.objects.filter(pk=first_visit.pk).update(
        planned_start=timezone.now() - dt.timedelta(hours=2), planned_end=timezone.now() - dt.timedelta(minutes=30)
    )
    Appointment.objects.get(pk=first_visit.pk).participants.update(
        start=timezone.now() - dt.timedelta(hours=2), end=timezone.now() - dt.timedelta(minutes=30)
    )
    scheduling_services.appointment_realise(
        actor=family_worker.user, appointment=Appointment.objects.get(pk=first_visit.pk)
    )
    need.refresh_from_db()
    assert need.status == "in_progress" and need.first_help_at is not None
    assert selectors.waiting_days(need) == 10

    actions = list(IntakeEvent.objects.filter(service_need=need).values_list("action", flat=True))
    assert actions == ["recorded", "allocated", "started"]
    assert list(IntakeEvent.objects.filter(contact=contact).values_list("action", flat=True)) == [
        "received",
        "claimed",
        "closed",
    ]

    # closing needs an outcome, and cancels the future visits
    with pytest.raises(ValidationError):
        services.service_need_close(actor=coordinator, need=need, outcome="")
    services.service_need_close(actor=coordinator, need=need, outcome=ServiceNeed.Outcome.COMPLETED)
    need.refresh_from_db()
    assert need.status == "closed" and need.outcome == "completed"
    assert not need.appointments.filter(status="planned").exists()
    assert need.appointments.filter(status="cancelled").count() == 5


def test_allocation_is_all_or_nothing(region, coordinator, family, family_worker):
    need = services.service_need_record(
        actor=coordinator,
        family=family,
        service=region["family_work"],
        work_type=region["work_type"],
        source="worker",
        sessions_per_week=1,
        weeks=2,
    )
    monday = _next_monday(timezone.now())
    add_shifts(family_worker, monday, 14)
    start = timezone.make_aware(dt.datetime.combine(monday + dt.timedelta(days=7), dt.time(9)))
    scheduling_services.appointment_book(
        actor=coordinator,
        worker=family_worker,
        work_type=region["work_type"],
        start=start,
        end=start + dt.timedelta(hours=1),
    )
    with pytest.raises(ValidationError):
        services.service_need_allocate(
            actor=coordinator,
            need=need,
            worker=family_worker,
            first_start=timezone.make_aware(dt.datetime.combine(monday, dt.time(9))),
            weekdays=[1],
        )
    need.refresh_from_db()
    assert need.status == "waiting" and need.worker is None and need.appointments.count() == 0
    with pytest.raises(ValidationError) as exc:
        services.service_need_allocate(
            actor=coordinator,
            need=need,
            worker=family_worker,
            first_start=timezone.make_aware(dt.datetime.combine(monday, dt.time(12))),
            weekdays=[1, 2],
        )
    assert "weekdays" in exc.value.message_dict


def test_nothing_closes_without_an_outcome_even_in_the_database(region, guidance, family):
    contact = services.contact_record(
        actor=guidance, channel="phone", organisation=region["org"], message="Soitto", phone="040 1"
    )
    with pytest.raises(ValidationError):
        services.contact_close(actor=guidance, contact=contact, outcome="")
    with pytest.raises(IntegrityError), transaction.atomic():
        Contact.objects.filter(pk=contact.pk).update(status="closed", closed_at=timezone.now())
    with pytest.raises(ValidationError):
        services.contact_close(actor=guidance, contact=contact, outcome="referred")  # needs the service
    # the sender asked to be called: closing needs the call recorded (nothing saved without)
    with pytest.raises(ValidationError) as refused:
        services.contact_close(actor=guidance, contact=contact, outcome="referred", service=region["family_work"])
    assert "answer" in refused.value.message_dict
    contact.refresh_from_db()
    assert contact.status != "closed" and contact.first_answered_at is None
    services.contact_close(
        actor=guidance,
        contact=contact,
        outcome="referred",
        service=region["family_work"],
        answer="Soitettu: ohjattu perhetyöhön.",
    )
    contact.refresh_from_db()
    assert contact.referred_service == region["family_work"] and contact.first_answered_at is not None
    with pytest.raises(ValidationError):
        services.contact_answer(actor=guidance, contact=contact, answer="myöhässä")


def test_concern_report_needs_consent_and_reporter(region, family_worker):
    with pytest.raises(ValidationError) as exc:
        services.contact_record(
            actor=family_worker.user,
            channel="concern_report",
            organisation=region["org"],
            message="Huoli lapsesta",
            phone="040 1",
        )
    assert {"consent_given_by", "reporter"} <= set(exc.value.message_dict)
    report = services.contact_record(
        actor=family_worker.user,
        channel="concern_report",
        organisation=region["org"],
        message="Huoli lapsesta",
        phone="040 1",
        consent_given_by="Äiti, suullisesti",
        reporter="Päivi, perhetyö",
    )
    assert report.channel == "concern_report"


def test_anonymous_consultation_needs_no_name(region, guidance):
    c = services.contact_record(
        actor=guidance, channel="consultation", organisation=region["org"], message="Kysymys nimettömästi"
    )
    assert c.contact_name == "" and c.family is None


def test_anonymous_sender_must_get_a_written_answer(region, guidance):
    contact, _ = services.help_request_submit(municipality="Varkaus", age_group="", message="m", answer_by="anonymous")
    with pytest.raises(ValidationError) as exc:
        services.contact_close(actor=guidance, contact=contact, outcome="advice")
    assert "answer" in exc.value.message_dict
    services.contact_close(actor=guidance, contact=contact, outcome="advice", answer="Tässä neuvo.")


def test_notification_clocks_in_order_and_who_decided(region, cp_worker, family):
    received = timezone.make_aware(dt.datetime(2026, 11, 17, 10))
    n = services.notification_record(
        actor=cp_worker.user,
        service=region["cp"],
        family=family,
        content="Ilmoitus",
        notifier="professional",
        received_at=received,
    )
    assert n.decision_due_at == timezone.make_aware(dt.datetime(2026, 11, 27, 0, 0))
    with pytest.raises(ValidationError):
        services.notification_decide(
            actor=cp_worker.user, notification=n, decision="start_assessment", worker=cp_worker
        )
    services.notification_assess_urgency(actor=cp_worker.user, notification=n, is_urgent=False)
    with pytest.raises(ValidationError):
        services.notification_decide(actor=cp_worker.user, notification=n, decision="start_assessment")  # no worker
    services.notification_decide(actor=cp_worker.user, notification=n, decision="start_assessment", worker=cp_worker)
    services.notification_complete_assessment(actor=cp_worker.user, notification=n, result="other_services")
    n.refresh_from_db()
    assert n.urgency_assessed_by == cp_worker.user and n.decided_by == cp_worker.user
    assert n.assessment_completed_by == cp_worker.user and n.is_closed
    assert list(n.events.values_list("action", flat=True)) == [
        "received",
        "urgency_assessed",
        "decided",
        "assessment_completed",
    ]


def test_only_child_protection_services_receive_notifications(region, guidance):
    with pytest.raises(ValidationError) as exc:
        services.notification_record(
            actor=guidance,
            service=region["family_work"],
            child_details="Lapsi 1.1.2020",
            content="x",
            notifier="private_person",
        )
    assert "service" in exc.value.message_dict
    assert ChildWelfareNotification.objects.count() == 0


def test_caseload_cap_warns_before_it_is_passed(region, cp_worker, coordinator, settings):
    settings.CHILD_PROTECTION_CASELOAD_CAP = 3
    for i in range(2):  # two children already
        f = FamilyFactory()
        make_person(f, f"Lapsi{i}")
        NamedWorker.objects.create(
            family=f, worker=cp_worker, role=NamedWorker.Role.RESPONSIBLE_WORKER, start_date=dt.date(2026, 1, 1)
        )
    assert selectors.caseload(cp_worker) == 2
    big = FamilyFactory()
    make_person(big, "Aa")
    make_person(big, "Bb")
    from tests.factories import WorkTypeFactory

    wt = WorkTypeFactory(service=region["cp"], name="Lastensuojelun asiakastapaaminen")
    need = services.service_need_record(
        actor=coordinator, family=big, service=region["cp"], work_type=wt, source="child_welfare", weeks=1
    )
    monday = _next_monday(timezone.now())
    add_shifts(cp_worker, monday, 7)
    start = timezone.make_aware(dt.datetime.combine(monday, dt.time(10)))
    with pytest.raises(services.CaseloadExceeded) as exc:
        services.service_need_allocate(actor=coordinator, need=need, worker=cp_worker, first_start=start, weekdays=[1])
    assert "4" in str(exc.value) and "3" in str(exc.value)
    assert ServiceNeed.objects.get(pk=need.pk).status == "waiting"
    services.service_need_allocate(
        actor=coordinator, need=need, worker=cp_worker, first_start=start, weekdays=[1], confirm_caseload=True
    )
    assert selectors.caseload(cp_worker) == 4
    assert IntakeEvent.objects.get(service_need=need, action="allocated").details["caseload_confirmed"] is True


def test_queue_sorts_by_urgency_then_waiting(region, coordinator, family):
    def need(urgency, days):
        return services.service_need_record(
            actor=coordinator,
            family=family,
            service=region["family_work"],
            work_type=region["work_type"],
            source="phone",
            urgency=urgency,
            received_at=timezone.now() - dt.timedelta(days=days),
        )

    a, b, c, d = need("normal", 30), need("urgent", 1), need("normal", 40), need("high", 2)
    assert list(selectors.queue(user=coordinator)) == [b, d, c, a]


def test_allocated_worker_reaches_the_family_until_the_need_closes(region, coordinator, family, family_worker):
    need = services.service_need_record(
        actor=coordinator, family=family, service=region["family_work"], work_type=region["work_type"], source="phone"
    )
    ServiceNeed.objects.filter(pk=need.pk).update(status="allocated", worker=family_worker)
    assert policy.family_access_basis(family_worker.user, family.pk) == "service_need"
    from perhekeskus.access.selectors import family_list

    assert list(family_list(user=family_worker.user)) == [family]
    services.service_need_close(actor=coordinator, need=need, outcome="declined")
    assert policy.family_access_basis(family_worker.user, family.pk) is None


def test_pages_log_access_and_refuse_without_basis(client, region, guidance, cp_worker, family, other_org):
    contact = services.contact_record(
        actor=guidance, channel="phone", organisation=region["org"], message="Soitto", phone="040 1"
    )
    elsewhere = services.contact_record(
        actor=guidance, channel="phone", organisation=other_org, message="Muualla", phone="040 2"
    )
    client.force_login(guidance)
    assert client.get(reverse("intake:contact_detail", args=[contact.pk])).status_code == 200
    assert client.get(reverse("intake:contact_detail", args=[elsewhere.pk])).status_code == 404
    inbox = client.get(reverse("intake:inbox"))
    assert [c.pk for c in inbox.context["contacts"]] == [contact.pk]
    logged = AccessEvent.objects.filter(object_type="contact")
    assert logged.filter(object_id=contact.pk, action="view", user_id=guidance.pk).exists()
    assert logged.filter(object_id=elsewhere.pk, basis="refused").exists()

    n = services.notification_record(
        actor=cp_worker.user, service=region["cp"], family=family, content="Salainen", notifier="police"
    )
    # service guidance forwards but does not read child protection's notifications
    assert client.get(reverse("intake:notification_detail", args=[n.pk])).status_code in (403, 404)
    client.force_login(cp_worker.user)
    page = client.get(reverse("intake:notification_detail", args=[n.pk]))
    assert page.status_code == 200 and "Salainen" in page.content.decode()
    assert client.get(reverse("intake:contact_detail", args=[contact.pk])).status_code == 403


def test_the_allocation_form_keeps_what_was_typed_through_the_shift_warning(
    client, region, coordinator, family, family_worker
):
    """Booking outside shifts asks for confirmation; the form comes back with the worker,
    the first visit and the weekdays as typed, so ticking the box and sending again books."""
    need = services.service_need_record(
        actor=coordinator, family=family, service=region["family_work"], work_type=region["work_type"],
        source="phone", sessions_per_week=1, session_minutes=60, weeks=2,
    )  # fmt: skip
    client.force_login(coordinator)
    first = (timezone.localdate() + dt.timedelta(days=7 - timezone.localdate().weekday())).isoformat() + "T10:00"
    data = {"worker": family_worker.pk, "first_start": first, "weekdays": [1]}
    r = client.post(f"/intake/needs/{need.pk}/allocate/", data, HTTP_ACCEPT_LANGUAGE="en")
    html = r.content.decode()
    assert r.status_code == 400 and "Confirm to book outside the shift" in html
    assert f'value="{first}"' in html  # the first visit as typed
    assert f'<option value="{family_worker.pk}" selected>' in html
    assert 'value="1" id="id_weekdays_0" checked' in html or 'id="id_weekdays_0" checked' in html
    assert Appointment.objects.filter(family=family).count() == 0
    r = client.post(f"/intake/needs/{need.pk}/allocate/", {**data, "confirm_outside_shift": "on"})
    assert r.status_code == 302
    need.refresh_from_db()
    assert need.status == "allocated" and Appointment.objects.filter(family=family).count() == 2


def test_the_allocation_form_offers_only_workers_who_speak_the_needs_language(
    client, region, coordinator, family, family_worker
):
    from perhekeskus.people.models import Language

    sv = Language.objects.get_or_create(code="sv", defaults={"name": "ruotsi"})[0]
    swedish = make_worker("Sara Svensk", unit=region["fw_unit"], service=region["family_work"])
    swedish.languages.add(sv)
    need = services.service_need_record(
        actor=coordinator, family=family, service=region["family_work"], work_type=region["work_type"],
        source="phone", sessions_per_week=1, session_minutes=60, weeks=2, language=sv,
    )  # fmt: skip
    client.force_login(coordinator)
    html = client.get(f"/intake/needs/{need.pk}/").content.decode()
    form = html[html.index('name="worker"') : html.index("</select>", html.index('name="worker"'))]
    assert f'value="{swedish.pk}"' in form and f'value="{family_worker.pk}"' not in form


def test_form_times_with_any_offset_are_the_same_moment_in_utc():
    import datetime as dt

    from perhekeskus.intake.forms import AllocateForm

    form = AllocateForm({"first_start": "2026-12-07T10:00-22:51"}, workers=None)
    form.is_valid()
    value = form.cleaned_data["first_start"]
    assert value.utcoffset() == dt.timedelta(0) and value == dt.datetime(2026, 12, 8, 8, 51, tzinfo=dt.UTC)
