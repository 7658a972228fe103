"""Factories for tests: small, explicit data made for each test."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import factory
from django.contrib.auth import get_user_model

from perhekeskus.network.models import Organisation, Service, Unit
from perhekeskus.people.models import Family, Membership, Person, Worker
from perhekeskus.people.roles import role_assign
from perhekeskus.scheduling.models import Shift, WorkType
from perhekeskus.scheduling.services import worker_create

HELSINKI = ZoneInfo("Europe/Helsinki")


def local(y, m, d, hh=0, mm=0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=HELSINKI)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisaatio {n}")
    kind = Organisation.Kind.WELLBEING_AREA


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Yksikkö {n}")
    address = "Savontie 22, 78300 Varkaus"


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Palvelu {n}")
    level = Service.Level.EARLY_SUPPORT
    sector = Service.Sector.SOCIAL


class WorkTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkType

    service = factory.SubFactory(ServiceFactory)
    name = factory.Sequence(lambda n: f"Tehostettu perhetyö {n}")
    work_class = "direct_client"
    default_unit_price = Decimal("62.00")


class FamilyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Family

    name = factory.Sequence(lambda n: f"Perhe Testinen{n}")
    address = "Miettistenkuja 2"
    postal_code = "78300"
    municipality = "Varkaus"


def make_worker(name="Päivi Perhetyöntekijä", unit=None, profession="family_worker", user=None, service=None) -> Worker:
    first, last = name.split(" ", 1)
    unit = unit or UnitFactory()
    return worker_create(
        first_name=first,
        last_name=last,
        organisation=unit.organisation,
        unit=unit,
        profession=profession,
        user=user,
        service=service,
    )


def make_person(family: Family, first="Aino", role=Person.Role.CHILD, born=dt.date(2018, 5, 1)) -> Person:
    person = Person.objects.create(first_name=first, last_name=family.name.split()[-1], birth_date=born)
    Membership.objects.create(family=family, person=person, role=role)
    return person


def make_user(username: str, *roles: str, password="salasana-testi-123", organisation=None, unit=None):
    """A user with these roles, for the whole region or scoped to an organisation or unit."""
    user = get_user_model().objects.create_user(username=username, password=password)
    for role in roles:
        role_assign(user=user, role=role, organisation=organisation, unit=unit)
    return user


def add_shift(worker: Worker, start: dt.datetime, end: dt.datetime) -> Shift:
    return Shift.objects.create(worker=worker, start=start, end=end)


def add_shifts(worker: Worker, first_day: dt.date, days: int, hours=(8, 16)) -> None:
    for i in range(days):
        d = first_day + dt.timedelta(days=i)
        add_shift(
            worker,
            dt.datetime.combine(d, dt.time(hours[0]), tzinfo=HELSINKI),
            dt.datetime.combine(d, dt.time(hours[1]), tzinfo=HELSINKI),
        )
