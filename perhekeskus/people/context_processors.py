from perhekeskus.people.roles import roles_of


def current_worker(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    worker = getattr(user, "worker", None)
    return {"current_worker": worker, "current_roles": roles_of(user)}
