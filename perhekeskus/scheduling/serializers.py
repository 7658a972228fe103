from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from perhekeskus.people.models import Family, Person, Worker

from . import policy, selectors
from .models import Appointment, AppointmentChange, CancellationReason, CancelledBy, Shift, WorkType


class WorkTypeSerializer(serializers.ModelSerializer):
    service_name = serializers.CharField(source="service.name", read_only=True)

    class Meta:
        model = WorkType
        fields = ["id", "name", "service", "service_name", "work_class", "default_unit_price", "is_active"]


class ShiftSerializer(serializers.ModelSerializer):
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
            if request is None or not policy.may_see_address(request.user, family, appointment=instance):
                data["address"] = ""  # address non-disclosure: only the visiting worker sees it
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
    planned_start = serializers.DateTimeField()
    planned_end = serializers.DateTimeField()
    unit_price = serializers.DecimalField(max_digits=8, decimal_places=2, required=False, allow_null=True, min_value=0)
    family = serializers.PrimaryKeyRelatedField(queryset=Family.objects.all(), required=False, allow_null=True)
    persons = serializers.PrimaryKeyRelatedField(queryset=Person.objects.all(), many=True, required=False)
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
    actual_start = serializers.DateTimeField(required=False, allow_null=True)
    actual_end = serializers.DateTimeField(required=False, allow_null=True)


class CancelSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=CancellationReason.choices)
    text = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    cancelled_by = serializers.ChoiceField(choices=CancelledBy.choices, required=False, allow_null=True)
