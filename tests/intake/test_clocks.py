"""Deadlines against hand-checked dates (Finnish calendars of 2026-2027 counted by hand:
weekends, Christmas, Easter, Midsummer, Independence Day, and a daylight-saving night)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from perhekeskus.intake import clocks

H = ZoneInfo("Europe/Helsinki")


def at(y, m, d, hh=10, mm=0):
    return dt.datetime(y, m, d, hh, mm, tzinfo=H)


# (received, 7th working day after receipt) — Child Welfare Act s. 26
DECISION_TABLE = [
    # the Act's own example: received on a Tuesday, due on the next week's Thursday
    (at(2026, 11, 17), dt.date(2026, 11, 26)),
    # received on a Saturday: the count starts on Monday
    (at(2026, 11, 21), dt.date(2026, 12, 1)),
    # Christmas: 24.12 (Christmas Eve), 25.12 and 1.1 are not working days
    (at(2026, 12, 21), dt.date(2027, 1, 4)),
    # Easter 2027: Good Friday 26.3 and Easter Monday 29.3
    (at(2027, 3, 24), dt.date(2027, 4, 6)),
    # Midsummer 2026: Midsummer Eve Friday 19.6
    (at(2026, 6, 15), dt.date(2026, 6, 25)),
    # Independence Day on a Sunday changes nothing: 6.12.2026
    (at(2026, 12, 2), dt.date(2026, 12, 11)),
    # the night the clocks go back (25.10.2026): 23:30 UTC is 02:30 on Sunday in Helsinki
    (dt.datetime(2026, 10, 24, 23, 30, tzinfo=dt.UTC), dt.date(2026, 11, 3)),
    # 21:30 UTC on Sunday 29.3.2026 is already Monday 00:30 in Helsinki (summer time):
    # counted from Monday, across Easter 2026 (Good Friday 3.4, Easter Monday 6.4)
    (dt.datetime(2026, 3, 29, 21, 30, tzinfo=dt.UTC), dt.date(2026, 4, 10)),
]


@pytest.mark.parametrize(("received", "due"), DECISION_TABLE)
def test_decision_due_on_the_seventh_working_day(received, due):
    assert clocks.due_day(clocks.decision_due(received)) == due


# (received, N working days promised, answer due)
HELP_TABLE = [
    (at(2026, 11, 23, 9), 1, dt.date(2026, 11, 24)),  # Monday -> Tuesday
    (at(2026, 11, 27, 16), 1, dt.date(2026, 11, 30)),  # Friday afternoon -> Monday
    (at(2026, 12, 4, 16), 1, dt.date(2026, 12, 7)),  # Friday before Independence Day weekend
    (at(2026, 12, 24, 10), 1, dt.date(2026, 12, 28)),  # Christmas Eve -> Monday 28.12
    (at(2026, 12, 23, 10), 2, dt.date(2026, 12, 29)),  # two-day promise over Christmas
    (at(2026, 6, 18, 15), 1, dt.date(2026, 6, 22)),  # Thursday before Midsummer -> Monday
    (at(2027, 3, 25, 12), 2, dt.date(2027, 3, 31)),  # Maundy Thursday, two days -> Wednesday
]


@pytest.mark.parametrize(("received", "days", "due"), HELP_TABLE)
def test_help_answer_due(received, days, due):
    assert clocks.due_day(clocks.help_answer_due(received, days)) == due


ASSESSMENT_TABLE = [
    (at(2026, 11, 17), dt.date(2027, 2, 17)),  # an ordinary Wednesday
    (at(2026, 11, 30), dt.date(2027, 3, 1)),  # no 30.2: 28.2.2027 is a Sunday -> Monday 1.3
    (at(2026, 10, 1), dt.date(2027, 1, 4)),  # 1.1.2027 New Year's Day (Friday) -> Monday
    (at(2026, 9, 24), dt.date(2026, 12, 28)),  # 24.12 Christmas Eve -> Monday 28.12
    (at(2027, 3, 19), dt.date(2027, 6, 21)),  # 19.6.2027 is a Saturday -> Monday
]


@pytest.mark.parametrize(("received", "due"), ASSESSMENT_TABLE)
def test_assessment_due_in_three_months(received, due):
    assert clocks.due_day(clocks.assessment_due(received)) == due


def test_due_at_is_local_midnight_after_the_due_day_whatever_the_season():
    winter = clocks.decision_due(at(2026, 11, 17))  # due 26.11, EET (+2)
    summer = clocks.decision_due(at(2026, 6, 15))  # due 25.6, EEST (+3)
    assert winter == dt.datetime(2026, 11, 26, 22, 0, tzinfo=dt.UTC)
    assert summer == dt.datetime(2026, 6, 25, 21, 0, tzinfo=dt.UTC)


def test_clock_states_at_the_boundaries():
    due = clocks.decision_due(at(2026, 11, 17))  # due Thursday 26.11
    assert clocks.clock_state(due, None, at(2026, 11, 26, 23, 59)) == clocks.DUE_TODAY
    assert clocks.clock_state(due, None, at(2026, 11, 27, 0, 0)) == clocks.LATE
    assert clocks.clock_state(due, None, at(2026, 11, 24, 9)) == clocks.AT_RISK  # 2 working days before
    assert clocks.clock_state(due, None, at(2026, 11, 18, 9)) == clocks.ON_TRACK
    assert clocks.clock_state(due, at(2026, 11, 26, 23, 59), at(2026, 12, 1)) == clocks.DONE_ON_TIME
    assert clocks.clock_state(due, at(2026, 11, 27, 0, 1), at(2026, 12, 1)) == clocks.DONE_LATE


def test_urgency_is_due_the_same_day():
    assert clocks.due_day(clocks.urgency_due(at(2026, 12, 24, 22))) == dt.date(2026, 12, 24)


def test_working_days():
    assert not clocks.is_working_day(dt.date(2026, 6, 19))  # Midsummer Eve
    assert not clocks.is_working_day(dt.date(2027, 3, 29))  # Easter Monday
    assert clocks.is_working_day(dt.date(2026, 12, 23))
    assert clocks.working_days_between(dt.date(2026, 12, 21), dt.date(2027, 1, 4)) == 7
    with pytest.raises(ValueError):
        clocks.add_working_days(dt.date(2026, 1, 1), -1)
