"""Signals other contexts listen to, sent inside the service's transaction."""

from django.dispatch import Signal

# Sent by appointment_realise with ``appointment`` and ``actor``; intake moves a service
# need to "in progress" and records when its first help was realised.
appointment_realised = Signal()
