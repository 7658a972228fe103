"""Writes of workers, families and persons."""

from __future__ import annotations

from django.db import transaction


def named_worker_assign(*, actor, family, worker, role: str, start_date=None, reason: str = ""):
    """Name a worker for a family in a role, with the reason; the previous one in that
    role ends the day before (or on their first day, if they started that day), with the
    new naming as the reason for ending."""
    import datetime as dt

    from django.core.exceptions import ValidationError
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from .models import NamedWorker

    if role not in NamedWorker.Role.values:
        raise ValidationError({"role": [_("Unknown role.")]})
    if not worker.is_active:
        raise ValidationError({"worker": [_("This worker is no longer active.")]})
    start = start_date or timezone.localdate()
    with transaction.atomic():
        current = (
            NamedWorker.objects.select_for_update().filter(family=family, role=role, end_date__isnull=True).first()
        )
        if current is not None:
            if current.worker_id == worker.pk:
                return current
            current.end_date = max(current.start_date, start - dt.timedelta(days=1))
            current.end_reason = current.end_reason or _("Followed by %(name)s.") % {"name": worker.name}
            current.save(update_fields=["end_date", "end_reason"])
        return NamedWorker.objects.create(
            family=family,
            worker=worker,
            role=role,
            start_date=start,
            reason=reason[:300],
            created_by=actor if actor and actor.is_authenticated else None,
        )


def named_worker_end(*, named_worker, end_date=None, reason: str = ""):
    """End a naming on a date (today by default; never before it began), with the reason."""
    from django.core.exceptions import ValidationError
    from django.utils import timezone
    from django.utils.translation import gettext as _

    end = end_date or timezone.localdate()
    if end < named_worker.start_date:
        raise ValidationError({"end_date": [_("The end cannot be before the naming began.")]})
    with transaction.atomic():
        named_worker.end_date = end
        named_worker.end_reason = reason[:300]
        named_worker.save(update_fields=["end_date", "end_reason"])
    return named_worker


def person_set_address_non_disclosure(*, person, value: bool) -> None:
    """Set or lift a person's address non-disclosure order; every family (home) of the
    person is protected while any of its members has one."""
    from django.db.models import Exists, OuterRef

    from .models import Family, Membership

    with transaction.atomic():
        person.address_non_disclosure = value
        person.save(update_fields=["address_non_disclosure"])
        protected_member = Membership.objects.filter(family_id=OuterRef("pk"), person__address_non_disclosure=True)
        for family in Family.objects.filter(memberships__person=person).annotate(p=Exists(protected_member)):
            if family.address_protected != family.p:
                Family.objects.filter(pk=family.pk).update(address_protected=family.p)
