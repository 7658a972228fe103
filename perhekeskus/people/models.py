"""Workers whose time is steered, and the families and persons they work with."""

import secrets
import uuid

from django.conf import settings
from django.conf.locale import LANG_INFO
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from perhekeskus.network.models import Organisation, Service, Unit

# Languages families speak that Django's own catalogue does not name.
OTHER_LANGUAGES = {
    "so": _("Somali"),
    "se": _("Northern Sami"),
    "smn": _("Inari Sami"),
    "sms": _("Skolt Sami"),
    "ti": _("Tigrinya"),
    "ps": _("Pashto"),
}


class Language(models.Model):
    code = models.CharField(_("code"), max_length=8, unique=True)
    name = models.CharField(_("name"), max_length=60)

    class Meta:
        ordering = ["code"]
        verbose_name = _("language")
        verbose_name_plural = _("languages")

    def __str__(self) -> str:
        """The language's name in the reader's language (Django's catalogue names the
        languages it knows: "suomi", "finska", "Finnish"); the stored name otherwise."""
        info = LANG_INFO.get(self.code)
        name = gettext(info["name"]) if info else str(OTHER_LANGUAGES.get(self.code, self.name))
        return capfirst(name)


class Competence(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("competence")
        verbose_name_plural = _("competences")

    def __str__(self) -> str:
        return self.name


class Profession(models.TextChoices):
    FAMILY_WORKER = "family_worker", _("Family worker")
    SOCIAL_WORKER = "social_worker", _("Social worker")
    SOCIAL_COUNSELLOR = "social_counsellor", _("Social counsellor")
    HOME_HELP = "home_help", _("Home help worker")
    PSYCHOLOGIST = "psychologist", _("Psychologist")
    PUBLIC_HEALTH_NURSE = "public_health_nurse", _("Public health nurse")
    SCHOOL_NURSE = "school_nurse", _("School nurse")
    SCHOOL_SOCIAL_WORKER = "school_social_worker", _("School social worker")
    YOUTH_WORKER = "youth_worker", _("Youth worker")
    NGO_WORKER = "ngo_worker", _("NGO worker")
    DEACON = "deacon", _("Deacon")
    THERAPIST = "therapist", _("Therapist")
    EARLY_EDUCATION_TEACHER = "early_education_teacher", _("Early childhood education teacher")


class Worker(models.Model):
    """A professional whose working time is steered. Bookable through its resource."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="worker",
        verbose_name=_("user"),
    )
    resource = models.OneToOneField(
        "scheduling.Resource", on_delete=models.PROTECT, related_name="worker", editable=False
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="workers", verbose_name=_("organisation")
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="workers", verbose_name=_("unit"))
    profession = models.CharField(_("profession"), max_length=40, choices=Profession.choices)
    # The service the worker works in: whose data they hold, and to whom other services'
    # data is disclosed by the disclosure rules (docs/access.md).
    service = models.ForeignKey(
        Service,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="workers",
        verbose_name=_("service"),
    )
    languages = models.ManyToManyField(Language, blank=True, related_name="workers", verbose_name=_("languages"))
    competences = models.ManyToManyField(Competence, blank=True, related_name="workers", verbose_name=_("competences"))
    base_address = models.CharField(_("base address"), max_length=300, blank=True)
    base_latitude = models.FloatField(_("base latitude"), null=True, blank=True)
    base_longitude = models.FloatField(_("base longitude"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    ical_token = models.CharField(max_length=64, unique=True, editable=False, default=secrets.token_urlsafe)

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        verbose_name = _("worker")
        verbose_name_plural = _("workers")
        indexes = [models.Index(fields=["organisation", "unit"])]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def name(self) -> str:
        return str(self)


# A family key starts with a letter that no spreadsheet reads as part of a number: an all
# hex key such as "304255E523" opens in a spreadsheet as 3.04E+528, "0012345678" loses its
# zeros. The rest is random hex (36 bits), unique by constraint.
KEY_FIRST = "ABCDFGHJKLMNPRSTUVWXYZ"


def _family_key() -> str:
    return secrets.choice(KEY_FIRST) + uuid.uuid4().hex[:9].upper()


class Family(models.Model):
    """A household: guardians and children. A person may belong to two homes."""

    name = models.CharField(_("name"), max_length=200)
    # A pseudonymous key for reports and places where a name may not be shown.
    key = models.CharField(_("family key"), max_length=12, unique=True, default=_family_key, editable=False)
    address = models.CharField(_("address"), max_length=300, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    municipality = models.CharField(_("municipality"), max_length=100, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # True when a member has an address non-disclosure order (turvakielto); kept by
    # people.services.person_set_address_non_disclosure so that every query reads one
    # column. The address is then shown only to the workers who must visit.
    address_protected = models.BooleanField(_("address non-disclosure"), default=False, editable=False)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("family")
        verbose_name_plural = _("families")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        # An instance whose protected address fields were blanked for a reader
        # (access.policy.mask_family) must never be written back over the real ones.
        if getattr(self, "_address_masked", False):
            raise ValueError("a family masked for a reader cannot be saved")
        super().save(*args, **kwargs)

    @property
    def full_address(self) -> str:
        return ", ".join(p for p in [self.address, f"{self.postal_code} {self.municipality}".strip()] if p)


class Person(models.Model):
    class Role(models.TextChoices):
        GUARDIAN = "guardian", _("Guardian")
        CHILD = "child", _("Child")

    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    address_non_disclosure = models.BooleanField(_("address non-disclosure (turvakielto)"), default=False)
    languages = models.ManyToManyField(Language, blank=True, related_name="persons", verbose_name=_("languages"))
    families = models.ManyToManyField(Family, through="Membership", related_name="persons", verbose_name=_("families"))

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        verbose_name = _("person")
        verbose_name_plural = _("persons")

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"


class Membership(models.Model):
    """A person's place in a household; a child of separated parents has two."""

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=10, choices=Person.Role.choices)

    class Meta:
        verbose_name = _("family membership")
        verbose_name_plural = _("family memberships")
        constraints = [models.UniqueConstraint(fields=["family", "person"], name="membership_unique_person_per_family")]


class NamedWorker(models.Model):
    """A worker named for a family: the family's own worker (every family with children
    has one, the clinic or school nurse), responsible worker or family partner. One of
    each role at a time; ending it keeps the history."""

    class Role(models.TextChoices):
        OWN_WORKER = "own_worker", _("Own worker")
        RESPONSIBLE_WORKER = "responsible_worker", _("Responsible worker")
        FAMILY_PARTNER = "family_partner", _("Family partner")

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="named_workers", verbose_name=_("family"))
    worker = models.ForeignKey(Worker, on_delete=models.PROTECT, related_name="named_for", verbose_name=_("worker"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    end_reason = models.CharField(_("reason for ending"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["family", "role", "-start_date"]
        verbose_name = _("named worker")
        verbose_name_plural = _("named workers")
        indexes = [models.Index(fields=["worker", "end_date"])]
        constraints = [
            models.UniqueConstraint(
                fields=["family", "role"],
                condition=models.Q(end_date__isnull=True),
                name="named_worker_one_active_per_role",
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="named_worker_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.worker}"


class RoleAssignment(models.Model):
    """A role a user holds, for the whole region or scoped to one organisation or one
    unit. A user may hold several (docs/access.md has what each role sees)."""

    class Role(models.TextChoices):
        WORKER = "worker", _("Worker")
        RESOURCE_COORDINATOR = "resource_coordinator", _("Resource coordinator")
        SERVICE_GUIDANCE = "service_guidance", _("Service guidance")
        MANAGER = "manager", _("Manager")
        NETWORK_COORDINATOR = "network_coordinator", _("Network coordinator")
        ADMINISTRATOR = "administrator", _("Administrator")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
        help_text=_("Empty: the whole region."),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("unit")
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user", "role"]
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(organisation__isnull=True) | models.Q(unit__isnull=True),
                name="role_scope_org_or_unit",
            ),
        ]

    def __str__(self) -> str:
        scope = self.unit or self.organisation
        return f"{self.get_role_display()} ({scope})" if scope else str(self.get_role_display())
