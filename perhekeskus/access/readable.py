"""The access log in words a family can read: who (name, profession and unit, not a
username), what was seen (not "appointment 194094") and on what grounds (not
"role:administrator"). Used by the printable access reports."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from perhekeskus.people.models import Worker

OBJECTS = {
    "family": _("the family's details"),
    "person": _("a person's details"),
    "appointment": _("an appointment"),
    "service_need": _("a service need"),
    "consent": _("a consent"),
    "contact": _("a contact to service guidance"),
    "child_welfare_notification": _("a child welfare notification"),
    "purchase": _("a purchased service"),
    "break_glass": _("an emergency access"),
    "access_report": _("this access report"),
    "person_access_report": _("a person's access report"),
    "worker": _("a booking of a worker"),
}
BASES = {
    "named_worker:own_worker": _("own worker of the family"),
    "named_worker:responsible_worker": _("responsible worker of the family"),
    "named_worker:family_partner": _("family partner of the family"),
    "appointment": _("an appointment with the family"),
    "participant": _("takes part in the appointment"),
    "booked_by": _("booked the appointment"),
    "service_need": _("the family's service need is allocated to them"),
    "own_appointments": _("their own appointments"),
    "own_families": _("their own families"),
    "break_glass": _("emergency access, with a reason"),
    "break_glass_search": _("searching for an emergency access"),
    "refused": _("refused: no right to see"),
    "role:resource_coordinator": _("resource coordinator planning the work"),
    "role:service_guidance": _("service guidance"),
    "role:network_coordinator": _("network coordinator"),
    "role:manager": _("manager"),
    "role:administrator": _("administrator"),
    "service:child_protection": _("child protection"),
    "report:manager": _("a management report (family by its key)"),
    "report:resource_coordinator": _("a management report (family by its key)"),
    "report:administrator": _("a management report (family by its key)"),
}


def readable(events) -> list:
    """The events with ``who``, ``what`` and ``why`` in words (two queries in all)."""
    events = list(events)
    workers = {
        w.user_id: w
        for w in Worker.objects.filter(user_id__in={e.user_id for e in events if e.user_id}).select_related("unit")
    }
    for e in events:
        w = workers.get(e.user_id)
        e.who = f"{w.name}, {w.get_profession_display()} ({w.unit.name})" if w else (e.username or "–")
        e.what = OBJECTS.get(e.object_type, e.object_type)
        e.why = BASES.get(e.basis, e.basis)
    return events
