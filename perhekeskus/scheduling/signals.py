"""Signals other contexts listen to, sent inside the service's transaction."""

from django.dispatch import Signal

# Sent by appointment_realise with ``appointment`` and ``actor``; intake moves a service
# need to "in progress" and records when its first help was realised.
appointment_realised = Signal()

# Sent with ``appointment`` by every booking service after it has written an appointment
# and its participants (booked, updated, moved, realised, cancelled), inside the same
# transaction, at the point where the change is recorded in the appointment's history;
# the reports keep their worker-hour rows exact from it.
appointment_changed = Signal()
