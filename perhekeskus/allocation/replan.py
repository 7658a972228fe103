"""Re-planning when a worker is absent (docs/allocation.md): the absent worker's planned
appointments in the absence are proposed to other workers of the same service at the
same time, keeping the work pair (only the absent worker's place changes), preferring
workers who know the family, respecting language, training, shifts and bookings, and
moving nobody else's appointments. What cannot be placed at its time gets a suggested new
time (with the same or another worker, within two weeks after the absence), or failing
that a cancellation with the absence's reason. Nothing is written here: ``apply`` goes
through the booking services, all or nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from perhekeskus.access import policy
from perhekeskus.intake.models import ServiceNeed
from perhekeskus.people.models import Worker
from perhekeskus.scheduling import services as scheduling_services
from perhekeskus.scheduling.models import Absence, Appointment, CancellationReason, Participant

from . import candidates as engine

SEARCH_DAYS = 14  # a new time is looked for within this many days after the absence
DAY_FROM, DAY_TO = 8 * 3600, 16 * 3600  # a suggested new time lies in 08:00-16:00 local time


@dataclass
class Item:
    appointment: Appointment
    role: str  # the absent worker's role in it: primary or pair
    action: str = "cancel"  # reassign, move, cancel
    worker: Worker | None = None  # the new worker (reassign, move)
    start: dt.datetime | None = None  # the new start (move)
    reasons: list[str] = field(default_factory=list)
    family_label: str = ""

    @property
    def token(self) -> str:
        return f"{self.appointment.pk}:{self.action}:{self.worker.pk if self.worker else 0}:" + (
            self.start.isoformat() if self.start else ""
        )


@dataclass
class Plan:
    absence: Absence
    items: list[Item]
    seconds: float = 0.0

    @property
    def fingerprint(self) -> str:
        """Identifies the plan shown, so that accepting applies exactly what was seen."""
        return hashlib.sha256("|".join(i.token for i in self.items).encode()).hexdigest()[:16]

    def count(self, action: str) -> int:
        return sum(1 for i in self.items if i.action == action)

    @property
    def count_reassign(self) -> int:
        return self.count("reassign")

    @property
    def count_move(self) -> int:
        return self.count("move")

    @property
    def count_cancel(self) -> int:
        return self.count("cancel")

    @property
    def families(self) -> list:
        """The families to tell: every family whose appointment changes worker, time or is
        cancelled, once each."""
        seen, out = set(), []
        for i in self.items:
            f = i.appointment.family
            if f is not None and f.pk not in seen:
                seen.add(f.pk)
                out.append(f)
        return out


def _fits(loaded, worker_id: int, s: float, e: float, buffer: float, extra: list) -> bool:
    """Exact check: [s, e) inside the worker's shifts (less absences) and clear of their
    bookings and of what the plan already gave them, each widened by the travel time."""
    shifts = loaded.merged_shifts(worker_id)
    if not any(a <= s and e <= b for a, b in shifts):
        return False
    for item in loaded.busy.get(worker_id, []) + extra:
        if item[0] < e + buffer and item[1] > s - buffer:
            return False
    return True


def plan(absence: Absence, *, user) -> Plan:
    """The re-plan of an absence's appointments (reads only)."""
    import time as _time

    started = _time.perf_counter()
    worker = absence.worker
    parts = list(
        Participant.objects.filter(
            resource_id=worker.resource_id,
            active=True,
            start__lt=absence.end,
            end__gt=max(absence.start, timezone.now()),
            appointment__status=Appointment.Status.PLANNED,
        )
        .select_related("appointment__family", "appointment__work_type")
        .prefetch_related("appointment__participants")
        .order_by("start", "appointment_id")
    )
    appointments = [p.appointment for p in parts]
    # the service need behind each appointment (its language and training): two queries
    links = ServiceNeed.appointments.through.objects.filter(appointment_id__in=[a.pk for a in appointments])
    need_of = dict(links.values_list("appointment_id", "serviceneed_id"))
    by_id = ServiceNeed.objects.select_related("language", "competence").in_bulk(set(need_of.values()))
    needs = {a_id: by_id[n_id] for a_id, n_id in need_of.items()}
    pool = [
        w
        for w in Worker.objects.filter(is_active=True, service_id=worker.service_id)
        .exclude(pk=worker.pk)
        .select_related("unit", "service")
        .order_by("last_name", "first_name", "pk")
        if policy.can_book_for(user, w)
    ]
    first_day = timezone.localtime(absence.start).date()
    last_day = timezone.localtime(absence.end).date() + dt.timedelta(days=SEARCH_DAYS + 1)
    loaded = engine.load_workers(pool + [worker], first_day, (last_day - first_day).days)
    ctx = engine.family_context([a.family_id for a in appointments if a.family_id], [w.resource_id for w in pool])
    planned: dict[int, list] = {}  # worker -> intervals the plan gives them
    items = []
    for p, a in zip(parts, appointments, strict=True):
        item = Item(a, p.role, family_label=a.family.name if a.family else "")
        s, e = a.planned_start.timestamp(), a.planned_end.timestamp()
        home = a.location_kind == Appointment.LocationKind.CLIENT_HOME
        buffer = 60.0 * settings.ALLOCATION_TRAVEL_MINUTES if home else 0.0
        need = needs.get(a.pk)
        taken = {q.resource_id for q in a.participants.all() if q.active}

        def eligible(w, need=need, taken=taken):
            if w.resource_id in taken:
                return False
            if need is not None and need.language_id and need.language_id not in loaded.languages.get(w.pk, ()):
                return False
            return not (
                need is not None and need.competence_id and need.competence_id not in loaded.competences.get(w.pk, ())
            )

        def preference(w, a=a):
            points = 0
            if w.pk in ctx.named.get(a.family_id, ()):
                points += 30
            points += min(20, 5 * ctx.earlier.get((a.family_id, w.resource_id), 0))
            if w.unit_id == worker.unit_id:
                points += 5
            return points

        ranked = sorted((w for w in pool if eligible(w)), key=lambda w: (-preference(w), w.last_name, w.pk))
        for w in ranked:
            if _fits(loaded, w.pk, s, e, buffer, planned.get(w.pk, [])):
                item.action, item.worker = "reassign", w
                if preference(w) >= 30:
                    item.reasons.append(_("named for the family"))
                elif ctx.earlier.get((a.family_id, w.resource_id)):
                    item.reasons.append(_("has met the family"))
                planned.setdefault(w.pk, []).append((s, e))
                break
        if item.action == "cancel":
            # a new time after the absence: the earliest weekday slot with a known or
            # other eligible worker (the absent worker too, once back)
            duration = e - s
            day = timezone.localtime(absence.end).date()
            found = None
            for offset in range(SEARCH_DAYS):
                d = day + dt.timedelta(days=offset)
                if d.weekday() >= 5:
                    continue
                midnight = dt.datetime.combine(d, dt.time(0), tzinfo=engine.HELSINKI).timestamp()
                for t in range(DAY_FROM, DAY_TO - int(duration) + 1, 1800):
                    ns = midnight + t
                    if ns < absence.end.timestamp():
                        continue
                    for w in [worker, *ranked]:
                        if _fits(loaded, w.pk, ns, ns + duration, buffer, planned.get(w.pk, [])):
                            found = (w, ns)
                            break
                    if found:
                        break
                if found:
                    break
            if found:
                w, ns = found
                item.action, item.worker = "move", w
                item.start = dt.datetime.fromtimestamp(ns, dt.UTC)
                planned.setdefault(w.pk, []).append((ns, ns + duration))
                item.reasons.append(_("nobody free at its time"))
            else:
                item.reasons.append(_("no free time within two weeks"))
        items.append(item)
    return Plan(absence, items, _time.perf_counter() - started)


CANCEL_REASON = {
    Absence.Reason.ILL: CancellationReason.WORKER_ILL,
    Absence.Reason.CHILD_ILL: CancellationReason.WORKER_ILL,
}


@transaction.atomic
def apply(*, actor, the_plan: Plan) -> dict:
    """Carry out a plan through the booking services, all or nothing: a refusal of any
    step undoes every step (the caller shows the plan again with the error)."""
    done = {"reassign": 0, "move": 0, "cancel": 0}
    for item in the_plan.items:
        a = item.appointment
        if item.action == "reassign":
            if item.role == "primary":
                scheduling_services.appointment_update(actor=actor, appointment=a, worker=item.worker)
            else:
                scheduling_services.appointment_update(actor=actor, appointment=a, pair=item.worker)
        elif item.action == "move":
            duration = a.planned_end - a.planned_start
            if item.role == "primary":
                scheduling_services.appointment_update(
                    actor=actor, appointment=a, worker=item.worker, start=item.start, end=item.start + duration
                )
            else:
                scheduling_services.appointment_update(
                    actor=actor, appointment=a, pair=item.worker, start=item.start, end=item.start + duration
                )
        else:
            reason = CANCEL_REASON.get(the_plan.absence.reason, CancellationReason.ORGANISATION_CANCELLED)
            scheduling_services.appointment_cancel(actor=actor, appointment=a, reason=reason)
        done[item.action] += 1
    return done
