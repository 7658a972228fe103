import pytest

from perhekeskus.network.models import Organisation, Service
from perhekeskus.people.roles import SERVICE_GUIDANCE
from tests.factories import OrganisationFactory, ServiceFactory, UnitFactory, WorkTypeFactory, make_user, make_worker


@pytest.fixture
def region(db):
    """A wellbeing area answering Varkaus in two working days, a child-protection service
    and a family-work service."""
    org = OrganisationFactory(
        name="Hyvinvointialue", answers_for_municipalities="Varkaus, Leppävirta", help_answer_working_days=2
    )
    child_protection = ServiceFactory(
        organisation=org,
        name="Lastensuojelu",
        level=Service.Level.SPECIALISED,
        receives_child_welfare_notifications=True,
    )
    family_work = ServiceFactory(organisation=org, name="Perhetyö")
    return {
        "org": org,
        "cp": child_protection,
        "family_work": family_work,
        "cp_unit": UnitFactory(organisation=org, name="Lastensuojelu"),
        "fw_unit": UnitFactory(organisation=org, name="Perhetyö"),
        "work_type": WorkTypeFactory(service=family_work, name="Tehostettu perhetyö"),
    }


@pytest.fixture
def guidance(region):
    return make_user("ohjaaja", SERVICE_GUIDANCE, organisation=region["org"])


@pytest.fixture
def cp_worker(region):
    user = make_user("sosiaalityontekija")
    return make_worker(
        "Sanna Sosiaalityöntekijä", unit=region["cp_unit"], profession="social_worker", user=user, service=region["cp"]
    )


@pytest.fixture
def other_org(db):
    return Organisation.objects.create(name="Toinen kunta", kind="municipality", answers_for_municipalities="Kemi")


@pytest.fixture(autouse=True)
def _series_without_holidays(no_public_holidays):
    """Allocations here book weekly series from next Monday on today's calendar: they run
    as if no public holiday fell in them (tests/allocation has the holiday test)."""
