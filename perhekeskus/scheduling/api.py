"""REST API of the calendar: thin viewsets over the same use cases as the pages
(``usecases.py``). NotFound answers 404, Forbidden 403, a service's ValidationError 400 or
409 (``perhekeskus.api.exception_handler``)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.response import Response

from perhekeskus.access import policy
from perhekeskus.access.api import AccessLoggedViewSetMixin
from perhekeskus.access.frontdoor import Caller
from perhekeskus.api import datetime_param, int_param

from . import selectors, usecases
from .models import Appointment, Shift, WorkType
from .serializers import (
    AppointmentChangeSerializer,
    AppointmentCreateSerializer,
    AppointmentSerializer,
    AppointmentUpdateSerializer,
    CancelSerializer,
    RealiseSerializer,
    ShiftSerializer,
    WorkTypeSerializer,
)
from .timeline import HELSINKI

# The appointments a write created or changed: a plain array (the viewset's paging
# applies to its list only).
APPOINTMENT_ARRAY = {"type": "array", "items": {"$ref": "#/components/schemas/Appointment"}}

RANGE_PARAMS = [
    OpenApiParameter("start", OpenApiTypes.DATETIME, description="Entries ending after this (date or datetime)."),
    OpenApiParameter("end", OpenApiTypes.DATETIME, description="Entries starting before this (date or datetime)."),
]


class WorkTypeViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = WorkTypeSerializer
    queryset = WorkType.objects.select_related("service").order_by("id")


@extend_schema_view(list=extend_schema(parameters=RANGE_PARAMS + [OpenApiParameter("worker", int)]))
class ShiftViewSet(viewsets.ModelViewSet):
    serializer_class = ShiftSerializer

    def get_queryset(self):
        qs = Shift.objects.order_by("start", "id")
        user = self.request.user
        if not policy.can_see_resource_view(user):
            me = policy.own_worker(user)
            qs = qs.filter(worker=me) if me else qs.none()
        start, end = datetime_param(self.request, "start", HELSINKI), datetime_param(self.request, "end", HELSINKI)
        if start:
            qs = qs.filter(end__gt=start)
        if end:
            qs = qs.filter(start__lt=end)
        worker = int_param(self.request, "worker")
        if worker:
            qs = qs.filter(worker_id=worker)
        return qs

    def _as_coordinator(self, call):
        try:
            return call(Caller.api(self.request))
        except usecases.Forbidden:
            raise PermissionDenied(_("Only a resource coordinator of the worker may change shifts.")) from None

    def perform_create(self, serializer):
        d = serializer.validated_data
        serializer.instance = self._as_coordinator(
            lambda c: usecases.shift_create_as(c, worker=d["worker"], start=d["start"], end=d["end"])
        )

    def perform_update(self, serializer):
        d = serializer.validated_data
        shift = serializer.instance
        if "worker" in d and d["worker"] != shift.worker:
            raise DRFValidationError({"worker": [_("A shift stays with its worker; remove it and add a new one.")]})
        serializer.instance = self._as_coordinator(
            lambda c: usecases.shift_update_as(c, shift, start=d.get("start", shift.start), end=d.get("end", shift.end))
        )

    def perform_destroy(self, instance):
        self._as_coordinator(lambda c: usecases.shift_delete_as(c, instance))


@extend_schema_view(
    list=extend_schema(
        parameters=RANGE_PARAMS
        + [
            OpenApiParameter("worker", int),
            OpenApiParameter("family", int),
            OpenApiParameter("status", str, enum=Appointment.Status.values),
        ]
    )
)
class AppointmentViewSet(
    AccessLoggedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Calendar entries. Lists take ``start`` and ``end`` (ISO date or datetime)."""

    serializer_class = AppointmentSerializer
    log_object_type = "appointment"

    def log_family_id(self, obj):
        return obj.family_id

    def get_queryset(self):
        status_ = self.request.query_params.get("status")
        if status_ is not None and status_ not in Appointment.Status.values:
            raise DRFValidationError({"status": [_("Unknown status.")]})
        qs = selectors.appointment_list(
            start=datetime_param(self.request, "start", HELSINKI),
            end=datetime_param(self.request, "end", HELSINKI),
            worker=int_param(self.request, "worker"),
            family=int_param(self.request, "family"),
            status=status_,
        )
        # Appointments carry client data (address, notes): coordinators list those of
        # their scope, a worker their own; a manager none here (aggregates come with the
        # reports). One appointment may also be read through the family's disclosure.
        return selectors.visible_appointments(qs, user=self.request.user)

    def get_object(self):
        if self.action != "retrieve":
            return super().get_object()
        # the same use case, and so the same basis in the log, as the page
        obj, _basis, _edit, _address = usecases.appointment_view_as(Caller.api(self.request), self.kwargs["pk"])
        return obj

    def _out(self, appointments, code=status.HTTP_200_OK):
        data = AppointmentSerializer(
            selectors.appointment_list().filter(pk__in=[a.pk for a in appointments]),
            many=True,
            context=self.get_serializer_context(),
        ).data
        return Response(data, status=code)

    def _one(self, appointment):
        appointment = selectors.appointment_get(pk=appointment.pk)
        return Response(AppointmentSerializer(appointment, context=self.get_serializer_context()).data)

    @extend_schema(request=AppointmentCreateSerializer, responses={201: APPOINTMENT_ARRAY})
    def create(self, request):
        """Book an appointment, or with ``weekdays`` and ``weeks`` a weekly series. Answers
        409 when the time is taken, 400 with field errors otherwise (also for a family the
        user may not name: the same error as for an unknown one)."""
        s = AppointmentCreateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = dict(s.validated_data)
        created = usecases.appointment_book_as(
            Caller.api(request),
            worker=d["worker"],
            work_type=d["work_type"],
            start=d["planned_start"],
            end=d["planned_end"],
            unit_price=d.get("unit_price"),
            family=d.get("family"),
            persons=d.get("persons", []),
            location_kind=d["location_kind"],
            address=d.get("address", ""),
            notes_to_heed=d.get("notes_to_heed", ""),
            pair=d.get("pair"),
            confirm_outside_shift=d.get("confirm_outside_shift", False),
            weekdays=d.get("weekdays"),
            weeks=d.get("weeks"),
        )
        return self._out(created, status.HTTP_201_CREATED)

    @extend_schema(request=AppointmentUpdateSerializer, responses={200: APPOINTMENT_ARRAY})
    def partial_update(self, request, pk=None):
        """Change a planned appointment, or with ``scope=following`` it and the following
        occurrences of its series. Only the fields sent change; a blank address under a
        non-disclosure order that the user was not shown keeps the stored one."""
        s = AppointmentUpdateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        changes = {}
        for src, dst in [
            ("worker", "worker"),
            ("work_type", "work_type"),
            ("planned_start", "start"),
            ("planned_end", "end"),
            ("unit_price", "unit_price"),
            ("persons", "persons"),
            ("location_kind", "location_kind"),
            ("address", "address"),
            ("notes_to_heed", "notes_to_heed"),
        ]:
            if src in d and src in request.data:
                changes[dst] = d[src]
        for optional in ("pair", "family"):
            if optional in request.data:
                changes[optional] = d.get(optional)
        changed = usecases.appointment_update_as(
            Caller.api(request),
            pk,
            scope=d.get("scope", "one"),
            confirm_outside_shift=d.get("confirm_outside_shift", False),
            **changes,
        )
        return self._out(changed)

    @extend_schema(request=RealiseSerializer, responses=AppointmentSerializer)
    @action(detail=True, methods=["post"])
    def realise(self, request, pk=None):
        """Mark realised; actual times default to the planned ones."""
        s = RealiseSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        done = usecases.appointment_realise_as(
            Caller.api(request),
            pk,
            actual_start=s.validated_data.get("actual_start"),
            actual_end=s.validated_data.get("actual_end"),
        )
        return self._one(done)

    @extend_schema(request=CancelSerializer, responses=AppointmentSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Cancel with a reason (``other`` needs ``text``)."""
        s = CancelSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        done = usecases.appointment_cancel_as(
            Caller.api(request),
            pk,
            reason=s.validated_data["reason"],
            text=s.validated_data.get("text", ""),
            cancelled_by=s.validated_data.get("cancelled_by"),
        )
        return self._one(done)

    @extend_schema(responses=AppointmentChangeSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def history(self, request, pk=None):
        """Who changed the appointment and when."""
        changes = usecases.appointment_history_as(Caller.api(request), pk)
        return Response(AppointmentChangeSerializer(changes, many=True).data)
