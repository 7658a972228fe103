from perhekeskus.intake import policy as intake_policy
from perhekeskus.people.roles import ADMINISTRATOR, MANAGER, has_role, roles_of
from perhekeskus.reports import policy as reports_policy
from perhekeskus.scheduling import policy


def current_worker(request):
    """The signed-in user's worker, roles and which parts of the menu they reach."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    worker = getattr(user, "worker", None)
    return {
        "current_worker": worker,
        "current_roles": roles_of(user),
        "nav": {
            "resource_view": policy.can_see_resource_view(user),
            "families": worker is not None or policy.may_search_families(user),
            "book": worker is not None or policy.is_coordinator(user),
            "break_glass": policy.may_break_glass(user),
            "reviews": has_role(user, MANAGER, ADMINISTRATOR),
            "disclosure_rules": has_role(user, ADMINISTRATOR),
            "inbox": intake_policy.may_use_inbox(user),
            "notifications": intake_policy.may_see_notifications(user),
            "queue": intake_policy.may_see_queue(user),
            "deadlines": intake_policy.may_see_dashboard(user),
            "reports": reports_policy.may_see_reports(user),
        },
    }
