"""The meeting places' weekly programme: occurrences of each item's recurrence rule in
Europe/Helsinki wall-clock time, with its cancellations and one-off moves, and the same
as an iCalendar feed (RRULE, EXDATE and RECURRENCE-ID, with the Helsinki time zone), so
that a calendar program shows the same times on both sides of each DST change.

The rule is expanded over *naive* local times (dateutil's rrule) and each occurrence is
then given the Helsinki zone: a Wednesday 17:00 is 17:00 EET in winter and 17:00 EEST in
summer, never 16:00 or 18:00 (which is what expanding over UTC or fixed offsets gives:
docs/catalogue.md)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from django.utils import timezone, translation
from icalendar import Calendar, Event

from .models import ProgrammeChange, ProgrammeItem

HELSINKI = ZoneInfo("Europe/Helsinki")

MAX_OCCURRENCES = 1000  # per item and query: a daily rule over years stops here


@dataclass(frozen=True)
class Occurrence:
    item: ProgrammeItem
    date: dt.date  # the rule's date of it (the moved one keeps it as its identity)
    start: dt.datetime  # aware, Helsinki
    end: dt.datetime
    moved: bool = False
    note: str = ""


def rule_error(rule: str, first_date: dt.date) -> str | None:
    """Why a recurrence rule cannot be used, or None."""
    text = (rule or "").strip().upper()
    if not text.startswith("FREQ=") or any(part in text for part in ("DTSTART", "\n", "UNTIL=")):
        return "FREQ=…; no DTSTART or UNTIL (the first and last date are their own fields)"
    try:
        rrulestr(text, dtstart=dt.datetime.combine(first_date, dt.time()))
    except (ValueError, TypeError) as exc:
        return str(exc)
    return None


def _local(day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=HELSINKI)


def _dates(item: ProgrammeItem, first: dt.date, last: dt.date) -> list[dt.date]:
    """The rule's dates from ``first`` to ``last`` (both included), within the item's
    first and last date."""
    lo, hi = max(first, item.first_date), min(last, item.last_date or last)
    if hi < lo:
        return []
    rule = rrulestr(item.rule, dtstart=dt.datetime.combine(item.first_date, item.start_time))
    out = []
    for naive in rule.xafter(dt.datetime.combine(lo, dt.time()), count=MAX_OCCURRENCES, inc=True):
        if naive.date() > hi:
            break
        out.append(naive.date())
    return out


def occurrences(
    items: Iterable[ProgrammeItem], first: dt.date, last: dt.date, changes: Iterable[ProgrammeChange] | None = None
) -> list[Occurrence]:
    """Every occurrence of these items whose day (after a move: its new day) is in
    ``first``..``last``, in time order. ``changes``: the items' changes (read when not given)."""
    items = list(items)
    if changes is None:
        changes = ProgrammeChange.objects.filter(item__in=items)
    by_item: dict[int, dict[dt.date, ProgrammeChange]] = {}
    for c in changes:
        by_item.setdefault(c.item_id, {})[c.date] = c
    out = []
    # a move can bring an occurrence into the window from up to a month outside it
    margin = dt.timedelta(days=31)
    for item in items:
        moved = by_item.get(item.pk, {})
        for day in _dates(item, first - margin, last + margin):
            change = moved.get(day)
            if change is not None and change.cancelled:
                continue
            if change is not None:
                new_day = change.new_date or day
                start = _local(new_day, change.new_start_time or item.start_time)
                end = _local(new_day, change.new_end_time or item.end_time)
                occurrence = Occurrence(item, day, start, end, moved=True, note=change.note)
            else:
                occurrence = Occurrence(item, day, _local(day, item.start_time), _local(day, item.end_time))
            if first <= occurrence.start.date() <= last:
                out.append(occurrence)
    return sorted(out, key=lambda o: (o.start, o.item.title))


def ical(items: Iterable[ProgrammeItem], *, name: str, language: str = "fi") -> bytes:
    """An iCalendar feed of these items in ``language`` (the translated fields fall back
    to Finnish, as on the pages): one recurring VEVENT per item (RRULE in Helsinki
    wall-clock time, EXDATE for cancelled occurrences) and one VEVENT with a RECURRENCE-ID
    for each changed one, as ``occurrences`` changes it. No personal data: a public
    programme."""
    items = list(items)
    changes: dict[int, list[ProgrammeChange]] = {}
    for c in ProgrammeChange.objects.filter(item__in=items).order_by("date"):
        changes.setdefault(c.item_id, []).append(c)
    cal = Calendar()
    cal.add("prodid", "-//perhekeskus//programme//FI")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Europe/Helsinki")
    stamp = timezone.now()
    with translation.override(language):
        for item in items:
            # DTSTART is itself an occurrence in iCalendar, so it must be the rule's first
            # date (a rule of Wednesdays from a Sunday would otherwise add that Sunday)
            first = _dates(item, item.first_date, item.last_date or item.first_date + dt.timedelta(days=400))
            if not first:
                continue
            uid = f"programme-{item.pk}@perhekeskus"
            where = f"{item.place.name}, {item.place.address}, {item.place.municipality}"
            rule = item.rule
            if item.last_date:
                until = dt.datetime.combine(item.last_date, item.end_time, tzinfo=HELSINKI).astimezone(dt.UTC)
                rule += f";UNTIL={until:%Y%m%dT%H%M%SZ}"
            series = _event(uid, stamp, item.title, where, item.description, first[0], item.start_time, item.end_time)
            series.add("rrule", _rrule_dict(rule))
            cancelled = [c for c in changes.get(item.pk, ()) if c.cancelled]
            if cancelled:
                series.add("exdate", [_local(c.date, item.start_time) for c in cancelled])
            cal.add_component(series)
            for c in changes.get(item.pk, ()):
                if c.cancelled:
                    continue
                changed = _event(
                    uid, stamp, item.title, where, c.note, c.new_date or c.date,
                    c.new_start_time or item.start_time, c.new_end_time or item.end_time,
                )  # fmt: skip
                changed.add("recurrence-id", _local(c.date, item.start_time))
                cal.add_component(changed)
    cal.add_missing_timezones()
    return cal.to_ical()


def _event(uid, stamp, summary, where, description, day, start, end) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("summary", summary)
    event.add("location", where)
    if description:
        event.add("description", description)
    event.add("dtstart", _local(day, start))
    event.add("dtend", _local(day, end))
    return event


def _rrule_dict(rule: str) -> dict:
    out: dict[str, list[str] | str] = {}
    for part in rule.split(";"):
        key, _sep, value = part.partition("=")
        out[key] = value.split(",") if "," in value else value
    return out
