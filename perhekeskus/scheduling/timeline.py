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
        """(left %, width %) of each visible part of [start, end); one per day crossed."""
        local_start, local_end = start.astimezone(HELSINKI), end.astimezone(HELSINKI)
        parts = []
        for index, day in enumerate(self.day_list()):
            day_from = dt.datetime.combine(day, dt.time(self.hour_from), tzinfo=HELSINKI)
            day_to = dt.datetime.combine(day, dt.time(0), tzinfo=HELSINKI) + dt.timedelta(hours=self.hour_to)
            s, e = max(local_start, day_from), min(local_end, day_to)
            if s >= e:
                continue
            # Wall-clock offsets: a DST day still draws 06-22 as 16 columns.
            offset = (s.replace(tzinfo=None) - day_from.replace(tzinfo=None)).total_seconds() / 3600
            length = (e.replace(tzinfo=None) - s.replace(tzinfo=None)).total_seconds() / 3600
            left = (index * self.hours_per_day + offset) * 100 / self.total_hours
            parts.append((round(left, 4), round(max(length, 0.05) * 100 / self.total_hours, 4)))
        return parts
