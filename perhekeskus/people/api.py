from rest_framework import viewsets

from perhekeskus.access.api import AccessLoggedViewSetMixin
from perhekeskus.people.models import Worker

from . import selectors
from .serializers import FamilySerializer, PersonSerializer, WorkerSerializer


class WorkerViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = WorkerSerializer
    queryset = Worker.objects.prefetch_related("languages", "competences").order_by("id")


class FamilyViewSet(AccessLoggedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = FamilySerializer
    log_object_type = "family"

    def log_family_id(self, obj):
        return obj.pk

    def get_queryset(self):
        return selectors.family_list(user=self.request.user)

    def get_serializer_context(self):
        from perhekeskus.scheduling import policy

        context = super().get_serializer_context()
        context["visiting_family_ids"] = policy.visiting_family_ids(self.request.user)
        return context


class PersonViewSet(AccessLoggedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = PersonSerializer
    log_object_type = "person"

    def log_family_id(self, obj):
        families = list(obj.families.all())  # prefetched
        return families[0].pk if families else 0

    def get_queryset(self):
        return selectors.person_list(user=self.request.user)
