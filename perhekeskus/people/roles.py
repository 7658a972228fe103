"""Roles of users, each for the whole region or scoped to an organisation or a unit
(``people.RoleAssignment``). A superuser is an administrator of the whole region.

The scope limits whose working time a role reaches: a resource coordinator of one
organisation plans that organisation's workers, a manager of one unit sees that unit.
docs/access.md has the table of what each role sees."""

from __future__ import annotations

from django.db.models import Q

COORDINATOR = "resource_coordinator"
SERVICE_GUIDANCE = "service_guidance"
MANAGER = "manager"
NETWORK_COORDINATOR = "network_coordinator"
WORKER = "worker"
ADMINISTRATOR = "administrator"
ALL_ROLES = (WORKER, COORDINATOR, SERVICE_GUIDANCE, MANAGER, NETWORK_COORDINATOR, ADMINISTRATOR)

Scope = tuple[int | None, int | None]  # (organisation id, unit id); (None, None) = whole region


def scopes_of(user) -> dict[str, list[Scope]]:
    """The user's roles with their scopes, read once per request (cached on the user)."""
    if not user.is_authenticated:
        return {}
    cached = getattr(user, "_perhekeskus_scopes", None)
    if cached is None:
        from .models import RoleAssignment

        cached = {}
        for role, org, unit in RoleAssignment.objects.filter(user=user).values_list(
            "role", "organisation_id", "unit_id"
        ):
            cached.setdefault(role, []).append((org, unit))
        if user.is_superuser:
            cached.setdefault(ADMINISTRATOR, []).append((None, None))
        user._perhekeskus_scopes = cached
    return cached


def roles_of(user) -> set[str]:
    return set(scopes_of(user))


def has_role(user, *roles: str) -> bool:
    scopes = scopes_of(user)
    return any(r in scopes for r in roles)


def scope_q(user, *roles: str, organisation: str = "organisation_id", unit: str = "unit_id") -> Q | None:
    """A filter on workers (or anything with an organisation and a unit) reached by any
    of these roles; None when one of them covers the whole region, a filter matching
    nothing when the user holds none of them."""
    q = Q(pk__in=[])
    for role in roles:
        for org, unit_id in scopes_of(user).get(role, ()):
            if org is None and unit_id is None:
                return None
            q |= Q(**{unit: unit_id}) if unit_id is not None else Q(**{organisation: org})
    return q


def in_scope(user, *roles: str, organisation_id: int | None, unit_id: int | None) -> bool:
    """Whether a worker of this organisation and unit is within one of the roles' scopes."""
    for role in roles:
        for org, unit in scopes_of(user).get(role, ()):
            if org is None and unit is None:
                return True
            # a unit scope matches its own unit only; an organisation scope its own
            # organisation (a missing unit of None never matches a unit scope)
            if unit is not None and unit == unit_id:
                return True
            if unit is None and org is not None and org == organisation_id:
                return True
    return False


def role_assign(*, user, role: str, organisation=None, unit=None, granted_by=None):
    """Give a user a role (idempotent). A unit scope implies its organisation."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from .models import RoleAssignment

    if role not in ALL_ROLES:
        raise ValidationError({"role": [_("Unknown role.")]})
    if organisation is not None and unit is not None:
        raise ValidationError({"unit": [_("Give either an organisation or a unit, not both.")]})
    assignment, _created = RoleAssignment.objects.get_or_create(
        user=user, role=role, organisation=organisation, unit=unit, defaults={"granted_by": granted_by}
    )
    user.__dict__.pop("_perhekeskus_scopes", None)
    return assignment


def scope_of_roles(user, *roles: str) -> set[int] | None:
    """The organisations these roles reach as a whole: None when one of them covers the
    whole region; unit scopes add nothing (they do not reach organisation-level rows)."""
    orgs: set[int] = set()
    for role in roles:
        for org, unit_id in scopes_of(user).get(role, ()):
            if org is None and unit_id is None:
                return None
            if unit_id is None:
                orgs.add(org)
    return orgs
