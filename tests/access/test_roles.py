"""Roles scoped to an organisation or a unit; the disclosure-rule page; the person's
access report."""

import pytest
from django.core.exceptions import ValidationError

from perhekeskus.access.models import AccessEvent, DisclosureRule
from perhekeskus.people.models import RoleAssignment
from perhekeskus.people.roles import ADMINISTRATOR, COORDINATOR, WORKER, role_assign
from perhekeskus.people.services import named_worker_assign
from perhekeskus.scheduling import services
from perhekeskus.scheduling.models import Appointment

from ..factories import (
    OrganisationFactory,
    ServiceFactory,
    UnitFactory,
    local,
    make_person,
    make_user,
    make_worker,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_orgs(work_type, family):
    ngo, area = OrganisationFactory(name="Järjestö"), OrganisationFactory(name="Hyvinvointialue")
    ours = make_worker("Oona Oma", unit=UnitFactory(organisation=ngo))
    theirs = make_worker("Tuomas Toinen", unit=UnitFactory(organisation=area))
    for w, hour in ((ours, 9), (theirs, 11)):
        services.appointment_book(
            actor=None,
            worker=w,
            work_type=work_type,
            family=family,
            notes_to_heed="Koira kotona",
            start=local(2026, 9, 14, hour),
            end=local(2026, 9, 14, hour + 1),
            confirm_outside_shift=True,
        )
    return ngo, ours, theirs


def test_a_coordinator_plans_their_own_organisation_and_sees_the_rest_as_busy_time(client, two_orgs, work_type):
    ngo, ours, theirs = two_orgs
    client.force_login(make_user("jarjesto", COORDINATOR, organisation=ngo))
    html = client.get("/resources/?view=day&date=2026-09-14").content.decode()
    row = lambda w: html[html.index(f'id="row-{w.pk}"') :].split('class="tl-row"')[0]  # noqa: E731
    assert "Perhe Miettinen" in row(ours) and 'data-book="1"' in row(ours)
    assert "Perhe Miettinen" not in row(theirs) and "is-busy" in row(theirs) and 'data-book="1"' not in row(theirs)
    data = {
        "work_type": work_type.pk,
        "date": "2026-09-15",
        "start_time": "09:00",
        "end_time": "10:00",
        "unit_price": "62.00",
        "location_kind": "unit",
        "confirm_outside_shift": "on",
    }
    client.post("/appointments/new/", {**data, "worker": theirs.pk})
    assert not Appointment.objects.filter(participants__resource=theirs.resource, planned_start__date="2026-09-15")
    client.post("/appointments/new/", {**data, "worker": ours.pk})
    assert Appointment.objects.filter(participants__resource=ours.resource, planned_start__date="2026-09-15")
    theirs_appointment = Appointment.objects.filter(participants__resource=theirs.resource).first()
    assert client.get(f"/appointments/{theirs_appointment.pk}/").status_code == 404


def test_a_unit_scope_and_several_roles(client, two_orgs):
    _ngo, ours, theirs = two_orgs
    user = make_user("yksikko", COORDINATOR, unit=theirs.unit)
    role_assign(user=user, role=WORKER)
    assert RoleAssignment.objects.filter(user=user).count() == 2
    client.force_login(user)
    html = client.get("/resources/?view=day&date=2026-09-14").content.decode()
    row = lambda w: html[html.index(f'id="row-{w.pk}"') :].split('class="tl-row"')[0]  # noqa: E731
    assert "Perhe Miettinen" in row(theirs) and "Perhe Miettinen" not in row(ours)  # only the unit's
    with pytest.raises(ValidationError):  # both scopes at once is refused
        role_assign(user=user, role=COORDINATOR, organisation=ours.organisation, unit=ours.unit)


def test_the_administrator_edits_disclosure_rules_and_mistakes_are_explained_in_finnish(client):
    s1, s2 = ServiceFactory(name="Lastensuojelu"), ServiceFactory(name="Perhetyö")
    client.force_login(make_user("admin", ADMINISTRATOR))
    r = client.post("/disclosure-rules/", {"source_service": s1.pk, "target_service": s2.pk, "mode": "never"})
    assert r.status_code == 302
    rule = DisclosureRule.objects.get()
    assert (rule.source_service, rule.target_service, rule.mode) == (s1, s2, "never")
    r = client.post("/disclosure-rules/", {"source_service": s1.pk, "target_service": s2.pk, "mode": "automatic"})
    assert "on jo olemassa" in r.content.decode()  # "already exists", in Finnish
    r = client.post("/disclosure-rules/", {"source_service": "", "target_service": "", "mode": "automatic"})
    assert "Valitse vähintään toinen palveluista." in r.content.decode()
    assert DisclosureRule.objects.count() == 1
    client.post(f"/disclosure-rules/{rule.pk}/", {"source_service": s1.pk, "target_service": s2.pk, "mode": "consent"})
    rule.refresh_from_db()
    assert rule.mode == "consent" and rule.updated_by.username == "admin"
    client.force_login(make_user("koord", COORDINATOR))
    assert client.get("/disclosure-rules/").status_code == 403


def test_a_persons_access_report(client, worker, worker_user, work_type, family):
    person = make_person(family, first="Aino")
    a = services.appointment_book(
        actor=None,
        worker=worker,
        work_type=work_type,
        family=family,
        persons=[person],
        start=local(2026, 9, 14, 9),
        end=local(2026, 9, 14, 10),
        confirm_outside_shift=True,
    )
    client.force_login(worker_user)
    client.get(f"/appointments/{a.pk}/")
    assert client.get(f"/persons/{person.pk}/access-log/").status_code == 404  # an appointment is not enough
    named = make_worker("Nimetty Työntekijä", user=make_user("nimetty"))
    named_worker_assign(actor=None, family=family, worker=named, role="responsible_worker")
    client.force_login(named.user)
    html = client.get(f"/persons/{person.pk}/access-log/").content.decode()
    assert "Päivi Perhetyöntekijä" in html and "Aino" in html  # the worker by name, not username
    assert AccessEvent.objects.filter(object_type="person_access_report", object_id=person.pk).exists()


def test_each_role_starts_from_its_own_page(client, worker_user, worker, coordinator, manager):
    client.force_login(worker_user)
    assert client.get("/")["Location"] == f"/workers/{worker.pk}/calendar/"
    # each role where its day starts: the coordinator's resource view, the manager's
    # reports, service guidance's inbox
    for user, first_page in (
        (coordinator, "/resources/"),
        (manager, "/reports/"),
        (make_user("ohjaus", "service_guidance"), "/intake/"),
    ):
        client.force_login(user)
        assert client.get("/")["Location"] == first_page
