"""Intake's listeners to the calendar's signals."""

from django.db.models import Q
from django.dispatch import receiver

from perhekeskus.scheduling.signals import appointment_realised

from .models import IntakeEvent, ServiceNeed


@receiver(appointment_realised, dispatch_uid="intake_service_need_first_help")
def service_need_first_help(sender, appointment, actor, **kwargs) -> None:
    """The first realised visit of an allocated need starts it: waiting time ends here."""
    needs = list(
        ServiceNeed.objects.filter(appointments=appointment)
        .filter(Q(first_help_at__isnull=True) | Q(first_help_at__gt=appointment.actual_start))
        .exclude(status=ServiceNeed.Status.CLOSED)
    )
    if not needs:
        return
    ids = [n.pk for n in needs]
    ServiceNeed.objects.filter(pk__in=ids).update(first_help_at=appointment.actual_start)
    started = ServiceNeed.objects.filter(pk__in=ids, status=ServiceNeed.Status.ALLOCATED)
    started_ids = list(started.values_list("pk", flat=True))
    started.update(status=ServiceNeed.Status.IN_PROGRESS)
    IntakeEvent.objects.bulk_create(
        IntakeEvent(service_need_id=pk, actor=actor if actor and actor.is_authenticated else None, action="started")
        for pk in started_ids
    )
