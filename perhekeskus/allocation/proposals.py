"""Queue proposals: gather the options of the waiting needs from the database (the
candidate engine, once for the whole queue), solve them with the batch model, store the
rows with their explanations, and on acceptance book the accepted rows through intake's
allocation (the booking service). Runs as the proposal's creator: the queue and the
workers are those the creator's policy gives."""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from perhekeskus.errors import Conflict
from perhekeskus.intake import selectors as intake_selectors
from perhekeskus.intake import services as intake_services
from perhekeskus.intake.models import URGENCY_ORDER, ServiceNeed
from perhekeskus.people.models import Worker

from . import batch
from . import candidates as engine
from .models import Proposal, ProposalEvent, ProposalRow

log = logging.getLogger(__name__)

MAX_NEEDS = 400  # needs in one proposal (the queue's most urgent and longest waiting)
OPTIONS_PER_WORKER = 6  # slot patterns a worker offers a need in the model (spread over weekday sets)
ALTERNATIVES = 6  # other options stored on a row for the coordinator's edit

REASON_LABELS = {
    "service": lambda n: ngettext("%(n)d worker of other services", "%(n)d workers of other services", n),
    "language": lambda n: ngettext("%(n)d without the language", "%(n)d without the language", n),
    "competence": lambda n: ngettext("%(n)d without the training", "%(n)d without the training", n),
    "time": lambda n: ngettext("%(n)d without a time that fits", "%(n)d without a time that fits", n),
    "caseload": lambda n: ngettext("%(n)d at the caseload cap", "%(n)d at the caseload cap", n),
}


def event(proposal: Proposal, actor, action: str, **detail) -> None:
    ProposalEvent.objects.create(proposal=proposal, actor=actor, action=action, detail=detail)


def cells(slot, minutes: int, home: bool) -> tuple[frozenset, frozenset]:
    """The (weekday, half hour) cells a pattern's visits take, and the travel cells."""
    k0 = (slot.time.hour * 60 + slot.time.minute) // 30
    span = -(-minutes // 30)
    core = frozenset((d, k) for d in slot.weekdays for k in range(k0, k0 + span))
    travel = frozenset((d, k) for d in slot.weekdays for k in (k0 - 1, k0 + span)) if home else frozenset()
    return core, travel


def needs_for(proposal: Proposal) -> list[ServiceNeed]:
    """The waiting needs of the proposal's filter in the creator's queue, the removed ones
    of the previous proposal left out."""
    qs = intake_selectors.queue(user=proposal.created_by, status="waiting", service_id=proposal.service_id)
    if proposal.urgency:
        qs = qs.filter(urgency=proposal.urgency)
    removed = set()
    if proposal.previous_id:
        removed = set(
            ProposalRow.objects.filter(proposal_id=proposal.previous_id, removed=True).values_list("need_id", flat=True)
        )
    qs = qs.select_related("family", "service", "language", "competence", "work_type")
    return [n for n in qs[: MAX_NEEDS + len(removed)] if n.pk not in removed][:MAX_NEEDS]


def gather(needs: list[ServiceNeed], user, today: dt.date | None = None):
    """(problem, explanations): the options of every need with every worker of its
    service the user books, in a fixed number of queries for the region plus one a
    child-protection social worker (the caseload)."""
    today = today or timezone.localdate()
    first_day = engine._start_day(today)
    now = timezone.now()
    service_ids = {n.service_id for n in needs}
    workers = [
        w
        for w in Worker.objects.filter(is_active=True, service_id__in=service_ids)
        .select_related("service", "unit", "organisation")
        .order_by("last_name", "first_name", "pk")
        if engine.policy.can_book_for(user, w)
    ]
    by_service: dict[int, list[Worker]] = {}
    for w in workers:
        by_service.setdefault(w.service_id, []).append(w)
    weeks = max((n.weeks for n in needs), default=1)
    loaded = engine.load_workers(workers, first_day, 7 * weeks)
    ctx = engine.family_context([n.family_id for n in needs], [w.resource_id for w in workers])
    grid_of = engine.grid_cache(first_day)
    # the caseloads of every child-protection social worker among them: four queries
    carried = intake_selectors.caseload_children_many([w for w in workers if intake_selectors.caseload_applies(w)])

    def carried_of(w):
        return carried[w.pk]

    children_of = intake_selectors.family_children_many(n.family_id for n in needs)  # one query
    cap = settings.CHILD_PROTECTION_CASELOAD_CAP
    items, options, explain = [], [], {}
    for need in needs:
        children = children_of[need.family_id]
        waited = (now - need.received_at).days
        item = batch.NeedItem(
            need.pk,
            batch.need_weight(need.urgency, waited),
            timezone.localtime(need.received_at).date(),
            (URGENCY_ORDER.get(need.urgency, 9), need.received_at, need.pk),
        )
        failed = Counter()
        made = 0
        for w in by_service.get(need.service_id, []):
            c = engine.evaluate(
                need, w, loaded, ctx, grid_of, children, limit=OPTIONS_PER_WORKER, carried_of=carried_of
            )
            if not c.eligible:
                failed[c.codes[0] if c.codes else "time"] += 1
                continue
            if c.caseload is not None:
                have = carried_of(w)
                item.new_children[w.pk] = len(children - have)
            continuity = w.pk in ctx.named.get(need.family_id, ()) or bool(
                ctx.earlier.get((need.family_id, w.resource_id))
            )
            for slot in c.slots:
                made += 1
                core, travel = cells(slot, need.session_minutes, need.home_visits)
                o = batch.Option(
                    need.pk,
                    w.pk,
                    slot.weekdays,
                    slot.time,
                    slot.first_start,
                    core,
                    travel,
                    int(round(c.score)),
                    c.km if need.home_visits else None,
                    continuity,
                )
                options.append(o)
                explain[o.key] = [[why, points] for why, points in c.reasons]
        if not made:
            if not by_service.get(need.service_id):
                item.why_none = _("No worker of the service that you book.")
            else:
                parts = [REASON_LABELS[code](n) % {"n": n} for code, n in failed.most_common()]
                item.why_none = _("No worker fits: %(why)s.") % {"why": ", ".join(parts)}
        items.append(item)
    cap_left = {w_id: max(0, cap - len(children)) for w_id, children in carried.items()}
    return batch.Problem(items, options, cap_left), explain


def _why_unassigned(item: batch.NeedItem, mine: list[batch.Option], chosen_by_worker: dict) -> str:
    """Why a need stays unplaced: no option at all (the engine's reasons), or its
    workers' times went to needs before it, or the caseload cap."""
    if item.why_none:
        return item.why_none
    taken = any(
        c.core & (o.core | o.travel) or c.travel & o.core for o in mine for c in chosen_by_worker.get(o.worker, ())
    )
    workers = len({o.worker for o in mine})
    if taken:
        return ngettext(
            "Its %(n)d possible worker's times went to needs before it in priority.",
            "Its %(n)d possible workers' times went to needs before it in priority.",
            workers,
        ) % {"n": workers}
    return _("Its possible workers are at the caseload cap with the needs before it.")


def run(proposal_id: int) -> None:
    """Solve one proposal (the task): gather, solve with the pins of the previous
    proposal, compare with the greedy baseline, store the rows. Never raises: a failure
    is stored on the proposal (without client data) and logged by id."""
    proposal = Proposal.objects.select_related("created_by", "previous").get(pk=proposal_id)
    if proposal.status not in (Proposal.Status.QUEUED, Proposal.Status.FAILED):
        return
    Proposal.objects.filter(pk=proposal.pk).update(
        status=Proposal.Status.RUNNING, started_at=timezone.now(), progress=_("Reading the queue and the calendars")
    )
    try:
        needs = needs_for(proposal)
        problem, explain = gather(needs, proposal.created_by)
        pins = {}
        previous_keys = {}
        if proposal.previous_id:
            for row in ProposalRow.objects.filter(proposal_id=proposal.previous_id):
                previous_keys[row.need_id] = row.key
                if row.pinned and not row.removed and row.key:
                    pins[row.need_id] = row.key
        Proposal.objects.filter(pk=proposal.pk).update(
            progress=_("Solving: %(needs)d needs, %(options)d options, at most %(s)d s")
            % {"needs": len(problem.needs), "options": len(problem.options), "s": proposal.seconds}
        )

        def report(n, objective, bound):
            if n % 5 == 1:
                Proposal.objects.filter(pk=proposal.pk).update(progress=_("Solving: solution %(n)d found") % {"n": n})

        greedy = batch.greedy(problem)
        solution = batch.solve(
            problem,
            pins=pins,
            seconds=proposal.seconds,
            seed=proposal.seed,
            workers=settings.ALLOCATION_SOLVER_WORKERS,
            hint=greedy.chosen,
            progress=report,
        )
        if batch.violations(problem, solution.chosen):  # never expected: the model holds them
            raise RuntimeError("proposal breaks a hard constraint")
        alternatives: dict[int, list] = {}
        names = {w.pk: w.name for w in Worker.objects.filter(pk__in={o.worker for o in problem.options})}
        for o in sorted(problem.options, key=lambda o: (-o.points, o.key)):
            alts = alternatives.setdefault(o.need, [])
            if len(alts) < ALTERNATIVES:
                alts.append(
                    {
                        "worker": o.worker,
                        "name": names.get(o.worker, ""),
                        "weekdays": list(o.weekdays),
                        "time": o.time.strftime("%H:%M"),
                        "first_start": o.first_start.isoformat(),
                        "points": o.points,
                    }
                )
        rows = []
        unmet = set(solution.unmet_pins)
        options_of = problem.by_need()
        chosen_by_worker: dict[int, list] = {}
        for o in solution.chosen.values():
            chosen_by_worker.setdefault(o.worker, []).append(o)
        for item in problem.needs:
            o = solution.chosen.get(item.id)
            row = ProposalRow(
                proposal=proposal, need_id=item.id, weight=item.weight, pinned=item.id in pins and item.id not in unmet
            )
            if o:
                row.worker_id, row.weekdays, row.time, row.first_start = (
                    o.worker,
                    list(o.weekdays),
                    o.time,
                    o.first_start,
                )
                row.points, row.km, row.explanation = o.points, o.km, explain.get(o.key, [])
            else:
                mine = [problem.options[i] for i in options_of.get(item.id, ())]
                row.why_unassigned = _why_unassigned(item, mine, chosen_by_worker)[:300]
            row.alternatives = alternatives.get(item.id, [])
            rows.append(row)
        with transaction.atomic():
            ProposalRow.objects.bulk_create(rows)
            after = {r.need_id: r.key for r in rows}
            Proposal.objects.filter(pk=proposal.pk).update(
                status=Proposal.Status.DONE,
                finished_at=timezone.now(),
                progress="",
                solver_status=solution.status,
                objective=solution.objective,
                bound=solution.bound,
                gap=solution.gap,
                summary={
                    **batch.summary(problem, solution),
                    "seconds": round(solution.seconds, 2),
                    "unmet_pins": len(unmet),
                },
                greedy={**batch.summary(problem, greedy), "seconds": round(greedy.seconds, 3)},
                changes=batch.changes(previous_keys, after) if proposal.previous_id else None,
            )
            event(
                proposal,
                None,
                "solved",
                needs=len(problem.needs),
                assigned=len(solution.chosen),
                status=solution.status,
                gap=solution.gap,
            )
    except Exception as exc:  # stored and logged by id only: no client data in logs
        log.exception("proposal %s failed", proposal.pk)
        Proposal.objects.filter(pk=proposal.pk).update(
            status=Proposal.Status.FAILED, finished_at=timezone.now(), error=type(exc).__name__[:300]
        )
        event(proposal, None, "failed", error=type(exc).__name__)


def row_pin(*, actor, row: ProposalRow, pinned: bool) -> ProposalRow:
    if row.worker_id is None and pinned:
        raise ValidationError(_("An unassigned row cannot be pinned; choose a worker first."))
    row.pinned = pinned
    row.save(update_fields=["pinned"])
    event(row.proposal, actor, "pinned" if pinned else "unpinned", need=row.need_id)
    return row


def row_remove(*, actor, row: ProposalRow, removed: bool = True) -> ProposalRow:
    row.removed, row.pinned = removed, False if removed else row.pinned
    row.save(update_fields=["removed", "pinned"])
    event(row.proposal, actor, "removed" if removed else "restored", need=row.need_id)
    return row


def row_choose(*, actor, row: ProposalRow, choice: int) -> ProposalRow:
    """Edit a row: take one of its stored alternatives (worker and slot pattern), pinned."""
    alts = row.alternatives
    if not 0 <= choice < len(alts):
        raise ValidationError({"choice": [_("Choose one of the offered alternatives.")]})
    a = alts[choice]
    row.worker_id, row.weekdays = a["worker"], a["weekdays"]
    row.time = dt.time.fromisoformat(a["time"])
    row.first_start = dt.datetime.fromisoformat(a["first_start"])
    row.points, row.pinned, row.removed, row.why_unassigned = a["points"], True, False, ""
    row.explanation = [[_("chosen by the coordinator"), 0]]
    row.save()
    event(row.proposal, actor, "edited", need=row.need_id, worker=row.worker_id)
    return row


def accept(*, actor, proposal: Proposal, rows: list[ProposalRow]) -> tuple[int, int]:
    """Book the accepted rows, each through intake's allocation (the booking service,
    every occurrence checked, all or nothing for the row). A row that no longer fits
    (the calendar changed since the solve) keeps its error and the others go on.
    Returns (booked, failed)."""
    booked = failed = 0
    for row in rows:
        if row.worker_id is None or row.removed or row.booked_at:
            continue
        need = ServiceNeed.objects.select_related("family", "service", "work_type", "person").get(pk=row.need_id)
        try:
            intake_services.service_need_allocate(
                actor=actor,
                need=need,
                worker=Worker.objects.get(pk=row.worker_id),
                first_start=row.first_start,
                weekdays=row.weekdays,
            )
        except (ValidationError, Conflict) as exc:
            messages = getattr(exc, "messages", None) or [str(exc)]
            row.booking_error = " ".join(str(m) for m in messages)[:500]
            row.save(update_fields=["booking_error"])
            failed += 1
            continue
        row.booked_at, row.booking_error = timezone.now(), ""
        row.save(update_fields=["booked_at", "booking_error"])
        booked += 1
    if booked:
        Proposal.objects.filter(pk=proposal.pk).update(status=Proposal.Status.ACCEPTED)
    event(proposal, actor, "accepted", booked=booked, failed=failed, rows=[r.need_id for r in rows])
    return booked, failed
