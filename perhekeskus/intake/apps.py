from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "perhekeskus.intake"
    label = "intake"
    verbose_name = _("Intake")

    def ready(self) -> None:
        from perhekeskus.scheduling.usecases import register_family_section

        from . import receivers  # noqa: F401  (moves a service need on when its first visit is realised)
        from .usecases import family_needs_section

        register_family_section(family_needs_section)
