"""The client's right to know who accessed their data (Act on Client Data 703/2023)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from perhekeskus.people.models import Family
from perhekeskus.people.roles import ADMINISTRATOR, COORDINATOR, has_role
from perhekeskus.scheduling import policy

from .models import AccessEvent
from .selectors import family_access_events
from .services import access_log

REPORT_LIMIT = 2000


@login_required
@require_GET
def family_access_report(request, pk: int):
    """Who has accessed a family's data and when, newest first; printable."""
    if not has_role(request.user, ADMINISTRATOR, COORDINATOR):
        raise Http404
    family = get_object_or_404(Family, pk=pk)
    events = list(family_access_events(family_id=family.pk)[:REPORT_LIMIT])
    access_log(
        request=request,
        action=AccessEvent.Action.VIEW,
        object_type="access_report",
        objects=[(family.pk, family.pk)],
        basis=policy.family_access_basis(request.user, family.pk) or "",
    )
    return render(
        request, "access/family_access_report.html", {"family": family, "events": events, "limit": REPORT_LIMIT}
    )
