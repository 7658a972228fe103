"""The access log: every read and write of client data (Act on Client Data 703/2023).

Append-only: the database itself refuses UPDATE and DELETE of its rows (triggers, see
``db.py``). The user is kept as id and username, not as a foreign key, so that removing
a user account can never touch the log."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AccessEvent(models.Model):
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
