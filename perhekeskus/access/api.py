"""Access logging for API viewsets that return client data."""

from perhekeskus.scheduling import policy

from .models import AccessEvent
from .services import access_log


class AccessLoggedViewSetMixin:
    """Logs every object of client data a list or retrieve returned (one INSERT a
    request). ``log_object_type`` names the objects; ``log_family_id`` gives the family
    whose data an object is (None: not client data, not logged)."""

    log_object_type: str = ""

    def log_family_id(self, obj) -> int | None:
        raise NotImplementedError

    def _log(self, action, objects) -> None:
        rows = [(obj.pk, fid) for obj in objects if (fid := self.log_family_id(obj)) is not None]
        if rows:
            basis = policy.family_access_basis(self.request.user, rows[0][1]) if len(rows) == 1 else None
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
        obj = super().get_object()
        if self.action == "retrieve":
            self._log(AccessEvent.Action.VIEW, [obj])
        return obj
