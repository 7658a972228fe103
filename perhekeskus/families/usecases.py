"""The front door of the family's overall picture, its named workers and its network
meetings: one function per operation, shared by pages and API (``access.frontdoor``).
Each asks ``access.policy``, calls the selector or service and writes the access log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from perhekeskus.access import frontdoor, policy
from perhekeskus.access.frontdoor import Caller
from perhekeskus.access.models import AccessEvent
from perhekeskus.errors import Forbidden
from perhekeskus.intake.models import Contact
from perhekeskus.people import services as people_services
from perhekeskus.people.models import Family, NamedWorker, Person, Worker
from perhekeskus.scheduling.models import Appointment

from . import selectors, services
from .models import FamilyClientGroup, MeetingNetwork, NetworkMeeting

A = AccessEvent.Action
MAX_MINUTES = 240


def _log_overview(caller: Caller, o: selectors.Overview, basis: str) -> None:
    frontdoor.log(caller, A.VIEW, "family", [(o.family.pk, o.family.pk)], basis)
    frontdoor.log(caller, A.LIST, "appointment", [(a.pk, o.family.pk) for a in o.shown_appointments], basis)
    frontdoor.log(caller, A.LIST, "service_need", [(n.pk, o.family.pk) for n in o.shown_needs], basis)
    frontdoor.log(caller, A.LIST, "purchase", [(p.pk, o.family.pk) for p in o.shown_purchases], basis)
    frontdoor.log(caller, A.LIST, "named_worker", [(n.pk, o.family.pk) for n in o.named_workers], basis)
    frontdoor.log(caller, A.LIST, "network_meeting", [(m.pk, o.family.pk) for m in o.meetings], basis)


@dataclass
class OverviewPage:
    overview: selectors.Overview
    basis: str
    show_address: bool
    may_name: bool
    may_convene: bool
    may_record_groups: bool


def family_overview_for(caller: Caller, family_id, *, today: dt.date | None = None) -> OverviewPage:
    """The family's overall picture (``selectors.overview``) for anyone who reaches the
    family, as the disclosure rules show it; logged with every entry shown."""
    family, basis = frontdoor.family_to_read(caller, family_id)
    show_address = policy.may_see_address(caller.user, family)
    policy.mask_family(family, visible=show_address)
    o = selectors.overview(user=caller.user, family=family, basis=basis, today=today)
    _log_overview(caller, o, basis)
    return OverviewPage(
        overview=o,
        basis=basis,
        show_address=show_address,
        may_name=policy.may_name_workers(caller.user, basis),
        may_convene=policy.may_convene_meeting(caller.user, basis),
        may_record_groups=policy.may_record_client_groups(caller.user, basis),
    )


# --- named workers ------------------------------------------------------------------------


def _family_for_write(caller: Caller, family_id, *, from_path: bool) -> tuple[Family, str | None]:
    """The family a write is about: named in the address (a page's {pk}: NotFound, the
    same as no such family, when the caller does not reach it) or in the input (the API's
    body: the same field error as an unknown id). Both logged ``refused``."""
    if from_path:
        family, _basis = frontdoor.family_to_read(caller, family_id)
    else:
        family = frontdoor.family_to_write(caller, family_id)
        if family is None:
            raise ValidationError({"family": [frontdoor.FAMILY_UNKNOWN]})
    return family, policy.family_write_basis(caller.user, family.pk)


def _naming_family(caller: Caller, family_id, *, from_path: bool) -> tuple[Family, str]:
    family, basis = _family_for_write(caller, family_id, from_path=from_path)
    if not policy.may_name_workers(caller.user, basis):
        raise Forbidden()
    return family, basis


def active_worker(worker_id, *, field: str = "worker") -> Worker:
    """A worker named in the input (workers are not client data: every active one may be
    named, across organisations)."""
    pk = frontdoor.as_id(worker_id)
    worker = Worker.objects.filter(pk=pk, is_active=True).select_related("unit", "organisation").first() if pk else None
    if worker is None:
        raise ValidationError({field: [_("Choose an active worker.")]})
    return worker


def named_worker_assign_as(
    caller: Caller,
    family_id,
    *,
    worker_id,
    role: str,
    start_date: dt.date | None = None,
    reason: str = "",
    from_path: bool = True,
) -> NamedWorker:
    family, basis = _naming_family(caller, family_id, from_path=from_path)
    worker = active_worker(worker_id)
    if not reason.strip():
        raise ValidationError({"reason": [_("Give the reason for the naming.")]})
    named = people_services.named_worker_assign(
        actor=caller.user, family=family, worker=worker, role=role, start_date=start_date, reason=reason.strip()
    )
    frontdoor.log(caller, A.CREATE, "named_worker", [(named.pk, family.pk)], basis)
    return named


def named_worker_for_change(caller: Caller, pk) -> tuple[NamedWorker, str]:
    """A naming the caller may end (``policy.may_name_workers``) and the basis; NotFound
    (logged) when they do not reach its family, Forbidden when they may not name."""
    named = NamedWorker.objects.filter(pk=frontdoor.as_id(pk) or 0).select_related("family", "worker").first()
    basis = policy.family_write_basis(caller.user, named.family_id) if named else None
    if named is None or basis is None:
        raise frontdoor.refuse(caller, "named_worker", pk, named.family_id if named else None)
    if not policy.may_name_workers(caller.user, basis):
        raise Forbidden()
    return named, basis


def named_worker_end_as(caller: Caller, pk, *, end_date: dt.date | None = None, reason: str = "") -> NamedWorker:
    named, basis = named_worker_for_change(caller, pk)
    if named.end_date is not None and named.end_date < timezone.localdate():
        raise ValidationError({"end_date": [_("This naming has already ended.")]})
    if not reason.strip():
        raise ValidationError({"reason": [_("Give the reason for ending the naming.")]})
    named = people_services.named_worker_end(named_worker=named, end_date=end_date, reason=reason.strip())
    frontdoor.log(caller, A.UPDATE, "named_worker", [(named.pk, named.family_id)], basis)
    return named


def family_named_workers_as(caller: Caller, family_id) -> tuple[Family, list[NamedWorker]]:
    """Every naming of the family, current and ended, with reasons."""
    family, basis = frontdoor.family_to_read(caller, family_id)
    rows = list(
        NamedWorker.objects.filter(family=family)
        .select_related("worker__unit", "worker__organisation")
        .order_by("role", "-start_date", "-pk")
    )
    frontdoor.log(caller, A.LIST, "named_worker", [(n.pk, family.pk) for n in rows], basis)
    return family, rows


@dataclass
class MyFamilies:
    namings: list
    checks: list


def my_named_families_as(caller: Caller) -> MyFamilies:
    """A worker's families they are named for and the next checks agreed in network
    meetings for them; logged."""
    me = policy.own_worker(caller.user)
    if me is None:
        return MyFamilies([], [])
    namings = selectors.named_families(worker=me)
    checks = selectors.next_checks(worker=me)
    for f in [n.family for n in namings] + [m.family for m in checks]:
        policy.mask_family(f, visible=policy.may_see_address(caller.user, f))
    frontdoor.log(caller, A.LIST, "family", [(n.family_id, n.family_id) for n in namings], "own_families")
    frontdoor.log(caller, A.LIST, "network_meeting", [(m.pk, m.family_id) for m in checks], "own_families")
    return MyFamilies(namings, checks)


@dataclass
class NamingRow:
    family: Family
    services: int


def naming_suggestions_as(caller: Caller, *, since: dt.date | None = None) -> list[NamingRow]:
    """Families with many services and no responsible worker or family partner, by name,
    for the roles that name workers (logged as a listing)."""
    if not policy.may_see_naming_suggestions(caller.user):
        raise Forbidden()
    since = since or timezone.localdate() - dt.timedelta(days=365)
    scope = policy.reachable_families_q(caller.user)
    qs, counts = selectors.without_responsible(since=since, services=settings.MANY_SERVICES, scope=scope)
    families = list(qs[:500])
    frontdoor.log(caller, A.LIST, "family", [(f.pk, f.pk) for f in families], policy.list_basis(caller.user))
    rows = [NamingRow(f, counts.get(f.pk, 0)) for f in policy.mask_families(caller.user, families)]
    rows.sort(key=lambda r: (-r.services, r.family.name))
    return rows


def naming_report(caller: Caller, *, since: dt.date | None = None) -> list[dict]:
    """The managers' report: the same families by pseudonymous key only, with the number
    of services (no client data, not logged as an access)."""
    if not policy.may_see_naming_report(caller.user):
        raise Forbidden()
    since = since or timezone.localdate() - dt.timedelta(days=365)
    scope = policy.organisation_families_scope_q(caller.user)
    qs, counts = selectors.without_responsible(since=since, services=settings.MANY_SERVICES, scope=scope)
    keys = list(qs.values_list("pk", "key"))
    rows = [{"family": key, "services": counts.get(pk, 0)} for pk, key in keys]
    rows.sort(key=lambda r: (-r["services"], r["family"]))
    return rows


# --- critical client groups ---------------------------------------------------------------


def client_group_add_as(caller: Caller, family_id, *, group: str) -> FamilyClientGroup:
    family, basis = _family_for_write(caller, family_id, from_path=True)
    if not policy.may_record_client_groups(caller.user, basis):
        raise Forbidden()
    row = services.client_group_add(actor=caller.user, family=family, group=group)
    frontdoor.log(caller, A.CREATE, "client_group", [(row.pk, family.pk)], basis)
    return row


def client_group_end_as(caller: Caller, pk) -> FamilyClientGroup:
    row = FamilyClientGroup.objects.filter(pk=frontdoor.as_id(pk) or 0).first()
    basis = policy.family_write_basis(caller.user, row.family_id) if row else None
    if row is None or not policy.may_record_client_groups(caller.user, basis):
        raise frontdoor.refuse(caller, "client_group", pk, row.family_id if row else None)
    row = services.client_group_end(client_group=row)
    frontdoor.log(caller, A.UPDATE, "client_group", [(row.pk, row.family_id)], basis)
    return row


# --- network meetings ---------------------------------------------------------------------


def _convening(caller: Caller, family_id, *, from_path: bool) -> tuple[Family, str]:
    family, basis = _family_for_write(caller, family_id, from_path=from_path)
    if not policy.may_convene_meeting(caller.user, basis):
        raise Forbidden()
    return family, basis


@dataclass
class MeetingForm:
    family: Family
    may_convene: bool
    persons: list[Person]
    contact: Contact | None

    @property
    def initial(self) -> dict:
        """The form's starting values: from the intake contact it is convened from, that
        contact's consent and who asked (a reporting professional, or the family)."""
        c = self.contact
        if c is None:
            return {}
        asked = NetworkMeeting.RequestedBy.PROFESSIONAL if c.reporter else NetworkMeeting.RequestedBy.FAMILY
        return {"contact": c.pk, "consent_given_by": c.consent_given_by, "requested_by": asked}


def meeting_form_for(caller: Caller, family_id, contact_id=None) -> MeetingForm:
    """The family whose network meeting the form convenes, whether the caller may
    convene it (NotFound, logged, when they do not reach the family), the family's
    members to choose from and, when the meeting is convened from an intake contact,
    that contact (only one of this family's that the caller handles; logged as read)."""
    family, basis = frontdoor.family_to_read(caller, family_id)
    may = policy.may_convene_meeting(caller.user, policy.family_write_basis(caller.user, family.pk))
    frontdoor.log(caller, A.VIEW, "family", [(family.pk, family.pk)], basis)
    persons, contact = [], None
    if may:
        persons = list(Person.objects.filter(memberships__family=family).order_by("birth_date", "first_name"))
        contact = _contact_of(caller, family, contact_id) if contact_id not in (None, "") else None
        if contact is not None:
            frontdoor.log(caller, A.VIEW, "contact", [(contact.pk, family.pk)], basis)
    return MeetingForm(family=family, may_convene=may, persons=persons, contact=contact)


def _contact_of(caller: Caller, family: Family, contact_id) -> Contact | None:
    """The family's intake contact ``contact_id`` if the caller handles it, else None."""
    contact = Contact.objects.filter(pk=frontdoor.as_id(contact_id) or 0, family=family).first()
    return contact if contact is not None and policy.may_handle_contact(caller.user, contact) else None


def convener_for(caller: Caller, worker_id=None) -> Worker:
    """The contact person who convenes: the caller's own worker, or (for a planning role)
    a worker whose time they book."""
    if worker_id in (None, ""):
        me = policy.own_worker(caller.user)
        if me is None:
            raise ValidationError({"convener": [_("Choose the contact person who convenes the meeting.")]})
        return me
    worker = active_worker(worker_id, field="convener")
    if not policy.can_book_for(caller.user, worker):
        raise ValidationError({"convener": [_("Choose the contact person who convenes the meeting.")]})
    return worker


def _meeting_workers(caller: Caller, worker_ids: Sequence, convener_id) -> tuple[Worker, list[Worker]]:
    """The convener and the other professionals invited (the convener named among them
    is left out of the invited); at least one invited."""
    convener = convener_for(caller, convener_id)
    ids = [frontdoor.as_id(w) for w in worker_ids]
    if not ids or any(i is None for i in ids):
        raise ValidationError({"workers": [_("Choose the professionals the family wants.")]})
    found = {w.pk: w for w in Worker.objects.filter(pk__in=ids, is_active=True).select_related("unit", "organisation")}
    if len(found) != len(set(ids)):
        raise ValidationError({"workers": [_("Choose active workers.")]})
    invited = [found[i] for i in dict.fromkeys(ids) if i != convener.pk]
    if not invited:
        raise ValidationError({"workers": [_("Invite at least one other professional.")]})
    return convener, invited


def _minutes(value) -> int:
    try:
        minutes = int(value)
    except (TypeError, ValueError):
        minutes = 0
    if not 15 <= minutes <= MAX_MINUTES:
        raise ValidationError({"minutes": [_("A meeting lasts from 15 to %(max)d minutes.") % {"max": MAX_MINUTES}]})
    return minutes


def _network(network_id, workers: list[Worker]) -> MeetingNetwork | None:
    if network_id in (None, ""):
        return selectors.network_for(workers)
    network = MeetingNetwork.objects.filter(pk=frontdoor.as_id(network_id) or 0, is_active=True).first()
    if network is None:
        raise ValidationError({"network": [_("Choose an active network.")]})
    return network


@dataclass
class SlotSearch:
    family: Family
    convener: Worker
    workers: list[Worker]
    network: MeetingNetwork | None
    minutes: int
    proposals: list[selectors.Proposal]


def meeting_slots_as(
    caller: Caller,
    family_id,
    *,
    worker_ids: Sequence,
    minutes,
    convener_id=None,
    network_id=None,
    weeks: int = 8,
    from_path: bool = True,
) -> SlotSearch:
    """The earliest common times of the convener and the professionals the family wants
    (``selectors.meeting_slots``). Reads only free and busy time, no client data of other
    families; the family is named, so the caller must be one who convenes for it."""
    family, _basis = _convening(caller, family_id, from_path=from_path)
    convener, invited = _meeting_workers(caller, worker_ids, convener_id)
    workers = [convener, *invited]
    network = _network(network_id, workers)
    minutes = _minutes(minutes)
    proposals = selectors.meeting_slots(workers=workers, minutes=minutes, network=network, weeks=weeks)
    return SlotSearch(family, convener, invited, network, minutes, proposals)


def meeting_convene_as(
    caller: Caller,
    family_id,
    *,
    worker_ids: Sequence,
    start: dt.datetime,
    minutes,
    requested_by: str,
    consent_given_by: str,
    assessment: str = "",
    convener_id=None,
    network_id=None,
    contact_id=None,
    person_ids: Sequence = (),
    from_path: bool = True,
) -> NetworkMeeting:
    family, basis = _convening(caller, family_id, from_path=from_path)
    convener, invited = _meeting_workers(caller, worker_ids, convener_id)
    minutes = _minutes(minutes)
    network = _network(network_id, [convener, *invited])
    persons = frontdoor.persons_to_write(caller, family, person_ids)
    contact = None
    if contact_id not in (None, ""):
        contact = _contact_of(caller, family, contact_id)
        if contact is None:
            raise ValidationError({"contact": [_("No such contact for this family.")]})
    work_type = selectors.meeting_work_type()
    if work_type is None:
        raise ValidationError({"work_type": [_("No work type for network meetings is in use.")]})
    meeting = services.meeting_convene(
        actor=caller.user,
        family=family,
        convener=convener,
        invited=invited,
        work_type=work_type,
        start=start,
        end=start + dt.timedelta(minutes=minutes),
        requested_by=requested_by,
        consent_given_by=consent_given_by or "",
        assessment=assessment or "",
        network=network,
        contact=contact,
        persons=persons,
    )
    frontdoor.log(caller, A.CREATE, "network_meeting", [(meeting.pk, family.pk)], basis)
    frontdoor.log(caller, A.CREATE, "appointment", [(meeting.appointment_id, family.pk)], basis)
    return meeting


@dataclass
class MeetingPage:
    meeting: NetworkMeeting
    basis: str
    convener: Worker | None
    invited: list[Worker]
    may_record: bool


def _meeting(pk) -> NetworkMeeting | None:
    pk = frontdoor.as_id(pk)
    if pk is None:
        return None
    return (
        NetworkMeeting.objects.filter(pk=pk)
        .select_related("family", "appointment__work_type", "continues_with", "network", "convened_by")
        .prefetch_related("appointment__participants__resource__worker__unit", "appointment__persons")
        .first()
    )


def meeting_view_as(caller: Caller, pk) -> MeetingPage:
    """A network meeting: for those who reach the family and may see its appointment (an
    invited worker sees their own meeting)."""
    meeting = _meeting(pk)
    if meeting is None:
        raise frontdoor.refuse(caller, "network_meeting", pk)
    basis, _editable = policy.appointment_access(caller.user, meeting.appointment)
    family_basis = policy.family_access_basis(caller.user, meeting.family_id)
    if basis is None or family_basis is None:
        raise frontdoor.refuse(caller, "network_meeting", pk, meeting.family_id)
    workers = [(p.role, getattr(p.resource, "worker", None)) for p in meeting.appointment.participants.all()]
    convener = next((w for role, w in workers if role == "primary"), None)
    invited = sorted([w for role, w in workers if role == "invited" and w is not None], key=lambda w: w.name)
    frontdoor.log(caller, A.VIEW, "network_meeting", [(meeting.pk, meeting.family_id)], family_basis)
    return MeetingPage(
        meeting=meeting,
        basis=family_basis,
        convener=convener,
        invited=invited,
        may_record=policy.may_record_meeting(
            caller.user, meeting.appointment, policy.family_write_basis(caller.user, meeting.family_id)
        ),
    )


def meeting_to_record(caller: Caller, pk) -> tuple[NetworkMeeting, str]:
    """A network meeting whose agreement the caller may record; NotFound (logged) when
    they may not see it, Forbidden when they see it but do not record it."""
    meeting = _meeting(pk)
    basis = policy.family_write_basis(caller.user, meeting.family_id) if meeting else None
    if meeting is None or basis is None or policy.appointment_access(caller.user, meeting.appointment)[0] is None:
        raise frontdoor.refuse(caller, "network_meeting", pk, meeting.family_id if meeting else None)
    if not policy.may_record_meeting(caller.user, meeting.appointment, basis):
        raise Forbidden()
    return meeting, basis


def meeting_record_as(
    caller: Caller,
    pk,
    *,
    agreed: str,
    continues_with_id=None,
    next_check: dt.date | None = None,
    name_responsible: bool = False,
) -> NetworkMeeting:
    meeting, basis = meeting_to_record(caller, pk)
    if meeting.appointment.status == Appointment.Status.CANCELLED:
        raise ValidationError({"agreed": [_("The meeting was cancelled.")]})
    continues_with = (
        None if continues_with_id in (None, "") else active_worker(continues_with_id, field="continues_with")
    )
    meeting = services.meeting_record(
        actor=caller.user,
        meeting=meeting,
        agreed=agreed or "",
        continues_with=continues_with,
        next_check=next_check,
        name_responsible=name_responsible,
    )
    frontdoor.log(caller, A.UPDATE, "network_meeting", [(meeting.pk, meeting.family_id)], basis)
    return meeting
