"""Data the management reports need besides the calendar: purchased services
(ostopalvelut) and the population table that turns counts into rates per 1,000 children.
Definitions of every number: docs/metrics.md."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from perhekeskus.network.models import Organisation, Service
from perhekeskus.people.models import Family, Person


class PurchasedService(models.Model):
    """A service bought from another provider for a family (or one of its members) for a
    period: units x unit price, or a lump sum. ``amount`` is the euro total, kept by
    ``reports.services`` so that reports sum one column."""

    class Unit(models.TextChoices):
        HOUR = "hour", _("hour")
        VISIT = "visit", _("visit")
        DAY = "day", _("day")
        MONTH = "month", _("month")

    purchaser = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="purchases", verbose_name=_("purchasing organisation")
    )
    provider = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="sales", verbose_name=_("provider")
    )
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="purchases", verbose_name=_("service"))
    family = models.ForeignKey(
        Family, on_delete=models.PROTECT, related_name="purchased_services", verbose_name=_("family")
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("person")
    )
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"))
    units = models.DecimalField(_("units"), max_digits=10, decimal_places=2, null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices, blank=True)
    unit_price = models.DecimalField(_("unit price (EUR)"), max_digits=10, decimal_places=2, null=True, blank=True)
    lump_sum = models.DecimalField(_("lump sum (EUR)"), max_digits=12, decimal_places=2, null=True, blank=True)
    amount = models.DecimalField(_("amount (EUR)"), max_digits=12, decimal_places=2, editable=False)
    invoice_reference = models.CharField(_("invoice reference"), max_length=60, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name = _("purchased service")
        verbose_name_plural = _("purchased services")
        indexes = [
            models.Index(fields=["start_date"]),
            models.Index(fields=["family", "start_date"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="purchase_end_after_start",
                violation_error_message=_("The end of the period is before its start."),
            ),
            models.CheckConstraint(
                condition=(
                    Q(units__isnull=False, unit_price__isnull=False, lump_sum__isnull=True)
                    & ~Q(unit="")
                    & Q(units__gt=0, unit_price__gte=0)
                )
                | Q(units__isnull=True, unit_price__isnull=True, unit="", lump_sum__isnull=False, lump_sum__gte=0),
                name="purchase_units_or_lump_sum",
                violation_error_message=_("Give either units, unit and unit price, or a lump sum, not both."),
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="purchase_amount_nonnegative"),
        ]

    def __str__(self) -> str:
        return f"{self.service} {self.start_date}"

    @staticmethod
    def total(units: Decimal | None, unit_price: Decimal | None, lump_sum: Decimal | None) -> Decimal:
        if lump_sum is not None:
            return lump_sum
        return (units * unit_price).quantize(Decimal("0.01"))


class PopulationYear(models.Model):
    """A municipality's population by age group on 31 December of a year (Statistics
    Finland's groups as published; seeds/000 has Varkaus 2020-2023, loaded by migration
    0002). Children = ages 0-18 of the table (its last group is 16-18)."""

    municipality = models.CharField(_("municipality"), max_length=100)
    year = models.PositiveSmallIntegerField(_("year"))
    total = models.PositiveIntegerField(_("inhabitants"))
    age_0_6 = models.PositiveIntegerField(_("aged 0-6"))
    age_7_12 = models.PositiveIntegerField(_("aged 7-12"))
    age_13_15 = models.PositiveIntegerField(_("aged 13-15"))
    age_16_18 = models.PositiveIntegerField(_("aged 16-18"))

    class Meta:
        ordering = ["municipality", "year"]
        verbose_name = _("population")
        verbose_name_plural = _("population")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "year"], name="population_one_row_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.municipality} {self.year}"

    @property
    def children(self) -> int:
        return self.age_0_6 + self.age_7_12 + self.age_13_15 + self.age_16_18


class WorkFact(models.Model):
    """One worker-hour row of the reports (docs/metrics.md): a worker's participation
    (primary worker or work pair) in an appointment, with the appointment's columns the
    reports read copied beside it and its durations in whole seconds. The reports scan
    this one table instead of joining every participation to its appointment and
    computing durations row by row (docs/decisions/0006-report-worker-hour-rows.md).

    Kept exact by the booking services: every write to an appointment goes through
    ``scheduling.services``, which sends ``appointments_changed`` inside its transaction,
    and ``reports.services.work_facts_refresh`` rewrites the appointment's rows from its
    participants there. ``manage.py work_facts --rebuild`` rebuilds them all (after a bulk
    load such as the demo generator). Worker, unit, organisation, work type, service and
    family are read through their foreign keys, so moving a worker or renaming a service
    needs no refresh."""

    participant = models.OneToOneField(
        "scheduling.Participant", on_delete=models.CASCADE, primary_key=True, related_name="fact"
    )
    appointment = models.ForeignKey("scheduling.Appointment", on_delete=models.CASCADE, related_name="+")
    worker = models.ForeignKey("people.Worker", on_delete=models.PROTECT, related_name="+", db_index=False)
    role = models.CharField(max_length=10)
    # the participation's planned start, and its local (Helsinki) day: periods are local days
    start = models.DateTimeField()
    day = models.DateField()
    # the first day of the local day's month: the reports' months without a date function
    # per row (SQLite calls a Python function for each)
    month = models.DateField()
    status = models.CharField(max_length=10)
    work_type = models.ForeignKey("scheduling.WorkType", on_delete=models.PROTECT, related_name="+", db_index=False)
    # no index of its own: a report reads a year of rows, and PostgreSQL would walk a
    # family index in family order instead of scanning (2-3 x slower; docs/performance.md)
    family = models.ForeignKey(Family, on_delete=models.PROTECT, null=True, related_name="+", db_index=False)
    location_kind = models.CharField(max_length=20)
    cancellation_reason = models.CharField(max_length=30, blank=True)
    cancelled_by = models.CharField(max_length=20, blank=True)
    # cancelled less than 24 hours before the planned start
    late = models.BooleanField(default=False)
    planned_seconds = models.IntegerField()
    # realised appointments only; 0 otherwise
    actual_seconds = models.IntegerField(default=0)
    unit_price = models.DecimalField(max_digits=8, decimal_places=2)

    class Meta:
        verbose_name = _("worker-hour row")
        verbose_name_plural = _("worker-hour rows")
        indexes = [
            models.Index(fields=["day"], name="workfact_day"),
            models.Index(fields=["worker", "day"], name="workfact_worker_day"),
            # the few work pairs' rows (the multi-agency metric starts from them)
            models.Index(fields=["day"], condition=Q(role="pair"), name="workfact_pair_day"),
        ]
