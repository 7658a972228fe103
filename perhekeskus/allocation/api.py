"""Allocation in the API: the candidates for one service need (the same use case as the
page)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from perhekeskus.access.frontdoor import Caller
from perhekeskus.intake.models import Urgency
from perhekeskus.people.models import Worker
from perhekeskus.scheduling.models import Absence

from . import usecases
from .models import Proposal, ProposalRow


def _body(request) -> dict:
    """The request body as a mapping (a JSON list or scalar reads as empty: the use case
    then answers with its field errors)."""
    return request.data if isinstance(request.data, dict) else {}


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


# --- queue proposals -------------------------------------------------------------------


class ProposalRequestSerializer(serializers.Serializer):
    service = serializers.IntegerField(required=False, allow_null=True, help_text="Limit to one service's needs.")
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False, allow_blank=True)
    seconds = serializers.IntegerField(required=False, min_value=1, max_value=120, help_text="The solver's time limit.")
    previous = serializers.IntegerField(
        required=False, allow_null=True, help_text="What-if: solve again with this proposal's pins and removals."
    )


class FiguresSerializer(serializers.Serializer):
    assigned = serializers.IntegerField()
    needs = serializers.IntegerField()
    weight = serializers.IntegerField(help_text="Urgency and waiting weight of the needs placed.")
    points = serializers.IntegerField(help_text="Continuity, travel and balance points.")
    km = serializers.FloatField(help_text="Travel from the workers' bases to the homes (home visits).")
    continuity = serializers.IntegerField(help_text="Needs placed with a worker who knows the family.")
    median_days = serializers.FloatField(allow_null=True, help_text="Median days from contact to the first visit.")


class ProposalSerializer(serializers.ModelSerializer):
    summary = serializers.SerializerMethodField(help_text="The proposal's figures (null until it is done).")
    greedy = serializers.SerializerMethodField(
        help_text="The same figures allocating one by one in queue order (null until done)."
    )

    @extend_schema_field(FiguresSerializer(allow_null=True))
    def get_summary(self, obj) -> dict | None:
        return FiguresSerializer(obj.summary).data if obj.summary else None

    @extend_schema_field(FiguresSerializer(allow_null=True))
    def get_greedy(self, obj) -> dict | None:
        return FiguresSerializer(obj.greedy).data if obj.greedy else None

    class Meta:
        model = Proposal
        fields = [
            "id", "created_at", "previous", "service", "urgency", "seconds", "seed", "status", "progress",
            "solver_status", "objective", "bound", "gap", "summary", "greedy", "changes", "finished_at",
        ]  # fmt: skip
        read_only_fields = fields


class ProposalRowSerializer(serializers.ModelSerializer):
    family = serializers.IntegerField(source="need.family_id")
    explanation = serializers.SerializerMethodField()

    class Meta:
        model = ProposalRow
        fields = [
            "id", "need", "family", "worker", "weekdays", "time", "first_start", "weight", "points", "km",
            "explanation", "why_unassigned", "pinned", "removed", "booked_at", "booking_error", "alternatives",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(ReasonSerializer(many=True))
    def get_explanation(self, obj) -> list[dict]:
        return [{"why": why, "points": points} for why, points in obj.explanation]


class ProposalDetailSerializer(ProposalSerializer):
    rows = serializers.SerializerMethodField()

    class Meta(ProposalSerializer.Meta):
        fields = [*ProposalSerializer.Meta.fields, "rows"]
        read_only_fields = fields

    @extend_schema_field(ProposalRowSerializer(many=True))
    def get_rows(self, obj) -> list[dict]:
        return ProposalRowSerializer(self.context["rows"], many=True).data


class AcceptSerializer(serializers.Serializer):
    rows = serializers.ListField(
        child=serializers.IntegerField(), required=False, help_text="Rows to book; all assigned rows when empty."
    )


class AcceptedSerializer(serializers.Serializer):
    booked = serializers.IntegerField()
    failed = serializers.IntegerField(help_text="Rows that no longer fit; each keeps its booking_error.")


class RowActionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=["pin", "unpin", "remove", "restore", "choose"])
    choice = serializers.IntegerField(required=False, min_value=0, help_text="For choose: the alternative's index.")


class ProposalViewSet(viewsets.ViewSet):
    """Whole-queue allocation proposals (CP-SAT): ask, follow, edit rows, accept. The
    solve runs as a background task; poll the proposal until its status is done."""

    lookup_value_regex = r"[0-9]{1,18}"
    parser_classes = [JSONParser]  # bodies are JSON; anything else answers 415

    @extend_schema(responses=ProposalSerializer(many=True))
    def list(self, request):
        return Response(ProposalSerializer(usecases.proposals_as(Caller.api(request)), many=True).data)

    @extend_schema(request=ProposalRequestSerializer, responses={202: ProposalSerializer})
    def create(self, request):
        s = ProposalRequestSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        proposal = usecases.proposal_request_as(
            Caller.api(request),
            service_id=d.get("service"),
            urgency=d.get("urgency", ""),
            seconds=d.get("seconds"),
            previous_id=d.get("previous"),
        )
        return Response(ProposalSerializer(proposal).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses=ProposalDetailSerializer)
    def retrieve(self, request, pk=None):
        proposal, rows, _hidden = usecases.proposal_as(Caller.api(request), pk)
        return Response(ProposalDetailSerializer(proposal, context={"rows": rows}).data)

    @extend_schema(request=AcceptSerializer, responses=AcceptedSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        usecases.find_as(Caller.api(request), "proposal", pk)
        s = AcceptSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        booked, failed = usecases.proposal_accept_as(Caller.api(request), pk, s.validated_data.get("rows") or [])
        return Response({"booked": booked, "failed": failed})


class ProposalRowViewSet(viewsets.ViewSet):
    """One row of a finished proposal: pin, unpin, remove, restore, or choose one of its
    alternatives (which pins it)."""

    lookup_value_regex = r"[0-9]{1,18}"
    parser_classes = [JSONParser]  # bodies are JSON; anything else answers 415

    @extend_schema(request=RowActionSerializer, responses=ProposalRowSerializer)
    @action(detail=True, methods=["post"])
    def edit(self, request, pk=None):
        # the row is found (or refused, logged) before the body is read
        usecases.find_as(Caller.api(request), "proposal_row", pk)
        data = _body(request)
        row = usecases.proposal_row_as(
            Caller.api(request), pk, action=str(data.get("action", "")), choice=data.get("choice")
        )
        return Response(ProposalRowSerializer(row).data)


# --- absences --------------------------------------------------------------------------


class AbsenceSerializer(serializers.ModelSerializer):
    first_day = serializers.DateField(write_only=True)
    last_day = serializers.DateField(write_only=True)

    class Meta:
        model = Absence
        fields = ["id", "worker", "start", "end", "reason", "first_day", "last_day"]
        read_only_fields = ["id", "start", "end"]
        extra_kwargs = {"worker": {"queryset": Worker.objects.all()}}


class PlanItemSerializer(serializers.Serializer):
    appointment = serializers.IntegerField(source="appointment.pk")
    family = serializers.IntegerField(source="appointment.family_id", allow_null=True)
    role = serializers.CharField(help_text="The absent worker's role: primary or pair.")
    action = serializers.ChoiceField(choices=["reassign", "move", "cancel"])
    worker = serializers.IntegerField(source="worker.pk", allow_null=True, default=None)
    start = serializers.DateTimeField(allow_null=True, help_text="The new start (move).")
    reasons = serializers.ListField(child=serializers.CharField())


class PlanSerializer(serializers.Serializer):
    absence = serializers.IntegerField(source="absence.pk")
    fingerprint = serializers.CharField(help_text="Give it back to accept exactly this plan.")
    items = PlanItemSerializer(many=True)
    families = serializers.SerializerMethodField(help_text="Family ids to tell.")

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_families(self, obj) -> list[int]:
        return [f.pk for f in obj.families]


class ReplanSerializer(serializers.Serializer):
    fingerprint = serializers.CharField()


class ReplannedSerializer(serializers.Serializer):
    reassign = serializers.IntegerField()
    move = serializers.IntegerField()
    cancel = serializers.IntegerField()


class AbsenceViewSet(viewsets.ViewSet):
    """Workers' absences (no client data) and the re-plan of their appointments."""

    lookup_value_regex = r"[0-9]{1,18}"
    parser_classes = [JSONParser]  # bodies are JSON; anything else answers 415

    @extend_schema(responses=AbsenceSerializer(many=True))
    def list(self, request):
        return Response(AbsenceSerializer(usecases.absences_as(Caller.api(request)), many=True).data)

    @extend_schema(request=AbsenceSerializer, responses={201: AbsenceSerializer})
    def create(self, request):
        s = AbsenceSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        absence = usecases.absence_record_as(
            Caller.api(request), worker_id=d["worker"].pk, start=d["first_day"], end=d["last_day"], reason=d["reason"]
        )
        return Response(AbsenceSerializer(absence).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=PlanSerializer)
    @action(detail=True, methods=["get"])
    def plan(self, request, pk=None):
        return Response(PlanSerializer(usecases.absence_plan_as(Caller.api(request), pk)).data)

    @extend_schema(request=None, responses=AbsenceSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """Withdraw an absence recorded by mistake: its time is capacity again."""
        return Response(AbsenceSerializer(usecases.absence_withdraw_as(Caller.api(request), pk)).data)

    @extend_schema(request=ReplanSerializer, responses=ReplannedSerializer)
    @action(detail=True, methods=["post"])
    def replan(self, request, pk=None):
        # the use case finds the absence (or refuses, logged) before it reads the fingerprint
        usecases.find_as(Caller.api(request), "absence", pk)  # before the body is read
        fingerprint = str(_body(request).get("fingerprint", ""))
        return Response(usecases.absence_replan_as(Caller.api(request), pk, fingerprint))


# --- home-visit routes -----------------------------------------------------------------


class RouteVisitSerializer(serializers.Serializer):
    appointment = serializers.IntegerField(source="appointment.pk")
    family = serializers.IntegerField(source="appointment.family_id", allow_null=True)
    worker = serializers.IntegerField(source="worker.pk")
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    travel_before = serializers.FloatField(help_text="Minutes from the previous place.")
    km_before = serializers.FloatField()
    moved = serializers.BooleanField()
    window = serializers.BooleanField(help_text="A visit with a time window (may move).")


class RoutePlanSerializer(serializers.Serializer):
    day = serializers.DateField()
    fingerprint = serializers.CharField(help_text="Give it back to accept exactly this plan.")
    feasible = serializers.BooleanField()
    problem = serializers.CharField()
    travel_now = serializers.FloatField(help_text="Travel minutes in the current order.")
    travel_planned = serializers.FloatField(help_text="Travel minutes with the plan.")
    fallback_used = serializers.BooleanField(
        help_text="Travel times are straight-line estimates (routing server down)."
    )
    visits = RouteVisitSerializer(many=True)


class RouteQuerySerializer(serializers.Serializer):
    date = serializers.DateField(required=False)
    team = serializers.BooleanField(required=False, default=False)

    def to_internal_value(self, data):
        # a query parameter given empty is an error, not "absent" (as DRF reads forms)
        blank = [k for k in self.fields if k in data and data.get(k) == ""]
        if blank:
            message = serializers.CharField.default_error_messages["blank"]
            raise serializers.ValidationError({k: [message] for k in blank})
        return super().to_internal_value(data)


class RouteAcceptSerializer(serializers.Serializer):
    date = serializers.DateField()
    fingerprint = serializers.CharField()
    team = serializers.BooleanField(required=False, default=False)


class RouteAcceptedSerializer(serializers.Serializer):
    moved = serializers.IntegerField(help_text="Visits moved.")
    travel_booked = serializers.IntegerField(help_text="New travel entries.")
    travel_retimed = serializers.IntegerField(help_text="Existing travel entries put on the new legs.")
    travel_replaced = serializers.IntegerField(help_text="Surplus travel entries cancelled as replaced.")


class RouteViewSet(viewsets.ViewSet):
    """A worker's (or team's) day as the route with the least travel (PyVRP): GET with
    ``date`` (and ``team=1``) proposes, ``accept`` moves the visits and books travel."""

    lookup_value_regex = r"[0-9]{1,18}"
    parser_classes = [JSONParser]  # bodies are JSON; anything else answers 415

    @extend_schema(
        parameters=[
            OpenApiParameter("date", OpenApiTypes.DATE, description="The day (default today)."),
            OpenApiParameter("team", OpenApiTypes.BOOL, description="The worker's unit-and-service team."),
        ],
        responses=RoutePlanSerializer,
    )
    def retrieve(self, request, pk=None):
        q = RouteQuerySerializer(data=request.query_params)
        q.is_valid(raise_exception=True)
        plan = usecases.route_plan_as(
            Caller.api(request), pk, q.validated_data.get("date"), team=q.validated_data["team"]
        )
        return Response(RoutePlanSerializer(plan).data)

    @extend_schema(request=RouteAcceptSerializer, responses=RouteAcceptedSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        # the worker is found (or refused, logged) before the body is read
        usecases.find_as(Caller.api(request), "worker_route", pk)
        data = _body(request)
        return Response(
            usecases.route_accept_as(
                Caller.api(request), pk, data.get("date"), str(data.get("fingerprint", "")), team=bool(data.get("team"))
            )
        )
