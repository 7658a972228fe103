from rest_framework import viewsets

from perhekeskus.people.models import Worker

from . import selectors
from .serializers import FamilySerializer, PersonSerializer, WorkerSerializer


class WorkerViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = WorkerSerializer
    queryset = Worker.objects.prefetch_related("languages", "competences").order_by("id")


class FamilyViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = FamilySerializer

    def get_queryset(self):
        return selectors.family_list(user=self.request.user)


class PersonViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = PersonSerializer

    def get_queryset(self):
        return selectors.person_list(user=self.request.user)
