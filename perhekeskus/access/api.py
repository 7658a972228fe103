"""Access logging for API viewsets that return client data."""

from django.http import Http404
from rest_framework import viewsets

from perhekeskus.people.models import Family, Membership

from . import frontdoor, policy, selectors
from .models import AccessEvent
from .serializers import FamilySerializer, PersonSerializer
from .services import access_log, access_refused


class AccessLoggedViewSetMixin:
    """Logs every object of client data a list or retrieve returned (one INSERT a
    request). ``log_object_type`` names the objects; ``log_family_id`` gives the family
    whose data an object is (None: not client data, not logged)."""

    log_object_type: str = ""

    def log_family_id(self, obj) -> int | None:
        raise NotImplementedError

    def refused_family_id(self, lookup) -> int | None:
        """The family an id refused here belongs to, for the family's access report
        (None when the id names nothing or no family)."""
        return None

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
            pk = frontdoor.as_id(lookup)
            access_refused(
                request=self.request,
                object_type=self.log_object_type,
                object_id=lookup,
                family_id=self.refused_family_id(pk) if pk else None,
                channel=AccessEvent.Channel.API,
            )
            raise
        if self.action == "retrieve":
            self._log(AccessEvent.Action.VIEW, [obj])
        return obj


class FamilyViewSet(AccessLoggedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Families the user reaches (``policy.reachable_families_q``); the protected address
    fields of a family under a non-disclosure order are blank unless the user visits it."""

    serializer_class = FamilySerializer
    log_object_type = "family"

    def log_family_id(self, obj):
        return obj.pk

    def refused_family_id(self, lookup):
        return Family.objects.filter(pk=lookup).values_list("pk", flat=True).first()

    def get_queryset(self):
        return selectors.family_list(user=self.request.user)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["visiting_family_ids"] = policy.visiting_family_ids(self.request.user)
        return context


class PersonViewSet(AccessLoggedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = PersonSerializer
    log_object_type = "person"

    def log_family_id(self, obj):
        families = list(obj.families.all())  # prefetched
        return families[0].pk if families else 0

    def refused_family_id(self, lookup):
        return Membership.objects.filter(person_id=lookup).values_list("family_id", flat=True).first()

    def get_queryset(self):
        return selectors.person_list(user=self.request.user)
