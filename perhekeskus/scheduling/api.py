"""REST API of the calendar: thin viewsets over the same selectors and services as the pages."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.response import Response

from perhekeskus.access.api import AccessLoggedViewSetMixin
from perhekeskus.access.models import AccessEvent
from perhekeskus.access.services import access_refused
from perhekeskus.api import datetime_param, int_param

from . import policy, selectors, services
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

    def _require_coordinator(self):
        if not policy.is_coordinator(self.request.user):
            raise PermissionDenied(_("Only a resource coordinator may change shifts."))

    def perform_create(self, serializer):
        self._require_coordinator()
        d = serializer.validated_data
        serializer.instance = services.shift_create(worker=d["worker"], start=d["start"], end=d["end"])

    def perform_update(self, serializer):
        self._require_coordinator()
        d = serializer.validated_data
        serializer.instance = services.shift_update(
            shift=serializer.instance,
            start=d.get("start", serializer.instance.start),
            end=d.get("end", serializer.instance.end),
        )

    def perform_destroy(self, instance):
        self._require_coordinator()
        services.shift_delete(shift=instance)


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
        pk = self.kwargs["pk"]
        appointment = Appointment.objects.filter(pk=pk).only("id", "family_id", "created_by_id").first()
        basis = policy.appointment_basis(self.request.user, appointment) if appointment else None
        if basis is None:
            access_refused(
                request=self.request,
                object_type="appointment",
                object_id=pk,
                family_id=appointment.family_id if appointment else None,
                channel=AccessEvent.Channel.API,
            )
            raise Http404
        obj = selectors.appointment_get(pk=appointment.pk)
        self._log(AccessEvent.Action.VIEW, [obj], basis=basis)  # the same basis the pages record
        return obj

    def _editable(self, pk) -> Appointment:
        try:
            appointment = Appointment.objects.get(pk=pk)
        except (Appointment.DoesNotExist, ValueError, OverflowError):
            raise Http404 from None
        if not policy.can_edit_appointment(self.request.user, appointment):
            access_refused(
                request=self.request,
                object_type="appointment",
                object_id=pk,
                family_id=appointment.family_id,
                channel=AccessEvent.Channel.API,
            )
            raise Http404
        return appointment

    def _out(self, pk, code=status.HTTP_200_OK):
        appointment = selectors.appointment_get(pk=pk)
        self._log(AccessEvent.Action.UPDATE, [appointment])
        return Response(AppointmentSerializer(appointment, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=AppointmentCreateSerializer, responses={201: APPOINTMENT_ARRAY})
    def create(self, request):
        """Book an appointment, or with ``weekdays`` and ``weeks`` a weekly series. Answers
        409 when the time is taken, 400 with field errors otherwise."""
        s = AppointmentCreateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = dict(s.validated_data)
        weekdays, weeks = d.pop("weekdays", None), d.pop("weeks", None)
        if not policy.can_book_for(request.user, d["worker"]):
            raise PermissionDenied(_("You may not book this worker."))
        kwargs = dict(
            actor=request.user,
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
        )
        if weekdays:
            created = services.appointment_book_recurring(weekdays=weekdays, weeks=weeks, **kwargs)
        else:
            created = [services.appointment_book(**kwargs)]
        data = AppointmentSerializer(
            selectors.appointment_list().filter(pk__in=[a.pk for a in created]),
            many=True,
            context=self.get_serializer_context(),
        ).data
        self._log(AccessEvent.Action.CREATE, created)
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AppointmentUpdateSerializer, responses={200: APPOINTMENT_ARRAY})
    def partial_update(self, request, pk=None):
        """Change a planned appointment, or with ``scope=following`` it and the following
        occurrences of its series."""
        appointment = self._editable(pk)
        s = AppointmentUpdateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        if "worker" in d and not policy.can_book_for(request.user, d["worker"]):
            raise PermissionDenied(_("You may not book this worker."))
        kwargs = {}
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
                kwargs[dst] = d[src]
        for optional in ("pair", "family"):
            if optional in request.data:
                kwargs[optional] = d.get(optional)
        changed = services.appointment_update(
            actor=request.user,
            appointment=appointment,
            scope=d.get("scope", "one"),
            confirm_outside_shift=d.get("confirm_outside_shift", False),
            **kwargs,
        )
        data = AppointmentSerializer(
            selectors.appointment_list().filter(pk__in=[a.pk for a in changed]),
            many=True,
            context=self.get_serializer_context(),
        ).data
        self._log(AccessEvent.Action.UPDATE, changed)
        return Response(data)

    @extend_schema(request=RealiseSerializer, responses=AppointmentSerializer)
    @action(detail=True, methods=["post"])
    def realise(self, request, pk=None):
        """Mark realised; actual times default to the planned ones."""
        appointment = self._editable(pk)
        s = RealiseSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        services.appointment_realise(
            actor=request.user,
            appointment=appointment,
            actual_start=s.validated_data.get("actual_start"),
            actual_end=s.validated_data.get("actual_end"),
        )
        return self._out(appointment.pk)

    @extend_schema(request=CancelSerializer, responses=AppointmentSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Cancel with a reason (``other`` needs ``text``)."""
        appointment = self._editable(pk)
        s = CancelSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        services.appointment_cancel(
            actor=request.user,
            appointment=appointment,
            reason=s.validated_data["reason"],
            text=s.validated_data.get("text", ""),
            cancelled_by=s.validated_data.get("cancelled_by"),
        )
        return self._out(appointment.pk)

    @extend_schema(responses=AppointmentChangeSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def history(self, request, pk=None):
        """Who changed the appointment and when."""
        appointment = self._editable(pk)
        return Response(AppointmentChangeSerializer(appointment.changes.select_related("changed_by"), many=True).data)
