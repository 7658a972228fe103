"""Generated queues for the batch model's benchmark and property tests: needs with
urgencies and waiting times, workers with weekly free half hours, options where a
worker's free time holds a need's pattern. No database; deterministic for a seed."""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

from .batch import NeedItem, Option, Problem, need_weight

HELSINKI = ZoneInfo("Europe/Helsinki")


def queue(
    needs: int = 200,
    workers: int = 100,
    *,
    seed: int = 0,
    per_worker: int = 12,
    load: float = 0.35,
    services: int = 10,
    cap_workers: float = 0.2,
) -> Problem:
    """A queue of ``needs`` over ``workers`` in ``services`` services. Each worker has
    ``load`` of a 07:00-19:00 week booked already (random half hours); each need asks for
    1-2 visits a week of 60-120 min; an option is generated for each of the worker's first
    ``per_worker`` patterns that fit (earliest first, as the candidate engine offers
    them). A share of the workers are child-protection social workers with a cap."""
    rnd = random.Random(seed)
    first_day = dt.date(2027, 1, 4)  # a Monday
    free = {}
    service_of = {}
    for w in range(workers):
        service_of[w] = w % services
        busy = {(d, k) for d in range(1, 6) for k in range(14, 38) if rnd.random() < load}
        free[w] = {(d, k) for d in range(1, 6) for k in range(14, 38)} - busy
    cap_left = {w: rnd.randint(0, 6) for w in range(workers) if rnd.random() < cap_workers}
    items, options = [], []
    for n in range(needs):
        urgency = rnd.choices(["urgent", "high", "normal"], weights=[1, 3, 6])[0]
        waited = rnd.randint(0, 120)
        received = first_day - dt.timedelta(days=waited + 7)
        span = rnd.choice([2, 3, 4])  # half hours a visit
        per_week = rnd.choice([1, 1, 2])
        home = rnd.random() < 0.4
        service = rnd.randrange(services)
        item = NeedItem(
            n, need_weight(urgency, waited), received, ({"urgent": 0, "high": 1, "normal": 2}[urgency], received, n)
        )
        items.append(item)
        for w in (w for w in range(workers) if service_of[w] == service):
            if rnd.random() < 0.25:  # language or training missing
                continue
            made = 0
            for k0 in range(14, 38 - span + 1):
                chosen = []
                for d in range(1, 6):
                    if chosen and d - chosen[-1] < 2:
                        continue
                    need_cells = {(d, k) for k in range(k0 - home, k0 + span + home)}
                    if need_cells <= free[w]:
                        chosen.append(d)
                        if len(chosen) == per_week:
                            break
                if len(chosen) < per_week:
                    continue
                core = frozenset((d, k) for d in chosen for k in range(k0, k0 + span))
                travel = frozenset((d, k) for d in chosen for k in (k0 - 1, k0 + span)) if home else frozenset()
                t = dt.time(k0 // 2, 30 * (k0 % 2))
                start = dt.datetime.combine(first_day + dt.timedelta(days=chosen[0] - 1), t, tzinfo=HELSINKI)
                km = round(rnd.uniform(0.5, 25), 1) if home else None
                continuity = rnd.random() < 0.1
                points = (30 if continuity else 0) + rnd.randint(0, 20) + (int(max(0, 15 - km)) if km else 0)
                options.append(Option(n, w, tuple(chosen), t, start, core, travel, points, km, continuity))
                made += 1
                if made >= per_worker:
                    break
            if w in cap_left:
                item.new_children[w] = rnd.randint(1, 3)
    return Problem(items, options, cap_left)
