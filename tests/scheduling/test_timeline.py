"""The timeline's fast integer geometry agrees with the datetime-based one, DST included."""

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from perhekeskus.scheduling.timeline import HELSINKI, Frame

# weeks around the DST changes of 2026 (29.3. and 25.10.) and an ordinary one
FIRST_DAYS = [dt.date(2026, 3, 23), dt.date(2026, 10, 19), dt.date(2026, 9, 14), dt.date(2026, 3, 29)]


@given(
    first=st.sampled_from(FIRST_DAYS),
    days=st.sampled_from([1, 5, 7]),
    offset_min=st.integers(-24 * 60, 8 * 24 * 60),
    length_min=st.integers(5, 24 * 60),
)
@settings(max_examples=400, deadline=None)
def test_place_ts_matches_place(first, days, offset_min, length_min):
    frame = Frame(first, days, 6, 22)
    start = dt.datetime.combine(first, dt.time(0), tzinfo=HELSINKI).astimezone(dt.UTC) + dt.timedelta(
        minutes=offset_min
    )
    end = start + dt.timedelta(minutes=length_min)
    slow = frame.place(start, end)
    fast = frame.place_ts(int(start.timestamp()), int(end.timestamp()))
    assert len(slow) == len(fast)
    for (left, width), (fleft, fwidth) in zip(slow, fast, strict=True):
        assert abs(left - float(fleft)) < 0.011
        assert abs(width - float(fwidth)) < 0.011 or width < 0.4  # very short entries get a minimum width


def test_an_entry_at_9_is_drawn_at_9_on_both_sides_of_the_dst_change():
    frame = Frame(dt.date(2026, 3, 23), 7, 6, 22)  # Monday; clocks go forward on Sunday 29.3.
    for day in (23, 29):
        start = dt.datetime(2026, 3, day, 9, tzinfo=HELSINKI)
        ((left, _width),) = frame.place_ts(int(start.timestamp()), int(start.timestamp()) + 3600)
        index = day - 23
        assert abs(float(left) - (index * 16 + 3) * 100 / (7 * 16)) < 0.011  # 9:00 is 3 h into the day
