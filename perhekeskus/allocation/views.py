"""Allocation pages: thin adapters over ``usecases.py``."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from perhekeskus.access.frontdoor import Caller

from . import usecases


@login_required
@require_GET
def need_candidates(request, pk: int):
    """The workers who could take a need: ranked, each with its score and slot patterns,
    and apart, those who fail a hard condition with the reason."""
    need, found = usecases.need_candidates_as(Caller.page(request), pk)
    return render(
        request,
        "allocation/candidates.html",
        {
            "need": need,
            "eligible": [c for c in found if c.eligible][:50],
            "others": [c for c in found if not c.eligible][:50],
            "cap": settings.CHILD_PROTECTION_CASELOAD_CAP,
        },
    )
