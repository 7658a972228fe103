"""Roles, as groups of users. The who-sees-what issue replaces these with roles scoped to
an organisation or unit; until then a role is a Django group of this name."""

from django.contrib.auth.models import Group

COORDINATOR = "resource_coordinator"
MANAGER = "manager"
WORKER = "worker"
ADMINISTRATOR = "administrator"
ALL_ROLES = (COORDINATOR, MANAGER, WORKER, ADMINISTRATOR)


def roles_of(user) -> set[str]:
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_perhekeskus_roles", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            cached.add(ADMINISTRATOR)
        user._perhekeskus_roles = cached
    return cached


def has_role(user, *roles: str) -> bool:
    return bool(roles_of(user) & set(roles))


def ensure_groups() -> None:
    for name in ALL_ROLES:
        Group.objects.get_or_create(name=name)
