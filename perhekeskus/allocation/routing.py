"""Home-visit routes (docs/allocation.md): the order and times of a day's visits that
minimise travel, with PyVRP (hybrid genetic search). Visits with a time window (home
help: "between 9 and 11") are placed; fixed-time visits stay fixed (a window of one
minute). A worker is a vehicle that starts and ends at their base within the working
day; a team's day is several vehicles.

Pure data in and out (minutes from midnight, a travel matrix in minutes): the day
planner in ``route_day`` reads the calendar and the booking services write.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

SCALE = 10  # PyVRP works in integers: tenths of a minute (or of a distance unit)


@dataclass
class Stop:
    id: object
    duration: float  # minutes on site
    earliest: float  # minutes from midnight: the earliest start
    latest: float  # the latest start (= earliest for a fixed visit)
    demand: int = 0  # load (Solomon's demand; 0 for home visits)
    vehicle: object = None  # the vehicle (worker) a visit must stay with, in a team's day; None: any


@dataclass
class Vehicle:
    id: object
    start: float  # the working day, minutes from midnight
    end: float
    count: int = 1  # identical vehicles of this kind (a fleet, for the benchmark)
    capacity: int | None = None


@dataclass
class Leg:
    stop: object
    start: float
    travel: float  # minutes from the previous place


@dataclass
class RoutePlan:
    routes: dict  # vehicle id -> [Leg]
    travel: float  # total travel minutes (the objective)
    back: dict = field(default_factory=dict)  # vehicle id -> travel minutes back to the base
    unplaced: list = field(default_factory=list)
    feasible: bool = True
    seconds: float = 0.0


def solve(
    stops: list[Stop],
    vehicles: list[Vehicle],
    travel: list[list[float]],
    *,
    seconds: float = 2.0,
    seed: int = 0,
    bases: list[int] | None = None,
    iterations: int | None = None,
) -> RoutePlan:
    """Minimise total travel. ``travel`` is indexed by place: the vehicles' bases first
    (``bases[v]`` is vehicle v's place; by default place v), then the stops in order."""
    import time as _time

    from pyvrp import Model
    from pyvrp.stop import MaxIterations, MaxRuntime, MultipleCriteria

    started = _time.perf_counter()
    n_bases = len(vehicles) if bases is None else max(bases) + 1
    bases = list(range(len(vehicles))) if bases is None else bases
    m = Model()
    restricted = any(s.vehicle is not None for s in stops)
    # with visits bound to one vehicle, a travel profile a vehicle: a visit bound to
    # another vehicle is out of its reach
    profiles = [m.add_profile(name=f"p{v}") for v in range(len(vehicles))] if restricted else []
    depots = [m.add_depot(m.add_location(x=0, y=b)) for b in range(n_bases)]
    for v, vehicle in enumerate(vehicles):
        m.add_vehicle_type(
            vehicle.count,
            capacity=[vehicle.capacity] if vehicle.capacity is not None else [],
            start_depot=depots[bases[v]],
            end_depot=depots[bases[v]],
            tw_early=int(vehicle.start * SCALE),
            tw_late=int(vehicle.end * SCALE),
            profile=profiles[v] if restricted else None,
        )
    loaded = any(v.capacity is not None for v in vehicles)
    for i, s in enumerate(stops):
        m.add_client(
            m.add_location(x=1, y=i),
            delivery=[s.demand] if loaded else [],
            service_duration=int(round(s.duration * SCALE)),
            tw_early=int(math.floor(s.earliest * SCALE)),
            tw_late=int(math.ceil(s.latest * SCALE)),
        )
    locations = m.locations
    far = 10**9
    for a in range(len(locations)):
        for b in range(len(locations)):
            if a == b:
                continue
            t = int(round(travel[a][b] * SCALE))
            if not restricted:
                m.add_edge(locations[a], locations[b], distance=t, duration=t)
                continue
            ends = [i - n_bases for i in (a, b) if i >= n_bases]
            for v, vehicle in enumerate(vehicles):
                barred = any(stops[i].vehicle is not None and stops[i].vehicle != vehicle.id for i in ends)
                m.add_edge(
                    locations[a], locations[b], distance=far if barred else t, duration=far if barred else t,
                    profile=profiles[v],
                )  # fmt: skip
    with warnings.catch_warnings():
        # PyVRP warns when it struggles to find a feasible solution; the plan says so itself
        warnings.simplefilter("ignore")
        # an iteration budget makes the answer the same for a seed whatever the machine's
        # load (the time limit stays as a ceiling)
        stop = (
            MaxRuntime(seconds)
            if iterations is None
            else MultipleCriteria([MaxIterations(iterations), MaxRuntime(seconds)])
        )
        result = m.solve(stop=stop, seed=seed, display=False)
    best = result.best
    routes: dict = {}
    back: dict = {}
    placed = set()
    for k, route in enumerate(best.routes()):
        v = route.vehicle_type()
        key = vehicles[v].id if vehicles[v].count == 1 else (vehicles[v].id, k)
        legs, prev = [], bases[v]
        for act in route.schedule():
            if not act.is_client():
                continue
            place = n_bases + act.idx
            begin = act.start_time / SCALE
            legs.append(Leg(stops[act.idx].id, begin, travel[prev][place]))
            placed.add(act.idx)
            prev = place
        back[key] = travel[prev][bases[v]]
        routes[key] = legs
    unplaced = [stops[i].id for i in range(len(stops)) if i not in placed]
    return RoutePlan(
        routes,
        best.distance() / SCALE,
        back,
        unplaced,
        feasible=best.is_feasible(),
        seconds=_time.perf_counter() - started,
    )
