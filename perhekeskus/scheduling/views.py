"""Calendar pages. Thin: parse input, ask the policy, call a selector or a service, render."""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from perhekeskus.access.forms import ConsentForm
from perhekeskus.access.models import AccessEvent
from perhekeskus.access.services import access_log, access_refused
from perhekeskus.api import validation_error_payload
from perhekeskus.flash import flash_errors
from perhekeskus.intake import policy as intake_policy
from perhekeskus.intake import selectors as intake_selectors
from perhekeskus.people import selectors as people_selectors
from perhekeskus.people.models import Family, Worker

from . import policy, selectors, services
from .forms import (
    MAX_ID,
    AppointmentForm,
    CancelForm,
    EditScopeForm,
    RealiseForm,
    ResourceFilterForm,
    local_datetime,
    safe_day,
)
from .models import Appointment, CancellationReason, WorkClass
from .render import resource_rows_html
from .timeline import HELSINKI, Frame

# Service errors name model fields; the form names some of them differently.
FIELD_MAP = {"planned_start": "start_time", "planned_end": "end_time", "text": None}


def _apply_errors(form, exc: ValidationError) -> None:
    for field, messages_ in validation_error_payload(exc).items():
        name = FIELD_MAP.get(field, field)
        form.add_error(name if name in form.fields else None, messages_)


def _parse_day(value: str | None) -> dt.date:
    """The date of a URL; today when it is missing or not a usable date."""
    return safe_day(value) or selectors.now_local().date()


@login_required
def home(request):
    worker = policy.own_worker(request.user)
    if policy.plans_from_resource_view(request.user) or (worker is None and policy.can_see_resource_view(request.user)):
        return redirect("scheduling:resource_view")
    if worker:  # a worker starts from their own day
        return redirect("scheduling:worker_calendar", pk=worker.pk)
    return render(request, "scheduling/no_role.html")


# --- resource view --------------------------------------------------------------------


def _resource_frame(form: ResourceFilterForm) -> tuple[Frame, str, dt.date]:
    data = form.cleaned_data if form.is_valid() else {}
    view = data.get("view") or "week"
    day = data.get("date") or selectors.now_local().date()
    if view in ("week", "week7"):
        first = day - dt.timedelta(days=day.weekday())
        return Frame.for_days(first, 7 if view == "week7" else 5), view, day
    return Frame.for_days(day, 1), view, day


def _worker_filter(form: ResourceFilterForm) -> selectors.WorkerFilter:
    data = form.cleaned_data if form.is_valid() else {}
    return selectors.WorkerFilter(
        organisation=data["organisation"].pk if data.get("organisation") else None,
        unit=data["unit"].pk if data.get("unit") else None,
        profession=data.get("profession") or None,
        competence=data["competence"].pk if data.get("competence") else None,
        language=data["language"].pk if data.get("language") else None,
        search=data.get("q") or "",
    )


def _rows_context(request, form, frame, offset: int, ids: list[int] | None = None, chunk: int | None = None):
    filters = _worker_filter(form)
    workers_qs = selectors.worker_list(filters=filters)
    chunk = chunk or settings.RESOURCE_VIEW_CHUNK
    if ids is not None:
        workers = list(workers_qs.filter(pk__in=ids))
        has_more = False
    else:
        workers = list(workers_qs[offset : offset + chunk + 1])
        has_more = len(workers) > chunk
        workers = workers[:chunk]
    start, end = selectors.local_day_bounds(frame.first_day, frame.days)
    rows = selectors.resource_rows(workers=workers, start=start, end=end)
    # Coordinators plan with the client's name, address and notes within their scope; a
    # manager sees the family's pseudonymous key; others see busy time and work class
    # only, but their own appointments in full (docs/access.md).
    modes = {row.worker.pk: policy.row_mode(request.user, row.worker) for row in rows}
    own_ids = selectors.own_appointment_ids(worker=policy.own_worker(request.user), start=start, end=end)
    can_book = any(m == policy.FULL for m in modes.values())
    if frame.days == 1:  # only the day view shows client names, addresses and notes
        _log_entries(
            request,
            [
                e
                for row in rows
                for e in row.entries
                if modes[row.worker.pk] == policy.FULL or e.appointment_id in own_ids
            ],
        )
    params = request.GET.copy()
    params["offset"] = offset + chunk
    # the first screen comes with the page; the rest follows at once in larger chunks
    params["limit"] = settings.RESOURCE_VIEW_CHUNK * 2
    params.pop("ids", None)
    return {
        "rows_html": resource_rows_html(rows, frame, modes=modes, own_ids=own_ids),
        "rows": rows,
        "frame": frame,
        "has_more": has_more,
        "next_url": reverse("scheduling:resource_rows") + "?" + params.urlencode(),
        "can_book": can_book,
    }


@login_required
@require_GET
def resource_view(request):
    if not policy.can_see_resource_view(request.user):
        raise PermissionDenied
    form = ResourceFilterForm(request.GET or None)
    frame, view, day = _resource_frame(form)
    step = dt.timedelta(days=1 if view == "day" else 7)
    base = request.GET.copy()

    def link(d: dt.date) -> str:
        base["date"] = d.isoformat()
        return "?" + base.urlencode()

    context = _rows_context(request, form, frame, 0)
    context.update(
        {
            "form": form,
            "view": view,
            "day": day,
            "prev_url": link(day - step),
            "next_period_url": link(day + step),
            "today_url": link(selectors.now_local().date()),
            "total_workers": selectors.worker_list(filters=_worker_filter(form)).count(),
            "work_classes": WorkClass.choices,
            "move_url": reverse("scheduling:appointment_move", args=[0]).replace("/0/", "/{id}/"),
            "new_url": reverse("scheduling:appointment_new"),
            "rows_url": reverse("scheduling:resource_rows"),
        }
    )
    return render(request, "scheduling/resource_view.html", context)


@login_required
@require_GET
def resource_rows(request):
    """A chunk of rows (infinite scroll), or given rows again after a move (``ids``)."""
    if not policy.can_see_resource_view(request.user):
        raise PermissionDenied
    form = ResourceFilterForm(request.GET or None)
    frame, _view, _day = _resource_frame(form)
    try:
        offset = max(0, int(request.GET.get("offset") or 0))
        chunk = min(max(1, int(request.GET.get("limit") or settings.RESOURCE_VIEW_CHUNK)), 200)
        ids = [int(i) for i in request.GET["ids"].split(",") if i] if request.GET.get("ids") else None
        if offset > MAX_ID or any(not 0 < i <= MAX_ID for i in ids or ()):
            raise ValueError
    except ValueError:
        return HttpResponse(status=400)
    return render(request, "scheduling/_resource_rows.html", _rows_context(request, form, frame, offset, ids, chunk))


# --- worker and family calendars ------------------------------------------------------


@login_required
def my_calendar(request):
    worker = policy.own_worker(request.user)
    if worker is None:
        raise Http404
    return redirect("scheduling:worker_calendar", pk=worker.pk)


@login_required
@require_GET
def worker_calendar(request, pk: int):
    worker = get_object_or_404(Worker.objects.select_related("organisation", "unit"), pk=pk)
    if not policy.can_see_worker_calendar(request.user, worker):
        raise Http404
    view = request.GET.get("view", "day")
    if view not in ("day", "week", "month", "list"):
        view = "day"
    day = _parse_day(request.GET.get("date"))
    if view == "day":
        first, days, step = day, 1, dt.timedelta(days=1)
    elif view == "week":
        first, days, step = day - dt.timedelta(days=day.weekday()), 7, dt.timedelta(days=7)
    elif view == "month":
        first = day.replace(day=1)
        nxt = (first + dt.timedelta(days=32)).replace(day=1)
        days, step = (nxt - first).days, None
    else:
        first, days, step = day, 28, dt.timedelta(days=28)
    start, end = selectors.local_day_bounds(first, days)
    row = selectors.worker_calendar(worker=worker, start=start, end=end)
    is_own = policy.own_worker(request.user) == worker
    _mask_entries(request, worker, row.entries, start, end, is_own=is_own)
    if view in ("day", "list"):  # these show client names and addresses
        _log_entries(request, [e for e in row.entries if e.mode == policy.FULL])
    by_day: dict[dt.date, list] = {first + dt.timedelta(days=i): [] for i in range(days)}
    for entry in row.entries:
        by_day.setdefault(timezone.localtime(entry.start, HELSINKI).date(), []).append(entry)
    day_rows = []
    if view == "week":
        frame = Frame.for_days(first, 1)
        for d, entries in by_day.items():
            d_frame = Frame.for_days(d, 1)
            for entry in entries:
                entry.boxes = d_frame.place(entry.start, entry.end)
            shift_boxes = [b for s, e in row.shifts for b in d_frame.place(s, e)]
            day_rows.append({"day": d, "entries": entries, "shift_boxes": shift_boxes})
    else:
        frame = None
    if view == "month":
        prev_day = (first - dt.timedelta(days=1)).replace(day=1)
        next_day = (first + dt.timedelta(days=32)).replace(day=1)
        lead = first.weekday()
        cells = [None] * lead + list(by_day.items())
        weeks = [cells[i : i + 7] for i in range(0, len(cells), 7)]
        weeks[-1] += [None] * (7 - len(weeks[-1]))
    else:
        prev_day, next_day, weeks = day - step, day + step, None
    context = {
        "worker": worker,
        "row": row,
        "view": view,
        "day": day,
        "first": first,
        "by_day": by_day,
        "frame": frame,
        "weeks": weeks,
        "day_rows": day_rows,
        "prev_url": "?" + urlencode({"view": view, "date": prev_day.isoformat()}),
        "next_url": "?" + urlencode({"view": view, "date": next_day.isoformat()}),
        "today_url": "?" + urlencode({"view": view}),
        "can_book": policy.can_book_for(request.user, worker),
        "quick_reasons": CancellationReason.choices,
        "ical_url": request.build_absolute_uri(reverse("scheduling:worker_ical", args=[worker.ical_token]))
        if is_own
        else None,
        "now": timezone.now(),
    }
    return render(request, "scheduling/worker_calendar.html", context)


def _mask_entries(request, worker, entries, start, end, *, is_own: bool) -> None:
    """Leave in another worker's entries only what the viewer may see (policy.row_mode):
    the family's key for a manager, the work class for a worker (busy time); their own
    appointments in full. A protected address only for the visiting worker."""
    mode = policy.FULL if is_own else policy.row_mode(request.user, worker)
    own_ids = (
        frozenset()
        if is_own
        else selectors.own_appointment_ids(worker=policy.own_worker(request.user), start=start, end=end)
    )
    labels = dict(WorkClass.choices)
    for entry in entries:
        entry.mode = policy.FULL if entry.appointment_id in own_ids else mode
        visiting = (
            is_own or entry.appointment_id in own_ids
        ) and entry.location_kind == Appointment.LocationKind.CLIENT_HOME
        if entry.family_protected and not visiting:
            entry.address = ""  # address non-disclosure: only the visiting worker sees it
        if entry.mode != policy.FULL:
            entry.address = entry.notes_to_heed = ""
            entry.family_name = entry.family_key if entry.mode == policy.KEY else ""
        if entry.mode == policy.BUSY:
            entry.work_type = str(labels.get(entry.work_class, ""))
            entry.others = []


@login_required
@require_GET
def family_calendar(request, pk: int):
    """The family's page: members, named workers, consents and the appointments of every
    service that the user may see (policy.disclosed_appointment_ids)."""
    family = get_object_or_404(Family, pk=pk)
    basis = policy.family_access_basis(request.user, family.pk)
    if basis is None:
        access_refused(request=request, object_type="family", object_id=family.pk, family_id=family.pk)
        raise Http404
    show = request.GET.get("show", "upcoming")
    now = timezone.now()
    if show == "past":
        appointments = selectors.family_appointments(family=family, end=now).reverse()[:200]
    elif show == "all":
        appointments = selectors.family_appointments(family=family)[:500]
    else:
        show = "upcoming"
        appointments = selectors.family_appointments(family=family, start=now)[:200]
    appointments = list(appointments)
    shown = policy.disclosed_appointment_ids(request.user, family, appointments, basis=basis)
    items = []
    for a in appointments:
        if a.pk in shown:
            primary, pair = selectors.appointment_workers(a)
            items.append({"a": a, "primary": primary, "pair": pair})
    members = list(family.memberships.select_related("person").order_by("role", "person__birth_date"))
    named_workers = family.named_workers.filter(end_date__isnull=True).select_related("worker__unit")
    may_record_consent = policy.may_record_consent(request.user, basis)
    needs = intake_selectors.family_needs(user=request.user, family_id=family.pk, basis=basis)
    _log_family(request, family, basis)
    if needs:
        access_log(
            request=request,
            action=AccessEvent.Action.LIST,
            object_type="service_need",
            objects=[(n.pk, family.pk) for n in needs],
            basis=basis,
        )
    if items:
        _log_appointments(request, AccessEvent.Action.LIST, [i["a"] for i in items], basis=basis)
    return render(
        request,
        "scheduling/family_calendar.html",
        {
            "family": family,
            "items": items,
            "hidden": len(appointments) - len(items),
            "show": show,
            "members": members,
            "named_workers": named_workers,
            "show_address": policy.may_see_address(request.user, family),
            "basis": basis,
            "break_glass": basis == policy.BREAK_GLASS,
            "consents": people_selectors.family_consents(family=family) if may_record_consent else None,
            "consent_form": ConsentForm(members=members) if may_record_consent else None,
            "may_record_consent": may_record_consent,
            "may_see_access_report": policy.may_see_access_report(request.user, basis),
            "service_needs": needs,
            "may_record_need": intake_policy.may_record_need(request.user),
        },
    )


def _search_families(request, q: str, limit: int):
    """Families the user reaches whose name contains ``q``, by name; their listing logged
    (the search words are not: they travel in the request body, never in an address)."""
    families = list(
        people_selectors.family_list(user=request.user).filter(name__icontains=q).order_by("name", "id")[:limit]
    )
    for f in families:
        if f.address_protected and not policy.may_see_address(request.user, f):
            f.address = ""  # address non-disclosure
    if families:
        access_log(
            request=request,
            action=AccessEvent.Action.LIST,
            object_type="family",
            objects=[(f.pk, f.pk) for f in families],
            basis=policy.list_basis(request.user),
        )
    return families


@login_required
@require_POST
def family_search(request):
    """Options for the booking form's family field: the families the user reaches
    (everyone for the roles that book and take contacts; a worker's own families)."""
    q = request.POST.get("q", "").strip()[:100]
    families = _search_families(request, q, 30) if len(q) >= 2 else []
    return render(request, "scheduling/_family_options.html", {"families": families, "q": q})


@login_required
@require_http_methods(["GET", "POST"])
def family_list(request):
    """Families: a worker's own (named for them or with appointments in the access window)
    at once; a search by name among all the user reaches."""
    me = policy.own_worker(request.user)
    q = request.POST.get("q", "").strip()[:100] if request.method == "POST" else ""
    if q and len(q) < 2:
        messages.error(request, _("Give at least 2 letters of the name."))
    if len(q) >= 2:
        families = _search_families(request, q, 100)
    elif me is not None:
        families = list(people_selectors.related_families(worker=me).order_by("name", "id")[:300])
        if families:
            access_log(
                request=request,
                action=AccessEvent.Action.LIST,
                object_type="family",
                objects=[(f.pk, f.pk) for f in families],
                basis="own_families",
            )
    else:
        families = []
    return render(
        request,
        "scheduling/family_list.html",
        {"families": families, "q": q, "may_break_glass": policy.may_break_glass(request.user)},
    )


@login_required
@require_GET
def family_persons(request):
    try:
        family_id = int(request.GET.get("family", ""))
        family = Family.objects.get(pk=family_id) if 0 < family_id <= MAX_ID else None
    except (ValueError, Family.DoesNotExist):
        family = None
    if family is None:
        return HttpResponse("")
    basis = policy.family_access_basis(request.user, family.pk)
    if basis is None:
        access_refused(request=request, object_type="family", object_id=family.pk, family_id=family.pk)
        raise Http404
    form = AppointmentForm(initial={"family": family.pk})
    _log_family(request, family, basis)
    return render(request, "scheduling/_persons_field.html", {"form": form})


# --- appointments ---------------------------------------------------------------------


def _service_kwargs(data) -> dict:
    return {
        "worker": data["worker"],
        "work_type": data["work_type"],
        "start": data["start"],
        "end": data["end"],
        "unit_price": data.get("unit_price"),
        "family": data.get("family"),
        "persons": list(data.get("persons") or []),
        "location_kind": data["location_kind"],
        "address": data.get("address") or "",
        "notes_to_heed": data.get("notes_to_heed") or "",
        "pair": data.get("pair"),
        "confirm_outside_shift": data.get("confirm_outside_shift", False),
    }


@login_required
def appointment_new(request):
    me = policy.own_worker(request.user)
    if not policy.is_coordinator(request.user) and me is None:
        raise PermissionDenied
    initial = {"location_kind": Appointment.LocationKind.CLIENT_HOME, "worker": me.pk if me else None}
    if request.method == "GET":
        if request.GET.get("worker", "").isdecimal() and int(request.GET["worker"]) <= MAX_ID:
            initial["worker"] = int(request.GET["worker"])
        try:
            start = parse_datetime(request.GET.get("start", ""))
        except ValueError:
            start = None
        if start and safe_day(start.date().isoformat()):
            start = timezone.localtime(
                timezone.make_aware(start, HELSINKI) if timezone.is_naive(start) else start, HELSINKI
            )
            initial.update(
                {"date": start.date(), "start_time": start.time(), "end_time": (start + dt.timedelta(hours=1)).time()}
            )
        form = AppointmentForm(initial=initial)
    else:
        form = AppointmentForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            if not policy.can_book_for(request.user, data["worker"]):
                form.add_error("worker", _("You may not book this worker."))
            else:
                try:
                    if data.get("repeat"):
                        created = services.appointment_book_recurring(
                            actor=request.user,
                            weekdays=data["weekdays"],
                            weeks=data["weeks"],
                            **_service_kwargs(data),
                        )
                        messages.success(request, _("Booked %(count)d appointments.") % {"count": len(created)})
                        _log_appointments(request, AccessEvent.Action.CREATE, created)
                        appointment = created[0]
                    else:
                        appointment = services.appointment_book(actor=request.user, **_service_kwargs(data))
                        _log_appointments(request, AccessEvent.Action.CREATE, [appointment])
                        messages.success(request, _("Appointment booked."))
                    return redirect("scheduling:appointment_detail", pk=appointment.pk)
                except services.OutsideShift as exc:
                    form.outside_shift = True
                    _apply_errors(form, exc)
                except ValidationError as exc:
                    _apply_errors(form, exc)
    return render(request, "scheduling/appointment_form.html", {"form": form, "is_new": True})


def _get_editable(request, pk: int) -> Appointment:
    appointment = get_object_or_404(Appointment, pk=pk)
    if not policy.can_edit_appointment(request.user, appointment):
        if appointment.family_id:
            access_refused(request=request, object_type="appointment", object_id=pk, family_id=appointment.family_id)
        raise Http404
    return appointment


@login_required
@require_GET
def appointment_detail(request, pk: int):
    appointment = get_object_or_404(Appointment.objects.only("id", "family_id", "created_by_id"), pk=pk)
    basis, can_edit = policy.appointment_access(request.user, appointment)
    if basis is None:
        if appointment.family_id:
            access_refused(request=request, object_type="appointment", object_id=pk, family_id=appointment.family_id)
        raise Http404
    appointment = selectors.appointment_get(pk=pk)
    primary, pair = selectors.appointment_workers(appointment)
    _log_appointments(request, AccessEvent.Action.VIEW, [appointment], basis=basis)
    return render(
        request,
        "scheduling/appointment_detail.html",
        {
            "a": appointment,
            "primary": primary,
            "pair": pair,
            "cost": selectors.unit_price_total(appointment),
            "show_address": policy.may_see_address(request.user, appointment.family, appointment=appointment),
            "can_edit": can_edit,
            "realise_form": RealiseForm(),
            "cancel_form": CancelForm(),
            "quick_reasons": CancellationReason.choices,
            "now": timezone.now(),
        },
    )


@login_required
def appointment_edit(request, pk: int):
    appointment = _get_editable(request, pk)
    appointment = selectors.appointment_get(pk=pk)
    primary, pair = selectors.appointment_workers(appointment)
    may_see_address = policy.may_see_address(request.user, appointment.family, appointment=appointment)
    if appointment.status != Appointment.Status.PLANNED:
        messages.error(request, _("Only planned appointments can be changed."))
        return redirect("scheduling:appointment_detail", pk=pk)
    if request.method == "POST":
        form = AppointmentForm(request.POST)
        scope_form = EditScopeForm(request.POST)
        if form.is_valid() and scope_form.is_valid():
            data = form.cleaned_data
            if not policy.can_book_for(request.user, data["worker"]):
                form.add_error("worker", _("You may not book this worker."))
            else:
                kwargs = _service_kwargs(data)
                if not kwargs["address"] and not may_see_address:
                    kwargs["address"] = None  # keep the protected address the user was not shown
                try:
                    changed = services.appointment_update(
                        actor=request.user,
                        appointment=appointment,
                        scope=scope_form.cleaned_data["scope"],
                        **kwargs,
                    )
                    _log_appointments(request, AccessEvent.Action.UPDATE, changed)
                    messages.success(request, _("Appointment changed."))
                    return redirect("scheduling:appointment_detail", pk=pk)
                except services.OutsideShift as exc:
                    form.outside_shift = True
                    _apply_errors(form, exc)
                except ValidationError as exc:
                    _apply_errors(form, exc)
    else:
        start = timezone.localtime(appointment.planned_start, HELSINKI)
        end = timezone.localtime(appointment.planned_end, HELSINKI)
        form = AppointmentForm(
            initial={
                "worker": primary.pk if primary else None,
                "pair": pair.pk if pair else None,
                "work_type": appointment.work_type_id,
                "date": start.date(),
                "start_time": start.time(),
                "end_time": end.time(),
                "unit_price": appointment.unit_price,
                "family": appointment.family_id,
                "persons": [p.pk for p in appointment.persons.all()],
                "location_kind": appointment.location_kind,
                "address": appointment.address if may_see_address else "",
                "notes_to_heed": appointment.notes_to_heed,
            }
        )
        scope_form = EditScopeForm()
        _log_appointments(request, AccessEvent.Action.VIEW, [appointment])
    return render(
        request,
        "scheduling/appointment_form.html",
        {"form": form, "scope_form": scope_form if appointment.series_id else None, "is_new": False, "a": appointment},
    )


def _log_appointments(request, action: str, appointments, *, basis: str | None = None) -> None:
    """Log the client data shown or changed: appointments that have a recipient family."""
    rows = [(a.pk, a.family_id) for a in appointments if a.family_id]
    if rows:
        basis = basis or policy.family_access_basis(request.user, rows[0][1]) or policy.list_basis(request.user)
        access_log(request=request, action=action, object_type="appointment", objects=rows, basis=basis)


def _log_entries(request, entries) -> None:
    """Log the families whose names, addresses or notes a calendar page showed."""
    rows = [(e.appointment_id, e.family_id) for e in entries if e.family_id]
    if rows:
        access_log(
            request=request,
            action=AccessEvent.Action.LIST,
            object_type="appointment",
            objects=rows,
            basis=policy.list_basis(request.user),
        )


def _log_family(request, family, basis: str) -> None:
    access_log(
        request=request,
        action=AccessEvent.Action.VIEW,
        object_type="family",
        objects=[(family.pk, family.pk)],
        basis=basis,
    )


def _back(request, appointment: Appointment):
    nxt = request.POST.get("next", "")
    if nxt.startswith("/") and not nxt.startswith("//"):
        return redirect(nxt)
    return redirect("scheduling:appointment_detail", pk=appointment.pk)


@login_required
@require_POST
def appointment_realise(request, pk: int):
    appointment = _get_editable(request, pk)
    form = RealiseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the times."))
        return _back(request, appointment)
    data = form.cleaned_data
    day = data.get("actual_date") or timezone.localtime(appointment.planned_start, HELSINKI).date()
    try:
        start = local_datetime(day, data["actual_start"]) if data.get("actual_start") else None
        end = local_datetime(day, data["actual_end"]) if data.get("actual_end") else None
        if start and end is None:
            end = start + (appointment.planned_end - appointment.planned_start)
        services.appointment_realise(actor=request.user, appointment=appointment, actual_start=start, actual_end=end)
        _log_appointments(request, AccessEvent.Action.UPDATE, [appointment])
        messages.success(request, _("Marked realised."))
    except ValidationError as exc:
        flash_errors(request, exc)
    return _back(request, appointment)


@login_required
@require_POST
def appointment_cancel(request, pk: int):
    appointment = _get_editable(request, pk)
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a cancellation reason."))
        return _back(request, appointment)
    try:
        services.appointment_cancel(
            actor=request.user,
            appointment=appointment,
            reason=form.cleaned_data["reason"],
            text=form.cleaned_data.get("text") or "",
            cancelled_by=form.cleaned_data.get("cancelled_by") or None,
        )
        _log_appointments(request, AccessEvent.Action.UPDATE, [appointment])
        messages.success(request, _("Appointment cancelled."))
    except ValidationError as exc:
        flash_errors(request, exc)
    return _back(request, appointment)


@login_required
@require_POST
def appointment_move(request, pk: int):
    """Drag and drop on the resource view: JSON in, JSON out."""
    if not policy.is_coordinator(request.user):
        raise PermissionDenied
    appointment = get_object_or_404(Appointment, pk=pk)
    if not policy.can_edit_appointment(request.user, appointment):
        if appointment.family_id:
            access_refused(request=request, object_type="appointment", object_id=pk, family_id=appointment.family_id)
        raise Http404
    try:
        body = json.loads(request.body or b"{}")
        start = parse_datetime(body.get("start", ""))
        worker_id = int(body["worker"]) if body.get("worker") else None
        if worker_id is not None and not 0 < worker_id <= MAX_ID:
            raise ValueError
        worker = Worker.objects.get(pk=worker_id) if worker_id else None
    except (ValueError, TypeError, AttributeError, Worker.DoesNotExist):
        return JsonResponse({"errors": {"start": [_("Invalid move.")]}}, status=400)
    if start is None or safe_day(start.date().isoformat()) is None:
        return JsonResponse({"errors": {"start": [_("Invalid move.")]}}, status=400)
    if timezone.is_naive(start):
        start = timezone.make_aware(start, HELSINKI)
    if worker is not None and not policy.can_book_for(request.user, worker):
        return JsonResponse({"errors": {"worker": [_("You may not book this worker.")]}}, status=403)
    try:
        moved = services.appointment_move(
            actor=request.user,
            appointment=appointment,
            start=start,
            worker=worker,
            confirm_outside_shift=bool(body.get("confirm")),
        )
    except services.OutsideShift as exc:
        return JsonResponse({"confirm": validation_error_payload(exc)}, status=409)
    except ValidationError as exc:
        status = 409 if isinstance(exc, services.BookingConflict) else 400
        return JsonResponse({"errors": validation_error_payload(exc)}, status=status)
    _log_appointments(request, AccessEvent.Action.UPDATE, [moved])
    return JsonResponse(
        {"id": moved.pk, "start": moved.planned_start.isoformat(), "end": moved.planned_end.isoformat()}
    )
