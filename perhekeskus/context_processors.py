"""The menu: which parts of the product the signed-in user reaches (access.policy)."""

from perhekeskus.access import policy
from perhekeskus.people.roles import roles_of


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
            "book": policy.may_book(user),
            "break_glass": policy.may_break_glass(user),
            "reviews": policy.may_review_break_glass(user),
            "disclosure_rules": policy.may_edit_disclosure_rules(user),
            "api_tokens": policy.may_manage_api_tokens(user),
            "inbox": policy.may_use_inbox(user),
            "notifications": policy.may_see_notifications(user),
            "queue": policy.may_see_queue(user),
            "proposals": policy.may_propose_queue(user),
            "absences": policy.may_change_shifts(user),
            "deadlines": policy.may_see_dashboard(user),
            "reports": policy.may_see_reports(user),
            "my_families": worker is not None,
            "naming_suggestions": policy.may_see_naming_suggestions(user),
            "naming_report": policy.may_see_naming_report(user),
        },
    }
