"""The access log: every read and write of client data (Act on Client Data 703/2023).

Append-only (``APPEND_ONLY``): the database itself refuses UPDATE, DELETE and REPLACE
of its rows (triggers, see ``db.py``); so do consents and their withdrawals, emergency
accesses and their reviews. The user is kept as id and username, not as a foreign key, so that removing
a user account can never touch the log."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AccessEvent(models.Model):
    APPEND_ONLY = True

    class Action(models.TextChoices):
        VIEW = "view", _("Viewed")
        LIST = "list", _("Listed")
        CREATE = "create", _("Created")
        UPDATE = "update", _("Changed")
        EXPORT = "export", _("Exported")

    class Channel(models.TextChoices):
        PAGE = "page", _("Page")
        API = "api", _("API")
        FEED = "feed", _("Calendar feed")
        EXPORT = "export", _("Export")

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    user_id = models.BigIntegerField(_("user id"), null=True)
    username = models.CharField(_("user"), max_length=150)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    object_type = models.CharField(_("object"), max_length=30)
    object_id = models.BigIntegerField(_("object id"))
    family_id = models.BigIntegerField(_("family"), null=True)
    basis = models.CharField(_("basis"), max_length=40)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    path = models.CharField(_("address"), max_length=200, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("access event")
        verbose_name_plural = _("access log")
        indexes = [models.Index(fields=["family_id", "at"]), models.Index(fields=["user_id", "at"])]


class DisclosureMode(models.TextChoices):
    AUTOMATIC = "automatic", _("Automatically")
    CONSENT = "consent", _("With consent")
    NEVER = "never", _("Never")


class DisclosureRule(models.Model):
    """Whether data that one service holds is shown to the workers of another service
    who have a relationship with the family: automatically, only with a recorded consent,
    or never. An empty service means any service. The most specific rule wins:
    (source, target), then (source, any), then (any, target), then the setting
    DISCLOSURE_DEFAULT. Within one service, data is always shown (policy.disclosure_mode)."""

    source_service = models.ForeignKey(
        "network.Service",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("service that holds the data"),
        help_text=_("Empty: any service."),
    )
    target_service = models.ForeignKey(
        "network.Service",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("service of the viewer"),
        help_text=_("Empty: any service."),
    )
    mode = models.CharField(_("disclosed"), max_length=10, choices=DisclosureMode.choices)
    note = models.CharField(_("grounds"), max_length=300, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["source_service__name", "target_service__name"]
        verbose_name = _("disclosure rule")
        verbose_name_plural = _("disclosure rules")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(source_service__isnull=False) | models.Q(target_service__isnull=False),
                name="disclosure_rule_names_a_service",
                violation_error_message=_("Name at least one of the services."),
            ),
            models.UniqueConstraint(
                fields=["source_service", "target_service"],
                name="disclosure_rule_unique_pair",
                violation_error_message=_("A rule for these services already exists."),
            ),
            models.UniqueConstraint(
                fields=["source_service"],
                condition=models.Q(target_service__isnull=True),
                name="disclosure_rule_unique_source_any",
                violation_error_message=_("A rule for these services already exists."),
            ),
            models.UniqueConstraint(
                fields=["target_service"],
                condition=models.Q(source_service__isnull=True),
                name="disclosure_rule_unique_any_target",
                violation_error_message=_("A rule for these services already exists."),
            ),
        ]

    def __str__(self) -> str:
        any_ = _("any service")
        return f"{self.source_service or any_} → {self.target_service or any_}: {self.get_mode_display()}"


class Consent(models.Model):
    """A person's consent to disclose their data from one service (or any) to another (or
    any), for a period. Given by a guardian for a small child and by the young person or
    adult themself otherwise (CONSENT_OWN_AGE). Append-only: a withdrawal is a row of its
    own (``ConsentWithdrawal``) and takes effect at once: every check reads these tables
    on the request it answers. A person with consents cannot be deleted."""

    APPEND_ONLY = True

    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="consents", verbose_name=_("whose data")
    )
    given_by = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="consents_given", verbose_name=_("given by")
    )
    source_service = models.ForeignKey(
        "network.Service",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("from service"),
        help_text=_("Empty: any service."),
    )
    target_service = models.ForeignKey(
        "network.Service",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("to service"),
        help_text=_("Empty: any service."),
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        indexes = [models.Index(fields=["person", "valid_from"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=models.F("valid_from")),
                name="consent_valid_until_after_from",
            ),
        ]


class ConsentWithdrawal(models.Model):
    """The withdrawal of a consent: a row of its own, never changed or removed."""

    APPEND_ONLY = True

    consent = models.OneToOneField(Consent, on_delete=models.PROTECT, related_name="withdrawal")
    withdrawn_at = models.DateTimeField(_("withdrawn"), default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("withdrawal of consent")
        verbose_name_plural = _("withdrawals of consent")


class BreakGlass(models.Model):
    """Access to a family outside the rules, with a reason, for BREAK_GLASS_HOURS; every
    one waits for a manager's review (``BreakGlassReview``, a row of its own)."""

    APPEND_ONLY = True

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    family = models.ForeignKey("people.Family", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=500)
    at = models.DateTimeField(_("opened"), default=timezone.now)
    expires_at = models.DateTimeField(_("access until"))

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("emergency access")
        verbose_name_plural = _("emergency accesses")
        indexes = [models.Index(fields=["user", "family", "expires_at"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(expires_at__gt=models.F("at")), name="break_glass_expires_after")
        ]


class BreakGlassReview(models.Model):
    """A manager's review of an emergency access: a row of its own, never changed."""

    APPEND_ONLY = True

    grant = models.OneToOneField(BreakGlass, on_delete=models.PROTECT, related_name="review")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(_("reviewed"), default=timezone.now, db_index=True)
    note = models.CharField(_("review note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("review of an emergency access")
        verbose_name_plural = _("reviews of emergency accesses")


class ApiToken(models.Model):
    """A token another system (an integration) calls the API with, issued by an
    administrator (docs/access.md, "Tokens for systems").

    Each token has an account of its own (``user``: ``api:<name>:<prefix>``, no password),
    whose roles and scopes are what the token may do, exactly as a person's roles; the
    access log therefore names the token as it names a user. The secret is shown once,
    when issued; only its SHA-256 is stored (the secret is 256 random bits, so a keyed or
    slow hash adds nothing). ``prefix`` identifies the token in lists and logs."""

    name = models.CharField(_("name"), max_length=80)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_token", verbose_name=_("account")
    )
    prefix = models.CharField(_("identifier"), max_length=12, unique=True)
    secret_hash = models.CharField(max_length=64, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("issued"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    def is_valid(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now and self.user.is_active
