"""Dates in a sentence: "we answer by Thursday 3.12.2026" needs the weekday in the case
the language puts it in ("torstaina" in Finnish, not the nominative "torstai" that the
date filter's "l" gives)."""

import datetime as dt

from django import template
from django.utils import formats, timezone
from django.utils.translation import pgettext

from perhekeskus.network import selectors as network_selectors

register = template.Library()


def _weekday_on(day: dt.date) -> str:
    names = [
        pgettext("on a weekday", "on Monday"),
        pgettext("on a weekday", "on Tuesday"),
        pgettext("on a weekday", "on Wednesday"),
        pgettext("on a weekday", "on Thursday"),
        pgettext("on a weekday", "on Friday"),
        pgettext("on a weekday", "on Saturday"),
        pgettext("on a weekday", "on Sunday"),
    ]
    return names[day.weekday()]


@register.filter
def on_day(value) -> str:
    """'torstaina 3.12.2026' / 'on Thursday 3.12.2026' / 'torsdagen den 3.12.2026'."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return f"{_weekday_on(value)} {formats.date_format(value, 'j.n.Y')}"


@register.filter
def at_time(value) -> str:
    """'1.12.2026 klo 9.21' in Finnish, '1.12.2026 at 09:21' in English: a moment in a sentence."""
    if value is None or value == "":
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return pgettext("a moment", "%(date)s at %(time)s") % {
        "date": formats.date_format(local, "j.n.Y"),
        "time": formats.time_format(local, pgettext("a moment's time format", "H:i")),
    }


@register.simple_tag
def emergency_phones():
    """The help button's emergency numbers (``network.selectors.emergency_phones``)."""
    return network_selectors.emergency_phones()
