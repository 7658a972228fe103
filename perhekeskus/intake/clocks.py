"""Statutory and promised deadlines, computed from stored timestamps in Europe/Helsinki.

A working day (*arkipäivä*) is Monday to Friday and not a Finnish public holiday
(``holidays.Finland``, which also counts Midsummer Eve and Christmas Eve, as the Act on
the Calculation of Statutory Time Limits 150/1930 does). The day of receipt is never
counted. Every deadline is stored as ``due_at``: the first instant after the due day in
Helsinki (local midnight), so "handled on time" is ``done_at < due_at`` in the database
and daylight-saving changes cannot shift it. docs/clocks.md has the rules with examples.
"""

from __future__ import annotations

import calendar
import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.utils import timezone

HELSINKI = ZoneInfo("Europe/Helsinki")

# Clock kinds (the dashboard's rows)
HELP_ANSWER = "help_answer"  # a contact answered: next working day or N working days
CWN_URGENCY = "cwn_urgency"  # child welfare notification: urgency assessed immediately
CWN_DECISION = "cwn_decision"  # decision whether to start the assessment: 7th working day
CWN_ASSESSMENT = "cwn_assessment"  # service-need assessment finished: 3 months
DECISION_WORKING_DAYS = 7
ASSESSMENT_MONTHS = 3
# Items due within this many working days (and not late) are "at risk".
AT_RISK_WORKING_DAYS = 2


@lru_cache(maxsize=64)
def _holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.Finland(years=year).keys())


def holidays_between(first: dt.date, last: dt.date) -> frozenset[dt.date]:
    """The Finnish public holidays from ``first`` to ``last``, both included (Christmas Eve
    and Midsummer Eve among them, as ``holidays.Finland`` counts them)."""
    days = set()
    for year in range(first.year, last.year + 1):
        days |= {d for d in _holidays(year) if first <= d <= last}
    return frozenset(days)


def is_working_day(day: dt.date) -> bool:
    return day.isoweekday() <= 5 and day not in _holidays(day.year)


def add_working_days(day: dt.date, count: int) -> dt.date:
    """The ``count``-th working day after ``day`` (``day`` itself not counted)."""
    if count < 0:
        raise ValueError("count must be non-negative")
    while count:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def next_working_day_on_or_after(day: dt.date) -> dt.date:
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later; the month's last day when it has no such day
    (30 November + 3 months = 28/29 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def local_date(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment, HELSINKI).date()


def end_of_day(day: dt.date) -> dt.datetime:
    """The first instant after ``day`` in Helsinki, in UTC (the stored ``due_at``)."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=HELSINKI).astimezone(dt.UTC)


def due_day(due_at: dt.datetime) -> dt.date:
    """The last day on which an item is on time."""
    return local_date(due_at - dt.timedelta(microseconds=1))


# --- the clocks ------------------------------------------------------------------------


def help_answer_due(received_at: dt.datetime, working_days: int) -> dt.datetime:
    """A contact is answered by the end of the N-th working day after the day it came
    (N = 1: the next working day, Kemi; N = 2: the two-day promise, Varkaus)."""
    return end_of_day(add_working_days(local_date(received_at), max(working_days, 1)))


def urgency_due(received_at: dt.datetime) -> dt.datetime:
    """Urgency is assessed immediately: by the end of the day of receipt."""
    return end_of_day(local_date(received_at))


def decision_due(received_at: dt.datetime) -> dt.datetime:
    """Child Welfare Act s. 26 (and Social Welfare Act s. 36): the decision whether to
    start the service-need assessment by the 7th working day after receipt."""
    return end_of_day(add_working_days(local_date(received_at), DECISION_WORKING_DAYS))


def assessment_due(received_at: dt.datetime) -> dt.datetime:
    """The assessment is finished within 3 months of the matter's becoming pending (the
    day of receipt). A last day that is not a working day moves to the next working day
    (Act 150/1930 s. 5)."""
    return end_of_day(next_working_day_on_or_after(add_months(local_date(received_at), ASSESSMENT_MONTHS)))


# --- state of a clock --------------------------------------------------------------------

LATE = "late"
DUE_TODAY = "due_today"
AT_RISK = "at_risk"
ON_TRACK = "on_track"
DONE_ON_TIME = "done_on_time"
DONE_LATE = "done_late"


def clock_state(due_at: dt.datetime | None, done_at: dt.datetime | None, now: dt.datetime | None = None) -> str | None:
    if due_at is None:
        return None
    if done_at is not None:
        return DONE_ON_TIME if done_at < due_at else DONE_LATE
    now = now or timezone.now()
    if now >= due_at:
        return LATE
    today = local_date(now)
    last = due_day(due_at)
    if last == today:
        return DUE_TODAY
    if last <= add_working_days(today, AT_RISK_WORKING_DAYS):
        return AT_RISK
    return ON_TRACK


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when end <= start)."""
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count
