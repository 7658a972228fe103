"""The service network: organisations, their units and the services they provide."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Organisation(models.Model):
    class Kind(models.TextChoices):
        WELLBEING_AREA = "wellbeing_area", _("Wellbeing area")
        MUNICIPALITY = "municipality", _("Municipality")
        NGO = "ngo", _("NGO")
        PARISH = "parish", _("Parish")
        KELA = "kela", _("Kela")
        PRIVATE = "private", _("Private provider")

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    business_id = models.CharField(_("business ID"), max_length=20, blank=True)
    # The organisation's promise for answering contacts (help button, phone): within this
    # many working days after the day of contact (1 = the next working day).
    help_answer_working_days = models.PositiveSmallIntegerField(_("contacts answered within (working days)"), default=1)
    # Municipalities whose help-button requests this organisation answers.
    answers_for_municipalities = models.CharField(
        _("answers help requests of municipalities"),
        max_length=500,
        blank=True,
        help_text=_("Comma-separated municipality names."),
    )
    # Shown on the help button's page beside 112: whom to call when a child is in danger now.
    social_emergency_phone = models.CharField(_("social and crisis emergency service phone"), max_length=30, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="units", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)

    class Meta:
        ordering = ["organisation__name", "name"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="unit_unique_name_per_org")]

    def __str__(self) -> str:
        return self.name


class Service(models.Model):
    class Level(models.TextChoices):
        PROMOTION = "promotion", _("Health and wellbeing promotion")
        EARLY_SUPPORT = "early_support", _("Early support")
        SPECIALISED = "specialised", _("Specialised and consultative")

    class Sector(models.TextChoices):
        SOCIAL = "social", _("Social services")
        HEALTH = "health", _("Health services")
        EDUCATION = "education", _("Education and early childhood education")
        YOUTH = "youth", _("Youth services")
        THIRD_SECTOR = "third_sector", _("NGOs and parishes")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="services", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(_("service level"), max_length=20, choices=Level.choices)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    # Child protection: receives child welfare notifications and keeps their statutory
    # clocks; only its own workers see them (docs/clocks.md).
    receives_child_welfare_notifications = models.BooleanField(_("receives child welfare notifications"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("service")
        verbose_name_plural = _("services")
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="service_unique_name_per_org")]

    def __str__(self) -> str:
        return self.name
