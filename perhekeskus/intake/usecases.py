"""Use cases of intake that other apps' pages call (the front door: ``access.frontdoor``).

The family page (scheduling) shows the family's service needs through
``family_needs_section``, registered in ``apps.py``: scheduling does not import intake.
"""

from __future__ import annotations

from perhekeskus.access import policy
from perhekeskus.access.frontdoor import Caller
from perhekeskus.scheduling.usecases import Section

from . import selectors


def family_needs_section(caller: Caller, family, basis: str) -> Section | None:
    """The family's service needs the caller may see (``policy.disclosed_need_ids``) and
    the link to record one; the needs shown are logged with the page."""
    needs = selectors.family_needs(user=caller.user, family=family, basis=basis)
    may_record = policy.may_record_need(caller.user)
    if not needs and not may_record:
        return None
    return Section(
        template="intake/_family_needs.html",
        context={"service_needs": needs, "may_record_need": may_record, "family": family},
        logged=[("service_need", [(n.pk, family.pk) for n in needs])],
    )
