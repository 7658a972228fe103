"""Queue proposals end to end on the database: the request enqueues a task (the web
request does not solve), the task worker solves it, each row is explained, the unplaced
say why, pins survive a what-if with the changes counted, accepting books through the
booking service, every step is recorded, and nobody else sees the proposal."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from perhekeskus.access.models import AccessEvent
from perhekeskus.allocation import candidates as engine
from perhekeskus.allocation.models import Proposal, ProposalEvent, ProposalRow
from perhekeskus.intake.models import ServiceNeed, Urgency
from perhekeskus.intake.services import service_need_record
from perhekeskus.people.models import Language
from perhekeskus.people.roles import COORDINATOR
from perhekeskus.scheduling.models import Appointment, Participant, Shift

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
HELSINKI = timezone.get_current_timezone()
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _monday():
    return engine._start_day(timezone.localdate())


@pytest.fixture
def queue(db):
    org = OrganisationFactory(name="Hyvinvointialue")
    service = ServiceFactory(organisation=org, name="Perhetyö")
    unit = UnitFactory(organisation=org)
    wt = WorkTypeFactory(service=service, name="Perhetyön käynti")
    swedish, _ = Language.objects.get_or_create(code="sv", defaults={"name": "ruotsi"})
    workers = [make_worker(n, unit=unit, service=service) for n in ("Aino Aamu", "Bertta Ilta")]
    for w in workers:
        for week in range(4):
            for d in range(5):
                day = _monday() + dt.timedelta(days=7 * week + d)
                Shift.objects.create(
                    worker=w,
                    start=dt.datetime.combine(day, dt.time(8), tzinfo=HELSINKI),
                    end=dt.datetime.combine(day, dt.time(10), tzinfo=HELSINKI),
                )
    needs = []
    for i, urgency in enumerate([Urgency.URGENT, Urgency.NORMAL, Urgency.HIGH, Urgency.NORMAL, Urgency.NORMAL]):
        family = FamilyFactory(name=f"Perhe Jono{i}")
        make_person(family, first=f"Lapsi{i}")
        needs.append(
            service_need_record(
                actor=None,
                family=family,
                service=service,
                work_type=wt,
                source="phone",
                sessions_per_week=2,
                session_minutes=120,
                weeks=3,
                urgency=urgency,
            )  # fmt: skip
        )
    swedish_family = FamilyFactory(name="Perhe Svensson")
    needs.append(
        service_need_record(
            actor=None,
            family=swedish_family,
            service=service,
            work_type=wt,
            source="phone",
            weeks=3,
            language=swedish,
        )  # fmt: skip
    )
    return {
        "service": service,
        "workers": workers,
        "needs": needs,
        "coordinator": make_user("koordinaattori", COORDINATOR),
        "other": make_user("koordinaattori2", COORDINATOR),
    }


def _solved(client, settings, **post):
    settings.TASKS = IMMEDIATE
    response = client.post("/allocation/proposals/", {"seconds": "5", **post})
    assert response.status_code == 302
    proposal = Proposal.objects.latest("id")
    assert proposal.status == Proposal.Status.DONE, proposal.error
    return proposal


def test_the_request_only_enqueues_and_the_task_worker_solves(client, queue, settings, monkeypatch):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    # the worker closes "old" connections between tasks, which would end the test's
    # transaction (on PostgreSQL): here it runs inside it
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
    client.force_login(queue["coordinator"])
    response = client.post("/allocation/proposals/", {"seconds": "5"})
    proposal = Proposal.objects.get()
    assert response.status_code == 302 and proposal.status == Proposal.Status.QUEUED and proposal.task_id
    page = client.get(f"/allocation/proposals/{proposal.pk}/").content.decode()
    assert "data-refresh" in page  # the page follows the progress
    assert not ProposalRow.objects.exists()
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.DONE and proposal.solver_status == "OPTIMAL"
    assert proposal.gap == 0


def test_a_proposal_places_the_urgent_first_explains_and_books_on_acceptance(client, queue, settings):
    client.force_login(queue["coordinator"])
    proposal = _solved(client, settings)
    rows = {r.need_id: r for r in ProposalRow.objects.filter(proposal=proposal)}
    # two workers, each with 08-10 on five weekdays: 2 x 120 min a week fits two needs a
    # worker at most (at least a day apart): four of the five are placed, the urgent and
    # the high-urgency need among them
    needs = queue["needs"]
    placed = [n for n, r in rows.items() if r.worker_id]
    assert len(placed) == 4
    assert needs[0].pk in placed and needs[2].pk in placed
    swedish = rows[needs[5].pk]
    # written in the language the proposal was asked in (the page's: Finnish)
    assert swedish.worker_id is None and "ilman kieltä" in swedish.why_unassigned
    left = [r for n, r in rows.items() if r.worker_id is None and n != needs[5].pk]
    assert len(left) == 1 and "tärkeysjärjestyksessä" in left[0].why_unassigned
    assert all(r.explanation for r in rows.values() if r.worker_id)
    assert proposal.summary["assigned"] == 4 and proposal.greedy["assigned"] <= 4
    page = client.get(f"/allocation/proposals/{proposal.pk}/").content.decode()
    assert "Perhe Jono0" in page and "Perhe Svensson" in page
    assert AccessEvent.objects.filter(object_type="service_need", action="list", family_id=needs[0].family_id).exists()
    # accept: the four are booked through the booking service, all occurrences
    response = client.post(f"/allocation/proposals/{proposal.pk}/accept/", {"row": [rows[n].pk for n in placed]})
    assert response.status_code == 302
    for n in placed:
        need = ServiceNeed.objects.get(pk=n)
        assert need.status == ServiceNeed.Status.ALLOCATED and need.worker_id == rows[n].worker_id
        assert need.appointments.count() == 6
    # no double booking among what was booked
    for w in queue["workers"]:
        spans = sorted(Participant.objects.filter(resource=w.resource, active=True).values_list("start", "end"))
        assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False))
    assert set(ProposalEvent.objects.filter(proposal=proposal).values_list("action", flat=True)) >= {
        "requested",
        "solved",
        "accepted",
    }
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.ACCEPTED


def test_a_row_that_no_longer_fits_keeps_its_error_and_the_others_book(client, queue, settings):
    client.force_login(queue["coordinator"])
    proposal = _solved(client, settings)
    rows = [r for r in ProposalRow.objects.filter(proposal=proposal) if r.worker_id]
    first = rows[0]
    # someone books the first row's worker at its first visit meanwhile
    from perhekeskus.scheduling.services import appointment_book

    appointment_book(
        actor=None, worker=first.worker, work_type=queue["needs"][0].work_type, start=first.first_start,
        end=first.first_start + dt.timedelta(minutes=30),
    )  # fmt: skip
    client.post(f"/allocation/proposals/{proposal.pk}/accept/", {"row": [r.pk for r in rows]})
    first.refresh_from_db()
    assert first.booked_at is None and first.booking_error
    assert ServiceNeed.objects.get(pk=first.need_id).status == ServiceNeed.Status.WAITING
    assert ProposalRow.objects.filter(proposal=proposal, booked_at__isnull=False).count() == len(rows) - 1


def test_pins_and_removals_carry_into_the_what_if_with_the_changes_counted(client, queue, settings):
    client.force_login(queue["coordinator"])
    proposal = _solved(client, settings)
    rows = {r.need_id: r for r in ProposalRow.objects.filter(proposal=proposal)}
    needs = queue["needs"]
    left = next(r for n, r in rows.items() if r.worker_id is None and n != needs[5].pk)
    # take the unplaced need in instead of another, by choosing one of its alternatives
    assert left.alternatives
    client.post(f"/allocation/proposal-rows/{left.pk}/", {"action": "choose", "choice": "0", "proposal": proposal.pk})
    removed = rows[needs[1].pk] if rows[needs[1].pk].pk != left.pk else rows[needs[3].pk]
    client.post(f"/allocation/proposal-rows/{removed.pk}/", {"action": "remove", "proposal": proposal.pk})
    response = client.post(f"/allocation/proposals/{proposal.pk}/again/")
    again = Proposal.objects.latest("id")
    assert response.status_code == 302 and again.previous_id == proposal.pk and again.status == Proposal.Status.DONE
    new = {r.need_id: r for r in ProposalRow.objects.filter(proposal=again)}
    assert removed.need_id not in new
    assert new[left.need_id].worker_id == left.alternatives[0]["worker"] and new[left.need_id].pinned
    assert again.changes >= 2  # the pinned need placed, the removed one gone
    actions = list(ProposalEvent.objects.filter(proposal=proposal).values_list("action", flat=True))
    assert "edited" in actions and "removed" in actions


def test_nobody_else_sees_or_changes_the_proposal(client, queue, settings):
    client.force_login(queue["coordinator"])
    proposal = _solved(client, settings)
    row = ProposalRow.objects.filter(proposal=proposal).first()
    client.force_login(queue["other"])
    assert client.get(f"/allocation/proposals/{proposal.pk}/").status_code == 404
    assert client.post(f"/allocation/proposals/{proposal.pk}/accept/").status_code == 404
    assert client.post(f"/allocation/proposal-rows/{row.pk}/", {"action": "remove"}).status_code == 404
    row.refresh_from_db()
    assert not row.removed
    assert AccessEvent.objects.filter(basis="refused", object_type="proposal").count() >= 2
    assert not Appointment.objects.exists()


def test_bad_input_is_refused_in_the_users_language_and_nothing_is_saved(client, queue):
    client.force_login(queue["coordinator"])
    response = client.post("/allocation/proposals/", {"seconds": "999", "urgency": "x"}, HTTP_ACCEPT_LANGUAGE="fi")
    assert response.status_code == 400
    body = response.content.decode()
    assert "Anna aikaraja 1–120 sekuntia." in body and "Valitse kiireellisyys luettelosta." in body
    assert not Proposal.objects.exists()


def test_the_api_asks_follows_and_accepts(queue, settings):
    settings.TASKS = IMMEDIATE
    api = APIClient()
    api.force_authenticate(queue["coordinator"])
    response = api.post("/api/proposals/", {"seconds": 5, "service": queue["service"].pk}, format="json")
    assert response.status_code == 202
    pk = response.json()["id"]
    detail = api.get(f"/api/proposals/{pk}/").json()
    assert detail["status"] == "done" and detail["summary"]["assigned"] == 4 and len(detail["rows"]) == 6
    assert detail["greedy"]["needs"] == 6 and detail["gap"] == 0
    placed = [r["id"] for r in detail["rows"] if r["worker"]]
    edit = api.post(f"/api/proposal-rows/{placed[0]}/edit/", {"action": "pin"}, format="json")
    assert edit.status_code == 200 and edit.json()["pinned"] is True
    accepted = api.post(f"/api/proposals/{pk}/accept/", {"rows": placed[:2]}, format="json").json()
    assert accepted == {"booked": 2, "failed": 0}
    other = APIClient()
    other.force_authenticate(queue["other"])
    assert other.get(f"/api/proposals/{pk}/").status_code == 404
    assert other.post("/api/proposals/", {"seconds": 0}, format="json").status_code == 400
    # a what-if on another's proposal: the same field error as an unknown one, logged
    refused = other.post("/api/proposals/", {"previous": pk}, format="json")
    assert refused.status_code == 400 and "previous" in refused.json()
    assert other.post("/api/proposals/", {"previous": 10**9}, format="json").json() == refused.json()


def test_a_refused_row_change_goes_back_only_to_a_proposal_id_the_database_can_hold(client, queue, settings):
    client.force_login(queue["coordinator"])
    proposal = _solved(client, settings)
    row = ProposalRow.objects.filter(proposal=proposal).first()
    url = f"/allocation/proposal-rows/{row.pk}/"
    back = client.post(url, {"action": "nonsense", "proposal": proposal.pk})
    assert back.status_code == 302 and back["Location"] == f"/allocation/proposals/{proposal.pk}/"
    oversized = client.post(url, {"action": "nonsense", "proposal": "9" * 30})
    assert oversized.status_code == 302 and oversized["Location"] == "/allocation/proposals/"
