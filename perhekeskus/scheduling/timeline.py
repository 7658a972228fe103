"""Geometry of the server-rendered timeline: where a time falls on a row, in per cent."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
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
