"""The family's overall picture beyond the calendar: its critical client groups and its
network meetings (the network meeting on one call, seeds/004), with the networks whose
members keep a reserved slot free for them. docs/network-meeting.md."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from perhekeskus.intake.models import Contact
from perhekeskus.people.models import Family, Worker
from perhekeskus.scheduling.models import Appointment


class ClientGroup(models.TextChoices):
    """The critical client groups with their own service paths (seeds/002)."""

    NEPSY = "nepsy", _("Neurodevelopmental (nepsy)")
    SUBSTANCE_ABUSE = "substance_abuse", _("Substance abuse")
    MENTAL_HEALTH = "mental_health", _("Mental health")
    DIVORCE = "divorce", _("Divorce or hard custody dispute")


class FamilyClientGroup(models.Model):
    """A family's critical client group, from a date until a date (history kept)."""

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="client_groups", verbose_name=_("family"))
    group = models.CharField(_("client group"), max_length=20, choices=ClientGroup.choices)
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["family", "-start_date", "id"]
        verbose_name = _("client group")
        verbose_name_plural = _("client groups")
        constraints = [
            models.UniqueConstraint(
                fields=["family", "group"], condition=Q(end_date__isnull=True), name="client_group_one_open"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")), name="client_group_end_after"
            ),
        ]


class MeetingNetwork(models.Model):
    """A network of professionals who meet families together, and the slot its members
    keep free for network meetings: e.g. every other Wednesday 14-16 (Helsinki
    wall-clock time), counted from ``first_date``."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    members = models.ManyToManyField(Worker, blank=True, related_name="meeting_networks", verbose_name=_("members"))
    weekday = models.PositiveSmallIntegerField(_("weekday"), help_text=_("ISO weekday, 1 = Monday"))
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("until"))
    every_weeks = models.PositiveSmallIntegerField(_("every n weeks"), default=2)
    first_date = models.DateField(_("first occurrence"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("meeting network")
        verbose_name_plural = _("meeting networks")
        constraints = [
            models.CheckConstraint(condition=Q(end_time__gt=F("start_time")), name="network_slot_end_after_start"),
            models.CheckConstraint(condition=Q(weekday__gte=1, weekday__lte=7), name="network_slot_weekday"),
            models.CheckConstraint(condition=Q(every_weeks__gte=1, every_weeks__lte=8), name="network_slot_every"),
        ]

    def __str__(self) -> str:
        return self.name

    def occurrences(self, first: dt.date, last: dt.date) -> list[dt.date]:
        """The reserved slot's dates from ``first`` to ``last`` (both included)."""
        out = []
        anchor = self.first_date + dt.timedelta(days=(self.weekday - self.first_date.isoweekday()) % 7)
        step = 7 * self.every_weeks
        day = anchor if first <= anchor else anchor + dt.timedelta(days=-(-(first - anchor).days // step) * step)
        while day <= last:
            out.append(day)
            day += dt.timedelta(days=step)
        return out


class NetworkMeeting(models.Model):
    """A network meeting on one call: the contact that asked for it (from a professional
    or the family), the family's consent to it, the contact person's assessment, the one
    appointment in every invited professional's calendar, and what was agreed: who
    continues with the family and when the situation is checked next."""

    class RequestedBy(models.TextChoices):
        PROFESSIONAL = "professional", _("A professional")
        FAMILY = "family", _("The family")

    family = models.ForeignKey(
        Family, on_delete=models.PROTECT, related_name="network_meetings", verbose_name=_("family")
    )
    appointment = models.OneToOneField(
        Appointment, on_delete=models.PROTECT, related_name="network_meeting", verbose_name=_("appointment")
    )
    network = models.ForeignKey(
        MeetingNetwork, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("network")
    )
    contact = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("contact")
    )
    requested_by = models.CharField(_("who asked"), max_length=20, choices=RequestedBy.choices)
    consent_given_by = models.CharField(_("consent given by"), max_length=200)
    assessment = models.TextField(_("assessment"), max_length=2000, blank=True)
    convened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    convened_at = models.DateTimeField(_("convened"), auto_now_add=True)
    agreed = models.TextField(_("what was agreed"), max_length=4000, blank=True)
    continues_with = models.ForeignKey(
        Worker,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="continued_meetings",
        verbose_name=_("who continues with the family"),
    )
    next_check = models.DateField(_("next check"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), null=True, blank=True)

    class Meta:
        ordering = ["-convened_at", "-id"]
        verbose_name = _("network meeting")
        verbose_name_plural = _("network meetings")
        indexes = [models.Index(fields=["continues_with", "next_check"])]

    def __str__(self) -> str:
        return str(self.appointment)
