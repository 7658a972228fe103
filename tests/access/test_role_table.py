"""Role x scope x relationship x entry point, for reads and writes: who reaches the
family's page (page and API) and who may book a visit for it (page and API), in one
table. The rule for writes is ``policy.family_write_basis`` (docs/access.md): one must
already reach the family; the roles that reach every family by role may book the workers
within their scope; a relationship is never made by the booking itself; break-glass
reads only."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from perhekeskus.access.models import AccessEvent, BreakGlass
from perhekeskus.intake.models import ServiceNeed
from perhekeskus.intake.services import service_need_record
from perhekeskus.people.roles import ADMINISTRATOR, COORDINATOR, MANAGER, NETWORK_COORDINATOR, SERVICE_GUIDANCE
from perhekeskus.people.services import named_worker_assign
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


def _soon(days=3, hour=10):
    day = timezone.localdate() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


# (who, scope, relationship) -> (reads the family: page and API, books for it: page and API)
TABLE = [
    ("worker", "-", "none", False, False),
    ("worker", "-", "named_worker", True, True),
    ("worker", "-", "appointment", True, True),
    ("worker", "-", "cancelled_appointment", False, False),
    ("worker", "-", "old_appointment", False, False),
    ("worker", "-", "allocated_need", True, True),
    ("worker", "-", "closed_need", False, False),
    ("worker", "-", "break_glass", True, False),
    ("worker", "-", "expired_break_glass", False, False),
    ("coordinator", "region", "none", True, True),
    ("coordinator", "same_org", "none", True, True),
    ("coordinator", "other_org", "none", True, False),  # reaches by role; the worker is not theirs
    ("coordinator", "same_unit", "none", True, True),
    ("coordinator", "other_unit", "none", True, False),
    ("network_coordinator", "same_org", "none", True, True),
    ("network_coordinator", "other_org", "none", True, False),
    ("guidance", "region", "none", True, False),  # finds families; books no one's time
    ("manager", "region", "none", False, False),  # aggregates and keys only
    ("administrator", "region", "none", True, True),
]
ROLES = {
    "coordinator": COORDINATOR,
    "network_coordinator": NETWORK_COORDINATOR,
    "guidance": SERVICE_GUIDANCE,
    "manager": MANAGER,
    "administrator": ADMINISTRATOR,
}


@pytest.fixture
def place(db):
    area = OrganisationFactory(name="Hyvinvointialue")
    other = OrganisationFactory(name="Järjestö", kind="ngo")
    service = ServiceFactory(organisation=area, name="Perhetyö")
    unit, other_unit = UnitFactory(organisation=area), UnitFactory(organisation=area)
    booked = make_worker("Fanni Perhetyö", unit=unit, service=service, user=make_user("perhetyo"))
    family = FamilyFactory(name="Perhe Taulukko")
    child = make_person(family, first="Aada")
    return {
        "area": area,
        "other": other,
        "unit": unit,
        "other_unit": other_unit,
        "service": service,
        "booked": booked,
        "family": family,
        "child": child,
        "wt": WorkTypeFactory(service=service, name="Kotikäynti"),
    }


def _actor(place, who, scope, relationship):
    if who == "worker":
        user = make_user("tekija")
        worker = make_worker("Tiina Tekijä", unit=place["unit"], service=place["service"], user=user)
        _relate(place, worker, relationship)
        return user, worker
    where = {
        "region": {},
        "same_org": {"organisation": place["area"]},
        "other_org": {"organisation": place["other"]},
        "same_unit": {"unit": place["unit"]},
        "other_unit": {"unit": place["other_unit"]},
    }[scope]
    return make_user(f"{who}_{scope}", ROLES[who], **where), place["booked"]


def _relate(place, worker, relationship):
    family, now = place["family"], timezone.now()

    def visit(start, cancel=False):
        a = services.appointment_book(
            actor=None, worker=worker, work_type=place["wt"], family=family, start=start,
            end=start + dt.timedelta(hours=1), confirm_outside_shift=True,
        )  # fmt: skip
        if cancel:
            services.appointment_cancel(actor=None, appointment=a, reason="client_cancelled")

    if relationship == "named_worker":
        named_worker_assign(actor=None, family=family, worker=worker, role="family_partner")
    elif relationship == "appointment":
        visit(_soon(2))
    elif relationship == "cancelled_appointment":
        visit(_soon(2), cancel=True)
    elif relationship == "old_appointment":
        visit(now - dt.timedelta(days=200))
    elif relationship in ("allocated_need", "closed_need"):
        need = service_need_record(
            actor=None, family=family, service=place["service"], work_type=place["wt"], source="phone"
        )
        if relationship == "allocated_need":
            ServiceNeed.objects.filter(pk=need.pk).update(status=ServiceNeed.Status.ALLOCATED, worker=worker)
        else:
            ServiceNeed.objects.filter(pk=need.pk).update(
                status=ServiceNeed.Status.CLOSED, worker=worker, outcome="completed", closed_at=now
            )
    elif relationship in ("break_glass", "expired_break_glass"):
        expires = now + dt.timedelta(hours=4) if relationship == "break_glass" else now - dt.timedelta(minutes=1)
        BreakGlass.objects.create(
            user=worker.user, family=family, reason="Kiireellinen tilanne", at=now - dt.timedelta(hours=5),
            expires_at=expires,
        )  # fmt: skip


@pytest.mark.parametrize(("who", "scope", "relationship", "reads", "books"), TABLE)
def test_role_scope_relationship_entry_point(place, who, scope, relationship, reads, books):
    user, worker = _actor(place, who, scope, relationship)
    family = place["family"]
    page, api = Client(), APIClient()
    page.force_login(user)
    api.force_authenticate(user)
    # reads: the family's page and the API's family
    assert page.get(f"/families/{family.pk}/calendar/").status_code == (200 if reads else 404)
    assert api.get(f"/api/families/{family.pk}/").status_code == (200 if reads else 404)
    if not reads:
        assert AccessEvent.objects.filter(family_id=family.pk, username=user.username, basis="refused").count() == 2
    # writes: a visit for the family, through the page and through the API
    before = Appointment.objects.filter(family=family).count()
    form = {
        "worker": worker.pk,
        "work_type": place["wt"].pk,
        "date": _soon(9).date().isoformat(),
        "start_time": "09:00",
        "end_time": "10:00",
        "location_kind": "unit",
        "family": family.pk,
        "persons": [place["child"].pk],
        "confirm_outside_shift": "on",
    }
    r = page.post("/appointments/new/", form)
    assert (r.status_code == 302) is books, (r.status_code, r.content.decode()[:300])
    r = api.post(
        "/api/appointments/",
        {
            "worker": worker.pk,
            "work_type": place["wt"].pk,
            "planned_start": _soon(10).isoformat(),
            "planned_end": _soon(10, 11).isoformat(),
            "family": family.pk,
            "persons": [place["child"].pk],
            "confirm_outside_shift": True,
        },
        format="json",
    )
    assert (r.status_code == 201) is books, (r.status_code, r.content)
    if not books:
        assert r.status_code in (400, 403)
    assert Appointment.objects.filter(family=family).count() == before + (2 if books else 0)
