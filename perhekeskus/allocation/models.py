"""Allocation's records: queue proposals (what the solver proposed, what the coordinator
pinned, edited, removed and accepted) and their append-only events. A proposal books
nothing itself: accepting calls intake's allocation, which books through the calendar's
booking service."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from perhekeskus.intake.models import ServiceNeed
from perhekeskus.network.models import Service
from perhekeskus.people.models import Worker


class Proposal(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for the solver")
        RUNNING = "running", _("Solving")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")
        ACCEPTED = "accepted", _("Accepted")

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    previous = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("service")
    )
    urgency = models.CharField(_("urgency"), max_length=10, blank=True)
    seconds = models.PositiveSmallIntegerField(_("time limit (s)"), default=10)
    seed = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    task_id = models.CharField(max_length=64, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    progress = models.CharField(max_length=200, blank=True)
    solver_status = models.CharField(max_length=20, blank=True)
    objective = models.FloatField(null=True, blank=True)
    bound = models.FloatField(null=True, blank=True)
    gap = models.FloatField(null=True, blank=True)
    summary = models.JSONField(default=dict, blank=True)  # figures of the proposal
    greedy = models.JSONField(default=dict, blank=True)  # the same figures, allocating in queue order
    changes = models.PositiveIntegerField(null=True, blank=True)  # against the previous proposal
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("queue proposal")
        verbose_name_plural = _("queue proposals")


class ProposalRow(models.Model):
    """One need in a proposal: the worker and slot pattern proposed (none when it stays
    unassigned, with why), its explanation, and what the coordinator did with it."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="rows")
    need = models.ForeignKey(ServiceNeed, on_delete=models.PROTECT, related_name="+")
    worker = models.ForeignKey(Worker, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    weekdays = models.JSONField(default=list, blank=True)
    time = models.TimeField(null=True, blank=True)
    first_start = models.DateTimeField(null=True, blank=True)
    points = models.IntegerField(default=0)
    weight = models.IntegerField(default=0)
    km = models.FloatField(null=True, blank=True)
    explanation = models.JSONField(default=list, blank=True)  # [[why, points], ...]
    why_unassigned = models.CharField(max_length=300, blank=True)
    alternatives = models.JSONField(default=list, blank=True)  # other options, best first, for an edit
    pinned = models.BooleanField(default=False)
    removed = models.BooleanField(default=False)
    booked_at = models.DateTimeField(null=True, blank=True)
    booking_error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["proposal", "need"], name="proposal_row_one_per_need")]

    @property
    def key(self):
        if self.worker_id is None:
            return None
        return (self.need_id, self.worker_id, tuple(self.weekdays), self.time.strftime("%H:%M"))


class ProposalEvent(models.Model):
    """Who did what with a proposal, when: requested, solved, pinned, edited, removed,
    accepted (with counts). Codes and ids only, no client data."""

    APPEND_ONLY = True

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    action = models.CharField(max_length=20)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
