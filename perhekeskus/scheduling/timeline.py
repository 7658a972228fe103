"""Geometry of the server-rendered timeline: where a time falls on a row, in per cent."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from zoneinfo import ZoneInfo

from django.conf import settings

HELSINKI = ZoneInfo("Europe/Helsinki")


@dataclass(frozen=True)
class Frame:
    first_day: dt.date
    days: int
    hour_from: int
    hour_to: int

    @property
    def hours_per_day(self) -> int:
        return self.hour_to - self.hour_from

    @property
    def total_hours(self) -> int:
        return self.days * self.hours_per_day

    @classmethod
    def for_days(cls, first_day: dt.date, days: int) -> Frame:
        return cls(first_day, days, settings.TIMELINE_DAY_START_HOUR, settings.TIMELINE_DAY_END_HOUR)

    def day_list(self) -> list[dt.date]:
        return [self.first_day + dt.timedelta(days=i) for i in range(self.days)]

    def hour_ticks(self) -> list[tuple[float, int]]:
        """(left %, hour) of each hour line of one day, for the header."""
        return [((h - self.hour_from) * 100 / self.hours_per_day, h) for h in range(self.hour_from, self.hour_to)]

    def place_ts(self, start_ts: int, end_ts: int) -> tuple[tuple[str, str], ...]:
        """place() for epoch seconds, as ready-made CSS per cent strings ("12.34"), with
        integer arithmetic: the resource view calls it for every entry on screen."""
        fixed = self._fixed_offset
        if fixed is None:
            local_start, local_end = start_ts + self._offset(start_ts), end_ts + self._offset(end_ts)
        else:
            local_start, local_end = start_ts + fixed, end_ts + fixed
        wall0, lo, hi, pct = self._wall0, self.hour_from * 60, self.hour_to * 60, self._pct
        first_index, last_index = (local_start - wall0) // 86400, (local_end - wall0) // 86400
        if first_index == last_index:  # the common case: within one day
            if not 0 <= first_index < self.days:
                return ()
            s, e = max((local_start - wall0) % 86400 // 60, lo), min((local_end - wall0) % 86400 // 60, hi)
            if s >= e:
                return ()
            return ((pct(first_index * (hi - lo) + s - lo), pct(max(e - s, 3))),)
        parts = []
        for index in range(max(first_index, 0), min(last_index, self.days - 1) + 1):
            s = (local_start - wall0) % 86400 // 60 if index == first_index else 0
            e = (local_end - wall0) % 86400 // 60 if index == last_index else 1440
            s, e = max(s, lo), min(e, hi)
            if s < e:
                parts.append((pct(index * (hi - lo) + s - lo), pct(max(e - s, 3))))
        return tuple(parts)

    @cached_property
    def _pct(self):
        """minutes from the frame's start -> CSS per cent string, e.g. "12.34"."""
        total = self.total_hours * 60

        def pct(minutes: int) -> str:
            hundredths = minutes * 10000 // total
            return f"{hundredths // 100}.{hundredths % 100:02d}"

        return pct

    @cached_property
    def _wall0(self) -> int:
        """The first day's local midnight as wall-clock seconds (as if it were UTC)."""
        return calendar.timegm(self.first_day.timetuple())

    @cached_property
    def _fixed_offset(self) -> int | None:
        """The UTC offset in seconds if it is the same over the whole frame (no DST
        change in it), else None."""
        a = dt.datetime.combine(self.first_day - dt.timedelta(days=1), dt.time(0), tzinfo=HELSINKI).utcoffset()
        b = dt.datetime.combine(self.first_day + dt.timedelta(days=self.days + 1), dt.time(0), tzinfo=HELSINKI)
        return int(a.total_seconds()) if a == b.utcoffset() else None

    def _offset(self, ts: int) -> int:
        fixed = self._fixed_offset
        if fixed is not None:
            return fixed
        return int(dt.datetime.fromtimestamp(ts, HELSINKI).utcoffset().total_seconds())

    def place(self, start: dt.datetime, end: dt.datetime) -> list[tuple[float, float]]:
        """(left %, width %) of each visible part of [start, end); one per day crossed.

        Positions are wall-clock: a DST day still draws hour_from..hour_to in the same
        columns. Constant work per day crossed (this runs for every entry on screen)."""
        local_start, local_end = start.astimezone(HELSINKI), end.astimezone(HELSINKI)
        first_index = (local_start.date() - self.first_day).days
        last_index = (local_end.date() - self.first_day).days
        lo, hi, per_day = self.hour_from * 60, self.hour_to * 60, self.hours_per_day * 60
        total = self.total_hours * 60
        parts = []
        for index in range(max(first_index, 0), min(last_index, self.days - 1) + 1):
            s = local_start.hour * 60 + local_start.minute if index == first_index else 0
            e = local_end.hour * 60 + local_end.minute if index == last_index else 24 * 60
            s, e = max(s, lo), min(e, hi)
            if s >= e:
                continue
            left = (index * per_day + s - lo) * 100 / total
            width = max(e - s, 3) * 100 / total
            parts.append((round(left, 3), round(width, 3)))
        return parts


def pos_class(left, width=None) -> str:
    """The classes of static/css/positions.css that place a box at ``left`` per cent with
    ``width`` per cent (to the nearest tenth; no inline style: CSP)."""
    out = f"pl-{min(1000, max(0, round(float(left) * 10)))}"
    if width is not None:
        out += f" pw-{min(1000, max(1, round(float(width) * 10)))}"
    return out
