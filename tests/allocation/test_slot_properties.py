"""Property tests of the slot search (no database): on generated weeks of shifts and
bookings, every pattern the engine offers fits every occurrence of the whole recurrence
inside a shift and clear of every booking widened by the travel time; and a partial fit
never claims more occurrences than truly fit."""

import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from perhekeskus.allocation import candidates as engine

HELSINKI = ZoneInfo("Europe/Helsinki")
MONDAY = dt.date(2027, 3, 1)  # the weeks cross the change to summer time (28.3.)


def _ts(day: dt.date, minutes: int) -> float:
    return (dt.datetime.combine(day, dt.time(0), tzinfo=HELSINKI) + dt.timedelta(minutes=minutes)).timestamp()


def _local(day: dt.date, t: dt.time) -> float:
    return dt.datetime.combine(day, t, tzinfo=HELSINKI).timestamp()


# (weekday, start, length) in quarter hours
week_days = st.lists(
    st.tuples(st.integers(0, 4), st.integers(6 * 4, 10 * 4), st.integers(4 * 4, 9 * 4)),
    min_size=1,
    max_size=8,
)
bookings = st.lists(
    st.tuples(st.integers(0, 34), st.integers(7 * 4, 18 * 4), st.integers(1, 8)),  # day, start, length
    max_size=30,
)


@settings(max_examples=120, deadline=None)
@given(
    shifts=week_days,
    busy=bookings,
    weeks=st.integers(1, 5),
    per_week=st.integers(1, 3),
    minutes=st.sampled_from([30, 45, 60, 90, 120]),
    home=st.booleans(),
)
def test_every_offered_pattern_fits_every_occurrence(shifts, busy, weeks, per_week, minutes, home):
    need = SimpleNamespace(session_minutes=minutes, weeks=weeks, sessions_per_week=per_week)
    # the same weekly shifts every week (as planned), bookings anywhere in the weeks
    shift_iv = [
        (_ts(MONDAY + dt.timedelta(days=7 * w + d), 15 * s), _ts(MONDAY + dt.timedelta(days=7 * w + d), 15 * (s + n)))
        for w in range(weeks)
        for d, s, n in shifts
    ]
    busy_iv = [
        (_ts(MONDAY + dt.timedelta(days=d), 15 * s), _ts(MONDAY + dt.timedelta(days=d), 15 * (s + n)))
        for d, s, n in busy
    ]
    buffer = 20 * 60.0 if home else 0.0
    days = engine._days(MONDAY, 7 * weeks)
    calendar = engine._Calendar(shift_iv, busy_iv, days, buffer)
    times, grid = engine._grid(need, MONDAY)
    full, partial = engine._patterns(need, calendar, times, grid, limit=50)
    merged = engine.merge_intervals(shift_iv)
    for slot in full:
        assert len(slot.weekdays) == per_week
        for w in range(weeks):
            for d in slot.weekdays:
                day = MONDAY + dt.timedelta(days=7 * w + d - 1)
                start = _local(day, slot.time)
                end = start + 60 * minutes
                assert any(a <= start and end <= b for a, b in merged), (slot, day)
                assert all(end + buffer <= a or start - buffer >= b for a, b in busy_iv), (slot, day)
    if partial is not None:
        true_fits = 0
        for w in range(weeks):
            for d in partial.weekdays:
                day = MONDAY + dt.timedelta(days=7 * w + d - 1)
                start = _local(day, partial.time)
                end = start + 60 * minutes
                inside = any(a <= start and end <= b for a, b in merged)
                clear = all(end + buffer <= a or start - buffer >= b for a, b in busy_iv)
                true_fits += inside and clear
        assert partial.fits <= true_fits


def test_the_property_has_something_to_check():
    """On full days with one booking the search does offer patterns (the property above
    is not vacuous), and the booking's half hours (with travel) are never among them."""
    need = SimpleNamespace(session_minutes=60, weeks=4, sessions_per_week=2)
    shift_iv = [
        (_ts(MONDAY + dt.timedelta(days=7 * w + d), 8 * 60), _ts(MONDAY + dt.timedelta(days=7 * w + d), 16 * 60))
        for w in range(4)
        for d in range(5)
    ]
    busy_iv = [(_ts(MONDAY + dt.timedelta(days=21), 10 * 60), _ts(MONDAY + dt.timedelta(days=21), 11 * 60))]
    calendar = engine._Calendar(shift_iv, busy_iv, engine._days(MONDAY, 28), 1200.0)
    times, grid = engine._grid(need, MONDAY)
    full, _partial = engine._patterns(need, calendar, times, grid, limit=200)
    assert len(full) > 20
    mondays = {s.time for s in full if 1 in s.weekdays}
    assert dt.time(9) not in mondays and dt.time(10) not in mondays and dt.time(11) not in mondays
    assert dt.time(11, 30) in mondays
