"""API of the family's overall picture, named workers and network meetings: thin
adapters over ``usecases.py`` (the same functions as the pages)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from perhekeskus.access.frontdoor import Caller
from perhekeskus.people.models import NamedWorker
from perhekeskus.scheduling.serializers import LocalDateTimeField

from . import usecases
from .models import NetworkMeeting


class NamedWorkerSerializer(serializers.ModelSerializer):
    worker_name = serializers.CharField(source="worker.name", read_only=True)

    class Meta:
        model = NamedWorker
        fields = ["id", "family", "worker", "worker_name", "role", "start_date", "end_date", "reason", "end_reason"]
        read_only_fields = fields


class NamedWorkerCreateSerializer(serializers.Serializer):
    family = serializers.IntegerField()
    worker = serializers.IntegerField()
    role = serializers.ChoiceField(choices=NamedWorker.Role.choices)
    start_date = serializers.DateField(required=False, allow_null=True)
    reason = serializers.CharField(max_length=300)


class NamedWorkerEndSerializer(serializers.Serializer):
    end_date = serializers.DateField(required=False, allow_null=True)
    reason = serializers.CharField(max_length=300)


class ServiceInUseSerializer(serializers.Serializer):
    service = serializers.IntegerField(source="service.pk")
    service_name = serializers.CharField(source="service.name")
    whom = serializers.CharField()
    since = serializers.DateField()
    last = serializers.DateTimeField(allow_null=True)
    next = serializers.DateTimeField(allow_null=True)
    sources = serializers.ListField(child=serializers.CharField())


class FamilyFigureRowSerializer(serializers.Serializer):
    level = serializers.CharField(required=False)
    realised_hours = serializers.FloatField()
    open_hours = serializers.FloatField()
    own_cost = serializers.FloatField()
    purchased = serializers.FloatField()
    purchases = serializers.IntegerField()
    total = serializers.FloatField()


class FamilyFiguresSerializer(serializers.Serializer):
    levels = FamilyFigureRowSerializer(many=True)
    total = FamilyFigureRowSerializer()


class OverlapSerializer(serializers.Serializer):
    whom = serializers.CharField()
    group = serializers.CharField()
    services = serializers.ListField(child=serializers.CharField())
    first = serializers.DateField()
    last = serializers.DateField()


class StageSerializer(serializers.Serializer):
    key = serializers.CharField()
    date = serializers.DateField(allow_null=True)


class HiddenSerializer(serializers.Serializer):
    appointments = serializers.IntegerField()
    needs = serializers.IntegerField()
    purchases = serializers.IntegerField()
    services = serializers.IntegerField()


class MeetingSerializer(serializers.ModelSerializer):
    start = serializers.DateTimeField(source="appointment.planned_start", read_only=True)
    end = serializers.DateTimeField(source="appointment.planned_end", read_only=True)
    status = serializers.CharField(source="appointment.status", read_only=True)
    participants = serializers.SerializerMethodField()

    class Meta:
        model = NetworkMeeting
        fields = [
            "id",
            "family",
            "appointment",
            "start",
            "end",
            "status",
            "participants",
            "network",
            "requested_by",
            "consent_given_by",
            "assessment",
            "agreed",
            "continues_with",
            "next_check",
        ]
        read_only_fields = fields

    def get_participants(self, obj) -> list[int]:
        return sorted(
            p.resource.worker.pk for p in obj.appointment.participants.all() if getattr(p.resource, "worker", None)
        )


class OverviewSerializer(serializers.Serializer):
    family = serializers.IntegerField(source="family.pk")
    key = serializers.CharField(source="family.key")
    basis = serializers.CharField()
    members = serializers.SerializerMethodField()
    named_workers = NamedWorkerSerializer(many=True)
    services = ServiceInUseSerializer(many=True)
    open_needs = serializers.SerializerMethodField()
    meetings = MeetingSerializer(many=True)
    overlaps = OverlapSerializer(many=True)
    client_groups = serializers.SerializerMethodField()
    stages = StageSerializer(many=True)
    stage = serializers.CharField(allow_null=True)
    figures_year = FamilyFiguresSerializer()
    figures_all = FamilyFiguresSerializer()
    hidden = HiddenSerializer()

    def get_members(self, o) -> list[dict]:
        return [
            {"person": m.person_id, "first_name": m.person.first_name, "role": m.role, "other_home": m.other_homes}
            for m in o["members"]
        ]

    def get_open_needs(self, o) -> list[dict]:
        return [
            {"id": n.pk, "service": n.service_id, "status": n.status, "waiting_days": n.waiting_days}
            for n in o["open_needs"]
        ]

    def get_client_groups(self, o) -> list[dict]:
        return [{"group": g.group, "start_date": g.start_date, "end_date": g.end_date} for g in o["client_groups"]]


def _overview_data(page) -> dict:
    o = page.overview
    return {
        "family": o.family,
        "basis": page.basis,
        "members": o.members,
        "named_workers": o.named_workers,
        "services": [{**s.__dict__, "sources": sorted(s.sources)} for s in o.services],
        "open_needs": o.open_needs,
        "meetings": o.meetings,
        "overlaps": [{**w.__dict__, "services": list(w.services)} for w in o.overlaps],
        "client_groups": o.client_groups,
        "stages": [{"key": s.key, "date": s.date} for s in o.stages],
        "stage": o.stage.key if o.stage else None,
        "figures_year": o.figures_year,
        "figures_all": o.figures_all,
        "hidden": o.hidden,
    }


class FamilyOverviewViewSet(viewsets.ViewSet):
    """The family's overall picture, as the disclosure rules show it to the caller."""

    @extend_schema(responses=OverviewSerializer)
    def retrieve(self, request, pk=None):
        page = usecases.family_overview_for(Caller.api(request), pk)
        return Response(OverviewSerializer(_overview_data(page)).data)


class NamedWorkerViewSet(viewsets.ViewSet):
    """Named workers: a family's history (``?family=``), naming and ending."""

    @extend_schema(
        responses={
            200: NamedWorkerSerializer(many=True),
            404: OpenApiResponse(description="No such family, or one the user does not reach."),
        },
        parameters=[OpenApiParameter("family", int, required=True)],
    )
    def list(self, request):
        _family, rows = usecases.family_named_workers_as(Caller.api(request), request.query_params.get("family"))
        return Response(NamedWorkerSerializer(rows, many=True).data)

    @extend_schema(request=NamedWorkerCreateSerializer, responses={201: NamedWorkerSerializer})
    def create(self, request):
        s = NamedWorkerCreateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        named = usecases.named_worker_assign_as(
            Caller.api(request),
            d["family"],
            worker_id=d["worker"],
            role=d["role"],
            start_date=d.get("start_date"),
            reason=d["reason"],
            from_path=False,
        )
        return Response(NamedWorkerSerializer(named).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=NamedWorkerEndSerializer, responses=NamedWorkerSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        usecases.named_worker_for_change(Caller.api(request), pk)  # refused before the body is read
        s = NamedWorkerEndSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        named = usecases.named_worker_end_as(
            Caller.api(request), pk, end_date=s.validated_data.get("end_date"), reason=s.validated_data["reason"]
        )
        return Response(NamedWorkerSerializer(named).data)


class _MeetingWorkersSerializer(serializers.Serializer):
    """Who meets: the family, the professionals it wants, the convener, the network."""

    family = serializers.IntegerField()
    workers = serializers.ListField(child=serializers.IntegerField(), min_length=1, max_length=12)
    minutes = serializers.IntegerField(min_value=15, max_value=usecases.MAX_MINUTES)
    convener = serializers.IntegerField(required=False, allow_null=True)
    network = serializers.IntegerField(required=False, allow_null=True)


class SlotSearchSerializer(_MeetingWorkersSerializer):
    weeks = serializers.IntegerField(required=False, min_value=1, max_value=12, default=8)


class MeetingSlotSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    reserved = serializers.BooleanField()


class MeetingCreateSerializer(_MeetingWorkersSerializer):
    start = LocalDateTimeField()
    requested_by = serializers.ChoiceField(choices=NetworkMeeting.RequestedBy.choices)
    consent_given_by = serializers.CharField(max_length=200)
    assessment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    contact = serializers.IntegerField(required=False, allow_null=True)
    persons = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)


class MeetingRecordSerializer(serializers.Serializer):
    agreed = serializers.CharField(max_length=4000)
    continues_with = serializers.IntegerField(required=False, allow_null=True)
    next_check = serializers.DateField(required=False, allow_null=True)
    name_responsible = serializers.BooleanField(required=False, default=False)


class MeetingSlotViewSet(viewsets.ViewSet):
    """The common slot search of the network meeting on one call."""

    @extend_schema(request=SlotSearchSerializer, responses=MeetingSlotSerializer(many=True))
    def create(self, request):
        s = SlotSearchSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        search = usecases.meeting_slots_as(
            Caller.api(request),
            d["family"],
            worker_ids=d["workers"],
            minutes=d["minutes"],
            convener_id=d.get("convener"),
            network_id=d.get("network"),
            weeks=d["weeks"],
            from_path=False,
        )
        return Response(MeetingSlotSerializer([p.__dict__ for p in search.proposals], many=True).data)


class NetworkMeetingViewSet(viewsets.ViewSet):
    """Network meetings: convene (one appointment with every participant), read, record
    what was agreed."""

    @extend_schema(request=MeetingCreateSerializer, responses={201: MeetingSerializer})
    def create(self, request):
        s = MeetingCreateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        meeting = usecases.meeting_convene_as(
            Caller.api(request),
            d["family"],
            worker_ids=d["workers"],
            start=d["start"],
            minutes=d["minutes"],
            requested_by=d["requested_by"],
            consent_given_by=d["consent_given_by"],
            assessment=d["assessment"],
            convener_id=d.get("convener"),
            network_id=d.get("network"),
            contact_id=d.get("contact"),
            person_ids=d["persons"],
            from_path=False,
        )
        page = usecases.meeting_view_as(Caller.api(request), meeting.pk)
        return Response(MeetingSerializer(page.meeting).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=MeetingSerializer)
    def retrieve(self, request, pk=None):
        page = usecases.meeting_view_as(Caller.api(request), pk)
        return Response(MeetingSerializer(page.meeting).data)

    @extend_schema(request=MeetingRecordSerializer, responses=MeetingSerializer)
    @action(detail=True, methods=["post"])
    def record(self, request, pk=None):
        usecases.meeting_to_record(Caller.api(request), pk)
        s = MeetingRecordSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        usecases.meeting_record_as(
            Caller.api(request),
            pk,
            agreed=d["agreed"],
            continues_with_id=d.get("continues_with"),
            next_check=d.get("next_check"),
            name_responsible=d["name_responsible"],
        )
        page = usecases.meeting_view_as(Caller.api(request), pk)
        return Response(MeetingSerializer(page.meeting).data)
