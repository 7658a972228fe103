"""The doors into the family centre and what comes through them.

- ``Contact``: a help-button request, a phone call, a walk-in visit, a professional's
  anonymous consultation or a concern report, answered from service guidance's inbox;
- ``ChildWelfareNotification``: a statutory notification to child protection with its
  three clocks (urgency, decision to start the assessment, the assessment finished);
- ``ServiceNeed``: what a family needs, waiting in the coordinator's queue until it is
  allocated to a worker, realised and closed with an outcome;
- ``IntakeEvent``: every step of the three, timestamped (who, when, what; no free text).

Deadlines are stored as ``*_due_at`` (the first instant after the due day in Helsinki)
and computed by ``clocks`` when the item is received.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from perhekeskus.network.models import Organisation, Service
from perhekeskus.people.models import Family, Language, Person, Worker
from perhekeskus.scheduling.models import Appointment, WorkType


class Channel(models.TextChoices):
    HELP_BUTTON = "help_button", _("Help button")
    PHONE = "phone", _("Phone")
    WALK_IN = "walk_in", _("Walk-in")
    CONSULTATION = "consultation", _("Professional's consultation")
    CONCERN_REPORT = "concern_report", _("Concern report")


class AgeGroup(models.TextChoices):
    EXPECTING = "expecting", _("Expecting a baby")
    UNDER_3 = "0-2", _("Child under 3")
    AGE_3_6 = "3-6", _("Child 3–6 years")
    AGE_7_12 = "7-12", _("Child 7–12 years")
    AGE_13_17 = "13-17", _("Young person 13–17 years")
    AGE_18_29 = "18-29", _("Young adult 18–29 years")
    WHOLE_FAMILY = "family", _("The whole family")


class AnswerBy(models.TextChoices):
    PHONE = "phone", _("Call me")
    EMAIL = "email", _("Email me")
    ANONYMOUS = "anonymous", _("Anonymously, I will read the answer here")


class Contact(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("New")
        CLAIMED = "claimed", _("Being handled")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")

    class Outcome(models.TextChoices):
        ADVICE = "advice", _("Advice given")
        REFERRED = "referred", _("Referred to a service")
        SERVICE_NEED = "service_need", _("Service need recorded")
        CHILD_PROTECTION = "child_protection", _("Forwarded to child protection")
        NO_ACTION = "no_action", _("No action needed")
        UNREACHABLE = "unreachable", _("Could not be reached")

    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="contacts", verbose_name=_("answered by")
    )
    municipality = models.CharField(_("municipality"), max_length=100, blank=True)
    age_group = models.CharField(_("about whom"), max_length=12, choices=AgeGroup.choices, blank=True)
    message = models.TextField(_("what worries you"), max_length=4000)
    answer_by = models.CharField(_("how to answer"), max_length=10, choices=AnswerBy.choices)
    contact_name = models.CharField(_("name"), max_length=120, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=8, default="fi")
    # Concern reports: the reporting professional and the family's consent.
    reporter = models.CharField(_("reporting professional"), max_length=200, blank=True)
    consent_given_by = models.CharField(_("consent given by"), max_length=200, blank=True)
    # Public follow-up: the reference code and a keyed hash of the secret (never the secret).
    reference = models.CharField(_("reference"), max_length=12, unique=True)
    secret_hash = models.CharField(max_length=64, blank=True, editable=False)
    received_at = models.DateTimeField(_("received"), db_index=True)
    due_at = models.DateTimeField(_("answer due"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.NEW)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    first_answered_at = models.DateTimeField(_("first answered"), null=True, blank=True)
    public_answer = models.TextField(_("answer to the sender"), blank=True, max_length=4000)
    # A message the anonymous sender wrote after reading an answer: it continues the first
    # contact (``reply_to``), which its codes still open, and is answered like any contact.
    reply_to = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replies", verbose_name=_("reply to")
    )
    referred_service = models.ForeignKey(
        Service, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("referred to")
    )
    family = models.ForeignKey(
        Family, on_delete=models.PROTECT, null=True, blank=True, related_name="contacts", verbose_name=_("family")
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["due_at", "received_at", "id"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        indexes = [models.Index(fields=["organisation", "status", "due_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="closed", closed_at__isnull=False) & ~Q(outcome="")
                | (~Q(status="closed") & Q(closed_at__isnull=True, outcome="")),
                name="contact_closed_has_outcome",
            ),
            models.CheckConstraint(
                condition=~Q(channel="concern_report") | ~Q(consent_given_by=""),
                name="contact_concern_report_has_consent",
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class ChildWelfareNotification(models.Model):
    class Notifier(models.TextChoices):
        PROFESSIONAL = "professional", _("Professional (duty to notify)")
        PRIVATE_PERSON = "private_person", _("Private person")
        FAMILY = "family", _("The family or the child")
        POLICE = "police", _("Police")
        OTHER = "other", _("Other")

    class Decision(models.TextChoices):
        START_ASSESSMENT = "start_assessment", _("Start the service-need assessment")
        ALREADY_CLIENT = "already_client", _("Already a client: handled in the client work")
        NO_ACTION = "no_action", _("No action: obviously no need")

    class AssessmentResult(models.TextChoices):
        CLIENT = "client", _("Child protection clienthood continues")
        OTHER_SERVICES = "other_services", _("Other services for the family")
        NO_NEED = "no_need", _("No need for services")

    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="child_welfare_notifications", verbose_name=_("received by")
    )
    received_at = models.DateTimeField(_("received"), db_index=True)
    family = models.ForeignKey(
        Family, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("family")
    )
    child = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("child")
    )
    child_details = models.CharField(
        _("child, when not yet a client"), max_length=200, blank=True, help_text=_("Name and birth date as notified.")
    )
    notifier = models.CharField(_("notifier"), max_length=20, choices=Notifier.choices)
    notifier_details = models.CharField(_("notifier's details"), max_length=200, blank=True)
    reported_urgent = models.BooleanField(_("notified as urgent"), default=False)
    content = models.TextField(_("content"), max_length=8000)
    source_contact = models.ForeignKey(
        Contact, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("from contact")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Clock 1: urgency assessed immediately.
    urgency_due_at = models.DateTimeField(_("urgency assessment due"))
    is_urgent = models.BooleanField(_("urgent"), null=True, blank=True)
    urgency_assessed_at = models.DateTimeField(_("urgency assessed"), null=True, blank=True)
    urgency_assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Clock 2: the decision whether to start the assessment by the 7th working day.
    decision_due_at = models.DateTimeField(_("decision due"))
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Clock 3: the assessment finished within 3 months.
    assessment_due_at = models.DateTimeField(_("assessment due"))
    assessment_result = models.CharField(
        _("assessment result"), max_length=20, choices=AssessmentResult.choices, blank=True
    )
    assessment_completed_at = models.DateTimeField(_("assessment completed"), null=True, blank=True)
    assessment_completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assigned_worker = models.ForeignKey(
        Worker,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible social worker"),
    )

    class Meta:
        ordering = ["decision_due_at", "id"]
        verbose_name = _("child welfare notification")
        verbose_name_plural = _("child welfare notifications")
        indexes = [models.Index(fields=["service", "decided_at", "decision_due_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(family__isnull=False) | ~Q(child_details=""), name="cwn_names_a_child"),
            models.CheckConstraint(
                condition=Q(decision="", decided_at__isnull=True) | (~Q(decision="") & Q(decided_at__isnull=False)),
                name="cwn_decision_has_time",
            ),
            models.CheckConstraint(
                condition=Q(assessment_result="", assessment_completed_at__isnull=True)
                | (~Q(assessment_result="") & Q(assessment_completed_at__isnull=False)),
                name="cwn_assessment_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"

    @property
    def is_closed(self) -> bool:
        return bool(self.assessment_result) or self.decision in (
            self.Decision.NO_ACTION,
            self.Decision.ALREADY_CLIENT,
        )


class Urgency(models.TextChoices):
    URGENT = "urgent", _("Urgent")
    HIGH = "high", _("Soon")
    NORMAL = "normal", _("Normal")


URGENCY_ORDER = {Urgency.URGENT: 0, Urgency.HIGH: 1, Urgency.NORMAL: 2}


class NeedSource(models.TextChoices):
    HELP_BUTTON = "help_button", _("Help button")
    PHONE = "phone", _("Phone")
    WALK_IN = "walk_in", _("Walk-in")
    CONSULTATION = "consultation", _("Professional's consultation")
    CONCERN_REPORT = "concern_report", _("Concern report")
    CHILD_WELFARE_NOTIFICATION = "child_welfare", _("Child welfare notification")
    NETWORK_MEETING = "network_meeting", _("Network meeting")
    WORKER = "worker", _("A worker's assessment")


class ServiceNeed(models.Model):
    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        ALLOCATED = "allocated", _("Allocated")
        IN_PROGRESS = "in_progress", _("In progress")
        CLOSED = "closed", _("Closed")

    class Outcome(models.TextChoices):
        COMPLETED = "completed", _("Help completed")
        REFERRED = "referred", _("Referred to another service")
        DECLINED = "declined", _("The family declined")
        NOT_NEEDED = "not_needed", _("No longer needed")
        MOVED = "moved", _("Moved away")

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="service_needs", verbose_name=_("family"))
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("for whom")
    )
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+", verbose_name=_("service"))
    work_type = models.ForeignKey(WorkType, on_delete=models.PROTECT, related_name="+", verbose_name=_("work type"))
    sessions_per_week = models.PositiveSmallIntegerField(_("visits a week"), default=1)
    session_minutes = models.PositiveSmallIntegerField(_("minutes a visit"), default=60)
    weeks = models.PositiveSmallIntegerField(_("weeks"), default=8)
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    language = models.ForeignKey(
        Language, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("language")
    )
    home_visits = models.BooleanField(_("home visits"), default=False)
    # the competence or method training the work needs (e.g. Nepsy-valmennus); allocation
    # offers only workers who have it
    competence = models.ForeignKey(
        "people.Competence",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("competence or method needed"),
    )
    source = models.CharField(_("source"), max_length=20, choices=NeedSource.choices)
    source_contact = models.ForeignKey(Contact, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    source_notification = models.ForeignKey(
        ChildWelfareNotification, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # When the family first asked (the contact's or notification's time), from which
    # waiting time is counted; recorded_at is when the need was written down.
    received_at = models.DateTimeField(_("received"), db_index=True)
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.WAITING)
    worker = models.ForeignKey(
        Worker,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="service_needs",
        verbose_name=_("allocated to"),
    )
    allocated_at = models.DateTimeField(_("allocated"), null=True, blank=True)
    allocated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    first_help_at = models.DateTimeField(_("first help realised"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    appointments = models.ManyToManyField(Appointment, blank=True, related_name="service_needs")

    class Meta:
        ordering = ["received_at", "id"]
        verbose_name = _("service need")
        verbose_name_plural = _("service needs")
        indexes = [
            models.Index(fields=["status", "received_at"]),
            models.Index(fields=["worker", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="closed", closed_at__isnull=False) & ~Q(outcome="")
                | (~Q(status="closed") & Q(closed_at__isnull=True, outcome="")),
                name="service_need_closed_has_outcome",
            ),
            models.CheckConstraint(
                condition=Q(status="waiting") | Q(status="closed") | Q(worker__isnull=False),
                name="service_need_allocated_has_worker",
            ),
            models.CheckConstraint(
                condition=Q(sessions_per_week__gte=1, session_minutes__gte=15, weeks__gte=1),
                name="service_need_intensity_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service} ({self.family.key})"

    @property
    def intensity(self) -> str:
        return _("%(n)d × %(min)d min a week for %(weeks)d weeks") % {
            "n": self.sessions_per_week,
            "min": self.session_minutes,
            "weeks": self.weeks,
        }


EVENT_LABELS = {
    "received": _("Received"),
    "claimed": _("Taken to handle"),
    "answered": _("Answered"),
    "closed": _("Closed"),
    "urgency_assessed": _("Urgency assessed"),
    "decided": _("Decision made"),
    "assessment_completed": _("Assessment completed"),
    "recorded": _("Recorded"),
    "allocated": _("Allocated"),
    "started": _("First help realised"),
    "meeting_convened": _("Network meeting convened"),
}


class IntakeEvent(models.Model):
    """One step of a contact, a notification or a service need: who, when, what. The
    step's free text stays on its item; the event keeps only the action and its codes."""

    APPEND_ONLY = True  # every step of a contact, notification or need stays as it was (access/db.py)

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, null=True, blank=True, related_name="events")
    notification = models.ForeignKey(
        ChildWelfareNotification, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    service_need = models.ForeignKey(
        ServiceNeed, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    action = models.CharField(max_length=30)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(contact__isnull=False) | Q(notification__isnull=False) | Q(service_need__isnull=False),
                name="intake_event_has_subject",
            ),
        ]

    @property
    def label(self) -> str:
        return str(EVENT_LABELS.get(self.action, self.action))
