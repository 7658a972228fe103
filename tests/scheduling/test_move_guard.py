"""Moving an appointment on the resource view: a move that changes its service or
organisation, or drops its work pair, waits for a confirmation that names each change
(and any shift warning beside them); nothing moves before it. The page can undo a move
through the same endpoint, pair included. The resource view's rows carry one keyboard
cursor each and leave the entries' links out of the tab order."""

import datetime as dt
import json

import pytest
from django.utils import translation

from perhekeskus.people.roles import COORDINATOR
from perhekeskus.scheduling import services
from perhekeskus.scheduling.models import Appointment

from ..factories import (
    FamilyFactory,
    OrganisationFactory,
    ServiceFactory,
    UnitFactory,
    WorkTypeFactory,
    add_shifts,
    local,
    make_user,
    make_worker,
)

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 9, 14)


@pytest.fixture
def two_orgs():
    area, ngo = OrganisationFactory(name="Alue"), OrganisationFactory(name="Järjestö", kind="ngo")
    family_work = ServiceFactory(organisation=area, name="Perhetyö")
    partners = ServiceFactory(organisation=ngo, name="Perhekumppanuus")
    team, ngo_team = UnitFactory(organisation=area), UnitFactory(organisation=ngo)
    a = make_worker("Aino Aamu", unit=team, service=family_work)
    b = make_worker("Bertta Berg", unit=team, service=family_work)
    k = make_worker("Kaisu Kumppani", unit=ngo_team, service=partners, profession="ngo_worker")
    for w in (a, b, k):
        add_shifts(w, DAY, 1)
    wt = WorkTypeFactory(service=family_work, name="Perhetyön käynti")
    appointment = services.appointment_book(
        actor=None,
        worker=a,
        pair=b,
        work_type=wt,
        family=FamilyFactory(),
        start=local(2026, 9, 14, 9),
        end=local(2026, 9, 14, 10),
    )
    return {"a": a, "b": b, "k": k, "appointment": appointment}


def test_a_move_within_the_service_needs_no_confirmation(two_orgs):
    a, b = two_orgs["a"], two_orgs["b"]
    appointment = two_orgs["appointment"]
    services.appointment_move(actor=None, appointment=appointment, start=local(2026, 9, 14, 11), worker=a)
    assert services.workers_of(appointment) == (a, b)


def test_a_move_to_another_service_and_organisation_waits_for_confirmation(two_orgs):
    a, b, k, appointment = two_orgs["a"], two_orgs["b"], two_orgs["k"], two_orgs["appointment"]
    with translation.override("fi"), pytest.raises(services.MoveNeedsConfirmation) as asked:
        services.appointment_move(actor=None, appointment=appointment, start=local(2026, 9, 14, 17), worker=k)
    text = " ".join(asked.value.messages)
    assert "Palvelu vaihtuu: Perhetyö → Perhekumppanuus." in text
    assert "Organisaatio vaihtuu: Alue → Järjestö." in text
    assert "Työntekijällä Kaisu Kumppani ei ole työvuoroa" in text  # 17:00 is past the 8-16 shift: said at once
    appointment.refresh_from_db()
    assert appointment.planned_start == local(2026, 9, 14, 9) and services.workers_of(appointment) == (a, b)
    services.appointment_move(
        actor=None, appointment=appointment, start=local(2026, 9, 14, 13), worker=k, confirm_outside_shift=True
    )
    assert services.workers_of(appointment) == (k, b)


def test_moving_onto_the_pair_drops_the_pair_only_when_confirmed(two_orgs):
    a, b, appointment = two_orgs["a"], two_orgs["b"], two_orgs["appointment"]
    with translation.override("fi"), pytest.raises(services.MoveNeedsConfirmation) as asked:
        services.appointment_move(actor=None, appointment=appointment, start=local(2026, 9, 14, 11), worker=b)
    assert "Työpari Aino Aamu" not in " ".join(asked.value.messages)
    assert "Työpari Bertta Berg jää pois käynniltä." in " ".join(asked.value.messages)
    services.appointment_move(
        actor=None, appointment=appointment, start=local(2026, 9, 14, 11), worker=b, confirm_outside_shift=True
    )
    assert services.workers_of(appointment) == (b, None)
    # the undo puts back the worker, the pair and the time
    services.appointment_move(
        actor=None, appointment=appointment, start=local(2026, 9, 14, 9), worker=a, pair=b, confirm_outside_shift=True
    )
    appointment.refresh_from_db()
    assert services.workers_of(appointment) == (a, b) and appointment.planned_start == local(2026, 9, 14, 9)


def test_the_move_endpoint_asks_then_answers_how_to_undo(client, two_orgs):
    a, b, k, appointment = two_orgs["a"], two_orgs["b"], two_orgs["k"], two_orgs["appointment"]
    client.force_login(make_user("koordinaattori", COORDINATOR))
    url = f"/appointments/{appointment.pk}/move/"

    def post(body):
        return client.post(url, json.dumps(body), content_type="application/json", HTTP_ACCEPT_LANGUAGE="fi")

    asked = post({"start": "2026-09-14T13:00", "worker": k.pk})
    assert asked.status_code == 409 and "confirm" in asked.json()
    assert Appointment.objects.get(pk=appointment.pk).planned_start == local(2026, 9, 14, 9)
    done = post({"start": "2026-09-14T13:00", "worker": k.pk, "confirm": True})
    assert done.status_code == 200
    previous = done.json()["previous"]
    assert previous == {"start": "2026-09-14T09:00", "worker": a.pk, "pair": b.pk}
    undone = post({**previous, "confirm": True})
    assert undone.status_code == 200
    appointment.refresh_from_db()
    assert services.workers_of(appointment) == (a, b) and appointment.planned_start == local(2026, 9, 14, 9)
    bad = post({"start": "2026-09-14T13:00", "worker": k.pk, "pair": "x"})
    assert bad.status_code == 400


def test_resource_rows_have_one_tab_stop_each(client, two_orgs):
    client.force_login(make_user("koordinaattori", COORDINATOR))
    html = client.get(f"/resources/?view=day&date={DAY.isoformat()}").content.decode()
    assert html.count('class="tl-cursor"') == 3  # one a worker
    entries = html.count('class="tl-entry')
    assert entries >= 2 and html.count('tabindex="-1" data-id=') == entries  # links out of the tab order
