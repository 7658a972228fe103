"""The common-slot search as properties, checked against a brute-force search on small
cases: every proposed slot is free for every worker, the earliest such slot is found,
and reserved slots come first."""

from hypothesis import given, settings
from hypothesis import strategies as st

from perhekeskus.scheduling import freetime

STEP = 900  # the grid: quarter hours
HORIZON = 96 * STEP  # one day of quarter hours


def spans(max_size=6):
    """Ordered or not, overlapping or not: (start, end) on a 5-minute grid, so that some
    edges fall between the 15-minute grid of proposals."""
    return st.lists(
        st.tuples(st.integers(0, HORIZON // 300), st.integers(1, 24)).map(lambda t: (t[0] * 300, (t[0] + t[1]) * 300)),
        max_size=max_size,
    )


def free_at(t: int, available, busy) -> bool:
    """Brute force: is the instant [t, t + 1) inside some available span and no busy one?"""
    return any(s <= t < e for s, e in available) and not any(s <= t < e for s, e in busy)


def brute_force(workers, *, duration, after, reserved=None):
    """Every grid start from which each second of the slot is free for everyone (and
    inside one reserved span, when given), checked minute by minute."""
    out = []
    t = -(-after // STEP) * STEP
    while t + duration <= HORIZON + 30 * 300:
        ok = all(all(free_at(x, a, b) for x in range(t, t + duration, 60)) for a, b in workers)
        if ok and reserved is not None:
            ok = any(s <= t and t + duration <= e for s, e in reserved)
        if ok:
            out.append(t)
        t += STEP
    return out


workers_strategy = st.lists(st.tuples(spans(), spans(4)), min_size=1, max_size=4)


@settings(max_examples=150, deadline=None)
@given(workers=workers_strategy, minutes=st.sampled_from([15, 30, 45, 60, 90]), after=st.integers(0, HORIZON // 2))
def test_every_proposal_is_free_for_everyone_and_the_first_is_the_earliest(workers, minutes, after):
    duration = minutes * 60
    per_worker = [freetime.free_spans(available=a, busy=b) for a, b in workers]
    proposals = freetime.propose(per_worker, reserved=[], duration=duration, after=after, step=STEP)
    feasible = brute_force(workers, duration=duration, after=after)
    for p in proposals:
        assert p.start in feasible, (p, feasible[:5])
        assert p.end - p.start == duration and p.start >= after and p.start % STEP == 0
    if feasible:
        assert proposals and proposals[0].start == feasible[0]
    else:
        assert proposals == []
    starts = [p.start for p in proposals]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)


@settings(max_examples=150, deadline=None)
@given(
    workers=workers_strategy, reserved=spans(3), minutes=st.sampled_from([30, 60]), after=st.integers(0, HORIZON // 2)
)
def test_reserved_slots_come_first_and_the_earliest_reserved_one_is_found(workers, reserved, minutes, after):
    duration = minutes * 60
    per_worker = [freetime.free_spans(available=a, busy=b) for a, b in workers]
    proposals = freetime.propose(per_worker, reserved=reserved, duration=duration, after=after, step=STEP)
    merged = freetime.merge_intervals(list(reserved))
    in_reserved = brute_force(workers, duration=duration, after=after, reserved=merged)
    first = [p for p in proposals if p.reserved]
    # the reserved proposals lead the list
    assert proposals[: len(first)] == first
    for p in first:
        assert p.start in in_reserved
    if in_reserved:
        assert first and first[0].start == in_reserved[0]
    else:
        assert first == []
    anywhere = brute_force(workers, duration=duration, after=after)
    for p in proposals:
        assert p.start in anywhere


def test_a_busy_worker_or_an_absence_takes_the_time_out():
    # two workers free 9-12; one is booked 9-10: the first common hour starts at 10
    a = freetime.free_spans(available=[(9 * 3600, 12 * 3600)], busy=[])
    b = freetime.free_spans(available=[(9 * 3600, 12 * 3600)], busy=[(9 * 3600, 10 * 3600)])
    [p, *_] = freetime.propose([a, b], reserved=[], duration=3600, after=0, step=STEP)
    assert (p.start, p.end, p.reserved) == (10 * 3600, 11 * 3600, False)
    # nobody free long enough: nothing proposed
    assert freetime.propose([a, b], reserved=[], duration=3 * 3600, after=0, step=STEP) == []


def test_working_hours_leave_out_weekends_and_finnish_public_holidays_across_dst():
    """Christmas week 2026: Monday to Wednesday are working days, Christmas Eve (Thursday)
    and Christmas Day (Friday) are not; the hours are Helsinki wall-clock on both sides of
    the October DST change."""
    import datetime as dt

    from perhekeskus.scheduling.selectors import working_hours_spans
    from perhekeskus.scheduling.wallclock import HELSINKI

    hours = (dt.time(8), dt.time(16))
    week = working_hours_spans(
        dt.datetime(2026, 12, 21, tzinfo=HELSINKI), dt.datetime(2026, 12, 27, 23, tzinfo=HELSINKI), hours
    )
    days = [dt.datetime.fromtimestamp(s, HELSINKI) for s, _ in week]
    assert [d.day for d in days] == [21, 22, 23]
    assert all(d.hour == 8 and e - s == 8 * 3600 for d, (s, e) in zip(days, week, strict=True))
    dst = working_hours_spans(
        dt.datetime(2026, 10, 23, tzinfo=HELSINKI), dt.datetime(2026, 10, 26, 23, tzinfo=HELSINKI), hours
    )
    assert [dt.datetime.fromtimestamp(s, HELSINKI).strftime("%d %H") for s, _ in dst] == ["23 08", "26 08"]
