"""Calendar entries (appointments), their participants, shifts and work types.

A participant is a bookable resource on an appointment: today the primary worker and the
invited work pair; a room or a car is booked the same way (``Resource.Kind``). The
no-double-booking rule is on participants, so it holds for every kind of resource.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from perhekeskus.network.models import Service
from perhekeskus.people.models import Family, Person


class WorkClass(models.TextChoices):
    DIRECT_CLIENT = "direct_client", _("Direct client work")
    INDIRECT_CLIENT = "indirect_client", _("Indirect client work")
    MEETING = "meeting", _("Meeting")
    TRAVEL = "travel", _("Travel")
    TRAINING = "training", _("Training")
    OTHER = "other", _("Other")


class OverlapGroup(models.TextChoices):
    """Kinds of work that two services should not do for the same person at the same time
    (the overlap warning of the family's overall picture, docs/metrics.md)."""

    ASSESSMENT = "assessment", _("Assessment")
    FAMILY_WORK = "family_work", _("Family work and family support")
    THERAPY = "therapy", _("Therapy and psychosocial support")
    HOME_HELP = "home_help", _("Home help")


class WorkType(models.Model):
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="work_types", verbose_name=_("service"))
    name = models.CharField(_("name"), max_length=200)
    work_class = models.CharField(_("work class"), max_length=20, choices=WorkClass.choices)
    default_unit_price = models.DecimalField(
        _("default unit price (EUR/h)"), max_digits=8, decimal_places=2, default=Decimal("0")
    )
    overlap_group = models.CharField(
        _("overlap group"),
        max_length=20,
        choices=OverlapGroup.choices,
        blank=True,
        help_text=_("Two services doing work of the same group for one person within a few weeks are warned of."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("work type")
        verbose_name_plural = _("work types")
        constraints = [
            models.CheckConstraint(condition=Q(default_unit_price__gte=0), name="worktype_price_nonnegative"),
            models.UniqueConstraint(fields=["service", "name"], name="worktype_unique_name_per_service"),
        ]

    def __str__(self) -> str:
        return self.name


class Resource(models.Model):
    """Anything that can be booked and must not be double-booked."""

    class Kind(models.TextChoices):
        WORKER = "worker", _("Worker")
        ROOM = "room", _("Room")
        VEHICLE = "vehicle", _("Vehicle")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")

    def __str__(self) -> str:
        return self.name


class Shift(models.Model):
    """A worker's working time: the capacity that appointments fill."""

    worker = models.ForeignKey(
        "people.Worker", on_delete=models.CASCADE, related_name="shifts", verbose_name=_("worker")
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))

    class Meta:
        ordering = ["start"]
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        indexes = [models.Index(fields=["worker", "start"])]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="shift_end_after_start"),
        ]


class Absence(models.Model):
    """A worker's absence (ill, training, leave): no capacity in that time. The shifts stay
    as they were (the absence may be withdrawn); everything that reads capacity (the
    booking service's shift check, the resource view, allocation) takes the absence out.
    Holds no client data: the reason is a category, never a diagnosis."""

    class Reason(models.TextChoices):
        ILL = "ill", _("Ill")
        CHILD_ILL = "child_ill", _("Child ill")
        TRAINING = "training", _("Training")
        LEAVE = "leave", _("Leave")
        OTHER = "other", _("Other")

    worker = models.ForeignKey(
        "people.Worker", on_delete=models.CASCADE, related_name="absences", verbose_name=_("worker")
    )
    start = models.DateTimeField(_("from"))
    end = models.DateTimeField(_("until"))
    reason = models.CharField(_("reason"), max_length=12, choices=Reason.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["start"]
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        indexes = [models.Index(fields=["worker", "start"])]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="absence_end_after_start"),
        ]


class CancellationReason(models.TextChoices):
    CLIENT_CANCELLED = "client_cancelled", _("Client cancelled")
    CLIENT_NO_SHOW = "client_no_show", _("Client did not come")
    WORKER_ILL = "worker_ill", _("Worker ill")
    ORGANISATION_CANCELLED = "organisation_cancelled", _("Organisation cancelled")
    OTHER = "other", _("Other")


class CancelledBy(models.TextChoices):
    CLIENT = "client", _("Client")
    WORKER = "worker", _("Worker")
    ORGANISATION = "organisation", _("Organisation")


class AppointmentSeries(models.Model):
    """A weekly recurring booking; each occurrence is an Appointment of its own."""

    weekdays = models.JSONField(_("weekdays"), help_text="ISO weekdays, 1 = Monday")
    weeks = models.PositiveSmallIntegerField(_("weeks"))
    first_date = models.DateField(_("first date"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("recurring booking")
        verbose_name_plural = _("recurring bookings")


class Appointment(models.Model):
    """One calendar entry, with exactly the fields of the Varkaus calendar entry."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        REALISED = "realised", _("Realised")
        CANCELLED = "cancelled", _("Cancelled")

    class LocationKind(models.TextChoices):
        CLIENT_HOME = "client_home", _("Client's home")
        UNIT = "unit", _("Unit")
        MEETING_PLACE = "meeting_place", _("Meeting place")
        REMOTE = "remote", _("Remote")

    work_type = models.ForeignKey(WorkType, on_delete=models.PROTECT, related_name="+", verbose_name=_("work type"))
    planned_start = models.DateTimeField(_("start"))
    planned_end = models.DateTimeField(_("end"))
    unit_price = models.DecimalField(_("unit price (EUR/h)"), max_digits=8, decimal_places=2)
    family = models.ForeignKey(
        Family,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointments",
        verbose_name=_("family"),
    )
    persons = models.ManyToManyField(Person, blank=True, related_name="appointments", verbose_name=_("persons"))
    location_kind = models.CharField(
        _("location"), max_length=20, choices=LocationKind.choices, default=LocationKind.UNIT
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    notes_to_heed = models.CharField(_("notes to heed"), max_length=500, blank=True)
    # A visit with a time window (home help: "between 9 and 11") may start any time in
    # [window_start, window_end]; planned_start is the current plan inside it, which the
    # route planner may move (docs/allocation.md). Both empty: a fixed time.
    window_start = models.DateTimeField(_("may start from"), null=True, blank=True)
    window_end = models.DateTimeField(_("may start until"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    actual_start = models.DateTimeField(_("actual start"), null=True, blank=True)
    actual_end = models.DateTimeField(_("actual end"), null=True, blank=True)
    cancellation_reason = models.CharField(
        _("cancellation reason"), max_length=30, choices=CancellationReason.choices, blank=True
    )
    cancellation_text = models.CharField(_("cancellation explanation"), max_length=300, blank=True)
    cancelled_by = models.CharField(_("cancelled by"), max_length=20, choices=CancelledBy.choices, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    series = models.ForeignKey(
        AppointmentSeries, on_delete=models.SET_NULL, null=True, blank=True, related_name="appointments"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["planned_start", "id"]
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        indexes = [
            models.Index(fields=["planned_start"]),
            models.Index(fields=["family", "planned_start"]),
            models.Index(fields=["series", "planned_start"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end__gt=models.F("planned_start")), name="appointment_end_after_start"
            ),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="appointment_price_nonnegative"),
            models.CheckConstraint(
                condition=Q(window_start__isnull=True, window_end__isnull=True)
                | Q(window_start__isnull=False, window_end__gte=models.F("window_start")),
                name="appointment_window_both_or_none",
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        status="realised",
                        actual_start__isnull=False,
                        actual_end__isnull=False,
                        actual_end__gt=models.F("actual_start"),
                    )
                    | (~Q(status="realised") & Q(actual_start__isnull=True, actual_end__isnull=True))
                ),
                name="appointment_actual_only_when_realised",
            ),
            models.CheckConstraint(
                condition=(Q(status="cancelled") & ~Q(cancellation_reason=""))
                | (~Q(status="cancelled") & Q(cancellation_reason="")),
                name="appointment_cancellation_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.work_type} {self.planned_start:%Y-%m-%d %H:%M}"

    @property
    def duration_hours(self) -> float:
        return (self.planned_end - self.planned_start).total_seconds() / 3600


class Participant(models.Model):
    """A resource on an appointment. Times and activity are copied from the appointment
    so that the database itself can refuse overlaps (PostgreSQL exclusion constraint
    ``participant_no_overlap``, created in migration 0002)."""

    class Role(models.TextChoices):
        PRIMARY = "primary", _("Worker")
        PAIR = "pair", _("Work pair")
        INVITED = "invited", _("Invited to the network meeting")
        ROOM = "room", _("Room")
        VEHICLE = "vehicle", _("Vehicle")

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="participants")
    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="participations")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    start = models.DateTimeField()
    end = models.DateTimeField()
    active = models.BooleanField(default=True, help_text="False when the appointment is cancelled")

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        indexes = [
            models.Index(fields=["resource", "start"]),
            # work-pair rows of a time window, region-wide (resource view's co-worker names)
            models.Index(fields=["start"], condition=Q(role="pair"), name="participant_pair_start"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["appointment", "resource"], name="participant_once_per_appointment"),
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="participant_end_after_start"),
        ]


class AppointmentChange(models.Model):
    """History of an appointment: who changed what and when. Values of free-text fields
    are not copied here; only that they changed."""

    APPEND_ONLY = True  # the history is never rewritten (access/db.py)

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="changes")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True)
    action = models.CharField(max_length=20)
    changes = models.JSONField(default=dict)

    class Meta:
        ordering = ["changed_at", "id"]
