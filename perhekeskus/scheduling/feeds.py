"""A worker's calendar as an iCalendar feed (RFC 5545) for Outlook and phones.

The URL carries a secret token instead of a login. The feed holds no client data: no
family or person names, no client addresses, no notes; only the work type, its class,
the kind of location and, for a unit or a meeting place, its address."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET
from icalendar import Calendar, Event

from perhekeskus.people.models import Worker

from . import selectors
from .models import Appointment, WorkClass

PUBLIC_LOCATIONS = {Appointment.LocationKind.UNIT, Appointment.LocationKind.MEETING_PLACE}


def worker_feed(worker: Worker, now: dt.datetime | None = None) -> bytes:
    now = now or timezone.now()
    start = now - dt.timedelta(days=settings.ICAL_DAYS_BACK)
    end = now + dt.timedelta(days=settings.ICAL_DAYS_AHEAD)
    row = selectors.worker_calendar(worker=worker, start=start, end=end)
    cal = Calendar()
    cal.add("prodid", "-//perhekeskus//resource steering//FI")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"perhekeskus: {worker.name}")
    cal.add("x-wr-timezone", "Europe/Helsinki")
    kinds = dict(Appointment.LocationKind.choices)
    classes = dict(WorkClass.choices)
    for entry in row.entries:
        event = Event()
        event.add("uid", f"appointment-{entry.appointment_id}@perhekeskus")
        event.add("dtstamp", now)
        event.add("dtstart", entry.start)
        event.add("dtend", entry.end)
        event.add("summary", f"{entry.work_type} ({classes.get(entry.work_class, '')})")
        location = str(kinds.get(entry.location_kind, ""))
        if entry.location_kind in PUBLIC_LOCATIONS and entry.address:
            location = f"{location}: {entry.address}"
        event.add("location", location)
        event.add("status", {"cancelled": "CANCELLED", "realised": "CONFIRMED"}.get(entry.status, "CONFIRMED"))
        event.add("transp", "TRANSPARENT" if entry.status == "cancelled" else "OPAQUE")
        cal.add_component(event)
    return cal.to_ical()


@require_GET
def worker_ical(request, token: str):
    worker = Worker.objects.filter(ical_token=token, is_active=True).first()
    if worker is None:
        raise Http404
    response = HttpResponse(worker_feed(worker), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="perhekeskus.ics"'
    response["Cache-Control"] = "private, max-age=300"
    response["Referrer-Policy"] = "no-referrer"
    return response
