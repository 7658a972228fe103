from rest_framework import viewsets

from perhekeskus.people.models import Worker

from .serializers import WorkerSerializer


class WorkerViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = WorkerSerializer
    queryset = Worker.objects.prefetch_related("languages", "competences").order_by("id")
