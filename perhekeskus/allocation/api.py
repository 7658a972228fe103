"""Allocation in the API: the candidates for one service need (the same use case as the
page)."""

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from perhekeskus.access.frontdoor import Caller

from . import usecases


class SlotSerializer(serializers.Serializer):
    weekdays = serializers.ListField(child=serializers.IntegerField(), help_text="ISO weekdays (1 = Monday).")
    time = serializers.TimeField()
    first_start = serializers.DateTimeField()
    fits = serializers.IntegerField(help_text="Occurrences that fit inside shifts, clear of bookings.")
    occurrences = serializers.IntegerField()


class ReasonSerializer(serializers.Serializer):
    why = serializers.CharField()
    points = serializers.FloatField()


class CandidateSerializer(serializers.Serializer):
    worker = serializers.IntegerField(source="worker.pk")
    name = serializers.CharField(source="worker.name")
    unit = serializers.CharField(source="worker.unit.name")
    eligible = serializers.BooleanField()
    failures = serializers.ListField(child=serializers.CharField(), help_text="Each hard condition failed.")
    score = serializers.FloatField()
    reasons = serializers.SerializerMethodField()
    slots = SlotSerializer(many=True, help_text="Patterns where every occurrence fits.")
    partial = SlotSerializer(allow_null=True, help_text="The best partial fit when no pattern fits fully.")
    caseload = serializers.IntegerField(allow_null=True)

    @extend_schema_field(ReasonSerializer(many=True))
    def get_reasons(self, obj) -> list[dict]:
        return [{"why": why, "points": points} for why, points in obj.reasons]


class NeedCandidatesViewSet(viewsets.ViewSet):
    """Candidates for a service need: workers ranked with their score explained, the slot
    patterns that fit every occurrence, and those failing a hard condition with why."""

    lookup_value_regex = r"[0-9]{1,18}"

    @extend_schema(responses=CandidateSerializer(many=True))
    @action(detail=True, methods=["get"])
    def candidates(self, request, pk=None):
        _need, found = usecases.need_candidates_as(Caller.api(request), pk)
        return Response(CandidateSerializer(found[:100], many=True).data)
