"""Every page and API endpoint that takes an id, asked by a worker with no relationship
to the family behind it: 404 (never the data), and the attempt is in the access log.

The URL patterns are found by walking the project's resolver, so a new id-taking
endpoint fails this test until it is classified below."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from perhekeskus.access.models import AccessEvent, BreakGlass, DisclosureRule
from perhekeskus.access.services import consent_record
from perhekeskus.allocation.models import Proposal, ProposalRow
from perhekeskus.families.models import FamilyClientGroup, NetworkMeeting
from perhekeskus.intake import services as intake_services
from perhekeskus.network.models import Organisation, Service
from perhekeskus.people.models import NamedWorker, Person
from perhekeskus.people.roles import ADMINISTRATOR
from perhekeskus.reports.models import PurchasedService
from perhekeskus.scheduling import services

from ..factories import FamilyFactory, local, make_person, make_user, make_worker
from .routes import routes

pytestmark = pytest.mark.django_db

# route -> (method, object, expected status, attempt logged)
CLIENT_DATA = {
    "families/{pk}/calendar/": ("get", "family", 404, True),
    "families/{pk}/access-log/": ("get", "family", 404, True),
    "persons/{pk}/access-log/": ("get", "person", 404, True),
    "families/{pk}/consents/": ("post", "family", 404, True),
    "consents/{pk}/withdraw/": ("post", "consent", 404, True),
    "appointments/{pk}/": ("get", "appointment", 404, True),
    "appointments/{pk}/edit/": ("get", "appointment", 404, True),
    "appointments/{pk}/realise/": ("post", "appointment", 404, True),
    "appointments/{pk}/cancel/": ("post", "appointment", 404, True),
    "appointments/{pk}/move/": ("post", "appointment", 403, True),  # coordinators only, refusal logged
    "api/appointments/{pk}/": ("get", "appointment", 404, True),
    "api/appointments/{pk}/realise/": ("post", "appointment", 404, True),
    "api/appointments/{pk}/cancel/": ("post", "appointment", 404, True),
    "api/appointments/{pk}/history/": ("get", "appointment", 404, True),
    "api/families/{pk}/": ("get", "family", 404, True),
    "api/persons/{pk}/": ("get", "person", 404, True),
    "families/{pk}/needs/new/": ("get", "family", 404, True),
    # the inbox is service guidance's: other roles are refused before any lookup (logged)
    "intake/contacts/{pk}/": ("get", "contact", 403, True),
    "intake/contacts/{pk}/claim/": ("post", "contact", 403, True),
    "intake/contacts/{pk}/answer/": ("post", "contact", 403, True),
    "intake/contacts/{pk}/close/": ("post", "contact", 403, True),
    "intake/contacts/{pk}/forward/": ("post", "contact", 403, True),
    "intake/contacts/{pk}/need/": ("get", "contact", 403, True),
    "intake/notifications/{pk}/": ("get", "notification", 404, True),
    "intake/notifications/{pk}/urgency/": ("post", "notification", 404, True),
    "intake/notifications/{pk}/decision/": ("post", "notification", 404, True),
    "intake/notifications/{pk}/assessment/": ("post", "notification", 404, True),
    "intake/needs/{pk}/": ("get", "service_need", 404, True),
    "intake/needs/{pk}/allocate/": ("post", "service_need", 404, True),
    "intake/needs/{pk}/close/": ("post", "service_need", 404, True),
    "intake/needs/{pk}/candidates/": ("get", "service_need", 404, True),
    "api/service-needs/{pk}/candidates/": ("get", "service_need", 404, True),
    # a queue proposal names families: its creator's only; an absence's re-plan names
    # the absent worker's families: for whoever plans the worker's shifts
    "allocation/proposals/{pk}/": ("get", "proposal", 404, True),
    "allocation/proposals/{pk}/again/": ("post", "proposal", 404, True),
    "allocation/proposals/{pk}/accept/": ("post", "proposal", 404, True),
    "allocation/proposal-rows/{pk}/": ("post", "proposal_row", 404, True),
    "allocation/absences/{pk}/": ("get", "absence", 404, True),
    "api/proposals/{pk}/": ("get", "proposal", 404, True),
    "api/proposals/{pk}/accept/": ("post", "proposal", 404, True),
    "api/proposal-rows/{pk}/edit/": ("post", "proposal_row", 404, True),
    "api/absences/{pk}/plan/": ("get", "absence", 404, True),
    "api/absences/{pk}/replan/": ("post", "absence", 404, True),
    "allocation/absences/{pk}/withdraw/": ("post", "absence", 404, True),
    "api/absences/{pk}/withdraw/": ("post", "absence", 404, True),
    # a day's route lists the worker's visits with their families: their own or their planner's
    "allocation/routes/{pk}/": ("get", "worker", 404, True),
    "api/routes/{pk}/": ("get", "worker", 404, True),
    "api/routes/{pk}/accept/": ("post", "worker", 404, True),
    # purchased services are managers', coordinators' and administrators': others are
    # refused before any lookup (their own scope: tests/reports/test_purchases.py)
    "reports/purchases/{pk}/": ("get", "purchase", 403, True),
    "reports/purchases/{pk}/delete/": ("post", "purchase", 403, True),
    "api/purchased-services/{pk}/": ("get", "purchase", 403, True),
    # an emergency access names its family: reviewed by managers only (refusal logged)
    "emergency/reviews/{pk}/": ("post", "break_glass", 403, True),
}
NOT_CLIENT_DATA = {
    "workers/{pk}/calendar/": ("get", "worker", 200),  # another worker's calendar: busy time only
    "api/shifts/{pk}/": ("get", "shift", 200),  # working time, shown as busy time to everyone
    "api/workers/{pk}/": ("get", "worker", 200),
    "api/organisations/{pk}/": ("get", "organisation", 200),
    "api/units/{pk}/": ("get", "unit", 200),
    "api/services/{pk}/": ("get", "service", 200),
    "api/work-types/{pk}/": ("get", "work_type", 200),
    "disclosure-rules/{pk}/": ("get", "disclosure_rule", 403),  # administrators only
    "api-tokens/{pk}/revoke/": ("post", "api_token", 403),  # a system's token: administrators only
    # the public meeting places and their programme: open to everyone by design
    "kohtaamispaikat/{pk}/": ("get", "meeting_place", 200),
    "kohtaamispaikat/{pk}/ohjelma.ics": ("get", "meeting_place", 200),
    "api/reports/{pk}/": ("get", "report", 403),  # {pk} is a report's name; managers and coordinators only
}
CLIENT_DATA |= {
    "families/{pk}/overview/": ("get", "family", 404, True),
    "families/{pk}/summary/": ("get", "family", 404, True),
    "families/{pk}/named-workers/": ("post", "family", 404, True),
    "named-workers/{pk}/end/": ("post", "named_worker", 404, True),
    "families/{pk}/client-groups/": ("post", "family", 404, True),
    "client-groups/{pk}/end/": ("post", "client_group", 404, True),
    "families/{pk}/meetings/new/": ("get", "family", 404, True),
    "meetings/{pk}/": ("get", "network_meeting", 404, True),
    "api/family-overviews/{pk}/": ("get", "family", 404, True),
    "api/named-workers/{pk}/end/": ("post", "named_worker", 404, True),
    "api/network-meetings/{pk}/": ("get", "network_meeting", 404, True),
    "api/network-meetings/{pk}/record/": ("post", "network_meeting", 404, True),
}
# The one way past the rules, by design: opening a family in an emergency with a reason
# (tests/access/test_break_glass.py).
BY_DESIGN = {"emergency/{pk}/open/"}


def _routes():
    """Routes that take an id ({pk}), the admin and format suffixes aside."""
    return {r for r in routes() if "{pk}" in r and "format" not in r and not r.startswith("admin/")}


def test_every_id_taking_route_is_classified():
    assert _routes() == set(CLIENT_DATA) | set(NOT_CLIENT_DATA) | BY_DESIGN


def test_a_worker_without_relationship_gets_404_and_the_attempt_is_logged(client, worker_user, worker, work_type):
    stranger_worker = make_worker("Vieras Työntekijä")
    family = FamilyFactory(name="Perhe Salainen")
    person = make_person(family, first="Salla")
    appointment = services.appointment_book(
        actor=None,
        worker=stranger_worker,
        work_type=work_type,
        family=family,
        start=local(2026, 9, 14, 9),
        end=local(2026, 9, 14, 10),
        confirm_outside_shift=True,
    )
    shift = services.shift_create(worker=stranger_worker, start=local(2026, 9, 14, 8), end=local(2026, 9, 14, 16))
    guardian = make_person(family, first="Sanna", role=Person.Role.GUARDIAN, born=dt.date(1985, 1, 1))
    consent = consent_record(actor=make_user("yllapito", ADMINISTRATOR), person=person, given_by=guardian)
    grant = BreakGlass.objects.create(
        user=consent.recorded_by, family=family, reason="Kiireellinen tilanne", expires_at=local(2030, 1, 1)
    )
    rule = DisclosureRule.objects.create(target_service=work_type.service, mode="never")
    from perhekeskus.access.services import api_token_issue
    from perhekeskus.network.models import MeetingPlace

    meeting_place = MeetingPlace.objects.create(
        name="Kohtaamispaikka", organiser_id=worker.organisation_id, municipality="Varkaus", address="Katu 1"
    )
    api_token, _raw = api_token_issue(
        actor=make_user("yllapito-idor", ADMINISTRATOR), name="Walker", roles=["manager"], days=1
    )
    organisation = Organisation.objects.create(name="Alue", kind="wellbeing_area", answers_for_municipalities="Varkaus")
    child_protection = Service.objects.create(
        organisation=organisation,
        name="Lastensuojelu",
        level="specialised",
        sector="social",
        receives_child_welfare_notifications=True,
    )
    contact = intake_services.contact_record(
        actor=None, channel="phone", organisation=organisation, message="Salainen huoli", family=family
    )
    notification = intake_services.notification_record(
        actor=None, service=child_protection, family=family, content="Salainen ilmoitus", notifier="police"
    )
    need = intake_services.service_need_record(
        actor=None, family=family, service=work_type.service, work_type=work_type, source="phone"
    )
    purchase = PurchasedService.objects.create(
        purchaser=organisation, provider=worker.organisation, service=work_type.service, family=family,
        start_date=dt.date(2026, 9, 1), end_date=dt.date(2026, 9, 30), lump_sum=1000, amount=1000,
    )  # fmt: skip
    proposal = Proposal.objects.create(created_by=consent.recorded_by, status="done")
    row = ProposalRow.objects.create(proposal=proposal, need=need, worker=stranger_worker, weekdays=[1])
    absence = services.absence_record(
        actor=None, worker=stranger_worker, start=local(2026, 9, 14, 0), end=local(2026, 9, 15, 0), reason="ill"
    )
    named = NamedWorker.objects.create(
        family=family, worker=stranger_worker, role="own_worker", start_date=dt.date(2026, 1, 1)
    )
    group = FamilyClientGroup.objects.create(family=family, group="nepsy", start_date=dt.date(2026, 1, 1))
    meeting = NetworkMeeting.objects.create(
        family=family, appointment=appointment, requested_by="family", consent_given_by="Sanna"
    )
    ids = {
        "named_worker": named.pk,
        "client_group": group.pk,
        "network_meeting": meeting.pk,
        "proposal": proposal.pk,
        "proposal_row": row.pk,
        "absence": absence.pk,
        "purchase": purchase.pk,
        "report": "family_hours",
        "family": family.pk,
        "appointment": appointment.pk,
        "person": person.pk,
        "worker": stranger_worker.pk,
        "shift": shift.pk,
        "organisation": worker.organisation_id,
        "unit": worker.unit_id,
        "service": work_type.service_id,
        "work_type": work_type.pk,
        "consent": consent.pk,
        "break_glass": grant.pk,
        "disclosure_rule": rule.pk,
        "api_token": api_token.pk,
        "meeting_place": meeting_place.pk,
        "contact": contact.pk,
        "notification": notification.pk,
        "service_need": need.pk,
    }
    client.force_login(worker_user)
    api = APIClient()
    api.force_authenticate(worker_user)
    for route, spec in {**CLIENT_DATA, **{k: (*v, False) for k, v in NOT_CLIENT_DATA.items()}}.items():
        method, kind, expected, logged = spec
        url = "/" + route.format(pk=ids[kind])
        requester = api if route.startswith("api/") else client
        before = AccessEvent.objects.filter(basis="refused").count()
        response = getattr(requester, method)(url, {"reason": "worker_ill"} if method == "post" else None)
        assert response.status_code == expected, (url, response.status_code)
        body = response.content.decode()
        for secret in ("Salainen", "Salla", "Sanna", "Miettistenkuja"):
            assert secret not in body, (url, secret)
        refused = AccessEvent.objects.filter(basis="refused").count() - before
        assert refused == (1 if logged else 0), (url, refused)
    assert AccessEvent.objects.exclude(basis="refused").count() == 0  # nothing was shown
