"""What each role sees of a family, by relationship and consent, for every kind of
data: the family page, each appointment on it, the appointment's own page, the API, and
the client's name in the resource view's day view.

One family, three appointments held by three services:
  fam  family work (Perhetyö), about the whole family
  cp   child protection (Lastensuojelu), about the child
  sub  substance-abuse work (Päihdetyö), about the guardian
Rules: child protection -> any: with consent; child protection -> family partner
(an NGO): never; substance-abuse -> family work: with consent; family work -> family
partner: automatic; other pairs: DISCLOSURE_DEFAULT (with consent)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from rest_framework.test import APIClient

from perhekeskus.access.models import AccessEvent, BreakGlass, Consent, DisclosureRule
from perhekeskus.access.services import consent_record, consent_withdraw
from perhekeskus.network.models import Service
from perhekeskus.people.models import Person
from perhekeskus.people.roles import ADMINISTRATOR, COORDINATOR, MANAGER, SERVICE_GUIDANCE
from perhekeskus.people.services import named_worker_assign
from perhekeskus.scheduling import services

from ..factories import (
    FamilyFactory,
    OrganisationFactory,
    ServiceFactory,
    UnitFactory,
    WorkTypeFactory,
    make_person,
    make_user,
    make_worker,
)

pytestmark = pytest.mark.django_db

ALL = {"fam", "cp", "sub"}

# viewer, consents, family page status, appointments shown in full, client name in the
# resource view's day view
CASES = [
    ("family_worker_named", "none", 200, {"fam"}, False),
    ("family_worker_named", "given", 200, ALL, False),
    ("family_worker_named", "withdrawn", 200, {"fam"}, False),
    ("family_worker_named", "expired", 200, {"fam"}, False),
    ("family_worker_named", "child_only", 200, {"fam", "cp"}, False),
    ("family_partner_named", "none", 200, {"fam"}, False),
    ("family_partner_named", "given", 200, {"fam", "sub"}, False),  # child protection: never
    ("cp_worker_participant", "none", 200, {"cp"}, True),  # their own appointment, in full
    ("cp_worker_participant", "given", 200, {"cp", "sub"}, True),  # the guardian's any -> any
    ("family_worker_unrelated", "given", 404, set(), False),
    ("coordinator", "none", 200, ALL, True),
    ("coordinator_of_another_org", "given", 200, set(), False),
    ("service_guidance", "given", 200, set(), False),
    ("manager", "given", 404, set(), False),
    ("administrator", "none", 200, ALL, True),
    ("emergency_access", "none", 200, ALL, False),
]


@pytest.fixture
def world(db):
    org = OrganisationFactory(name="Hyvinvointialue")
    ngo = OrganisationFactory(name="Järjestö", kind="ngo")
    s_fam = ServiceFactory(organisation=org, name="Perhetyö")
    s_cp = ServiceFactory(organisation=org, name="Lastensuojelu", level=Service.Level.SPECIALISED)
    s_sub = ServiceFactory(organisation=org, name="Päihdetyö", sector=Service.Sector.HEALTH)
    s_ngo = ServiceFactory(organisation=ngo, name="Perhekumppani", sector=Service.Sector.THIRD_SECTOR)
    DisclosureRule.objects.create(source_service=s_cp, mode="consent")
    DisclosureRule.objects.create(source_service=s_cp, target_service=s_ngo, mode="never")
    DisclosureRule.objects.create(source_service=s_sub, target_service=s_fam, mode="consent")
    DisclosureRule.objects.create(source_service=s_fam, target_service=s_ngo, mode="automatic")
    unit = UnitFactory(organisation=org, name="Perhetyö")
    ngo_unit = UnitFactory(organisation=ngo, name="Perhekumppanit")

    def worker(name, service, username, unit=unit):
        user = make_user(username)
        return make_worker(name, unit=unit, service=service, user=user)

    w = {
        "fam_doer": worker("Tiina Tekijä", s_fam, "tekija"),
        "cp": worker("Leena Lastensuojelu", s_cp, "ls"),
        "sub": worker("Paavo Päihde", s_sub, "paihde"),
        "family_worker": worker("Fanni Perhetyö", s_fam, "perhetyo"),
        "partner": worker("Kerttu Kumppani", s_ngo, "kumppani", unit=ngo_unit),
        "stranger": worker("Vilma Vieras", s_fam, "vieras"),
    }
    family = FamilyFactory(name="Perhe Salonen")
    guardian = make_person(family, first="Sanna", role=Person.Role.GUARDIAN, born=dt.date(1985, 1, 1))
    child = make_person(family, first="Siiri", born=timezone.localdate() - dt.timedelta(days=5 * 365))
    day = timezone.localdate() + dt.timedelta(days=2)
    start = dt.datetime.combine(day, dt.time(10), tzinfo=timezone.get_current_timezone())

    def book(key, worker_, service, persons, hour):
        wt = WorkTypeFactory(service=service, name=f"Käynti {key}")
        return services.appointment_book(
            actor=None,
            worker=worker_,
            work_type=wt,
            family=family,
            persons=persons,
            notes_to_heed="Koira kotona",
            start=start + dt.timedelta(hours=hour),
            end=start + dt.timedelta(hours=hour, minutes=45),
            confirm_outside_shift=True,
        )

    appointments = {
        "fam": book("fam", w["fam_doer"], s_fam, [], 0),
        "cp": book("cp", w["cp"], s_cp, [child], 1),
        "sub": book("sub", w["sub"], s_sub, [guardian], 2),
    }
    named_worker_assign(actor=None, family=family, worker=w["family_worker"], role="own_worker")
    named_worker_assign(actor=None, family=family, worker=w["partner"], role="family_partner")
    return {
        "org": org,
        "ngo": ngo,
        "services": {"fam": s_fam, "cp": s_cp, "sub": s_sub, "ngo": s_ngo},
        "workers": w,
        "family": family,
        "guardian": guardian,
        "child": child,
        "appointments": appointments,
        "start": start,
    }


def _consents(world, state: str) -> None:
    if state == "none":
        return
    recorder = world["workers"]["family_worker"].user
    # an expired consent was given for a month that ended yesterday (consents are
    # append-only: their validity is never edited afterwards)
    validity = (
        {
            "valid_from": timezone.localdate() - dt.timedelta(days=30),
            "valid_until": timezone.localdate() - dt.timedelta(days=1),
        }
        if state == "expired"
        else {}
    )
    given = [
        # the child's data from child protection, by the guardian (the child is 5)
        consent_record(
            actor=recorder,
            person=world["child"],
            given_by=world["guardian"],
            source_service=world["services"]["cp"],
            **validity,
        ),
    ]
    if state != "child_only":
        # the guardian's own, from any service to any
        given.append(consent_record(actor=recorder, person=world["guardian"], given_by=world["guardian"], **validity))
    if state == "withdrawn":
        for c in given:
            consent_withdraw(actor=recorder, consent=c)


def _viewer(world, name: str):
    w = world["workers"]
    if name == "family_worker_named":
        return w["family_worker"].user
    if name == "family_partner_named":
        return w["partner"].user
    if name == "cp_worker_participant":
        return w["cp"].user
    if name == "family_worker_unrelated":
        return w["stranger"].user
    if name == "coordinator":
        return make_user("koord", COORDINATOR)
    if name == "coordinator_of_another_org":
        return make_user("koord2", COORDINATOR, organisation=world["ngo"])
    if name == "service_guidance":
        return make_user("ohjaus", SERVICE_GUIDANCE)
    if name == "manager":
        return make_user("johtaja", MANAGER)
    if name == "administrator":
        return make_user("yllapito", ADMINISTRATOR)
    if name == "emergency_access":
        user = w["stranger"].user
        BreakGlass.objects.create(
            user=user,
            family=world["family"],
            reason="Kiireellinen tilanne illalla",
            expires_at=timezone.now() + dt.timedelta(hours=2),
        )
        return user
    raise AssertionError(name)


@pytest.mark.parametrize(("viewer", "consents", "family_status", "shown", "names_in_day_view"), CASES)
def test_what_each_role_sees(client, world, viewer, consents, family_status, shown, names_in_day_view):
    _consents(world, consents)
    user = _viewer(world, viewer)
    client.force_login(user)
    family = world["family"]
    appointments = world["appointments"]

    # the family page, and which appointments are on it
    r = client.get(f"/families/{family.pk}/calendar/?show=all")
    assert r.status_code == family_status
    html = r.content.decode()
    for key, a in appointments.items():
        assert (f"/appointments/{a.pk}/" in html) == (key in shown), (key, "family page")

    # each appointment's page, and the API
    api = APIClient()
    api.force_authenticate(user)
    for key, a in appointments.items():
        expected = 200 if key in shown else 404
        page = client.get(f"/appointments/{a.pk}/")
        assert page.status_code == expected, (key, "appointment page")
        if expected == 404:
            assert "Salonen" not in page.content.decode() and "Koira" not in page.content.decode()
        assert api.get(f"/api/appointments/{a.pk}/").status_code == expected, (key, "API")

    # the client's name in the resource view's day view (coordinators plan with it)
    day = timezone.localtime(world["start"]).date().isoformat()
    r = client.get(f"/resources/?view=day&date={day}")
    assert r.status_code == 200  # every viewer here sees at least busy time
    assert ("Perhe Salonen" in r.content.decode()) == names_in_day_view
    assert ("Koira kotona" in r.content.decode()) == names_in_day_view

    # every look at the family that was allowed is in the log with its basis
    if family_status == 200:
        basis = AccessEvent.objects.filter(object_type="family", family_id=family.pk).values_list("basis", flat=True)
        assert list(basis) and "refused" not in basis
        if viewer == "emergency_access":
            assert set(basis) == {"break_glass"}
    else:
        assert AccessEvent.objects.filter(family_id=family.pk, basis="refused").exists()


def test_consent_withdrawal_takes_effect_on_the_next_request(client, world):
    family_worker = world["workers"]["family_worker"]
    cp = world["appointments"]["cp"]
    consent = consent_record(
        actor=family_worker.user,
        person=world["child"],
        given_by=world["guardian"],
        source_service=world["services"]["cp"],
    )
    client.force_login(family_worker.user)
    assert client.get(f"/appointments/{cp.pk}/").status_code == 200
    assert f"/appointments/{cp.pk}/" in client.get(f"/families/{world['family'].pk}/calendar/").content.decode()
    r = client.post(f"/consents/{consent.pk}/withdraw/", follow=True)
    assert "Suostumus peruttu" in r.content.decode()
    # the very next request no longer shows the child-protection appointment
    assert client.get(f"/appointments/{cp.pk}/").status_code == 404
    html = client.get(f"/families/{world['family'].pk}/calendar/").content.decode()
    assert f"/appointments/{cp.pk}/" not in html
    consent.refresh_from_db()
    assert consent.withdrawal.withdrawn_at is not None and consent.withdrawal.recorded_by == family_worker.user
    assert AccessEvent.objects.filter(object_type="consent", object_id=consent.pk, action="update").exists()


def test_consents_are_recorded_by_the_right_person(world):
    recorder = world["workers"]["family_worker"].user
    child, guardian = world["child"], world["guardian"]
    with pytest.raises(ValidationError) as exc:
        consent_record(actor=recorder, person=child, given_by=child)  # a 5-year-old
    assert "given_by" in exc.value.message_dict
    teen = make_person(world["family"], first="Teemu", born=timezone.localdate() - dt.timedelta(days=15 * 365))
    with pytest.raises(ValidationError) as exc:
        consent_record(actor=recorder, person=teen, given_by=guardian)  # a 15-year-old's own
    assert "given_by" in exc.value.message_dict
    assert consent_record(actor=recorder, person=teen, given_by=teen).pk
    with pytest.raises(ValidationError) as exc:
        consent_record(
            actor=recorder,
            person=guardian,
            given_by=guardian,
            valid_from=timezone.localdate(),
            valid_until=timezone.localdate() - dt.timedelta(days=1),
        )
    assert "valid_until" in exc.value.message_dict
    assert Consent.objects.count() == 1


def test_the_consent_form_on_the_family_page_records_and_refuses_in_finnish(client, world):
    family_worker = world["workers"]["family_worker"]
    client.force_login(family_worker.user)
    url = f"/families/{world['family'].pk}/consents/"
    r = client.post(
        url,
        {"person": world["child"].pk, "given_by": world["child"].pk, "source_service": world["services"]["cp"].pk},
        follow=True,
    )
    assert "huoltaja" in r.content.decode()  # "... the consent is given by a guardian", in Finnish
    assert Consent.objects.count() == 0
    r = client.post(
        url,
        {"person": world["child"].pk, "given_by": world["guardian"].pk, "source_service": world["services"]["cp"].pk},
    )
    assert r.status_code == 302 and Consent.objects.count() == 1
    cp = world["appointments"]["cp"]
    assert client.get(f"/appointments/{cp.pk}/").status_code == 200
