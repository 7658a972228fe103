"""The whole queue at once: a CP-SAT model (OR-Tools) over the options the candidate
engine finds, and the greedy baseline it is compared with (docs/allocation.md).

Pure data in, pure data out: nothing here reads or writes the database, so the model is
tested and benchmarked on generated queues as well as on the region's (``proposals``
gathers the options from the database and books nothing: the booking service does, after
the coordinator accepts).

An **option** is one need taken by one worker in one slot pattern (weekdays at one time
of day from the first Monday of the horizon, every occurrence already checked against the
worker's shifts and bookings). It occupies **cells** (worker, weekday, half hour); the
patterns of one worker repeat weekly from the same first week, so two options of a worker
collide exactly when they share a cell. A home visit also holds the half hour before and
after it for travel: two travel half hours may meet (one trip between two visits), a
travel half hour and a visit may not.

Hard constraints: at most one option a need; no cell of a worker used twice (no double
booking, and weekly capacity is what the cells leave); the child-protection caseload cap
(the children a social worker would newly carry, counted per need, never above what is
left under the cap). Language, competence, the organisation's services and the shifts are
already in the options: an option exists only where they hold.

Objectives in strict priority, as one integer objective: the needs assigned, each weighted
by urgency and waiting time, times a factor larger than every secondary point together;
then the options' own points (continuity, travel, balance). So no amount of secondary
points can buy an unassigned need.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time as _time
from collections import defaultdict
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

URGENCY_WEIGHT = {"urgent": 100, "high": 40, "normal": 10}
WAIT_CAP_DAYS = 180  # waiting beyond half a year adds no more weight


def need_weight(urgency: str, waiting_days: int) -> int:
    """The primary weight of assigning a need: urgency first, then waiting time (each 30
    days waited adds the urgency's weight again, up to half a year)."""
    base = URGENCY_WEIGHT.get(urgency, URGENCY_WEIGHT["normal"])
    return base * (30 + min(max(waiting_days, 0), WAIT_CAP_DAYS)) // 30


@dataclass(frozen=True)
class Option:
    need: int
    worker: int
    weekdays: tuple[int, ...]
    time: dt.time
    first_start: dt.datetime
    core: frozenset  # cells (weekday, half hour) the visits take
    travel: frozenset  # cells held for travel (home visits)
    points: int  # secondary points: continuity, travel, balance (integer)
    km: float | None = None
    continuity: bool = False

    @property
    def key(self) -> tuple:
        return (self.need, self.worker, self.weekdays, self.time.strftime("%H:%M"))


@dataclass
class NeedItem:
    id: int
    weight: int
    received: dt.date
    order: tuple  # the queue's order (urgency, received, id) for the greedy baseline
    new_children: dict[int, int] = field(default_factory=dict)  # worker -> children newly carried
    why_none: str = ""  # when it has no option at all: why (the candidate engine's reasons)


@dataclass
class Problem:
    needs: list[NeedItem]
    options: list[Option]
    cap_left: dict[int, int] = field(default_factory=dict)  # child-protection worker -> children left

    def by_need(self) -> dict[int, list[int]]:
        out: dict[int, list[int]] = defaultdict(list)
        for i, o in enumerate(self.options):
            out[o.need].append(i)
        return out


@dataclass
class Solution:
    chosen: dict[int, Option]  # need -> option
    status: str  # OPTIMAL, FEASIBLE, INFEASIBLE, UNKNOWN, GREEDY
    objective: float = 0.0
    bound: float = 0.0
    seconds: float = 0.0
    unmet_pins: list[int] = field(default_factory=list)  # needs whose pin could not hold

    @property
    def gap(self) -> float | None:
        """(bound - objective) / bound: 0 when proven optimal; None without a bound."""
        if self.status == "GREEDY":
            return None
        if self.bound <= 0:
            return 0.0
        return max(0.0, (self.bound - self.objective) / self.bound)


def violations(problem: Problem, chosen: dict[int, Option]) -> list[str]:
    """Every hard constraint the assignment breaks (empty for a valid one): used by the
    tests and as a last check before a proposal is stored."""
    out = []
    core: dict[tuple, int] = {}
    for o in chosen.values():
        for c in o.core:
            cell = (o.worker, *c)
            if cell in core:
                out.append(f"double booking of worker {o.worker} at {c} (needs {core[cell]}, {o.need})")
            core[cell] = o.need
    for o in chosen.values():
        for c in o.travel:
            cell = (o.worker, *c)
            if cell in core and core[cell] != o.need:
                out.append(f"travel of need {o.need} meets a visit of need {core[cell]}")
    items = {n.id: n for n in problem.needs}
    load: dict[int, int] = defaultdict(int)
    for o in chosen.values():
        if o.worker in problem.cap_left:
            load[o.worker] += items[o.need].new_children.get(o.worker, 0)
    for w, n in load.items():
        if n > problem.cap_left[w]:
            out.append(f"caseload cap of worker {w}: {n} > {problem.cap_left[w]}")
    return out


def _factor(problem: Problem) -> int:
    """Larger than every secondary point together: strict priority."""
    best: dict[int, int] = defaultdict(int)
    for o in problem.options:
        best[o.need] = max(best[o.need], max(o.points, 0))
    return sum(best.values()) + 1


def score(problem: Problem, chosen: dict[int, Option]) -> tuple[int, int]:
    """(primary, secondary) of an assignment."""
    weights = {n.id: n.weight for n in problem.needs}
    return sum(weights[n] for n in chosen), sum(o.points for o in chosen.values())


def solve(
    problem: Problem,
    *,
    pins: dict[int, tuple] | None = None,
    seconds: float = 10.0,
    seed: int = 0,
    workers: int = 1,
    hint: dict[int, Option] | None = None,
    progress=None,
) -> Solution:
    """The CP-SAT assignment. ``pins`` maps a need to an option key it must take (a pin
    whose option no longer exists, or that breaks a constraint with other pins, is
    reported in ``unmet_pins`` and left to the solver). Deterministic for a seed, time
    limit and number of workers."""
    started = _time.perf_counter()
    pins = dict(pins or {})
    model = cp_model.CpModel()
    x = [model.new_bool_var(f"x{i}") for i in range(len(problem.options))]
    by_need = problem.by_need()
    for _need, idx in by_need.items():
        model.add_at_most_one(x[i] for i in idx)
    core_at: dict[tuple, list[int]] = defaultdict(list)
    travel_at: dict[tuple, list[int]] = defaultdict(list)
    for i, o in enumerate(problem.options):
        for c in o.core:
            core_at[(o.worker, *c)].append(i)
        for c in o.travel:
            travel_at[(o.worker, *c)].append(i)
    for _cell, idx in core_at.items():
        if len(idx) > 1:
            model.add_at_most_one(x[i] for i in idx)
    for cell, idx in travel_at.items():
        visits = core_at.get(cell, [])
        for i in idx:
            others = [j for j in visits if problem.options[j].need != problem.options[i].need]
            if others:
                # a travel half hour excludes every visit there (of another need)
                model.add(sum(x[j] for j in others) == 0).only_enforce_if(x[i])
    items = {n.id: n for n in problem.needs}
    per_worker: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for i, o in enumerate(problem.options):
        if o.worker in problem.cap_left:
            per_worker[o.worker].append((i, items[o.need].new_children.get(o.worker, 0)))
    for w, terms in per_worker.items():
        model.add(sum(n * x[i] for i, n in terms) <= problem.cap_left[w])
    unmet = []
    keys = {o.key: i for i, o in enumerate(problem.options)}
    pinned_vars = []
    for need, key in pins.items():
        i = keys.get(tuple(key))
        if i is None:
            unmet.append(need)
        else:
            pinned_vars.append((need, i))
    # pins as hard equalities; if they clash among themselves, the first that fit stay (below)
    factor = _factor(problem)
    model.maximize(sum((factor * items[o.need].weight + o.points) * x[i] for i, o in enumerate(problem.options)))
    if hint:
        for o in hint.values():
            i = keys.get(o.key)
            if i is not None:
                model.add_hint(x[i], True)
    for _need, i in pinned_vars:
        model.add(x[i] == 1)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, float(seconds))
    solver.parameters.num_workers = max(1, int(workers))
    solver.parameters.random_seed = int(seed)
    callback = _Progress(progress) if progress else None
    status = solver.solve(model, callback) if callback else solver.solve(model)
    name = solver.status_name(status)
    if name == "INFEASIBLE" and pinned_vars:
        # the pins clash among themselves: keep the first that fit, in need order
        kept: dict[int, tuple] = {}
        for need, i in sorted(pinned_vars):
            trial = {**kept, need: problem.options[i].key}
            if not violations(problem, {n: problem.options[keys[k]] for n, k in trial.items()}):
                kept[need] = problem.options[i].key
            else:
                unmet.append(need)
        rest = solve(problem, pins=kept, seconds=seconds, seed=seed, workers=workers)
        rest.unmet_pins = sorted(set(unmet) | set(rest.unmet_pins))
        return rest
    chosen = {}
    if name in ("OPTIMAL", "FEASIBLE"):
        for i, o in enumerate(problem.options):
            if solver.value(x[i]):
                chosen[o.need] = o
    return Solution(
        chosen,
        name,
        objective=solver.objective_value if chosen or name == "OPTIMAL" else 0.0,
        bound=solver.best_objective_bound,
        seconds=_time.perf_counter() - started,
        unmet_pins=sorted(unmet),
    )


class _Progress(cp_model.CpSolverSolutionCallback):
    """Reports each solution found (its number, objective and the bound) as it comes."""

    def __init__(self, report):
        super().__init__()
        self._report, self._n = report, 0

    def on_solution_callback(self):
        self._n += 1
        self._report(self._n, self.objective_value, self.best_objective_bound)


def greedy(problem: Problem) -> Solution:
    """The baseline: needs in queue order (urgency, then the longest waiting), each given
    its best option (most points) that still fits what is taken."""
    started = _time.perf_counter()
    by_need = problem.by_need()
    items = sorted(problem.needs, key=lambda n: n.order)
    core: set = set()
    travel: dict[tuple, set] = defaultdict(set)
    load: dict[int, int] = defaultdict(int)
    chosen: dict[int, Option] = {}
    for n in items:
        opts = sorted((problem.options[i] for i in by_need.get(n.id, ())), key=lambda o: (-o.points, o.key))
        for o in opts:
            cells = {(o.worker, *c) for c in o.core}
            if cells & core:
                continue
            if any(travel.get(c, set()) - {o.need} for c in cells):
                continue
            if {(o.worker, *c) for c in o.travel} & core:
                continue
            if o.worker in problem.cap_left:
                add = n.new_children.get(o.worker, 0)
                if load[o.worker] + add > problem.cap_left[o.worker]:
                    continue
                load[o.worker] += add
            core |= cells
            for c in o.travel:
                travel[(o.worker, *c)].add(o.need)
            chosen[n.id] = o
            break
    primary, secondary = score(problem, chosen)
    return Solution(
        chosen, "GREEDY", objective=primary * _factor(problem) + secondary, seconds=_time.perf_counter() - started
    )


def summary(problem: Problem, solution: Solution) -> dict:
    """The figures a proposal is compared by: needs assigned (and their weight), total
    travel from the base (km, home visits), continuity kept, median days from contact to
    the first planned visit."""
    items = {n.id: n for n in problem.needs}
    chosen = solution.chosen
    primary, secondary = score(problem, chosen)
    days = [(o.first_start.date() - items[n].received).days for n, o in chosen.items()]
    return {
        "assigned": len(chosen),
        "needs": len(problem.needs),
        "weight": primary,
        "points": secondary,
        "km": round(sum(o.km or 0.0 for o in chosen.values()), 1),
        "continuity": sum(1 for o in chosen.values() if o.continuity),
        "median_days": statistics.median(days) if days else None,
    }


def changes(before: dict[int, tuple], after: dict[int, tuple]) -> int:
    """Needs whose assignment differs between two proposals (option key or none)."""
    return sum(1 for n in set(before) | set(after) if before.get(n) != after.get(n))
