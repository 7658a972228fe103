"""Each rule of access/policy.py has a yes/no form (one object) and a query form (lists);
on generated data they must agree, or a list would show what a page refuses (or the
other way round). Hypothesis builds small worlds of families, workers, relationships in
and out of force, roles and scopes; every pair of forms is compared on every object."""

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from perhekeskus.access import policy
from perhekeskus.access.models import BreakGlass
from perhekeskus.intake.models import Contact, ServiceNeed
from perhekeskus.intake.services import service_need_record
from perhekeskus.people.models import Family, NamedWorker
from perhekeskus.people.roles import ADMINISTRATOR, COORDINATOR, MANAGER, NETWORK_COORDINATOR, SERVICE_GUIDANCE
from perhekeskus.scheduling import services
from perhekeskus.scheduling.models import Appointment, Participant

from ..factories import (
    FamilyFactory,
    OrganisationFactory,
    ServiceFactory,
    UnitFactory,
    WorkTypeFactory,
    make_user,
    make_worker,
)

pytestmark = pytest.mark.django_db

ROLES = [COORDINATOR, SERVICE_GUIDANCE, MANAGER, NETWORK_COORDINATOR, ADMINISTRATOR]

relationship = st.fixed_dictionaries(
    {
        "family": st.integers(0, 2),
        "worker": st.integers(0, 2),
        "kind": st.sampled_from(["named", "named_ended", "visit", "visit_cancelled", "visit_old", "need", "glass"]),
        "days": st.integers(-200, 30),
        "home": st.booleans(),
    }
)
role = st.fixed_dictionaries(
    {"worker": st.integers(0, 2), "role": st.sampled_from(ROLES), "scope": st.sampled_from(["region", "org", "unit"])}
)


def test_the_rules_read_the_models_own_values():
    """The policy names a few values of the higher apps' models as strings (it imports
    none of their code); they must be the models' own."""
    assert policy.CANCELLED == Appointment.Status.CANCELLED
    assert policy.CLIENT_HOME == Appointment.LocationKind.CLIENT_HOME
    assert policy.PRIMARY == Participant.Role.PRIMARY
    assert set(policy.NEED_OPEN) == {ServiceNeed.Status.ALLOCATED, ServiceNeed.Status.IN_PROGRESS}
    assert policy.NEED_WAITING == ServiceNeed.Status.WAITING
    assert set(policy.appointment_window()["status__in"]) == set(Appointment.Status.values) - {"cancelled"}


def _ids(model, q) -> set[int]:
    """The ids a query form lets through (None: all)."""
    qs = model.objects.all() if q is None else model.objects.filter(q)
    return set(qs.values_list("pk", flat=True))


def _world(relationships, roles):
    orgs = [OrganisationFactory(), OrganisationFactory()]
    units = [UnitFactory(organisation=orgs[0]), UnitFactory(organisation=orgs[1]), UnitFactory(organisation=orgs[0])]
    service = ServiceFactory(organisation=orgs[0])
    wt = WorkTypeFactory(service=service)
    workers = [
        make_worker(f"Työntekijä T{i}", unit=units[i], service=service, user=make_user(f"t{i}")) for i in range(3)
    ]
    families = [FamilyFactory() for _ in range(3)]
    now = timezone.now()
    for n, r in enumerate(relationships):
        family, worker = families[r["family"]], workers[r["worker"]]
        start = now + dt.timedelta(days=r["days"], minutes=n * 90)
        if r["kind"] in ("named", "named_ended"):
            if NamedWorker.objects.filter(family=family).exists():
                continue  # one naming of a family's role at a time (a model constraint)
            NamedWorker.objects.create(
                family=family,
                worker=worker,
                role="family_partner",
                start_date=timezone.localdate() - dt.timedelta(days=100),
                end_date=timezone.localdate() - dt.timedelta(days=1) if r["kind"] == "named_ended" else None,
            )
        elif r["kind"].startswith("visit"):
            a = services.appointment_book(
                actor=None,
                worker=worker,
                work_type=wt,
                family=family,
                start=start if r["kind"] != "visit_old" else now - dt.timedelta(days=150 + n),
                end=(start if r["kind"] != "visit_old" else now - dt.timedelta(days=150 + n)) + dt.timedelta(hours=1),
                location_kind="client_home" if r["home"] else "unit",
                confirm_outside_shift=True,
            )
            if r["kind"] == "visit_cancelled":
                services.appointment_cancel(actor=None, appointment=a, reason="client_cancelled")
        elif r["kind"] == "need":
            need = service_need_record(actor=None, family=family, service=service, work_type=wt, source="phone")
            if r["home"]:
                ServiceNeed.objects.filter(pk=need.pk).update(status="allocated", worker=worker)
        else:
            BreakGlass.objects.create(
                user=worker.user,
                family=family,
                reason="Kiireellinen tilanne",
                at=now - dt.timedelta(hours=5),
                expires_at=now + dt.timedelta(hours=r["days"] % 3 - 1),
            )
    users = [w.user for w in workers]
    for n, g in enumerate(roles):
        where = {"region": {}, "org": {"organisation": orgs[g["worker"] % 2]}, "unit": {"unit": units[g["worker"]]}}
        users.append(make_user(f"r{n}", g["role"], **where[g["scope"]]))
    Contact.objects.bulk_create(
        Contact(organisation=o, channel="phone", message="x", reference=f"REF{i}", received_at=now, due_at=now)
        for i, o in enumerate(orgs)
    )
    return users, families


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(relationships=st.lists(relationship, max_size=8), roles=st.lists(role, max_size=3))
def test_yes_no_and_query_forms_agree(db, relationships, roles):
    with transaction.atomic():
        users, families = _world(relationships, roles)
        appointments = list(Appointment.objects.prefetch_related("participants"))
        needs = list(ServiceNeed.objects.select_related("service", "worker"))
        contacts = list(Contact.objects.all())
        grants = list(BreakGlass.objects.select_related("user__worker"))
        for user in users:
            # family reach
            listed = set(policy.reachable_families(user).values_list("pk", flat=True))
            for f in families:
                assert (policy.family_access_basis(user, f.pk) is not None) == (f.pk in listed), (user, f)
            # the address under non-disclosure
            visiting = policy.visiting_family_ids(user)
            for f in families:
                Family.objects.filter(pk=f.pk).update(address_protected=True)
                f.refresh_from_db()
                assert policy.may_see_address(user, f) == (f.pk in visiting)
            # who changes an appointment
            editable = _ids(Appointment, policy.editable_appointments_q(user, Appointment))
            for a in appointments:
                yes = policy.can_edit_appointment(user, a) or a.created_by_id == user.pk or policy.is_invited(user, a)
                assert yes == (a.pk in editable), (user, a)
            # service needs, contacts, reviews of emergency accesses
            q = policy.needs_q(user)
            seen = set(
                (ServiceNeed.objects.all() if q is None else ServiceNeed.objects.filter(q)).values_list("pk", flat=True)
            )
            for n in needs:
                assert policy.may_see_need(user, n) == (n.pk in seen), (user, n)
            q = policy.contacts_q(user)
            handled = set(
                (Contact.objects.all() if q is None else Contact.objects.filter(q)).values_list("pk", flat=True)
            )
            for c in contacts:
                assert policy.may_handle_contact(user, c) == (c.pk in handled), (user, c)
            if policy.may_review_break_glass(user):
                q = policy.break_glass_review_q(user)
                reviewed = set(
                    (BreakGlass.objects.all() if q is None else BreakGlass.objects.filter(q)).values_list(
                        "pk", flat=True
                    )
                )
                for g in grants:
                    assert policy.may_review(user, g) == (g.pk in reviewed), (user, g)
        transaction.set_rollback(True)
