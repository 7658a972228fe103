"""The whole-queue model on made and generated queues (no database): it never proposes
a double booking, never passes the caseload cap, keeps travel time clear of other visits,
keeps the strict priority of assignment over secondary points, honours pins, and is at
least as good as allocating greedily in queue order."""

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from perhekeskus.allocation import batch, synthetic

T0 = dt.datetime(2027, 1, 4, 9, tzinfo=dt.UTC)


def option(need, worker, cells, points=0, travel=(), time=dt.time(9)):
    return batch.Option(
        need, worker, (1,), time, T0, frozenset((1, k) for k in cells), frozenset((1, k) for k in travel), points
    )


def item(i, weight=10):
    return batch.NeedItem(i, weight, dt.date(2026, 12, 1), (2, dt.date(2026, 12, 1), i))


def test_strict_priority_assignment_before_points():
    # need 1 (weight 10) and need 2 (weight 10) both fit worker 7 only at disjoint times,
    # or need 1 alone at a time worth many points that blocks need 2: both must be placed
    problem = batch.Problem(
        [item(1), item(2)],
        [option(1, 7, [18, 19], points=500), option(1, 7, [22, 23], points=0), option(2, 7, [18, 19], points=0)],
    )
    s = batch.solve(problem, seconds=5)
    assert s.status == "OPTIMAL" and set(s.chosen) == {1, 2}
    assert s.chosen[1].core == frozenset({(1, 22), (1, 23)})
    assert batch.violations(problem, s.chosen) == []


def test_urgency_weight_decides_who_gets_a_contested_slot():
    problem = batch.Problem(
        [item(1, weight=10), item(2, weight=100)],
        [option(1, 7, [18, 19], points=40), option(2, 7, [19, 20], points=0)],
    )
    s = batch.solve(problem, seconds=5)
    assert set(s.chosen) == {2}


def test_travel_half_hours_may_meet_but_not_a_visit():
    # two home visits with one shared travel half hour between them: allowed
    a = option(1, 7, [18, 19], travel=[17, 20])
    b = option(2, 7, [21, 22], travel=[20, 23])
    assert batch.violations(batch.Problem([item(1), item(2)], [a, b]), {1: a, 2: b}) == []
    # a visit in the other's travel half hour: not allowed, and the model knows it
    c = option(3, 7, [20], travel=())
    problem = batch.Problem([item(1), item(3)], [a, c])
    assert batch.violations(problem, {1: a, 3: c})
    s = batch.solve(problem, seconds=5)
    assert len(s.chosen) == 1 and batch.violations(problem, s.chosen) == []
    g = batch.greedy(problem)
    assert len(g.chosen) == 1 and batch.violations(problem, g.chosen) == []


def test_the_caseload_cap_holds():
    items = [item(i) for i in range(4)]
    for it in items:
        it.new_children = {7: 2}
    problem = batch.Problem(items, [option(i, 7, [14 + 2 * i]) for i in range(4)], cap_left={7: 5})
    s = batch.solve(problem, seconds=5)
    assert len(s.chosen) == 2 and batch.violations(problem, s.chosen) == []


def test_pins_hold_and_clashing_pins_are_reported():
    a, b, c = option(1, 7, [18, 19]), option(1, 8, [18, 19]), option(2, 8, [18, 19])
    problem = batch.Problem([item(1), item(2)], [a, b, c])
    s = batch.solve(problem, pins={1: b.key}, seconds=5)
    assert s.chosen[1] == b and 2 not in s.chosen and s.unmet_pins == []
    clash = batch.solve(problem, pins={1: b.key, 2: c.key}, seconds=5)
    assert clash.unmet_pins == [2] and clash.chosen[1] == b
    gone = batch.solve(problem, pins={2: (2, 99, (1,), "09:00")}, seconds=5)
    assert gone.unmet_pins == [2]


def test_generated_queue_beats_or_equals_greedy_and_is_valid():
    problem = synthetic.queue(60, 20, seed=3, load=0.55)
    g = batch.greedy(problem)
    s = batch.solve(problem, seconds=10, seed=0, hint=g.chosen)
    assert batch.violations(problem, s.chosen) == []
    assert batch.violations(problem, g.chosen) == []
    assert batch.score(problem, s.chosen) >= batch.score(problem, g.chosen)
    assert s.gap is not None and 0 <= s.gap <= 1
    # deterministic for a seed, time limit and one worker
    again = batch.solve(problem, seconds=10, seed=0, hint=g.chosen)
    if s.status == "OPTIMAL":
        assert batch.score(problem, again.chosen) == batch.score(problem, s.chosen)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), needs=st.integers(1, 25), workers=st.integers(1, 8), load=st.floats(0.2, 0.8))
def test_property_no_double_booking_no_cap_breach_and_never_worse_than_greedy(seed, needs, workers, load):
    problem = synthetic.queue(needs, workers, seed=seed, load=load, services=2, per_worker=4, cap_workers=0.5)
    g = batch.greedy(problem)
    s = batch.solve(problem, seconds=5, seed=0)
    assert batch.violations(problem, g.chosen) == []
    assert batch.violations(problem, s.chosen) == []
    if s.status == "OPTIMAL":
        assert batch.score(problem, s.chosen) >= batch.score(problem, g.chosen)
    # every chosen option is one of the need's own options
    options = set(problem.options)
    assert all(o in options and o.need == n for n, o in s.chosen.items())


def test_changes_counts_needs_whose_assignment_differs():
    assert batch.changes({1: ("a",), 2: None}, {1: ("a",), 2: ("b",), 3: None}) == 1
