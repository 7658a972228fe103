"""Use cases of allocation (the front door: ``access.frontdoor``): the candidates for one
service need, for the pages and the API alike. Who may: whoever may allocate the need
(``policy.may_allocate``); the refusal is logged and looks like an unknown need."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from perhekeskus.access import frontdoor, policy
from perhekeskus.access.frontdoor import Caller
from perhekeskus.access.models import AccessEvent
from perhekeskus.errors import Forbidden
from perhekeskus.intake import selectors as intake_selectors
from perhekeskus.intake.models import Urgency
from perhekeskus.network.models import Service
from perhekeskus.people.models import Worker
from perhekeskus.scheduling import services as scheduling_services
from perhekeskus.scheduling import wallclock
from perhekeskus.scheduling.models import Absence

from . import candidates as engine
from . import dayplan, proposals, replan, tasks
from .models import Proposal, ProposalRow


def need_candidates_as(caller: Caller, need_id) -> tuple:
    """(need, candidates) for a waiting need the caller may allocate."""
    pk = frontdoor.as_id(need_id)
    need = intake_selectors.need_for(user=None, pk=pk) if pk else None
    if need is None or not policy.may_allocate(caller.user, need):
        raise frontdoor.refuse(caller, "service_need", need_id, need.family_id if need else None)
    found = engine.candidates(need, user=caller.user)
    frontdoor.log(
        caller, AccessEvent.Action.VIEW, "service_need", [(need.pk, need.family_id)], policy.list_basis(caller.user)
    )
    return need, found


# --- queue proposals -------------------------------------------------------------------


def _proposal(caller: Caller, pk) -> Proposal:
    key = frontdoor.as_id(pk)
    proposal = Proposal.objects.select_related("service", "previous").filter(pk=key).first() if key else None
    if proposal is None or not policy.may_see_proposal(caller.user, proposal):
        raise frontdoor.refuse(caller, "proposal", pk)
    return proposal


def proposal_request_as(
    caller: Caller, *, service_id=None, urgency: str = "", seconds=None, previous_id=None
) -> Proposal:
    """Ask for a proposal for the caller's waiting queue (or a filtered part of it). The
    solve is enqueued as a task; the page follows its progress. With ``previous_id`` it
    is a what-if: the previous proposal's filter, pins and removals carried over."""
    previous = None
    if previous_id not in (None, ""):
        key = frontdoor.as_id(previous_id)
        previous = Proposal.objects.select_related("service").filter(pk=key).first() if key else None
        if previous is None or not policy.may_see_proposal(caller.user, previous):
            frontdoor.refuse(caller, "proposal", previous_id)
            raise ValidationError({"previous": [_("Choose one of your own proposals.")]})
    if not policy.may_propose_queue(caller.user):
        raise Forbidden()
    errors = {}
    limit = settings.ALLOCATION_SOLVER_SECONDS if seconds in (None, "") else frontdoor.as_id(seconds)
    if limit is None or not 1 <= limit <= 120:
        errors["seconds"] = [_("Give a time limit of 1 to 120 seconds.")]
    if urgency and urgency not in Urgency.values:
        errors["urgency"] = [_("Choose an urgency from the list.")]
    service = None
    if service_id not in (None, ""):
        sid = frontdoor.as_id(service_id)
        service = Service.objects.filter(pk=sid).first() if sid else None
        if service is None:
            errors["service"] = [_("Choose a service from the list.")]
    if errors:
        raise ValidationError(errors)
    if previous is not None:
        service, urgency = previous.service, previous.urgency
    proposal = Proposal.objects.create(
        created_by=caller.user, previous=previous, service=service, urgency=urgency or "", seconds=limit
    )
    proposals.event(proposal, caller.user, "requested", previous=previous.pk if previous else None)
    # the explanations are written in the language the proposal was asked in
    result = tasks.solve_proposal.enqueue(proposal.pk, translation.get_language() or settings.LANGUAGE_CODE)
    Proposal.objects.filter(pk=proposal.pk, task_id="").update(task_id=str(result.id)[:64])
    proposal.refresh_from_db()
    return proposal


def proposal_again_as(caller: Caller, pk) -> Proposal:
    """What-if on a proposal named in the address: an unknown or another's is refused as
    unknown (logged)."""
    _proposal(caller, pk)
    return proposal_request_as(caller, previous_id=pk)


def queue_services_as(caller: Caller) -> list[Service]:
    """The services a proposal may be limited to: those of the caller's waiting queue."""
    if not policy.may_propose_queue(caller.user):
        raise Forbidden()
    ids = set(intake_selectors.queue(user=caller.user, status="waiting").values_list("service_id", flat=True))
    return list(Service.objects.filter(pk__in=ids).select_related("organisation").order_by("name"))


def proposals_as(caller: Caller) -> list[Proposal]:
    """The caller's own proposals, newest first (counts only: no client data)."""
    if not policy.may_propose_queue(caller.user):
        raise Forbidden()
    return list(Proposal.objects.filter(created_by=caller.user).select_related("service")[:20])


def proposal_as(caller: Caller, pk) -> tuple[Proposal, list[ProposalRow], int]:
    """A proposal with the rows the caller may still allocate (and how many are hidden
    because the caller no longer may); the families shown are logged."""
    proposal = _proposal(caller, pk)
    rows = list(
        ProposalRow.objects.filter(proposal=proposal)
        .select_related("need__family", "need__service", "need__work_type", "need__language", "worker__unit")
        .order_by("removed", "-weight", "id")
    )
    shown = [r for r in rows if policy.may_allocate(caller.user, r.need)]
    frontdoor.log(
        caller,
        AccessEvent.Action.LIST,
        "service_need",
        [(r.need_id, r.need.family_id) for r in shown],
        policy.list_basis(caller.user),
    )
    return proposal, shown, len(rows) - len(shown)


def _proposal_row(caller: Caller, row_id) -> ProposalRow:
    """A row of the caller's own proposal that they may still allocate; refused (logged)
    as unknown otherwise."""
    key = frontdoor.as_id(row_id)
    row = ProposalRow.objects.select_related("need__service", "proposal").filter(pk=key).first() if key else None
    if (
        row is None
        or not policy.may_see_proposal(caller.user, row.proposal)
        or not policy.may_allocate(caller.user, row.need)
    ):
        raise frontdoor.refuse(caller, "proposal_row", row_id, row.need.family_id if row else None)
    return row


def proposal_row_as(caller: Caller, row_id, *, action: str, choice=None) -> ProposalRow:
    """Pin, unpin, remove, restore or edit (take one of its alternatives) one row of a
    finished proposal; the next solve keeps the pins and leaves the removed needs out."""
    row = _proposal_row(caller, row_id)
    if row.proposal.status != Proposal.Status.DONE:
        raise ValidationError(_("Only a finished proposal that is not yet accepted can be edited."))
    if action in ("pin", "unpin"):
        return proposals.row_pin(actor=caller.user, row=row, pinned=action == "pin")
    if action in ("remove", "restore"):
        return proposals.row_remove(actor=caller.user, row=row, removed=action == "remove")
    if action == "choose":
        if not str(choice).isdecimal() or len(str(choice)) > 3:
            raise ValidationError({"choice": [_("Choose one of the offered alternatives.")]})
        return proposals.row_choose(actor=caller.user, row=row, choice=int(choice))
    raise ValidationError({"action": [_("Unknown action.")]})


def proposal_accept_as(caller: Caller, proposal_id, row_ids) -> tuple[int, int]:
    """Book the chosen rows (all assigned rows when none are named) through the booking
    service; (booked, failed). A row that no longer fits keeps its error."""
    proposal = _proposal(caller, proposal_id)
    if proposal.status not in (Proposal.Status.DONE, Proposal.Status.ACCEPTED):
        raise ValidationError(_("The proposal is not ready."))
    wanted = {frontdoor.as_id(i) for i in row_ids or ()} - {None}
    rows = [
        r
        for r in ProposalRow.objects.filter(proposal=proposal, worker__isnull=False, removed=False, booked_at=None)
        .select_related("need__service")
        .order_by("-weight", "id")
        if (not wanted or r.pk in wanted) and policy.may_allocate(caller.user, r.need)
    ]
    if not rows:
        raise ValidationError(_("Choose at least one proposed row to book."))
    return proposals.accept(actor=caller.user, proposal=proposal, rows=rows)


# --- absences and re-planning ----------------------------------------------------------


def _worker(caller: Caller, worker_id) -> Worker:
    key = frontdoor.as_id(worker_id)
    worker = Worker.objects.select_related("unit", "service").filter(pk=key).first() if key else None
    if worker is None or not policy.may_record_absence(caller.user, worker):
        raise ValidationError({"worker": [_("Choose a worker whose shifts you plan.")]})
    return worker


def absence_record_as(caller: Caller, *, worker_id, start, end, reason: str) -> Absence:
    """Record an absence (whole days, start to end inclusive, local time). No client
    data; the re-plan of its appointments is a separate step."""
    worker = _worker(caller, worker_id)
    errors = {}
    if reason not in Absence.Reason.values:
        errors["reason"] = [_("Choose the reason.")]
    if not isinstance(start, dt.date):
        errors["start"] = [_("Give the first day.")]
    if not isinstance(end, dt.date):
        errors["end"] = [_("Give the last day.")]
    today = timezone.localdate()
    for key, day in (("start", start), ("end", end)):
        if key not in errors and not (today - dt.timedelta(days=366) <= day <= today + dt.timedelta(days=731)):
            errors[key] = [_("Give a day within a year back and two years ahead.")]
    if not errors and end < start:
        errors["end"] = [_("The last day cannot be before the first.")]
    if not errors and (end - start).days > 366:
        errors["end"] = [_("An absence is at most a year; record a longer one in parts.")]
    if errors:
        raise ValidationError(errors)
    return scheduling_services.absence_record(
        actor=caller.user,
        worker=worker,
        start=wallclock.combine(start, dt.time(0)),
        end=wallclock.combine(end + dt.timedelta(days=1), dt.time(0)),
        reason=reason,
    )


def _absence(caller: Caller, pk) -> Absence:
    key = frontdoor.as_id(pk)
    absence = Absence.objects.select_related("worker__unit", "worker__service").filter(pk=key).first() if key else None
    if absence is None or not policy.may_record_absence(caller.user, absence.worker):
        raise frontdoor.refuse(caller, "absence", pk)
    return absence


def plannable_workers_as(caller: Caller) -> list[Worker]:
    """The workers whose shifts (and so absences) the caller plans."""
    qs = Worker.objects.filter(is_active=True).select_related("unit", "service").order_by("last_name", "first_name")
    return [w for w in qs if policy.may_record_absence(caller.user, w)]


def absence_withdraw_as(caller: Caller, pk) -> Absence:
    """Withdraw an absence recorded by mistake: its time is capacity again. Appointments
    already re-planned stay where they were put."""
    absence = _absence(caller, pk)
    if absence.withdrawn_at is not None:
        raise ValidationError(_("The absence is already withdrawn."))
    return scheduling_services.absence_withdraw(actor=caller.user, absence=absence)


def absences_as(caller: Caller) -> list[Absence]:
    """Absences of the workers whose shifts the caller plans, current and coming."""
    if not policy.may_change_shifts(caller.user):
        raise Forbidden()
    qs = (
        Absence.objects.filter(end__gt=timezone.now() - dt.timedelta(days=7), withdrawn_at__isnull=True)
        .select_related("worker__unit")
        .order_by("start")
    )
    return [a for a in qs[:500] if policy.may_record_absence(caller.user, a.worker)][:100]


def absence_plan_as(caller: Caller, pk) -> replan.Plan:
    """The re-plan of an absence's appointments; the families in it are logged."""
    absence = _absence(caller, pk)
    the_plan = replan.plan(absence, user=caller.user)
    frontdoor.log(
        caller,
        AccessEvent.Action.LIST,
        "appointment",
        [(i.appointment.pk, i.appointment.family_id) for i in the_plan.items],
        policy.list_basis(caller.user),
    )
    return the_plan


def absence_replan_as(caller: Caller, pk, fingerprint: str) -> dict:
    """Accept the re-plan as shown (``fingerprint``): all or nothing through the booking
    services. A plan that changed since it was shown is refused (the page shows the new
    one)."""
    absence = _absence(caller, pk)
    if absence.withdrawn_at is not None:
        raise ValidationError(_("The absence is withdrawn: nothing to re-plan."))
    the_plan = replan.plan(absence, user=caller.user)
    if not the_plan.items:
        raise ValidationError(_("The absence has no planned appointments to re-plan."))
    if fingerprint != the_plan.fingerprint:
        raise ValidationError(_("The calendars changed since the plan was shown; check the new plan and accept again."))
    done = replan.apply(actor=caller.user, the_plan=the_plan)
    frontdoor.log(
        caller,
        AccessEvent.Action.UPDATE,
        "appointment",
        [(i.appointment.pk, i.appointment.family_id) for i in the_plan.items],
        policy.list_basis(caller.user),
    )
    return done


# --- home-visit routes -----------------------------------------------------------------


def _route_workers(caller: Caller, worker_id, team: bool) -> list[Worker]:
    key = frontdoor.as_id(worker_id)
    worker = Worker.objects.select_related("unit", "service").filter(pk=key).first() if key else None
    if worker is None or not policy.may_plan_route(caller.user, worker):
        raise frontdoor.refuse(caller, "worker_route", worker_id)
    if not team:
        return [worker]
    # a team: the active workers of the worker's unit and service whose day the caller plans
    mates = Worker.objects.filter(is_active=True, unit_id=worker.unit_id, service_id=worker.service_id).select_related(
        "unit", "service"
    )
    return [worker] + [
        w for w in mates.order_by("last_name", "pk") if w.pk != worker.pk and policy.may_plan_route(caller.user, w)
    ]


def _day(value) -> dt.date:
    """The day asked for (today when none is given); a day that is not a date, or lies
    more than a year back or two years ahead, is refused with a field error."""
    today = timezone.localdate()
    if value in (None, ""):
        return today
    day = value if isinstance(value, dt.date) else None
    if day is None:
        try:
            day = dt.date.fromisoformat(str(value))
        except ValueError:
            day = None
    if day is None or not (today - dt.timedelta(days=366) <= day <= today + dt.timedelta(days=731)):
        raise ValidationError({"date": [_("Give a day within a year back and two years ahead.")]})
    return day


def route_plan_as(caller: Caller, worker_id, day=None, *, team: bool = False) -> dayplan.DayPlan:
    """The day's visits as the route that minimises travel (reads only); the families in
    it are logged."""
    workers = _route_workers(caller, worker_id, team)
    plan = dayplan.plan_day(workers, _day(day), seconds=settings.ROUTE_SOLVER_SECONDS)
    frontdoor.log(
        caller,
        AccessEvent.Action.LIST,
        "appointment",
        [(v.appointment.pk, v.appointment.family_id) for v in plan.visits],
        policy.list_basis(caller.user),
    )
    return plan


def route_accept_as(caller: Caller, worker_id, day, fingerprint: str, *, team: bool = False) -> dict:
    """Carry out the plan as shown (``fingerprint``): visits moved, travel legs booked,
    through the booking services, all or nothing."""
    workers = _route_workers(caller, worker_id, team)
    plan = dayplan.plan_day(workers, _day(day), seconds=settings.ROUTE_SOLVER_SECONDS)
    if fingerprint != plan.fingerprint:
        raise ValidationError(_("The day changed since the plan was shown; check the new plan and accept again."))
    done = dayplan.apply(actor=caller.user, plan=plan)
    frontdoor.log(
        caller,
        AccessEvent.Action.UPDATE,
        "appointment",
        [(v.appointment.pk, v.appointment.family_id) for v in plan.visits if v.moved],
        policy.list_basis(caller.user),
    )
    return done


def find_as(caller: Caller, kind: str, pk) -> None:
    """The lookup an operation on ``kind`` starts with, on its own: the API asks it before
    it reads a request body, so that an object the caller may not name is refused (and
    logged) as unknown whatever the body is."""
    if kind == "proposal":
        _proposal(caller, pk)
    elif kind == "proposal_row":
        _proposal_row(caller, pk)
    elif kind == "absence":
        _absence(caller, pk)
    elif kind == "worker_route":
        _route_workers(caller, pk, team=False)
    else:
        raise ValueError(kind)
