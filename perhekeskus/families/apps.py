from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FamiliesConfig(AppConfig):
    name = "perhekeskus.families"
    label = "families"
    verbose_name = _("Families' overall picture")
