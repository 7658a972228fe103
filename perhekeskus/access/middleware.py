"""Idle sessions end: a logged-in user who has done nothing for SESSION_IDLE_MINUTES is
logged out on their next request. The last-seen time is refreshed at most once a minute,
so that not every request writes the session."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.utils.translation import gettext as _

KEY = "_last_seen"


class IdleSessionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            last_seen = request.session.get(KEY)
            if last_seen is not None and now - last_seen > settings.SESSION_IDLE_MINUTES * 60:
                logout(request)
                if request.path.startswith("/api/"):
                    return self.get_response(request)  # answered 401/403 as anonymous
                messages.info(request, _("You were logged out after a period of inactivity."))
                return redirect_to_login(request.path)  # the path only: a query may hold search words
            if last_seen is None or now - last_seen >= 60:
                request.session[KEY] = now
        return self.get_response(request)


class PermissionsPolicyMiddleware:
    """Switches off the browser features no page uses (settings.PERMISSIONS_POLICY)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.PERMISSIONS_POLICY:
            response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class FrontDoorErrorsMiddleware:
    """A use case's NotFound is a page's 404 and its Forbidden a 403 (the API answers them
    in ``perhekeskus.api.exception_handler``). The refusal was logged by the use case."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.core.exceptions import PermissionDenied
        from django.http import Http404

        from perhekeskus.errors import Forbidden, NotFound

        if isinstance(exception, NotFound):
            raise Http404 from exception
        if isinstance(exception, Forbidden):
            raise PermissionDenied from exception
        return None
