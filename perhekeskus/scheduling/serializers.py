from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from perhekeskus.access import policy
from perhekeskus.people.models import Worker

from . import selectors, wallclock
from .models import Appointment, AppointmentChange, CancellationReason, CancelledBy, Shift, WorkType


class LocalDateTimeField(serializers.DateTimeField):
    """A date and time; without a UTC offset it is Helsinki wall-clock time, refused (400)
    when the clocks skip it or pass it twice (``wallclock.helsinki``), never shifted."""

    def enforce_timezone(self, value):
        if timezone.is_naive(value):
            try:
                value = wallclock.helsinki(value)
            except DjangoValidationError as exc:
                raise serializers.ValidationError(exc.messages) from None
        return super().enforce_timezone(value)


class WorkTypeSerializer(serializers.ModelSerializer):
    service_name = serializers.CharField(source="service.name", read_only=True)

    class Meta:
        model = WorkType
        fields = ["id", "name", "service", "service_name", "work_class", "default_unit_price", "is_active"]


class ShiftSerializer(serializers.ModelSerializer):
    start = LocalDateTimeField()
    end = LocalDateTimeField()

    class Meta:
        model = Shift
        fields = ["id", "worker", "start", "end"]


class AppointmentChangeSerializer(serializers.ModelSerializer):
    changed_by = serializers.CharField(source="changed_by.username", default=None, read_only=True, allow_null=True)

    class Meta:
        model = AppointmentChange
        fields = ["changed_at", "changed_by", "action", "changes"]


class AppointmentSerializer(serializers.ModelSerializer):
    worker = serializers.SerializerMethodField()
    pair = serializers.SerializerMethodField()
    persons = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    # blank until cancelled
    cancellation_reason = serializers.ChoiceField(choices=CancellationReason.choices, allow_blank=True, read_only=True)
    cancelled_by = serializers.ChoiceField(choices=CancelledBy.choices, allow_blank=True, read_only=True)
    # the family's pseudonymous key beside its id, as purchases and the reports name it
    family_key = serializers.CharField(source="family.key", read_only=True, allow_null=True, default=None)

    class Meta:
        model = Appointment
        fields = [
            "id",
            "worker",
            "pair",
            "work_type",
            "planned_start",
            "planned_end",
            "unit_price",
            "family",
            "family_key",
            "persons",
            "location_kind",
            "address",
            "notes_to_heed",
            "status",
            "actual_start",
            "actual_end",
            "cancellation_reason",
            "cancellation_text",
            "cancelled_by",
            "cancelled_at",
            "series",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        family = instance.family
        if family is not None and family.address_protected:
            request = self.context.get("request")
            visible = request is not None and policy.may_see_address(request.user, family, appointment=instance)
            policy.masked_address_fields(data, True, visible, fields=("address",))
        return data

    @extend_schema_field(serializers.IntegerField())
    def get_worker(self, obj) -> int | None:
        primary, _pair = selectors.appointment_workers(obj)
        return primary.pk if primary else None

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_pair(self, obj) -> int | None:
        _primary, pair = selectors.appointment_workers(obj)
        return pair.pk if pair else None


class AppointmentWriteSerializer(serializers.Serializer):
    """Input of booking and changing; the booking service does the checking."""

    worker = serializers.PrimaryKeyRelatedField(queryset=Worker.objects.select_related("unit"))
    work_type = serializers.PrimaryKeyRelatedField(queryset=WorkType.objects.all())
    planned_start = LocalDateTimeField()
    planned_end = LocalDateTimeField()
    unit_price = serializers.DecimalField(max_digits=8, decimal_places=2, required=False, allow_null=True, min_value=0)
    # Ids, resolved by the use case through the front door: an unknown family and one the
    # user may not name give the same error (``frontdoor.FAMILY_UNKNOWN``).
    family = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**63 - 1)
    persons = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1), required=False, max_length=50
    )
    location_kind = serializers.ChoiceField(
        choices=Appointment.LocationKind.choices, default=Appointment.LocationKind.UNIT
    )
    address = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    notes_to_heed = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    pair = serializers.PrimaryKeyRelatedField(queryset=Worker.objects.all(), required=False, allow_null=True)
    confirm_outside_shift = serializers.BooleanField(required=False, default=False)


class AppointmentCreateSerializer(AppointmentWriteSerializer):
    weekdays = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=7),
        required=False,
        help_text=_("Repeat weekly on these ISO weekdays (1 = Monday)."),
    )
    weeks = serializers.IntegerField(
        required=False, min_value=1, max_value=104, help_text=_("Number of weeks to repeat.")
    )

    def validate(self, attrs):
        if bool(attrs.get("weekdays")) != bool(attrs.get("weeks")):
            raise serializers.ValidationError({"weeks": [_("Give both weekdays and weeks to repeat.")]})
        return attrs


class AppointmentUpdateSerializer(AppointmentWriteSerializer):
    scope = serializers.ChoiceField(choices=[("one", "one"), ("following", "following")], default="one")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, f in self.fields.items():
            if name != "scope":
                f.required = False


class RealiseSerializer(serializers.Serializer):
    actual_start = LocalDateTimeField(required=False, allow_null=True)
    actual_end = LocalDateTimeField(required=False, allow_null=True)


class CancelSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=CancellationReason.choices)
    text = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    cancelled_by = serializers.ChoiceField(choices=CancelledBy.choices, required=False, allow_null=True)
