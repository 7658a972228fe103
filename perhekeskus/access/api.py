"""Access logging for API viewsets that return client data."""

from django.http import Http404

from perhekeskus.scheduling import policy

from .models import AccessEvent
from .services import access_log, access_refused


class AccessLoggedViewSetMixin:
    """Logs every object of client data a list or retrieve returned (one INSERT a
    request). ``log_object_type`` names the objects; ``log_family_id`` gives the family
    whose data an object is (None: not client data, not logged)."""

    log_object_type: str = ""

    def log_family_id(self, obj) -> int | None:
        raise NotImplementedError

    def _log(self, action, objects, *, basis: str | None = None) -> None:
        rows = [(obj.pk, fid) for obj in objects if (fid := self.log_family_id(obj)) is not None]
        if rows:
            if basis is None and len(rows) == 1:
                basis = policy.family_access_basis(self.request.user, rows[0][1])
            access_log(
                request=self.request,
                action=action,
                object_type=self.log_object_type,
                objects=rows,
                basis=basis or policy.list_basis(self.request.user),
                channel=AccessEvent.Channel.API,
            )

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page is not None and self.action == "list":
            self._log(AccessEvent.Action.LIST, page)
        return page

    def get_object(self):
        try:
            obj = super().get_object()
        except Http404:
            # not visible to this user (or no such object): record the attempt
            lookup = self.kwargs.get(self.lookup_url_kwarg or self.lookup_field)
            access_refused(
                request=self.request,
                object_type=self.log_object_type,
                object_id=lookup,
                channel=AccessEvent.Channel.API,
            )
            raise
        if self.action == "retrieve":
            self._log(AccessEvent.Action.VIEW, [obj])
        return obj
