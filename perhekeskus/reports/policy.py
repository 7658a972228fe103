"""Who may see the management reports and record purchased services (docs/access.md).

Reports are aggregates over the work of the workers within the user's scope (the same
organisation/unit scopes as the resource view). Rows that name a family name it only by
its pseudonymous key; no report shows a family's or a person's name. Drill-down rows are
client-related (work type, time, family key) and are logged; addresses appear only to
those who plan the worker's visits, never for a family with an address non-disclosure
order."""

from __future__ import annotations

from django.db.models import Q

from perhekeskus.people.roles import (
    ADMINISTRATOR,
    COORDINATOR,
    MANAGER,
    has_role,
    in_scope,
    roles_of,
    scope_of_roles,
    scope_q,
)

REPORT_ROLES = (MANAGER, COORDINATOR, ADMINISTRATOR)
# Who records and corrects purchased services (the purchasing organisation's managers and
# coordinators; administrators anywhere).
PURCHASE_ROLES = (MANAGER, COORDINATOR, ADMINISTRATOR)
# Who sees addresses in drill-down rows: those who plan the visits.
ADDRESS_ROLES = (COORDINATOR, ADMINISTRATOR)


def may_see_reports(user) -> bool:
    return has_role(user, *REPORT_ROLES)


def may_record_purchases(user) -> bool:
    return has_role(user, *PURCHASE_ROLES)


def worker_scope_q(user, prefix: str = "worker__") -> Q:
    """Rows of workers within the user's report scope (an empty Q: the whole region);
    ``prefix`` leads from the rows to their worker."""
    q = scope_q(user, *REPORT_ROLES, organisation=f"{prefix}organisation_id", unit=f"{prefix}unit_id")
    return Q() if q is None else q


def organisation_scope_q(user, field: str, roles=REPORT_ROLES) -> Q:
    """Rows that belong to an organisation (purchases, contacts, service needs, notifications)
    within the user's scope. A unit scope does not reach organisation-level rows: least
    privilege (a unit's manager sees the unit's own work)."""
    orgs = scope_of_roles(user, *roles)
    return Q() if orgs is None else Q(**{f"{field}__in": orgs})


def may_record_for(user, organisation_id: int) -> bool:
    """Whether the user records and corrects purchases of this purchasing organisation."""
    orgs = scope_of_roles(user, *PURCHASE_ROLES)
    return orgs is None or organisation_id in orgs


def may_see_addresses(user, *, organisation_id: int, unit_id: int) -> bool:
    return in_scope(user, *ADDRESS_ROLES, organisation_id=organisation_id, unit_id=unit_id)


def report_basis(user) -> str:
    """The basis recorded in the access log for what a report shows: the role it is seen by."""
    roles = roles_of(user)
    return next((f"report:{r}" for r in REPORT_ROLES if r in roles), "report")
