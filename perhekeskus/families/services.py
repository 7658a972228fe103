"""Writes of the family's overall picture: critical client groups, network meetings and
what they agreed. Each is one transaction; the services ask the policy again (defence in
depth: the use cases ask first)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from perhekeskus.access import policy
from perhekeskus.intake.models import Contact
from perhekeskus.intake.services import contact_meeting_convened
from perhekeskus.people.models import Family, NamedWorker, Person, Worker
from perhekeskus.people.services import named_worker_assign
from perhekeskus.scheduling.models import Appointment, WorkType
from perhekeskus.scheduling.services import appointment_book_meeting

from .models import ClientGroup, FamilyClientGroup, MeetingNetwork, NetworkMeeting

MAX_INVITED = 12


def client_group_add(*, actor, family: Family, group: str, start_date: dt.date | None = None) -> FamilyClientGroup:
    if group not in ClientGroup.values:
        raise ValidationError({"group": [_("Choose a client group.")]})
    with transaction.atomic():
        existing = FamilyClientGroup.objects.filter(family=family, group=group, end_date__isnull=True).first()
        if existing is not None:
            return existing
        return FamilyClientGroup.objects.create(
            family=family,
            group=group,
            start_date=start_date or timezone.localdate(),
            recorded_by=actor if actor and actor.is_authenticated else None,
        )


def client_group_end(*, client_group: FamilyClientGroup, end_date: dt.date | None = None) -> FamilyClientGroup:
    end = end_date or timezone.localdate()
    if end < client_group.start_date:
        raise ValidationError({"end_date": [_("The end cannot be before the start.")]})
    with transaction.atomic():
        client_group.end_date = end
        client_group.save(update_fields=["end_date"])
    return client_group


def meeting_convene(
    *,
    actor,
    family: Family,
    convener: Worker,
    invited: Sequence[Worker],
    work_type: WorkType,
    start: dt.datetime,
    end: dt.datetime,
    requested_by: str,
    consent_given_by: str,
    assessment: str = "",
    network: MeetingNetwork | None = None,
    contact: Contact | None = None,
    persons: Sequence[Person] = (),
    location_kind: str = Appointment.LocationKind.UNIT,
) -> NetworkMeeting:
    """Convene a network meeting: the family's consent recorded, one appointment with
    every invited professional (``scheduling.services.appointment_book_meeting``: all
    or nothing, nobody double-booked) and the meeting's record, in one transaction."""
    errors: dict[str, list[str]] = {}
    if requested_by not in NetworkMeeting.RequestedBy.values:
        errors["requested_by"] = [_("Say who asked for the meeting.")]
    if not consent_given_by.strip():
        errors["consent_given_by"] = [_("A network meeting needs the family's consent: record who gave it.")]
    if len(invited) > MAX_INVITED:
        errors["workers"] = [_("Invite at most %(n)d professionals.") % {"n": MAX_INVITED}]
    if errors:
        raise ValidationError(errors)
    if actor is not None:
        basis = policy.family_write_basis(actor, family.pk)
        if not policy.may_convene_meeting(actor, basis) or not policy.can_book_for(actor, convener):
            raise PermissionDenied
    with transaction.atomic():
        appointment = appointment_book_meeting(
            actor=actor,
            convener=convener,
            invited=invited,
            work_type=work_type,
            start=start,
            end=end,
            family=family,
            persons=persons,
            location_kind=location_kind,
        )
        meeting = NetworkMeeting.objects.create(
            family=family,
            appointment=appointment,
            network=network,
            contact=contact,
            requested_by=requested_by,
            consent_given_by=consent_given_by.strip()[:200],
            assessment=assessment.strip(),
            convened_by=actor if actor and actor.is_authenticated else None,
        )
        if contact is not None:
            contact_meeting_convened(actor=actor, contact=contact, meeting_id=meeting.pk)
        return meeting


def meeting_record(
    *,
    actor,
    meeting: NetworkMeeting,
    agreed: str,
    continues_with: Worker | None,
    next_check: dt.date | None,
    name_responsible: bool = False,
) -> NetworkMeeting:
    """Record what the meeting agreed, who continues with the family and the next check;
    ``name_responsible`` makes the one who continues the family's responsible worker
    (ending the previous one's naming), in the same transaction."""
    errors: dict[str, list[str]] = {}
    if not agreed.strip():
        errors["agreed"] = [_("Write down what was agreed.")]
    if next_check is not None and next_check < timezone.localdate(meeting.appointment.planned_start):
        errors["next_check"] = [_("The next check cannot be before the meeting.")]
    if name_responsible and continues_with is None:
        errors["continues_with"] = [_("Choose who continues with the family.")]
    if errors:
        raise ValidationError(errors)
    if actor is not None:
        basis = policy.family_write_basis(actor, meeting.family_id)
        if not policy.may_record_meeting(actor, meeting.appointment, basis):
            raise PermissionDenied
    with transaction.atomic():
        meeting.agreed = agreed.strip()
        meeting.continues_with = continues_with
        meeting.next_check = next_check
        meeting.recorded_by = actor if actor and actor.is_authenticated else None
        meeting.recorded_at = timezone.now()
        meeting.save(update_fields=["agreed", "continues_with", "next_check", "recorded_by", "recorded_at"])
        if name_responsible and continues_with is not None:
            named_worker_assign(
                actor=actor,
                family=meeting.family,
                worker=continues_with,
                role=NamedWorker.Role.RESPONSIBLE_WORKER,
                start_date=timezone.localdate(meeting.appointment.planned_start),
                reason=_("Agreed in the network meeting."),
            )
    return meeting
