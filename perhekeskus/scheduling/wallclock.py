"""Helsinki wall-clock times typed by people, read the same way in pages and API.

Twice a year a local time is not a single instant: on the last Sunday of March the
clocks jump from 03:00 to 04:00 (03:30 does not exist), on the last Sunday of October
they go back from 04:00 to 03:00 (03:30 happens twice). A time that does not exist is
refused; an ambiguous time without a UTC offset is refused with a request to give the
offset (the API) or to choose another time (the pages). Nothing is shifted silently.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

HELSINKI = ZoneInfo("Europe/Helsinki")


def _fmt_day(day: dt.date) -> str:
    return f"{day.day}.{day.month}.{day.year}"


def _exists(value: dt.datetime) -> bool:
    """Whether a naive wall-clock time is a real instant in Helsinki."""
    aware = value.replace(tzinfo=HELSINKI)
    return aware.astimezone(dt.UTC).astimezone(HELSINKI).replace(tzinfo=None) == value


def _ambiguous(value: dt.datetime) -> bool:
    first = value.replace(tzinfo=HELSINKI, fold=0)
    second = value.replace(tzinfo=HELSINKI, fold=1)
    return first.utcoffset() != second.utcoffset()


def helsinki(value: dt.datetime) -> dt.datetime:
    """An aware datetime for a naive Helsinki wall-clock time (an aware one is kept as
    it is). Raises ValidationError for a time that does not exist or happens twice."""
    if value.tzinfo is not None and value.utcoffset() is not None:
        return value
    value = value.replace(tzinfo=None)
    params = {"time": value.strftime("%H:%M"), "date": _fmt_day(value.date())}
    if not _exists(value):
        raise ValidationError(
            _("%(time)s does not exist on %(date)s because of the daylight saving time change.") % params,
            code="nonexistent_time",
        )
    if _ambiguous(value):
        first = value.replace(tzinfo=HELSINKI, fold=0).strftime("%z")
        second = value.replace(tzinfo=HELSINKI, fold=1).strftime("%z")
        raise ValidationError(
            _(
                "%(time)s happens twice on %(date)s because the clocks go back; give the time with its UTC "
                "offset (%(first)s for the first, %(second)s for the second) or choose another time."
            )
            % {**params, "first": f"{first[:3]}:{first[3:]}", "second": f"{second[:3]}:{second[3:]}"},
            code="ambiguous_time",
        )
    return value.replace(tzinfo=HELSINKI)


def combine(day: dt.date, time: dt.time) -> dt.datetime:
    """A date and a wall-clock time of a form as an aware datetime (``helsinki``)."""
    return helsinki(dt.datetime.combine(day, time.replace(tzinfo=None)))
