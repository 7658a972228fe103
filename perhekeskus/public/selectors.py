"""What the public pages read: the network's catalogue only, never client data."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch, QuerySet

from perhekeskus.network.models import MeetingPlace, ProgrammeChange, ProgrammeItem
from perhekeskus.network.programme import Occurrence, occurrences

WEEKS_SHOWN = 4


def places() -> QuerySet[MeetingPlace]:
    return (
        MeetingPlace.objects.filter(is_active=True)
        .select_related("organiser")
        .prefetch_related(Prefetch("programme", queryset=ProgrammeItem.objects.order_by("start_time", "title")))
    )


def programme_items(place: MeetingPlace | None = None) -> QuerySet[ProgrammeItem]:
    qs = ProgrammeItem.objects.filter(place__is_active=True).select_related("place", "place__organiser")
    return qs.filter(place=place) if place is not None else qs


def upcoming(items, today: dt.date, weeks: int = WEEKS_SHOWN) -> list[tuple[dt.date, list[Occurrence]]]:
    """The occurrences of the next ``weeks`` weeks, by day (two queries)."""
    items = list(items)
    last = today + dt.timedelta(weeks=weeks)
    changes = ProgrammeChange.objects.filter(item__in=items)
    days: dict[dt.date, list[Occurrence]] = {}
    for o in occurrences(items, today, last, changes=changes):
        days.setdefault(o.start.date(), []).append(o)
    return sorted(days.items())
