"""The family's overall picture from rows made for the test: services in use, hours and
cost equal to the reports', overlaps, the path, hidden parts counted; named workers with
history; the network meeting on one call and what an invited worker sees."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory, override_settings
from rest_framework.test import APIClient

from perhekeskus.access.frontdoor import Caller
from perhekeskus.access.models import AccessEvent, DisclosureRule
from perhekeskus.errors import NotFound
from perhekeskus.families import selectors, usecases
from perhekeskus.families.models import MeetingNetwork, NetworkMeeting
from perhekeskus.network.models import Service
from perhekeskus.people.models import Membership, NamedWorker, Person
from perhekeskus.people.roles import ADMINISTRATOR, MANAGER, SERVICE_GUIDANCE, WORKER
from perhekeskus.reports import selectors as reports
from perhekeskus.reports.models import PurchasedService
from perhekeskus.scheduling import services
from perhekeskus.scheduling.models import Appointment, Participant
from perhekeskus.scheduling.services import BookingConflict

from ..factories import (
    FamilyFactory,
    OrganisationFactory,
    ServiceFactory,
    UnitFactory,
    WorkTypeFactory,
    add_shifts,
    local,
    make_person,
    make_user,
    make_worker,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock():
    """The tests' dates are fixed (a December 2026 week of shifts); the slot search starts
    from now, so now is fixed too: Tuesday 1.12.2026 07:00 Helsinki time, ticking."""
    import time_machine

    from perhekeskus.scheduling.wallclock import HELSINKI

    with time_machine.travel(dt.datetime(2026, 12, 1, 7, 0, tzinfo=HELSINKI), tick=True):
        yield


def caller(user):
    request = RequestFactory().get("/families/")
    request.user = user
    return Caller(user=user, request=request)


@pytest.fixture
def world(db):
    area = OrganisationFactory(name="Hyvinvointialue")
    ngo = OrganisationFactory(name="Järjestö", kind="ngo")
    family_work = ServiceFactory(organisation=area, name="Perhetyö", level=Service.Level.EARLY_SUPPORT)
    ngo_work = ServiceFactory(organisation=ngo, name="Perhekumppanuus", level=Service.Level.EARLY_SUPPORT)
    therapy = ServiceFactory(organisation=area, name="Perheneuvola", level=Service.Level.SPECIALISED)
    wt_a = WorkTypeFactory(
        service=family_work, name="Perhetyö", default_unit_price=Decimal("55.00"), overlap_group="family_work"
    )
    wt_b = WorkTypeFactory(
        service=ngo_work, name="Perhekumppani", default_unit_price=Decimal("40.00"), overlap_group="family_work"
    )
    wt_t = WorkTypeFactory(
        service=therapy, name="Psykologi", default_unit_price=Decimal("95.00"), overlap_group="therapy"
    )
    meeting_wt = WorkTypeFactory(
        service=family_work, name="Verkostopalaveri", work_class="meeting", default_unit_price=0
    )
    unit_a, unit_n = UnitFactory(organisation=area), UnitFactory(organisation=ngo)
    a = make_worker("Aila Perhetyö", unit=unit_a, service=family_work, user=make_user("aila", WORKER))
    b = make_worker("Bea Kumppani", unit=unit_n, service=ngo_work, user=make_user("bea", WORKER))
    t = make_worker(
        "Tuula Psykologi", unit=unit_a, service=therapy, user=make_user("tuula", WORKER), profession="psychologist"
    )
    family = FamilyFactory(name="Perhe Virtanen")
    child = make_person(family, first="Eino", born=dt.date(2016, 3, 1))
    mother = make_person(family, first="Maija", role=Person.Role.GUARDIAN, born=dt.date(1985, 1, 1))
    return {
        "area": area, "ngo": ngo, "family_work": family_work, "ngo_work": ngo_work, "therapy": therapy,
        "wt_a": wt_a, "wt_b": wt_b, "wt_t": wt_t, "meeting_wt": meeting_wt,
        "a": a, "b": b, "t": t, "family": family, "child": child, "mother": mother,
    }  # fmt: skip


def book(worker, wt, family, start, hours=1, persons=(), realise=False):
    ap = services.appointment_book(
        actor=None, worker=worker, work_type=wt, family=family, persons=list(persons),
        start=start, end=start + dt.timedelta(hours=hours), confirm_outside_shift=True,
    )  # fmt: skip
    if realise:
        ap = services.appointment_realise(actor=None, appointment=ap)
    return ap


def test_the_overall_picture_counts_like_the_reports_and_warns_of_overlaps(world):
    w, fam = world, world["family"]
    today = dt.date(2026, 12, 1)
    # family work from two services for Eino two weeks apart: an overlap; therapy once
    book(w["a"], w["wt_a"], fam, local(2026, 10, 5, 9), hours=2, persons=[w["child"]], realise=True)
    book(w["b"], w["wt_b"], fam, local(2026, 10, 19, 13), persons=[w["child"]], realise=True)
    book(w["t"], w["wt_t"], fam, local(2026, 11, 2, 10), realise=True)
    cancelled = book(w["a"], w["wt_a"], fam, local(2026, 11, 9, 9))
    services.appointment_cancel(actor=None, appointment=cancelled, reason="client_cancelled")
    upcoming = book(w["a"], w["wt_a"], fam, local(2026, 12, 14, 9), persons=[w["child"]])
    PurchasedService.objects.create(
        purchaser=w["area"], provider=w["ngo"], service=w["therapy"], family=fam,
        start_date=dt.date(2026, 9, 1), end_date=dt.date(2026, 12, 31), lump_sum=Decimal("1200.00"),
        amount=Decimal("1200.00"),
    )  # fmt: skip
    admin = make_user("yllapito", ADMINISTRATOR)
    with override_settings(OVERLAP_WEEKS=6):
        page = usecases.family_overview_for(caller(admin), fam.pk, today=today)
    o = page.overview
    # the numbers equal the reports' row for the family, this year
    region = make_user("johtaja", MANAGER)
    f = reports.Filters(start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31), family=fam.key)
    [hours_row] = reports.family_hours(region, f).rows
    [cost_row] = reports.family_cost(region, f).rows
    assert o.figures_year["total"]["realised_hours"] == pytest.approx(hours_row["realised_hours"]) == 4.0
    assert o.figures_year["total"]["open_hours"] == pytest.approx(hours_row["open_hours"]) == 1.0
    assert o.figures_year["total"]["own_cost"] == pytest.approx(cost_row["own_cost"]) == 2 * 55 + 40 + 95
    assert o.figures_year["total"]["purchased"] == pytest.approx(cost_row["purchased"]) == 1200
    assert o.figures_year["total"]["total"] == pytest.approx(cost_row["total"])
    levels = {r["level"]: r for r in o.figures_year["levels"]}
    assert levels["specialised"]["purchased"] == 1200 and levels["specialised"]["own_cost"] == 95
    # services in use: family work for Eino since 5.10, next contact the upcoming visit
    by = {(s.service.name, s.whom): s for s in o.services}
    fw = by[("Perhetyö", "Eino")]
    assert fw.since == dt.date(2026, 10, 5) and fw.next == upcoming.planned_start
    assert ("Perheneuvola", "") in by and "purchase" in by[("Perheneuvola", "")].sources
    # the overlap: family work from two services for Eino
    [overlap] = o.overlaps
    assert overlap.whom == "Eino" and overlap.group == "family_work"
    assert set(overlap.services) == {"Perhetyö", "Perhekumppanuus"}
    assert (overlap.first, overlap.last) == (dt.date(2026, 10, 5), dt.date(2026, 10, 19))
    # Eino lives in two homes: said, the other home not named
    assert {m.person.first_name: m.other_homes for m in o.members} == {"Eino": False, "Maija": False}
    other_home = FamilyFactory(name="Perhe Virtanen-Koski")
    Membership.objects.create(family=other_home, person=w["child"], role="child")
    again = usecases.family_overview_for(caller(admin), fam.pk, today=today).overview
    assert {m.person.first_name: m.other_homes for m in again.members} == {"Eino": True, "Maija": False}
    # nothing hidden from an administrator
    assert o.hidden == {"appointments": 0, "needs": 0, "purchases": 0, "services": 0}
    # a shorter window: two weeks apart is no overlap
    with override_settings(OVERLAP_WEEKS=1):
        assert usecases.family_overview_for(caller(admin), fam.pk, today=today).overview.overlaps == []


def test_a_worker_sees_only_what_the_disclosure_rules_show_and_the_rest_is_counted(world):
    w, fam = world, world["family"]
    DisclosureRule.objects.create(source_service=w["therapy"], target_service=w["family_work"], mode="never")
    book(w["a"], w["wt_a"], fam, local(2026, 11, 24, 9), realise=True)
    book(w["t"], w["wt_t"], fam, local(2026, 11, 25, 10), realise=True)
    book(w["t"], w["wt_t"], fam, local(2026, 11, 26, 10), realise=True)
    o = usecases.family_overview_for(caller(w["a"].user), fam.pk, today=dt.date(2026, 12, 1)).overview
    assert [s.service.name for s in o.services] == ["Perhetyö"]
    assert o.hidden["appointments"] == 2 and o.hidden["services"] == 1
    # the figures leave the hidden service out
    assert o.figures_year["total"]["realised_hours"] == 1.0
    assert "Perheneuvola" not in str([r["service"] for r in o.timeline])
    # every shown entry is in the access log with the worker's basis
    logged = set(
        AccessEvent.objects.filter(username="aila", object_type="appointment").values_list("object_id", flat=True)
    )
    assert logged == {a.pk for a in o.shown_appointments}


def test_named_workers_keep_their_history_with_reasons(world):
    w, fam = world, world["family"]
    guide = make_user("ohjaus", SERVICE_GUIDANCE)
    first = usecases.named_worker_assign_as(
        caller(guide), fam.pk, worker_id=w["a"].pk, role="responsible_worker", start_date=dt.date(2026, 9, 1),
        reason="Monta palvelua",
    )  # fmt: skip
    second = usecases.named_worker_assign_as(
        caller(guide), fam.pk, worker_id=w["b"].pk, role="responsible_worker", start_date=dt.date(2026, 11, 1),
        reason="Perhe toivoi",
    )  # fmt: skip
    first.refresh_from_db()
    assert first.end_date == dt.date(2026, 10, 31) and "Bea Kumppani" in first.end_reason
    assert second.end_date is None and second.reason == "Perhe toivoi"
    _family, rows = usecases.family_named_workers_as(caller(guide), fam.pk)
    assert [(r.worker_id, r.end_date) for r in rows] == [(w["b"].pk, None), (w["a"].pk, dt.date(2026, 10, 31))]
    with pytest.raises(ValidationError):
        usecases.named_worker_end_as(caller(guide), second.pk, reason="")
    ended = usecases.named_worker_end_as(
        caller(guide), second.pk, end_date=dt.date(2026, 12, 1), reason="Asiakkuus päättyi"
    )
    assert ended.end_reason == "Asiakkuus päättyi"
    # the worker's own list of named families
    usecases.named_worker_assign_as(caller(guide), fam.pk, worker_id=w["a"].pk, role="own_worker", reason="Neuvola")
    assert [n.family_id for n in usecases.my_named_families_as(caller(w["a"].user)).namings] == [fam.pk]
    # a worker without a naming role or relationship may not name
    with pytest.raises(NotFound):
        usecases.named_worker_assign_as(
            caller(w["t"].user), fam.pk, worker_id=w["t"].pk, role="family_partner", reason="x"
        )


def test_families_with_many_services_and_no_responsible_worker(world):
    w, fam = world, world["family"]
    for worker, wt, day in ((w["a"], w["wt_a"], 2), (w["b"], w["wt_b"], 3), (w["t"], w["wt_t"], 4)):
        book(worker, wt, fam, local(2026, 11, day, 9))
    other = FamilyFactory(name="Perhe Yksi")
    book(w["a"], w["wt_a"], other, local(2026, 11, 5, 9))
    manager = make_user("johtaja", MANAGER)
    since = dt.date(2026, 1, 1)
    assert usecases.naming_report(caller(manager), since=since) == [{"family": fam.key, "services": 3}]
    guide = make_user("ohjaus", SERVICE_GUIDANCE)
    [row] = usecases.naming_suggestions_as(caller(guide), since=since)
    assert row.family.pk == fam.pk and row.services == 3
    usecases.named_worker_assign_as(caller(guide), fam.pk, worker_id=w["a"].pk, role="family_partner", reason="x")
    assert usecases.naming_report(caller(manager), since=since) == []


def test_a_network_meeting_on_one_call_books_everyone_and_the_invited_see_only_the_meeting(world):
    w, fam = world, world["family"]
    monday = local(2026, 12, 7, 0)
    for worker in (w["a"], w["b"], w["t"]):
        add_shifts(worker, monday.date(), 5)
    # the therapist is busy on Wednesday 14-15, inside the network's reserved slot
    book(w["t"], w["wt_t"], FamilyFactory(name="Perhe Muu"), local(2026, 12, 9, 14))
    network = MeetingNetwork.objects.create(
        name="Perhekeskusverkosto", weekday=3, start_time=dt.time(14), end_time=dt.time(16), every_weeks=2,
        first_date=dt.date(2026, 12, 9),
    )  # fmt: skip
    network.members.set([w["a"], w["b"], w["t"]])
    book(w["a"], w["wt_a"], fam, local(2026, 12, 1, 9), persons=[w["child"]])  # the contact person's relationship
    c = caller(w["a"].user)
    with override_settings(NETWORK_MEETING_WORK_TYPE="Verkostopalaveri"):
        search = usecases.meeting_slots_as(c, fam.pk, worker_ids=[w["b"].pk, w["t"].pk], minutes=60)
        [first, *rest] = search.proposals
        # the reserved slot first: Wednesday 9.12 15-16 (14-15 the therapist is busy)
        assert first.reserved and first.start == local(2026, 12, 9, 15)
        assert rest and not rest[0].reserved and rest[0].start == local(2026, 12, 7, 8)
        meeting = usecases.meeting_convene_as(
            c, fam.pk, worker_ids=[w["b"].pk, w["t"].pk], start=first.start, minutes=60,
            requested_by="family", consent_given_by="Maija, puhelimessa",
        )  # fmt: skip
    roles = dict(meeting.appointment.participants.values_list("resource_id", "role"))
    assert roles == {w["a"].resource_id: "primary", w["b"].resource_id: "invited", w["t"].resource_id: "invited"}
    # in everyone's calendar: the slot is now taken for all three
    again = selectors.meeting_slots(
        workers=[w["a"], w["b"], w["t"]], minutes=60, network=network, after=local(2026, 12, 9, 15)
    )
    assert all(p.start != local(2026, 12, 9, 15) for p in again)
    # the invited NGO worker sees the meeting, not the family's other entries nor its consents
    page = usecases.meeting_view_as(caller(w["b"].user), meeting.pk)
    assert {x.pk for x in page.invited} == {w["b"].pk, w["t"].pk}
    o = usecases.family_overview_for(caller(w["b"].user), fam.pk).overview
    assert [a.pk for a in o.shown_appointments] == [meeting.appointment_id]
    assert o.hidden["appointments"] == 1 and not o.details and o.client_groups == []
    # and may not move or cancel the meeting for everyone
    with pytest.raises(PermissionDenied):
        services.appointment_cancel(
            actor=w["b"].user, appointment=meeting.appointment, reason="other", text="x", cancelled_by="worker"
        )
    # nor record what was agreed (the page refuses the form it does not offer)
    from django.test import Client

    page_client = Client()
    page_client.force_login(w["b"].user)
    assert page_client.post(f"/meetings/{meeting.pk}/", {"agreed": "Minä jatkan"}).status_code == 403
    meeting.refresh_from_db()
    assert meeting.agreed == ""
    # the convener records what was agreed; the one who continues becomes the responsible worker
    usecases.meeting_record_as(
        c, meeting.pk, agreed="Perhekumppani jatkaa", continues_with_id=w["b"].pk, next_check=dt.date(2027, 1, 20),
        name_responsible=True,
    )  # fmt: skip
    assert NamedWorker.objects.get(family=fam, role="responsible_worker", end_date=None).worker == w["b"]
    assert [m.pk for m in usecases.my_named_families_as(caller(w["b"].user)).checks] == [meeting.pk]
    # a booking in the same time is refused: nobody is double-booked
    with pytest.raises(BookingConflict):
        book(w["t"], w["wt_t"], fam, first.start)
    assert Appointment.objects.filter(participants__resource=w["t"].resource, planned_start=first.start).count() == 1
    assert Participant.objects.filter(appointment=meeting.appointment).count() == 3


def test_the_api_convenes_and_reads_the_overview(world):
    w, fam = world, world["family"]
    monday = local(2026, 12, 7, 0)
    for worker in (w["a"], w["b"]):
        add_shifts(worker, monday.date(), 5)
    book(w["a"], w["wt_a"], fam, local(2026, 12, 1, 9))
    api = APIClient()
    api.force_authenticate(w["a"].user)
    with override_settings(NETWORK_MEETING_WORK_TYPE="Verkostopalaveri"):
        r = api.post("/api/meeting-slots/", {"family": fam.pk, "workers": [w["b"].pk], "minutes": 60}, format="json")
        assert r.status_code == 200, r.content
        start = r.json()[0]["start"]
        r = api.post(
            "/api/network-meetings/",
            {"family": fam.pk, "workers": [w["b"].pk], "start": start, "minutes": 60, "requested_by": "professional",
             "consent_given_by": "Maija"},
            format="json",
        )  # fmt: skip
        assert r.status_code == 201, r.content
        assert sorted(r.json()["participants"]) == sorted([w["a"].pk, w["b"].pk])
    r = api.get(f"/api/family-overviews/{fam.pk}/")
    assert r.status_code == 200 and len(r.json()["meetings"]) == 1
    # a family the caller does not reach: the same as none
    other = FamilyFactory(name="Perhe Salainen")
    assert api.get(f"/api/family-overviews/{other.pk}/").status_code == 404
    refused = AccessEvent.objects.filter(basis="refused", family_id=other.pk).count()
    assert api.get(f"/api/named-workers/?family={other.pk}").status_code == 404
    assert AccessEvent.objects.filter(basis="refused", family_id=other.pk).count() == refused + 1
    assert api.get(f"/api/named-workers/?family={fam.pk}").status_code == 200
    r = api.post("/api/meeting-slots/", {"family": other.pk, "workers": [w["b"].pk], "minutes": 60}, format="json")
    assert r.status_code == 400 and "family" in r.json()
    # without the family's consent nothing is booked
    r = api.post(
        "/api/network-meetings/",
        {"family": fam.pk, "workers": [w["b"].pk], "start": start, "minutes": 60, "requested_by": "family",
         "consent_given_by": " "},
        format="json",
    )  # fmt: skip
    assert r.status_code == 400 and NetworkMeeting.objects.count() == 1


def test_the_overall_picture_runs_a_fixed_number_of_queries(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    w, fam = world, world["family"]
    admin = make_user("yllapito", ADMINISTRATOR)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            usecases.family_overview_for(caller(admin), fam.pk, today=dt.date(2026, 12, 1))
        return len(ctx.captured_queries)

    book(w["a"], w["wt_a"], fam, local(2026, 10, 1, 9), persons=[w["child"]], realise=True)
    count()  # roles and settings cached
    few = count()
    for day in range(2, 28):
        book(w["b"], w["wt_b"], fam, local(2026, 10, day, 12), persons=[w["child"], w["mother"]], realise=day % 2 == 0)
        book(w["t"], w["wt_t"], fam, local(2026, 11, day, 9))
    assert count() == few


def test_moving_a_network_meeting_moves_every_participant_and_checks_each(world):
    w, fam = world, world["family"]
    monday = local(2026, 12, 7, 0)
    for worker in (w["a"], w["b"], w["t"]):
        add_shifts(worker, monday.date(), 5)
    start = local(2026, 12, 8, 10)
    appointment = services.appointment_book_meeting(
        actor=None, convener=w["a"], invited=[w["b"], w["t"]], work_type=w["meeting_wt"],
        start=start, end=start + dt.timedelta(hours=1), family=fam,
    )  # fmt: skip
    later = local(2026, 12, 8, 13)
    services.appointment_move(actor=None, appointment=appointment, start=later)
    rows = list(Participant.objects.filter(appointment=appointment).values_list("role", "start"))
    assert sorted(rows) == [("invited", later), ("invited", later), ("primary", later)]
    # an invited worker busy at the new time: the move is refused, nothing changes
    book(w["t"], w["wt_t"], FamilyFactory(name="Perhe Muu"), local(2026, 12, 9, 9))
    appointment.refresh_from_db()
    with pytest.raises(BookingConflict):
        services.appointment_move(actor=None, appointment=appointment, start=local(2026, 12, 9, 9))
    assert set(Participant.objects.filter(appointment=appointment).values_list("start", flat=True)) == {later}


def test_the_service_path_from_recognition_to_follow_up(world):
    from perhekeskus.intake import services as intake_services

    w, fam = world, world["family"]
    intake_services.service_need_record(
        actor=None, family=fam, service=w["family_work"], work_type=w["wt_a"], source="phone",
        received_at=local(2026, 10, 1, 12),
    )  # fmt: skip
    add_shifts(w["a"], dt.date(2026, 10, 5), 5)
    add_shifts(w["b"], dt.date(2026, 10, 5), 5)
    meeting_appointment = services.appointment_book_meeting(
        actor=None, convener=w["a"], invited=[w["b"]], work_type=w["meeting_wt"],
        start=local(2026, 10, 7, 14), end=local(2026, 10, 7, 15), family=fam,
    )  # fmt: skip
    NetworkMeeting.objects.create(
        family=fam, appointment=meeting_appointment, requested_by="family", consent_given_by="Maija",
        agreed="Perhetyö alkaa", recorded_at=local(2026, 10, 8, 9), next_check=dt.date(2026, 12, 10),
    )  # fmt: skip
    book(w["a"], w["wt_a"], fam, local(2026, 10, 2, 9), realise=True)  # before the plan: not the services stage
    book(w["a"], w["wt_a"], fam, local(2026, 10, 15, 9), realise=True)
    admin = make_user("yllapito", ADMINISTRATOR)
    o = usecases.family_overview_for(caller(admin), fam.pk, today=dt.date(2026, 11, 20)).overview
    assert {s.key: s.date for s in o.stages} == {
        "recognised": dt.date(2026, 10, 1),
        "assessment": dt.date(2026, 10, 7),
        "plan": dt.date(2026, 10, 8),
        "services": dt.date(2026, 10, 15),
        "follow_up": dt.date(2026, 12, 10),
    }
    assert o.stage.key == "services"  # the follow-up is not reached until 10.12
    later = usecases.family_overview_for(caller(admin), fam.pk, today=dt.date(2026, 12, 10)).overview
    assert later.stage.key == "follow_up"
    # a worker invited only to the meeting does not see the path
    assert usecases.family_overview_for(caller(w["b"].user), fam.pk).overview.stages == []


def test_a_contact_in_the_inbox_is_convened_into_a_network_meeting_with_its_consent(world):
    """Service guidance takes a concern report with the family's consent and convenes the
    professionals the family wants from the contact's page: the form carries the
    contact's consent and who asked, the chosen members go on the appointment, and the
    contact's history says a meeting was convened. Another family's contact is refused."""
    from django.test import Client

    from perhekeskus.intake.models import Contact
    from perhekeskus.intake.services import contact_record

    w, fam = world, world["family"]
    for worker in (w["a"], w["b"]):
        add_shifts(worker, local(2026, 12, 7, 0).date(), 5)
    guide = make_user("ohjaus", SERVICE_GUIDANCE)
    outi = make_worker("Outi Ohjaaja", unit=UnitFactory(organisation=w["area"]), service=w["family_work"], user=guide)
    add_shifts(outi, local(2026, 12, 7, 0).date(), 5)
    contact = contact_record(
        actor=guide, channel="concern_report", organisation=w["area"], message="Huoli koulunkäynnistä",
        reporter="Opettaja, Keskuskoulu", consent_given_by="Äiti, puhelimessa 3.12.", family=fam,
    )  # fmt: skip
    other = contact_record(
        actor=guide, channel="phone", organisation=w["area"], message="Toinen perhe", phone="0401234567",
        family=FamilyFactory(name="Perhe Toinen"),
    )  # fmt: skip
    page = Client()
    page.force_login(guide)
    detail = page.get(f"/intake/contacts/{contact.pk}/").content.decode()
    assert f"/families/{fam.pk}/meetings/new/?contact={contact.pk}" in detail
    form = page.get(f"/families/{fam.pk}/meetings/new/?contact={contact.pk}")
    assert form.status_code == 200
    body = form.content.decode()
    assert contact.reference in body and 'value="Äiti, puhelimessa 3.12."' in body
    assert form.context["form"].initial["requested_by"] == "professional"
    assert {p.pk for p in form.context["form"].fields["persons"].queryset} == {w["child"].pk, w["mother"].pk}
    data = {
        "workers": [w["a"].pk, w["b"].pk], "minutes": 60, "requested_by": "professional",
        "consent_given_by": "Äiti, puhelimessa 3.12.", "contact": contact.pk, "persons": [w["child"].pk],
    }  # fmt: skip
    with override_settings(NETWORK_MEETING_WORK_TYPE="Verkostopalaveri"):
        searched = page.post(f"/families/{fam.pk}/meetings/new/", data)
        assert searched.status_code == 200, searched.context["form"].errors
        start = searched.context["search"].proposals[0].start
        # another family's contact cannot be attached: nothing is booked
        refused = page.post(f"/families/{fam.pk}/meetings/new/", {**data, "contact": other.pk, "start": start})
        assert refused.status_code == 400 and NetworkMeeting.objects.count() == 0
        done = page.post(f"/families/{fam.pk}/meetings/new/", {**data, "start": start.isoformat()})
    assert done.status_code == 302, done.content.decode()[:2000]
    meeting = NetworkMeeting.objects.get()
    assert meeting.contact == contact and meeting.requested_by == "professional"
    assert list(meeting.appointment.persons.all()) == [w["child"]]
    assert list(Contact.objects.get(pk=contact.pk).events.values_list("action", flat=True)) == [
        "received",
        "meeting_convened",
    ]
    assert contact.pk in [e.object_id for e in AccessEvent.objects.filter(object_type="contact", action="view")]
    shown = page.get(f"/meetings/{meeting.pk}/").content.decode()
    assert contact.reference in shown
