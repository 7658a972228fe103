"""The public pages families use: no login, nothing asked, no client data. Finnish,
Swedish and English (the language switch or the browser's language)."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from perhekeskus.network.models import MeetingPlace
from perhekeskus.network.programme import ical

from . import selectors


@require_GET
def meeting_places(request):
    return render(request, "public/meeting_places.html", {"places": selectors.places()})


@require_GET
def meeting_place(request, pk: int):
    place = get_object_or_404(MeetingPlace.objects.select_related("organiser"), pk=pk, is_active=True)
    days = selectors.upcoming(selectors.programme_items(place), timezone.localdate())
    return render(request, "public/meeting_place.html", {"place": place, "days": days})


@require_GET
def events(request):
    days = selectors.upcoming(selectors.programme_items(), timezone.localdate())
    return render(request, "public/events.html", {"days": days})


def _feed(items, name: str, filename: str) -> HttpResponse:
    response = HttpResponse(
        ical(items, name=name, language=translation.get_language() or "fi"), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'inline; filename="{filename}.ics"'
    response["Cache-Control"] = "public, max-age=900"
    return response


@require_GET
def meeting_place_feed(request, pk: int):
    place = get_object_or_404(MeetingPlace, pk=pk, is_active=True)
    return _feed(selectors.programme_items(place), place.name, f"kohtaamispaikka-{place.pk}")


@require_GET
def events_feed(request):
    return _feed(selectors.programme_items(), _("Programme of the meeting places"), "tapahtumat")
