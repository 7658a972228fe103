"""The write path through the front door: a booking (or any write) can no longer open a
family, forms echo nothing, errors tell nothing, protected addresses survive the API,
a scoped coordinator stays in scope. Each test is one finding of the outside test
(issue 13) and would fail on the code before it."""

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from perhekeskus.access import frontdoor, policy
from perhekeskus.access.models import AccessEvent
from perhekeskus.intake import services as intake_services
from perhekeskus.intake.models import ServiceNeed
from perhekeskus.people.models import Person
from perhekeskus.people.roles import COORDINATOR
from perhekeskus.people.services import person_set_address_non_disclosure
from perhekeskus.scheduling import services
from perhekeskus.scheduling.models import Appointment

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

SECRETS = ("Salaperäinen", "Helmi", "Miettistenkuja", "78300", "Varkaus")


def _soon(days=3, hour=10):
    day = timezone.localdate() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


@pytest.fixture
def setting(db):
    """An NGO family partner with no relationship to a protected family the wellbeing
    area's family worker visits."""
    area, ngo = OrganisationFactory(name="Hyvinvointialue"), OrganisationFactory(name="Järjestö", kind="ngo")
    family_work = ServiceFactory(organisation=area, name="Perhetyö")
    partner_service = ServiceFactory(organisation=ngo, name="Perhekumppanuus")
    partner = make_worker(
        "Kerttu Kumppani", unit=UnitFactory(organisation=ngo), service=partner_service, user=make_user("kumppani")
    )
    family_worker = make_worker(
        "Fanni Perhetyö", unit=UnitFactory(organisation=area), service=family_work, user=make_user("perhetyo")
    )
    family = FamilyFactory(name="Perhe Salaperäinen", address="Miettistenkuja 2", postal_code="78300")
    child = make_person(family, first="Helmi")
    guardian = make_person(family, first="Hanna", role=Person.Role.GUARDIAN, born=dt.date(1985, 2, 2))
    person_set_address_non_disclosure(person=guardian, value=True)
    family.refresh_from_db()
    wt = WorkTypeFactory(service=family_work, name="Kotikäynti")
    visit = services.appointment_book(
        actor=None,
        worker=family_worker,
        work_type=wt,
        family=family,
        persons=[child],
        location_kind=Appointment.LocationKind.CLIENT_HOME,
        start=_soon(),
        end=_soon(hour=11),
        confirm_outside_shift=True,
    )
    partner_wt = WorkTypeFactory(service=partner_service, name="Perhekumppanin tapaaminen")
    return {
        "area": area,
        "ngo": ngo,
        "partner": partner,
        "family_worker": family_worker,
        "family": family,
        "child": child,
        "guardian": guardian,
        "visit": visit,
        "wt": partner_wt,
        "family_wt": wt,
    }


def _api(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def _payload(worker, wt, **extra):
    return {
        "worker": worker.pk,
        "work_type": wt.pk,
        "planned_start": _soon(5).isoformat(),
        "planned_end": _soon(5, 11).isoformat(),
        "confirm_outside_shift": True,
        **extra,
    }


def _refused(family) -> int:
    return AccessEvent.objects.filter(basis="refused", family_id=family.pk).count()


def test_a_booking_through_the_api_cannot_open_a_family(setting):
    partner, family = setting["partner"], setting["family"]
    api = _api(partner.user)
    assert api.get(f"/api/families/{family.pk}/").status_code == 404
    before = Appointment.objects.count()
    r = api.post("/api/appointments/", _payload(partner, setting["wt"], family=family.pk), format="json")
    unknown = api.post("/api/appointments/", _payload(partner, setting["wt"], family=family.pk + 999), format="json")
    # refused with the same answer as a family that does not exist, nothing saved, logged
    assert r.status_code == unknown.status_code == 400
    assert r.json() == unknown.json() == {"family": [str(frontdoor.FAMILY_UNKNOWN)]}
    assert Appointment.objects.count() == before
    assert _refused(family) >= 1
    for secret in SECRETS:
        assert secret not in r.content.decode()
    # and the family is still closed everywhere
    assert api.get(f"/api/families/{family.pk}/").status_code == 404
    assert all(p["id"] not in (setting["child"].pk,) for p in api.get("/api/persons/").json()["results"])
    c = _client_for(partner.user)
    assert c.get(f"/families/{family.pk}/calendar/").status_code == 404


def _client_for(user):
    from django.test import Client

    c = Client()
    c.force_login(user)
    return c


def test_changing_the_family_of_ones_own_appointment_cannot_open_a_family(setting):
    partner, family = setting["partner"], setting["family"]
    own = services.appointment_book(
        actor=partner.user, worker=partner, work_type=setting["wt"], start=_soon(6), end=_soon(6, 11),
        confirm_outside_shift=True,
    )  # fmt: skip
    api = _api(partner.user)
    r = api.patch(f"/api/appointments/{own.pk}/", {"family": family.pk}, format="json")
    assert r.status_code == 400 and r.json() == {"family": [str(frontdoor.FAMILY_UNKNOWN)]}
    own.refresh_from_db()
    assert own.family_id is None
    assert policy.family_access_basis(partner.user, family.pk) is None


def test_the_booking_page_neither_books_nor_echoes_a_family_it_may_not_name(setting):
    partner, family = setting["partner"], setting["family"]
    c = _client_for(partner.user)
    before = Appointment.objects.count()
    refused_before = _refused(family)
    form = {
        "worker": partner.pk,
        "work_type": setting["wt"].pk,
        "date": _soon(5).date().isoformat(),
        "start_time": "10:00",
        "end_time": "11:00",
        "location_kind": "unit",
        "family": family.pk,
        "persons": [setting["child"].pk],
    }
    r = c.post("/appointments/new/", form)
    html = r.content.decode()
    assert r.status_code == 200 and Appointment.objects.count() == before
    for secret in SECRETS + ("Hanna",):
        assert secret not in html, secret
    assert str(frontdoor.FAMILY_UNKNOWN) in html
    # the attempt is logged; nothing of the family was shown, so nothing else is
    assert _refused(family) == refused_before + 1
    assert not AccessEvent.objects.filter(family_id=family.pk).exclude(basis="refused").filter(username="kumppani")
    # the same words for an id that does not exist
    unknown = c.post("/appointments/new/", {**form, "family": family.pk + 999, "persons": []}).content.decode()
    assert str(frontdoor.FAMILY_UNKNOWN) in unknown
    # the persons field of the form answers 404 for the family, like for an unknown one
    assert c.get(f"/families/persons/?family={family.pk}").status_code == 404
    assert c.get(f"/families/persons/?family={family.pk + 999}").status_code == 404


def test_a_persons_error_says_nothing_of_whose_the_person_is(setting):
    """A coordinator reaches every family; naming a person of another family and naming
    an id that does not exist give the same message."""
    coordinator = make_user("koord", COORDINATOR)
    other = FamilyFactory(name="Perhe Toinen")
    stranger = make_person(other, first="Vieras")
    api = _api(coordinator)
    base = _payload(setting["family_worker"], setting["family_wt"], family=setting["family"].pk)
    a = api.post("/api/appointments/", {**base, "persons": [stranger.pk]}, format="json")
    b = api.post("/api/appointments/", {**base, "persons": [stranger.pk + 999]}, format="json")
    assert a.status_code == b.status_code == 400
    assert a.json() == b.json() == {"persons": [str(frontdoor.PERSON_UNKNOWN)]}


def test_a_cancelled_appointment_gives_no_access(setting):
    family_worker, family = setting["family_worker"], setting["family"]
    assert policy.family_access_basis(family_worker.user, family.pk) == "appointment"
    services.appointment_cancel(actor=None, appointment=setting["visit"], reason="client_cancelled")
    assert policy.family_access_basis(family_worker.user, family.pk) is None
    assert family not in policy.reachable_families(family_worker.user)
    assert _client_for(family_worker.user).get(f"/families/{family.pk}/calendar/").status_code == 404


def test_a_worker_with_a_relationship_books_for_the_family(setting):
    """The rule is not a wall: the family worker who visits the family books its next
    visit, and the booking is logged on the family."""
    family_worker, family = setting["family_worker"], setting["family"]
    api = _api(family_worker.user)
    r = api.post(
        "/api/appointments/",
        _payload(family_worker, setting["family_wt"], family=family.pk, persons=[setting["child"].pk]),
        format="json",
    )
    assert r.status_code == 201, r.content
    assert AccessEvent.objects.filter(family_id=family.pk, action="create", username="perhetyo").exists()


def test_the_api_keeps_a_protected_address_it_did_not_show(setting):
    coordinator = make_user("koord", COORDINATOR)
    api = _api(coordinator)
    visit = setting["visit"]
    data = api.get(f"/api/appointments/{visit.pk}/").json()
    assert data["address"] == ""  # a coordinator never sees an address under non-disclosure
    r = api.patch(
        f"/api/appointments/{visit.pk}/", {"address": data["address"], "notes_to_heed": "Koira"}, format="json"
    )
    assert r.status_code == 200, r.content
    visit.refresh_from_db()
    assert visit.address.startswith("Miettistenkuja 2") and visit.notes_to_heed == "Koira"


def test_non_disclosure_hides_postal_code_and_municipality_too(setting):
    coordinator = make_user("koord", COORDINATOR)
    data = _api(coordinator).get(f"/api/families/{setting['family'].pk}/").json()
    assert data["address"] == data["postal_code"] == data["municipality"] == ""
    # the visiting worker sees them
    mine = _api(setting["family_worker"].user).get(f"/api/families/{setting['family'].pk}/").json()
    assert (mine["address"], mine["postal_code"], mine["municipality"]) == ("Miettistenkuja 2", "78300", "Varkaus")
    # and the family page and the search show nothing of them to the coordinator
    c = _client_for(coordinator)
    page = c.get(f"/families/{setting['family'].pk}/calendar/").content.decode()
    found = c.post("/families/search/", {"q": "Salaperäinen"}).content.decode()
    for html in (page, found):
        assert "Miettistenkuja" not in html and "78300" not in html


def test_search_finds_a_family_by_a_childs_first_name(setting):
    coordinator = make_user("koord", COORDINATOR)
    html = _client_for(coordinator).post("/families/search/", {"q": "Helmi"}).content.decode()
    assert "Perhe Salaperäinen" in html


def test_a_masked_family_cannot_be_saved_back(setting):
    family = policy.mask_family(type(setting["family"]).objects.get(pk=setting["family"].pk), visible=False)
    with pytest.raises(ValueError):
        family.save()


def test_an_organisation_scoped_coordinator_cannot_close_another_organisations_need(setting):
    """A unit scope of None matched a unit of None: an NGO coordinator could close the
    wellbeing area's need and cancel its visits."""
    need = intake_services.service_need_record(
        actor=None,
        family=setting["family"],
        service=setting["family_wt"].service,
        work_type=setting["family_wt"],
        source="phone",
    )
    ngo_coordinator = make_user("jarjestokoord", COORDINATOR, organisation=setting["ngo"])
    assert not policy.may_allocate(ngo_coordinator, need)
    assert not policy.may_close_need(ngo_coordinator, need)
    c = _client_for(ngo_coordinator)
    r = c.post(f"/intake/needs/{need.pk}/close/", {"outcome": "declined"})
    assert r.status_code in (403, 404)
    need.refresh_from_db()
    assert need.status == ServiceNeed.Status.WAITING
    # its own organisation's coordinator may
    area_coordinator = make_user("aluekoord", COORDINATOR, organisation=setting["area"])
    assert policy.may_close_need(area_coordinator, need)


def test_in_scope_never_matches_a_missing_unit(setting):
    from perhekeskus.people.roles import in_scope

    ngo_coordinator = make_user("jarjestokoord", COORDINATOR, organisation=setting["ngo"])
    assert not in_scope(ngo_coordinator, COORDINATOR, organisation_id=setting["area"].pk, unit_id=None)
    assert in_scope(ngo_coordinator, COORDINATOR, organisation_id=setting["ngo"].pk, unit_id=None)


def test_the_booking_service_itself_refuses_a_family_the_actor_does_not_reach(setting):
    """Defence in depth: a new view that forgot the use case still cannot book."""
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        services.appointment_book(
            actor=setting["partner"].user,
            worker=setting["partner"],
            work_type=setting["wt"],
            family=setting["family"],
            start=_soon(7),
            end=_soon(7, 11),
            confirm_outside_shift=True,
        )
    assert "family" in exc.value.message_dict
    assert not Appointment.objects.filter(family=setting["family"], planned_start=_soon(7)).exists()


def test_the_need_service_itself_refuses_a_closer_without_the_right(setting):
    from django.core.exceptions import PermissionDenied

    need = intake_services.service_need_record(
        actor=None, family=setting["family"], service=setting["family_wt"].service,
        work_type=setting["family_wt"], source="phone",
    )  # fmt: skip
    with pytest.raises(PermissionDenied):
        intake_services.service_need_close(actor=setting["partner"].user, need=need, outcome="declined")
    need.refresh_from_db()
    assert need.status == ServiceNeed.Status.WAITING


def test_families_of_one_name_can_be_told_apart_in_the_search(setting):
    coordinator = make_user("koord", COORDINATOR)
    twin = FamilyFactory(name="Perhe Salaperäinen", address="Toinen katu 5")
    make_person(twin, first="Veeti", born=dt.date(2016, 3, 3))
    html = _client_for(coordinator).post("/families/search/", {"q": "Salaperäinen"}).content.decode()
    assert "Hanna 1985, Helmi 2018" in html and "Veeti 2016" in html
