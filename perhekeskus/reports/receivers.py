"""The reports' listeners to the calendar's signals."""

from django.dispatch import receiver

from perhekeskus.scheduling.signals import appointment_changed

from .services import work_facts_refresh


@receiver(appointment_changed, dispatch_uid="reports_work_facts")
def refresh_work_facts(sender, appointment, **kwargs) -> None:
    """Rewrite the appointment's worker-hour rows in the booking's own transaction."""
    work_facts_refresh([appointment.pk])
