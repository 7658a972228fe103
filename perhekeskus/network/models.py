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

    class Meta:
        ordering = ["name"]
        verbose_name = _("service")
        verbose_name_plural = _("services")
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="service_unique_name_per_org")]

    def __str__(self) -> str:
        return self.name
