"""Use cases of allocation (the front door: ``access.frontdoor``): the candidates for one
service need, for the pages and the API alike. Who may: whoever may allocate the need
(``policy.may_allocate``); the refusal is logged and looks like an unknown need."""

from __future__ import annotations

from perhekeskus.access import frontdoor, policy
from perhekeskus.access.frontdoor import Caller
from perhekeskus.access.models import AccessEvent
from perhekeskus.intake import selectors as intake_selectors

from . import candidates as engine


def need_candidates_as(caller: Caller, need_id) -> tuple:
    """(need, candidates) for a waiting need the caller may allocate."""
    pk = frontdoor.as_id(need_id)
    need = intake_selectors.need_for(user=None, pk=pk) if pk else None
    if need is None or not policy.may_allocate(caller.user, need):
        raise frontdoor.refuse(caller, "service_need", need_id, need.family_id if need else None)
    found = engine.candidates(need, user=caller.user)
    frontdoor.log(
        caller, AccessEvent.Action.VIEW, "service_need", [(need.pk, need.family_id)], policy.list_basis(caller.user)
    )
    return need, found
