"""Every write of intake: one function per step, each in one transaction, each step
recorded as an IntakeEvent (who, when, what). Deadlines are computed here, once, from
the stored time of receipt (``clocks``)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from perhekeskus.access import frontdoor, policy
from perhekeskus.network.models import Organisation, Service
from perhekeskus.people.models import Family, Language, Person, Worker
from perhekeskus.scheduling import services as scheduling_services
from perhekeskus.scheduling.models import Appointment, WorkType

from . import clocks, selectors
from .models import (
    AnswerBy,
    Channel,
    ChildWelfareNotification,
    Contact,
    IntakeEvent,
    NeedSource,
    ServiceNeed,
    Urgency,
)

# Reference codes and secrets avoid letters and digits that are easy to confuse.
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
REFERENCE_LENGTH = 8
SECRET_LENGTH = 10


def _code(length: int) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def normalise_code(value: str) -> str:
    return "".join(ch for ch in (value or "").upper() if ch.isalnum())


def secret_hash(reference: str, secret: str) -> str:
    """A keyed hash of the secret: a leaked database does not reveal the answers' keys.
    The secret is random (50 bits) and tries are rate limited, so no slow hash is needed."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{reference}:{normalise_code(secret)}".encode(), hashlib.sha256).hexdigest()


def _event(actor, action: str, **subject_and_details) -> None:
    subject = {
        k: subject_and_details.pop(k) for k in ("contact", "notification", "service_need") if k in subject_and_details
    }
    IntakeEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        details=subject_and_details,
        **subject,
    )


def contact_meeting_convened(*, actor, contact: Contact, meeting_id: int) -> None:
    """A step in the contact's history: a network meeting was convened from it (the
    meeting itself is the families app's; only its id is kept here)."""
    _event(actor, "meeting_convened", contact=contact, meeting=meeting_id)


def _actor(actor):
    return actor if actor is not None and actor.is_authenticated else None


# Rights, asked again here after the pages asked (defence in depth, access.policy). An
# actor of None is a system job (the demo generator, the public help button), never a
# signed-in request.


def _require(actor, allowed) -> None:
    if actor is not None and not allowed(actor):
        raise PermissionDenied


def _require_family(actor, family: Family | None, rule=policy.family_write_basis) -> None:
    if actor is not None and family is not None and rule(actor, family.pk) is None:
        raise ValidationError({"family": [frontdoor.FAMILY_UNKNOWN]}, code="unknown")


# --- contacts ------------------------------------------------------------------------------


def answering_organisation(municipality: str) -> Organisation | None:
    """The organisation that answers help requests of a municipality; for an unknown or
    unnamed municipality, the first one that answers any."""
    answering = [o for o in Organisation.objects.exclude(answers_for_municipalities="").order_by("name")]
    wanted = municipality.strip().casefold()
    for organisation in answering:
        names = {m.strip().casefold() for m in organisation.answers_for_municipalities.split(",")}
        if wanted and wanted in names:
            return organisation
    return answering[0] if answering else None


def _validate_contact(*, answer_by, phone, email, message) -> dict:
    errors: dict[str, list[str]] = {}
    if not message.strip():
        errors["message"] = [_("Tell us briefly what worries you.")]
    if answer_by == AnswerBy.PHONE and not phone.strip():
        errors["phone"] = [_("Give a phone number, or choose another way to get the answer.")]
    if answer_by == AnswerBy.EMAIL and not email.strip():
        errors["email"] = [_("Give an email address, or choose another way to get the answer.")]
    if answer_by not in AnswerBy.values:
        errors["answer_by"] = [_("Choose how you want the answer.")]
    return errors


def help_request_submit(
    *,
    municipality: str,
    age_group: str,
    message: str,
    answer_by: str,
    phone: str = "",
    email: str = "",
    contact_name: str = "",
    language: str = "fi",
    received_at: dt.datetime | None = None,
) -> tuple[Contact, str | None]:
    """Store a help-button request first, before anything else happens. Returns the
    contact and, for an anonymous sender, the secret they read the answer with (shown
    once, stored only as a keyed hash)."""
    errors = _validate_contact(answer_by=answer_by, phone=phone, email=email, message=message)
    organisation = answering_organisation(municipality)
    if organisation is None:
        errors.setdefault("__all__", []).append(_("The help button is not in use. Please call the service guidance."))
    if errors:
        raise ValidationError(errors)
    received = received_at or timezone.now()
    secret = _code(SECRET_LENGTH) if answer_by == AnswerBy.ANONYMOUS else None
    contact = _contact_create(
        actor=None,
        secret=secret,
        channel=Channel.HELP_BUTTON,
        organisation=organisation,
        municipality=municipality.strip()[:100],
        age_group=age_group,
        message=message.strip(),
        answer_by=answer_by,
        phone=phone.strip() if answer_by == AnswerBy.PHONE else "",
        email=email.strip() if answer_by == AnswerBy.EMAIL else "",
        contact_name="" if answer_by == AnswerBy.ANONYMOUS else contact_name.strip()[:120],
        language=language[:8],
        received_at=received,
    )
    return contact, secret


def _contact_create(*, actor, secret: str | None = None, **fields) -> Contact:
    """Write a contact with a fresh reference code and its answer clock, and its
    "received" event, in one transaction. A reference already taken (one in 10^12)
    is drawn again."""
    organisation, received = fields["organisation"], fields["received_at"]
    due_at = clocks.help_answer_due(received, organisation.help_answer_working_days)
    for attempt in range(5):
        reference = _code(REFERENCE_LENGTH)
        try:
            with transaction.atomic():
                contact = Contact.objects.create(
                    reference=reference,
                    secret_hash=secret_hash(reference, secret) if secret else "",
                    due_at=due_at,
                    recorded_by=_actor(actor),
                    **fields,
                )
                _event(actor, "received", contact=contact, channel=contact.channel)
            return contact
        except IntegrityError:
            if attempt == 4:
                raise
    raise AssertionError("unreachable")


def help_request_lookup(*, reference: str, secret: str) -> Contact | None:
    """The anonymous sender's request, when the reference and the secret match."""
    reference = normalise_code(reference)
    contact = Contact.objects.filter(reference=reference, channel=Channel.HELP_BUTTON).exclude(secret_hash="").first()
    if contact is None or not hmac.compare_digest(contact.secret_hash, secret_hash(reference, secret)):
        return None
    return contact


def help_request_opened(pk) -> Contact | None:
    """The first message of a conversation the sender opened with their codes (its id
    kept in their session by the answer page)."""
    if not isinstance(pk, int):
        return None
    return (
        Contact.objects.filter(pk=pk, reply_to__isnull=True, channel=Channel.HELP_BUTTON)
        .exclude(secret_hash="")
        .first()
    )


def help_thread(contact: Contact) -> list[Contact]:
    """An anonymous sender's conversation: the first message and the replies written
    after reading an answer, oldest first."""
    root = Contact.objects.get(pk=contact.reply_to_id) if contact.reply_to_id else contact
    return [root, *root.replies.order_by("received_at", "id")]


def help_may_reply(thread: list[Contact]) -> bool:
    """The sender may write back once something in their conversation is answered."""
    return any(c.public_answer for c in thread)


def help_reply_submit(*, contact: Contact, message: str, received_at: dt.datetime | None = None) -> Contact:
    """The anonymous sender answers back, after reading an answer with their codes: a new
    contact that continues ``contact`` (the same codes open the whole conversation),
    answered on the same clock as any contact. Refused when nothing has been answered yet
    (the first message is still waiting) or the message is empty or too long."""
    root = Contact.objects.get(pk=contact.reply_to_id or contact.pk)  # as stored now
    errors = {}
    text = (message or "").strip()
    if not text:
        errors["message"] = [_("Write your message.")]
    elif len(text) > 4000:
        errors["message"] = [_("The message is too long. Shorten it to at most 4000 characters and send again.")]
    if not help_may_reply(help_thread(root)):
        errors.setdefault("__all__", []).append(_("You can reply once your message has been answered."))
    if errors:
        raise ValidationError(errors)
    return _contact_create(
        actor=None,
        channel=root.channel,
        organisation=root.organisation,
        municipality=root.municipality,
        age_group=root.age_group,
        message=text,
        answer_by=AnswerBy.ANONYMOUS,
        language=root.language,
        received_at=received_at or timezone.now(),
        reply_to=root,
    )


def contact_record(
    *,
    actor,
    channel: str,
    organisation: Organisation,
    message: str,
    answer_by: str = AnswerBy.PHONE,
    municipality: str = "",
    age_group: str = "",
    phone: str = "",
    email: str = "",
    contact_name: str = "",
    reporter: str = "",
    consent_given_by: str = "",
    family: Family | None = None,
    received_at: dt.datetime | None = None,
) -> Contact:
    """A phone call, a walk-in visit, a professional's (anonymous) consultation or a
    concern report, recorded by the person who took it."""
    _require(actor, policy.may_record_concern_report)
    _require_family(actor, family)
    errors: dict[str, list[str]] = {}
    if channel not in (Channel.PHONE, Channel.WALK_IN, Channel.CONSULTATION, Channel.CONCERN_REPORT):
        errors["channel"] = [_("Choose how the contact came.")]
    if not message.strip():
        errors["message"] = [_("Write down what the contact is about.")]
    if channel == Channel.CONCERN_REPORT:
        if not consent_given_by.strip():
            errors["consent_given_by"] = [_("A concern report is made with the family's consent: record who gave it.")]
        if not reporter.strip():
            errors["reporter"] = [_("Name the reporting professional and their service.")]
    if answer_by == AnswerBy.PHONE and channel != Channel.CONSULTATION and not phone.strip() and family is None:
        errors.setdefault("phone", []).append(_("Give a phone number to call back, or choose the family."))
    now = timezone.now()
    received = received_at or now
    if received > now + dt.timedelta(minutes=5):
        errors["received_at"] = [_("The time of contact cannot be in the future.")]
    if errors:
        raise ValidationError(errors)
    return _contact_create(
        actor=actor,
        channel=channel,
        organisation=organisation,
        municipality=municipality.strip()[:100],
        age_group=age_group,
        message=message.strip(),
        answer_by=answer_by if answer_by in AnswerBy.values else AnswerBy.PHONE,
        phone=phone.strip(),
        email=email.strip(),
        contact_name=contact_name.strip(),
        reporter=reporter.strip(),
        consent_given_by=consent_given_by.strip(),
        family=family,
        received_at=received,
    )


def _locked_contact(contact: Contact) -> Contact:
    locked = Contact.objects.select_for_update().get(pk=contact.pk)
    if locked.status == Contact.Status.CLOSED:
        raise ValidationError(_("The contact is already closed."), code="closed")
    return locked


def contact_claim(*, actor, contact: Contact) -> Contact:
    _require(actor, lambda a: policy.may_handle_contact(a, contact))
    with transaction.atomic():
        contact = _locked_contact(contact)
        if contact.claimed_by_id and contact.claimed_by_id != actor.pk:
            raise ValidationError(
                _("%(name)s is already handling this contact.")
                % {"name": contact.claimed_by.get_full_name() or contact.claimed_by.get_username()},
                code="claimed",
            )
        contact.claimed_by, contact.claimed_at = actor, contact.claimed_at or timezone.now()
        if contact.status == Contact.Status.NEW:
            contact.status = Contact.Status.CLAIMED
        contact.save(update_fields=["claimed_by", "claimed_at", "status"])
        _event(actor, "claimed", contact=contact)
    return contact


def _mark_answered(contact: Contact, actor) -> None:
    now = timezone.now()
    if contact.first_answered_at is None:
        contact.first_answered_at = now
    if contact.claimed_by_id is None:
        contact.claimed_by, contact.claimed_at = actor, now


def contact_answer(*, actor, contact: Contact, answer: str) -> Contact:
    """Answer the contact: the text is what an anonymous sender reads with their code;
    for a call-back it records what was told. The first answer stops the clock."""
    _require(actor, lambda a: policy.may_handle_contact(a, contact))
    answer = answer.strip()
    with transaction.atomic():
        contact = _locked_contact(contact)
        if not answer:
            raise ValidationError({"answer": [_("Write the answer.")]})
        _mark_answered(contact, actor)
        contact.public_answer = answer
        contact.status = Contact.Status.ANSWERED
        contact.save(update_fields=["first_answered_at", "claimed_by", "claimed_at", "public_answer", "status"])
        _event(actor, "answered", contact=contact)
    return contact


def contact_close(
    *, actor, contact: Contact, outcome: str, service: Service | None = None, answer: str = ""
) -> Contact:
    """Close with an outcome (required). Referring names the service; closing answers
    the contact if it had not been answered yet."""
    _require(actor, lambda a: policy.may_handle_contact(a, contact))
    if outcome not in Contact.Outcome.values:
        raise ValidationError({"outcome": [_("Choose the outcome.")]})
    if outcome == Contact.Outcome.REFERRED and service is None:
        raise ValidationError({"service": [_("Choose the service the contact was referred to.")]})
    with transaction.atomic():
        contact = _locked_contact(contact)
        if answer.strip():
            contact.public_answer = answer.strip()
        # A contact is answered only when the answer is recorded: what an anonymous sender
        # reads, or what was told on the call or in the message the sender asked for.
        # Closing without one (no action needed, or the sender could not be reached)
        # leaves the clock's answer time empty, so no contact counts as answered on time
        # unless someone did answer.
        if not contact.public_answer and outcome not in (Contact.Outcome.NO_ACTION, Contact.Outcome.UNREACHABLE):
            if contact.answer_by == AnswerBy.ANONYMOUS:
                message = _("The sender is anonymous: write the answer they will read with their code.")
            elif contact.answer_by == AnswerBy.PHONE:
                message = _(
                    "The sender asked to be called: record the call (what was told) first, "
                    "or close as 'could not be reached'."
                )
            else:
                message = _("Record the answer given to the sender first, or close as 'could not be reached'.")
            raise ValidationError({"answer": [message]})
        if contact.public_answer:
            _mark_answered(contact, actor)
        contact.outcome, contact.status, contact.closed_at = outcome, Contact.Status.CLOSED, timezone.now()
        contact.referred_service = service if outcome == Contact.Outcome.REFERRED else None
        contact.save()
        _event(actor, "closed", contact=contact, outcome=outcome, service=service.pk if service else None)
    return contact


def contact_to_service_need(*, actor, contact: Contact, family: Family, answer: str = "", **need) -> ServiceNeed:
    """Turn a contact into a family's service need; the need waits from the contact's
    time, and the contact closes with that outcome."""
    _require(actor, lambda a: policy.may_handle_contact(a, contact))
    with transaction.atomic():
        created = service_need_record(
            actor=actor,
            family=family,
            source=contact.channel,
            received_at=contact.received_at,
            source_contact=contact,
            **need,
        )
        contact = _locked_contact(contact)
        contact.family = family
        contact.save(update_fields=["family"])
        contact_close(actor=actor, contact=contact, outcome=Contact.Outcome.SERVICE_NEED, answer=answer)
    return created


def contact_forward_to_child_protection(
    *,
    actor,
    contact: Contact,
    service: Service,
    family: Family | None = None,
    child: Person | None = None,
    child_details: str = "",
    answer: str = "",
) -> ChildWelfareNotification:
    """Forward a contact to child protection as a child welfare notification: its clocks
    start now, when child protection receives it."""
    _require(actor, lambda a: policy.may_handle_contact(a, contact))
    with transaction.atomic():
        notification = notification_record(
            actor=actor,
            service=service,
            family=family,
            child=child,
            child_details=child_details,
            notifier=ChildWelfareNotification.Notifier.PROFESSIONAL,
            notifier_details=_("Service guidance, contact %(ref)s") % {"ref": contact.reference},
            reported_urgent=False,
            content=contact.message,
            source_contact=contact,
        )
        contact_close(actor=actor, contact=contact, outcome=Contact.Outcome.CHILD_PROTECTION, answer=answer)
    return notification


# --- child welfare notifications ------------------------------------------------------------


def notification_record(
    *,
    actor,
    service: Service,
    content: str,
    notifier: str,
    family: Family | None = None,
    child: Person | None = None,
    child_details: str = "",
    notifier_details: str = "",
    reported_urgent: bool = False,
    received_at: dt.datetime | None = None,
    source_contact: Contact | None = None,
) -> ChildWelfareNotification:
    _require(actor, policy.may_record_notification)
    _require_family(actor, family, policy.notification_family_basis)
    errors: dict[str, list[str]] = {}
    if not service.receives_child_welfare_notifications:
        errors["service"] = [_("This service does not receive child welfare notifications.")]
    if family is None and not child_details.strip():
        errors["child_details"] = [_("Choose the family or write the child's name and birth date.")]
    if child is not None and family is not None and not child.memberships.filter(family=family).exists():
        errors["child"] = [_("The child is not a member of the chosen family.")]
    if not content.strip():
        errors["content"] = [_("Write down what was notified.")]
    if notifier not in ChildWelfareNotification.Notifier.values:
        errors["notifier"] = [_("Choose who notified.")]
    now = timezone.now()
    received = received_at or now
    if received > now + dt.timedelta(minutes=5):
        errors["received_at"] = [_("The time of receipt cannot be in the future.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        notification = ChildWelfareNotification.objects.create(
            service=service,
            received_at=received,
            family=family,
            child=child,
            child_details=child_details.strip(),
            notifier=notifier,
            notifier_details=notifier_details.strip(),
            reported_urgent=reported_urgent,
            content=content.strip(),
            source_contact=source_contact,
            recorded_by=_actor(actor),
            urgency_due_at=clocks.urgency_due(received),
            decision_due_at=clocks.decision_due(received),
            assessment_due_at=clocks.assessment_due(received),
        )
        _event(actor, "received", notification=notification, reported_urgent=reported_urgent)
    return notification


def _locked_notification(notification) -> ChildWelfareNotification:
    return ChildWelfareNotification.objects.select_for_update().get(pk=notification.pk)


def notification_assess_urgency(*, actor, notification, is_urgent: bool) -> ChildWelfareNotification:
    _require(actor, lambda a: policy.may_see_notification(a, notification))
    with transaction.atomic():
        n = _locked_notification(notification)
        if n.urgency_assessed_at is not None:
            raise ValidationError(_("The urgency has already been assessed."), code="done")
        n.is_urgent, n.urgency_assessed_at, n.urgency_assessed_by = is_urgent, timezone.now(), actor
        n.save(update_fields=["is_urgent", "urgency_assessed_at", "urgency_assessed_by"])
        _event(actor, "urgency_assessed", notification=n, urgent=is_urgent)
    return n


def notification_decide(
    *, actor, notification, decision: str, worker: Worker | None = None
) -> ChildWelfareNotification:
    """Decide whether to start the service-need assessment (by the 7th working day).
    Starting names the responsible social worker."""
    _require(actor, lambda a: policy.may_see_notification(a, notification))
    errors: dict[str, list[str]] = {}
    if decision not in ChildWelfareNotification.Decision.values:
        errors["decision"] = [_("Choose the decision.")]
    if decision == ChildWelfareNotification.Decision.START_ASSESSMENT and worker is None:
        errors["worker"] = [_("Name the social worker responsible for the assessment.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        n = _locked_notification(notification)
        if n.urgency_assessed_at is None:
            raise ValidationError(_("Assess the urgency first."), code="order")
        if n.decided_at is not None:
            raise ValidationError(_("The decision has already been made."), code="done")
        n.decision, n.decided_at, n.decided_by = decision, timezone.now(), actor
        if worker is not None:
            n.assigned_worker = worker
        n.save(update_fields=["decision", "decided_at", "decided_by", "assigned_worker"])
        _event(actor, "decided", notification=n, decision=decision, worker=worker.pk if worker else None)
    return n


def notification_complete_assessment(*, actor, notification, result: str) -> ChildWelfareNotification:
    _require(actor, lambda a: policy.may_see_notification(a, notification))
    if result not in ChildWelfareNotification.AssessmentResult.values:
        raise ValidationError({"result": [_("Choose the result of the assessment.")]})
    with transaction.atomic():
        n = _locked_notification(notification)
        if n.decision != ChildWelfareNotification.Decision.START_ASSESSMENT:
            raise ValidationError(_("No assessment was started for this notification."), code="order")
        if n.assessment_completed_at is not None:
            raise ValidationError(_("The assessment has already been completed."), code="done")
        n.assessment_result, n.assessment_completed_at, n.assessment_completed_by = result, timezone.now(), actor
        n.save(update_fields=["assessment_result", "assessment_completed_at", "assessment_completed_by"])
        _event(actor, "assessment_completed", notification=n, result=result)
    return n


# --- service needs ----------------------------------------------------------------------------

MAX_SESSIONS_PER_WEEK = 7


def service_need_record(
    *,
    actor,
    family: Family,
    service: Service,
    work_type: WorkType,
    source: str,
    person: Person | None = None,
    sessions_per_week: int = 1,
    session_minutes: int = 60,
    weeks: int = 8,
    urgency: str = Urgency.NORMAL,
    language: Language | None = None,
    home_visits: bool = False,
    competence=None,
    received_at: dt.datetime | None = None,
    source_contact: Contact | None = None,
    source_notification: ChildWelfareNotification | None = None,
) -> ServiceNeed:
    _require(actor, policy.may_record_need)
    _require_family(actor, family)
    errors: dict[str, list[str]] = {}
    if work_type.service_id != service.pk:
        errors["work_type"] = [_("Choose a work type of the chosen service.")]
    if person is not None and not person.memberships.filter(family=family).exists():
        errors["person"] = [_("The person is not a member of the chosen family.")]
    if not 1 <= sessions_per_week <= MAX_SESSIONS_PER_WEEK:
        errors["sessions_per_week"] = [_("Visits a week must be between 1 and 7.")]
    if not 15 <= session_minutes <= 480:
        errors["session_minutes"] = [_("A visit lasts between 15 and 480 minutes.")]
    if not 1 <= weeks <= scheduling_services.MAX_RECURRING_WEEKS:
        errors["weeks"] = [
            _("The number of weeks must be between 1 and %(max)d.") % {"max": scheduling_services.MAX_RECURRING_WEEKS}
        ]
    if urgency not in Urgency.values:
        errors["urgency"] = [_("Choose the urgency.")]
    if source not in NeedSource.values:
        errors["source"] = [_("Choose where the need came from.")]
    now = timezone.now()
    received = received_at or now
    if received > now + dt.timedelta(minutes=5):
        errors["received_at"] = [_("The time of contact cannot be in the future.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        need = ServiceNeed.objects.create(
            family=family,
            person=person,
            service=service,
            work_type=work_type,
            sessions_per_week=sessions_per_week,
            session_minutes=session_minutes,
            weeks=weeks,
            urgency=urgency,
            language=language,
            home_visits=home_visits,
            competence=competence,
            source=source,
            source_contact=source_contact,
            source_notification=source_notification,
            received_at=received,
            recorded_by=_actor(actor),
        )
        _event(actor, "recorded", service_need=need, source=source)
    return need


class CaseloadExceeded(ValidationError):
    """Allocating would take a child-protection social worker past the legal cap."""


def _check_caseload(need: ServiceNeed, worker: Worker) -> None:
    if not selectors.caseload_applies(worker):
        return
    children = selectors.caseload_children(worker)
    current, total = len(children), len(children | selectors.family_children(need.family_id))
    cap = settings.CHILD_PROTECTION_CASELOAD_CAP
    if total > cap:
        raise CaseloadExceeded(
            {
                "worker": [
                    _(
                        "%(name)s has %(current)d children as clients; this family would make %(total)d, "
                        "past the legal cap of %(cap)d (Child Welfare Act s. 13 b)."
                    )
                    % {"name": worker.name, "current": current, "total": total, "cap": cap}
                ]
            },
            code="caseload",
        )


def service_need_allocate(
    *,
    actor,
    need: ServiceNeed,
    worker: Worker,
    first_start: dt.datetime,
    weekdays: Sequence[int],
    pair: Worker | None = None,
    confirm_outside_shift: bool = False,
    confirm_caseload: bool = False,
) -> list[Appointment]:
    """Allocate a waiting need to a worker: the need's intensity becomes the worker's
    recurring bookings (through the calendar's booking service, with all its checks),
    all or nothing, leaving out the occurrences on Finnish public holidays. Warns before
    a child-protection caseload passes the legal cap."""
    _require(actor, lambda a: policy.may_allocate(a, need))
    weekdays = sorted(set(weekdays))
    if len(weekdays) != need.sessions_per_week:
        raise ValidationError(
            {
                "weekdays": [
                    _("Choose %(n)d weekdays: the need is %(intensity)s.")
                    % {"n": need.sessions_per_week, "intensity": need.intensity}
                ]
            }
        )
    with transaction.atomic():
        locked = ServiceNeed.objects.select_for_update().get(pk=need.pk)
        if locked.status != ServiceNeed.Status.WAITING:
            raise ValidationError(_("Only a waiting need can be allocated."), code="not_waiting")
        if not confirm_caseload:
            _check_caseload(locked, worker)
        appointments = scheduling_services.appointment_book_recurring(
            actor=actor,
            worker=worker,
            pair=pair,
            work_type=locked.work_type,
            start=first_start,
            end=first_start + dt.timedelta(minutes=locked.session_minutes),
            weekdays=weekdays,
            weeks=locked.weeks,
            family=locked.family,
            persons=[locked.person] if locked.person else (),
            location_kind=Appointment.LocationKind.CLIENT_HOME if locked.home_visits else Appointment.LocationKind.UNIT,
            confirm_outside_shift=confirm_outside_shift,
            # no visit on a public holiday: that week's visit is left out, as in the
            # candidates' count (allocation.candidates)
            skip_dates=clocks.holidays_between(
                timezone.localtime(first_start).date(),
                timezone.localtime(first_start).date() + dt.timedelta(weeks=locked.weeks),
            ),
        )
        locked.status, locked.worker, locked.allocated_at, locked.allocated_by = (
            ServiceNeed.Status.ALLOCATED,
            worker,
            timezone.now(),
            actor,
        )
        locked.save(update_fields=["status", "worker", "allocated_at", "allocated_by"])
        locked.appointments.add(*appointments)
        _event(
            actor,
            "allocated",
            service_need=locked,
            worker=worker.pk,
            appointments=len(appointments),
            caseload_confirmed=confirm_caseload,
        )
    return appointments


def service_need_close(*, actor, need: ServiceNeed, outcome: str, cancel_future: bool = True) -> ServiceNeed:
    """Close with an outcome (required); the need's future planned visits are cancelled
    (by the organisation) unless asked otherwise."""
    _require(actor, lambda a: policy.may_close_need(a, need))
    if outcome not in ServiceNeed.Outcome.values:
        raise ValidationError({"outcome": [_("Choose the outcome.")]})
    with transaction.atomic():
        locked = ServiceNeed.objects.select_for_update().get(pk=need.pk)
        if locked.status == ServiceNeed.Status.CLOSED:
            raise ValidationError(_("The need is already closed."), code="closed")
        cancelled = 0
        if cancel_future:
            for appointment in locked.appointments.filter(
                status=Appointment.Status.PLANNED, planned_start__gt=timezone.now()
            ):
                scheduling_services.appointment_cancel(
                    actor=actor, appointment=appointment, reason="organisation_cancelled"
                )
                cancelled += 1
        locked.status, locked.outcome, locked.closed_at = ServiceNeed.Status.CLOSED, outcome, timezone.now()
        locked.save(update_fields=["status", "outcome", "closed_at"])
        _event(actor, "closed", service_need=locked, outcome=outcome, cancelled=cancelled)
    return locked
