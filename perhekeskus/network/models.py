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


class MeetingPlace(models.Model):
    """A family meeting place (*perheiden kohtaamispaikka*, seeds/001 and seeds/004): an
    open place with a weekly programme, run by an organisation of the network. Public:
    no client data. Name, description and accessibility in fi/sv/en (modeltranslation)."""

    name = models.CharField(_("name"), max_length=200)
    organiser = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="meeting_places", verbose_name=_("organiser")
    )
    municipality = models.CharField(_("municipality"), max_length=100)
    address = models.CharField(_("address"), max_length=300)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    description = models.TextField(_("description"), blank=True)
    accessibility = models.TextField(_("accessibility"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    modified_at = models.DateTimeField(_("modified"), auto_now=True)

    class Meta:
        ordering = ["municipality", "name"]
        verbose_name = _("meeting place")
        verbose_name_plural = _("meeting places")

    def __str__(self) -> str:
        return self.name


class ProgrammeItem(models.Model):
    """A recurring event of a meeting place's weekly programme. The recurrence is an
    RFC 5545 rule (``FREQ=WEEKLY;BYDAY=WE``) read by python-dateutil in Europe/Helsinki
    wall-clock time: a family café at 17:00 is at 17:00 on both sides of a DST change
    (``network.programme``)."""

    class Kind(models.TextChoices):
        FAMILY_CAFE = "family_cafe", _("Family café")
        PEER_GROUP = "peer_group", _("Peer group")
        THEME_EVENING = "theme_evening", _("Theme evening")
        PLAY_GROUP = "play_group", _("Play group")
        OTHER = "other", _("Other")

    place = models.ForeignKey(MeetingPlace, on_delete=models.CASCADE, related_name="programme", verbose_name=_("place"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    rule = models.CharField(
        _("recurrence"), max_length=200, default="FREQ=WEEKLY", help_text=_("e.g. FREQ=WEEKLY;BYDAY=WE")
    )
    first_date = models.DateField(_("first date"))
    last_date = models.DateField(_("last date"), null=True, blank=True)
    start_time = models.TimeField(_("starts"))
    end_time = models.TimeField(_("ends"))
    modified_at = models.DateTimeField(_("modified"), auto_now=True)

    class Meta:
        ordering = ["place", "start_time", "title"]
        verbose_name = _("programme item")
        verbose_name_plural = _("programme items")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_time__gt=models.F("start_time")), name="programme_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        from django.core.exceptions import ValidationError

        from .programme import rule_error

        if self.first_date and (error := rule_error(self.rule, self.first_date)):
            raise ValidationError({"rule": [_("Not a recurrence rule: %(error)s") % {"error": error}]})
        if self.last_date and self.first_date and self.last_date < self.first_date:
            raise ValidationError({"last_date": [_("The last date is before the first.")]})


class ProgrammeChange(models.Model):
    """One occurrence of a programme item cancelled, or moved to another day or time (the
    occurrence of ``date`` is replaced: iCalendar's EXDATE and RECURRENCE-ID)."""

    item = models.ForeignKey(ProgrammeItem, on_delete=models.CASCADE, related_name="changes", verbose_name=_("event"))
    date = models.DateField(_("occurrence"))
    cancelled = models.BooleanField(_("cancelled"), default=False)
    new_date = models.DateField(_("moved to"), null=True, blank=True)
    new_start_time = models.TimeField(_("new start"), null=True, blank=True)
    new_end_time = models.TimeField(_("new end"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["item", "date"]
        verbose_name = _("programme change")
        verbose_name_plural = _("programme changes")
        constraints = [models.UniqueConstraint(fields=["item", "date"], name="programme_change_once_per_occurrence")]


class VisitorCount(models.Model):
    """How many came to one occurrence: counts only, never who (seeds/002's metric)."""

    item = models.ForeignKey(ProgrammeItem, on_delete=models.CASCADE, related_name="visitors", verbose_name=_("event"))
    date = models.DateField(_("occurrence"))
    adults = models.PositiveSmallIntegerField(_("adults"), default=0)
    children = models.PositiveSmallIntegerField(_("children"), default=0)

    class Meta:
        ordering = ["item", "date"]
        verbose_name = _("visitor count")
        verbose_name_plural = _("visitor counts")
        constraints = [models.UniqueConstraint(fields=["item", "date"], name="visitor_count_once_per_occurrence")]
