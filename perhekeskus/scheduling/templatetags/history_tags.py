"""``{{ change.changes|changed_fields }}``: what an appointment's change touched, in words
("time, workers"), not field names ("planned_start, workers")."""

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

FIELDS = {
    "planned_start": _("time"),
    "planned_end": _("time"),
    "actual_start": _("realised time"),
    "actual_end": _("realised time"),
    "status": _("status"),
    "unit_price": _("unit price"),
    "location_kind": _("location"),
    "cancellation_reason": _("cancellation reason"),
    "cancelled_by": _("who cancelled"),
    "work_type_id": _("work type"),
    "family_id": _("family"),
    "address": _("address"),
    "notes_to_heed": _("notes to heed"),
    "cancellation_text": _("cancellation explanation"),
    "workers": _("workers"),
}


@register.filter
def changed_fields(changes) -> str:
    """In the order of FIELDS (time first), whatever order the database kept the keys in
    (PostgreSQL's jsonb orders them by length)."""
    changes = changes or {}
    keys = [k for k in FIELDS if k in changes] + sorted(k for k in changes if k not in FIELDS)
    labels = []
    for key in keys:
        label = str(FIELDS.get(key, key))
        if label not in labels:
            labels.append(label)
    return ", ".join(labels)
