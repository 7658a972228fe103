"""Allocation pages: thin adapters over ``usecases.py`` (the same use cases as the API)."""

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from perhekeskus.access import frontdoor
from perhekeskus.access.frontdoor import Caller
from perhekeskus.flash import flash_errors
from perhekeskus.intake.models import Urgency
from perhekeskus.scheduling.models import Absence

from . import usecases
from .models import Proposal


def _errors(exc: ValidationError) -> dict:
    """A service's errors by field, the general ones under "general" (for the template)."""
    errors = dict(exc.message_dict) if hasattr(exc, "error_dict") else {"general": exc.messages}
    if "__all__" in errors:
        errors["general"] = errors.pop("__all__")
    return errors


WEEKDAY_NAMES = {1: "Mon", 2: "Tue", 3: "Wed", 4: "Thu", 5: "Fri"}


@login_required
@require_GET
def need_candidates(request, pk: int):
    """The workers who could take a need: ranked, each with its score and slot patterns,
    and apart, those who fail a hard condition with the reason."""
    need, found = usecases.need_candidates_as(Caller.page(request), pk)
    return render(
        request,
        "allocation/candidates.html",
        {
            "need": need,
            "eligible": [c for c in found if c.eligible][:50],
            "others": [c for c in found if not c.eligible][:50],
            "cap": settings.CHILD_PROTECTION_CASELOAD_CAP,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def proposals(request):
    """The coordinator's queue proposals, and the form to ask for a new one."""
    caller = Caller.page(request)
    form = {"service": "", "urgency": "", "seconds": str(settings.ALLOCATION_SOLVER_SECONDS)}
    errors = {}
    if request.method == "POST":
        form = {k: request.POST.get(k, "").strip() for k in form}
        try:
            proposal = usecases.proposal_request_as(
                caller, service_id=form["service"], urgency=form["urgency"], seconds=form["seconds"]
            )
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            return redirect("allocation:proposal", proposal.pk)
    mine = usecases.proposals_as(caller)
    return render(
        request,
        "allocation/proposals.html",
        {
            "proposals": mine,
            "form": form,
            "errors": errors,
            "services": usecases.queue_services_as(caller),
            "urgencies": Urgency.choices,
        },
        status=400 if errors else 200,
    )


@login_required
@require_GET
def proposal(request, pk: int):
    """One proposal: its progress while solving; then each row with its explanation, the
    unassigned with why, the gap and the comparison with greedy allocation."""
    found, rows, hidden = usecases.proposal_as(Caller.page(request), pk)
    assigned = [r for r in rows if r.worker_id and not r.removed]
    unassigned = [r for r in rows if not r.worker_id and not r.removed]
    removed = [r for r in rows if r.removed]
    now = timezone.now()
    for r in rows:
        r.waiting_days = (now - r.need.received_at).days
        r.day_names = [_(WEEKDAY_NAMES[d]) for d in r.weekdays]
    waiting = found.status in (Proposal.Status.QUEUED, Proposal.Status.RUNNING)
    stale = found.status == Proposal.Status.QUEUED and (now - found.created_at) > dt.timedelta(seconds=20)
    return render(
        request,
        "allocation/proposal.html",
        {
            "proposal": found,
            "assigned": assigned,
            "unassigned": unassigned,
            "removed": removed,
            "hidden": hidden,
            "waiting": waiting,
            "stale": stale,
            "gap_pct": None if found.gap is None else round(100 * found.gap, 2),
            "editable": found.status == Proposal.Status.DONE,
        },
    )


@login_required
@require_POST
def proposal_again(request, pk: int):
    """What-if: solve again with this proposal's pins and removals."""
    try:
        again = usecases.proposal_again_as(Caller.page(request), pk)
    except ValidationError as exc:
        flash_errors(request, exc)
        return redirect("allocation:proposal", pk)
    return redirect("allocation:proposal", again.pk)


@login_required
@require_POST
def proposal_row(request, pk: int):
    """Pin, unpin, remove, restore or edit one row."""
    try:
        row = usecases.proposal_row_as(
            Caller.page(request), pk, action=request.POST.get("action", ""), choice=request.POST.get("choice")
        )
    except ValidationError as exc:
        flash_errors(request, exc)
        back = frontdoor.as_id(request.POST.get("proposal"))  # an id the database can hold, or None
        return redirect("allocation:proposal", back) if back else redirect("allocation:proposals")
    return redirect(reverse("allocation:proposal", args=[row.proposal_id]) + f"#row-{row.pk}")


@login_required
@require_POST
def proposal_accept(request, pk: int):
    """Book the chosen rows through the booking service."""
    try:
        booked, failed = usecases.proposal_accept_as(Caller.page(request), pk, request.POST.getlist("row"))
    except ValidationError as exc:
        flash_errors(request, exc)
        return redirect("allocation:proposal", pk)
    if booked:
        messages.success(request, _("%(n)d needs allocated and their visits booked.") % {"n": booked})
    if failed:
        messages.error(
            request, _("%(n)d rows no longer fit the calendars; see the reason on each row.") % {"n": failed}
        )
    return redirect("allocation:proposal", pk)


@login_required
@require_http_methods(["GET", "POST"])
def absences(request):
    """Absences of the workers whose shifts the coordinator plans, and the form to record
    one; recording leads to its re-plan."""
    caller = Caller.page(request)
    form = {"worker": request.GET.get("worker", ""), "start": "", "end": "", "reason": "ill"}
    errors = {}
    if request.method == "POST":
        form = {k: request.POST.get(k, "").strip() for k in form}
        parsed = {}
        for k in ("start", "end"):
            try:
                parsed[k] = dt.date.fromisoformat(form[k])
            except ValueError:
                parsed[k] = None
        try:
            absence = usecases.absence_record_as(
                caller, worker_id=form["worker"], start=parsed["start"], end=parsed["end"], reason=form["reason"]
            )
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("Absence recorded. Check the re-plan of its appointments below."))
            return redirect("allocation:absence", absence.pk)
    listed = usecases.absences_as(caller)
    workers = usecases.plannable_workers_as(caller)
    return render(
        request,
        "allocation/absences.html",
        {"absences": listed, "form": form, "errors": errors, "workers": workers, "reasons": Absence.Reason.choices},
        status=400 if errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def absence(request, pk: int):
    """The re-plan of an absence: each appointment to another worker at its time, or a new
    time, or a cancellation; the families to tell. Accepting is one action."""
    caller = Caller.page(request)
    error = None
    if request.method == "POST":
        try:
            done = usecases.absence_replan_as(caller, pk, request.POST.get("fingerprint", ""))
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(
                request,
                _("Re-plan done: %(r)d to another worker, %(m)d to a new time, %(c)d cancelled.")
                % {"r": done["reassign"], "m": done["move"], "c": done["cancel"]},
            )
            return redirect("allocation:absence", pk)
    plan = usecases.absence_plan_as(caller, pk)
    return render(
        request,
        "allocation/absence.html",
        {"plan": plan, "absence": plan.absence, "error": error},
        status=400 if error else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def route(request, pk: int):
    """A worker's (or their team's) day as the route with the least travel: visits with a
    time window placed, fixed ones kept, travel between them; accepting moves the visits
    and books the travel legs."""
    caller = Caller.page(request)
    source = request.POST if request.method == "POST" else request.GET
    day, team = source.get("date", ""), source.get("team") == "1"
    error = None
    if request.method == "POST":
        try:
            done = usecases.route_accept_as(caller, pk, day, request.POST.get("fingerprint", ""), team=team)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(
                request,
                _("Route accepted: %(m)d visits moved, %(t)d travel entries booked.")
                % {"m": done["moved"], "t": done["travel_booked"]},
            )
            return redirect(reverse("allocation:route", args=[pk]) + f"?date={day}" + ("&team=1" if team else ""))
    try:
        plan = usecases.route_plan_as(caller, pk, day, team=team)
    except ValidationError as exc:  # a day out of range in the address: today's, with why
        error = " ".join(exc.messages)
        plan = usecases.route_plan_as(caller, pk, None, team=team)
    return render(
        request,
        "allocation/route.html",
        {
            "plan": plan,
            "worker": plan.workers[0],
            "team": team,
            "error": error,
            "previous_day": plan.day - dt.timedelta(days=1),
            "next_day": plan.day + dt.timedelta(days=1),
        },
        status=400 if error else 200,
    )


@login_required
@require_POST
def absence_withdraw(request, pk: int):
    """Withdraw an absence recorded by mistake."""
    try:
        usecases.absence_withdraw_as(Caller.page(request), pk)
    except ValidationError as exc:
        flash_errors(request, exc)
        return redirect("allocation:absence", pk)
    messages.success(request, _("Absence withdrawn: the shifts are capacity again."))
    return redirect("allocation:absences")
