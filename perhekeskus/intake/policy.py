"""Who may see and do what in intake (docs/access.md, docs/clocks.md).

- Contacts (the inbox): service guidance within its scope (the answering organisation),
  administrators. A contact may hold a family's worry in free text: it is client data.
- Child welfare notifications: only the workers of the receiving child-protection
  service, the workers of services to which that service's data is disclosed
  automatically by the disclosure rules, and administrators.
- Service needs: resource coordinators within the scope of the service's organisation
  (they allocate), service guidance and administrators (they record); the allocated
  worker (the need is also their relationship with the family).
- The deadline dashboard shows counts only: managers, service guidance, coordinators,
  administrators and child-protection workers.
"""

from __future__ import annotations

from django.db.models import Q

from perhekeskus.access.models import DisclosureMode
from perhekeskus.people.roles import ADMINISTRATOR, COORDINATOR, MANAGER, SERVICE_GUIDANCE, has_role, scope_q
from perhekeskus.scheduling import policy as scheduling_policy


def contacts_q(user) -> Q | None:
    """Filter on Contact for the inbox; None = all. Scopes: an organisation scope
    covers its contacts; a unit scope covers its organisation's contacts."""
    if has_role(user, ADMINISTRATOR):
        return None
    q = scope_q(user, SERVICE_GUIDANCE, organisation="organisation_id", unit="organisation__units")
    return q


def may_use_inbox(user) -> bool:
    return has_role(user, SERVICE_GUIDANCE, ADMINISTRATOR)


def may_record_concern_report(user) -> bool:
    """Professionals (any worker) and service guidance record concern reports."""
    return may_use_inbox(user) or scheduling_policy.own_worker(user) is not None


def notification_service_ids(user) -> set[int] | None:
    """Child-protection services whose notifications the user sees; None = all."""
    if has_role(user, ADMINISTRATOR):
        return None
    me = scheduling_policy.own_worker(user)
    if me is None or me.service_id is None:
        return set()
    from perhekeskus.network.models import Service

    ids = set()
    for service_id in Service.objects.filter(receives_child_welfare_notifications=True).values_list("id", flat=True):
        if scheduling_policy.disclosure_mode(service_id, me.service_id) == DisclosureMode.AUTOMATIC:
            ids.add(service_id)
    return ids


def notifications_q(user) -> Q | None:
    ids = notification_service_ids(user)
    return None if ids is None else Q(service_id__in=ids)


def may_see_notifications(user) -> bool:
    ids = notification_service_ids(user)
    return ids is None or bool(ids)


def may_record_notification(user) -> bool:
    """Child protection records notifications received by phone or mail; service
    guidance forwards contacts to child protection."""
    return may_see_notifications(user) or may_use_inbox(user)


def needs_q(user) -> Q | None:
    """Filter on ServiceNeed: coordinators by the service's organisation, service
    guidance and administrators all, a worker their own allocated needs."""
    if has_role(user, ADMINISTRATOR, SERVICE_GUIDANCE):
        return None
    q = Q(pk__in=[])
    coordinator = scope_q(user, COORDINATOR, organisation="service__organisation_id", unit="worker__unit_id")
    if coordinator is None:
        return None
    q |= coordinator
    # A unit-scoped coordinator also sees the waiting needs of its organisation's services.
    unit_orgs = [org for org, unit in _unit_scope_orgs(user)]
    if unit_orgs:
        q |= Q(status="waiting", service__organisation_id__in=unit_orgs)
    me = scheduling_policy.own_worker(user)
    if me is not None:
        q |= Q(worker=me)
    return q


def _unit_scope_orgs(user):
    from perhekeskus.network.models import Unit
    from perhekeskus.people.roles import scopes_of

    unit_ids = [unit for org, unit in scopes_of(user).get(COORDINATOR, ()) if unit is not None]
    return Unit.objects.filter(pk__in=unit_ids).values_list("organisation_id", "id")


def may_see_queue(user) -> bool:
    return has_role(user, COORDINATOR, ADMINISTRATOR, SERVICE_GUIDANCE)


def may_allocate(user, need) -> bool:
    from perhekeskus.people.roles import in_scope

    if has_role(user, ADMINISTRATOR):
        return True
    return in_scope(user, COORDINATOR, organisation_id=need.service.organisation_id, unit_id=None) or any(
        org == need.service.organisation_id for org, _unit in _unit_scope_orgs(user)
    )


def may_close_need(user, need) -> bool:
    """Whoever may allocate the need, and the worker it is allocated to."""
    me = scheduling_policy.own_worker(user)
    return may_allocate(user, need) or (me is not None and need.worker_id == me.pk)


def may_record_need(user) -> bool:
    return has_role(user, COORDINATOR, ADMINISTRATOR, SERVICE_GUIDANCE) or (
        scheduling_policy.own_worker(user) is not None
    )


def may_see_dashboard(user) -> bool:
    return has_role(user, MANAGER, SERVICE_GUIDANCE, COORDINATOR, ADMINISTRATOR) or may_see_notifications(user)
