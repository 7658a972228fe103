"""Calendar pages. Thin adapters over the use cases (``usecases.py``): parse input, call
the use case, render. A use case's ``NotFound`` is a 404 and ``Forbidden`` a 403
(``access.middleware.FrontDoorErrorsMiddleware``)."""

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
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from perhekeskus.access import frontdoor, policy
from perhekeskus.access.forms import ConsentForm
from perhekeskus.access.frontdoor import Caller
from perhekeskus.api import validation_error_payload
from perhekeskus.fields import MAX_ID
from perhekeskus.flash import flash_errors, form_errors
from perhekeskus.people.models import Worker
from perhekeskus.people.roles import (
    ADMINISTRATOR,
    COORDINATOR,
    MANAGER,
    NETWORK_COORDINATOR,
    SERVICE_GUIDANCE,
    has_role,
)

from . import selectors, services, usecases, wallclock
from .forms import (
    AppointmentForm,
    CancelForm,
    EditScopeForm,
    RealiseForm,
    ResourceFilterForm,
    safe_day,
)
from .models import Appointment, CancellationReason, WorkClass
from .render import resource_rows_html
from .timeline import HELSINKI, Frame

# Service errors name model fields; the form names some of them differently.
FIELD_MAP = {"planned_start": "start_time", "planned_end": "end_time", "text": None}


def _parse_day(value: str | None) -> dt.date:
    """The date of a URL; today when it is missing or not a usable date."""
    return safe_day(value) or selectors.now_local().date()


@login_required
def home(request):
    """Each role starts where its day starts: coordinators in the resource view, service
    guidance in the inbox, managers in the reports, a worker in their own day."""
    worker = policy.own_worker(request.user)
    if has_role(request.user, COORDINATOR, ADMINISTRATOR, NETWORK_COORDINATOR):
        return redirect("scheduling:resource_view")
    if has_role(request.user, SERVICE_GUIDANCE):
        return redirect("intake:inbox")
    if has_role(request.user, MANAGER):
        return redirect("reports:index")
    if worker is None and policy.can_see_resource_view(request.user):
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
    rows, modes, own_ids = usecases.resource_rows_as(
        Caller.page(request), workers=workers, start=start, end=end, days=frame.days
    )
    can_book = any(m == policy.FULL for m in modes.values())
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
    url = reverse("scheduling:worker_calendar", args=[worker.pk])
    query = request.GET.urlencode()
    return redirect(f"{url}?{query}" if query else url)


@login_required
@require_GET
def worker_calendar(request, pk: int):
    worker = get_object_or_404(Worker.objects.select_related("organisation", "unit"), pk=pk)
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
    row, is_own = usecases.worker_calendar_as(  # the day and list views show client names and addresses
        Caller.page(request), worker, start=start, end=end, shows_clients=view in ("day", "list")
    )
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
    # an empty day points to the next one with work (a shift or a booking)
    next_work = selectors.next_working_day(worker=worker, after=end) if view == "day" and not row.entries else None
    context = {
        "worker": worker,
        "next_work_url": "?" + urlencode({"view": "day", "date": next_work.isoformat()}) if next_work else None,
        "next_work": next_work,
        "may_plan_route": policy.may_plan_route(request.user, worker),
        "row": row,
        "view": view,
        "day": day,
        "first": first,
        "last_day": first + dt.timedelta(days=days - 1),
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


@login_required
@require_GET
def family_calendar(request, pk: int):
    """The family's page (``usecases.family_page_as``)."""
    show = request.GET.get("show", "upcoming")
    show = show if show in ("past", "all") else "upcoming"
    page = usecases.family_page_as(Caller.page(request), pk, show=show)
    return render(
        request,
        "scheduling/family_calendar.html",
        {
            "family": page.family,
            "items": page.items,
            "hidden": page.hidden,
            "show": show,
            "members": page.members,
            "named_workers": page.named_workers,
            "show_address": page.show_address,
            "basis": page.basis,
            "break_glass": page.basis == policy.BREAK_GLASS,
            "consents": page.consents,
            "consent_form": ConsentForm(members=page.members) if page.may_record_consent else None,
            "may_record_consent": page.may_record_consent,
            "may_see_access_report": page.may_see_access_report,
            "sections": page.sections,
        },
    )


@login_required
@require_POST
def family_search(request):
    """Options for the booking form's family field: the families the user reaches
    (everyone for the roles that book and take contacts; a worker's own families)."""
    q = request.POST.get("q", "").strip()[:100]
    families = usecases.family_search_as(Caller.page(request), q, limit=30) if len(q) >= 2 else []
    return render(request, "scheduling/_family_options.html", {"families": families, "q": q})


@login_required
@require_http_methods(["GET", "POST"])
def family_list(request):
    """Families: a worker's own (named for them, appointments in the access window, an
    allocated need) at once; a search by name among all the user reaches."""
    q = request.POST.get("q", "").strip()[:100] if request.method == "POST" else ""
    if q and len(q) < 2:
        messages.error(request, _("Give at least 2 letters of the name."))
    if len(q) >= 2:
        families = usecases.family_search_as(Caller.page(request), q, limit=100)
    else:
        families = usecases.own_families_as(Caller.page(request))
    return render(
        request,
        "scheduling/family_list.html",
        {"families": families, "q": q, "may_break_glass": policy.may_break_glass(request.user)},
    )


@login_required
@require_GET
def family_persons(request):
    """The persons field of the booking form for the chosen family: only a family the
    user may name in a booking."""
    family = usecases.family_for_booking_as(Caller.page(request), request.GET.get("family", ""))
    if family is None:
        return HttpResponse("")
    form = AppointmentForm(initial={"family": family.pk}, user=request.user)
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


def _refused_family(request, form) -> None:
    """A family id the form refused is logged as a refused attempt (the form says the
    same as for an unknown id and shows nothing of the family)."""
    if "family" in form.errors:
        if frontdoor.as_id(form.data.get("family")) is not None:
            frontdoor.refuse_family(Caller.page(request), form.data.get("family"))


def _submit(request, form, call) -> bool:
    """Run a booking use case for a valid form; put its errors on the form."""
    try:
        call()
    except usecases.Forbidden as exc:
        form.add_error("worker", str(exc))
    except services.OutsideShift as exc:
        form.outside_shift = True
        form_errors(form, exc, FIELD_MAP)
    except ValidationError as exc:
        form_errors(form, exc, FIELD_MAP)
    else:
        return True
    return False


@login_required
def appointment_new(request):
    me = policy.own_worker(request.user)
    if not policy.may_book(request.user):
        if request.method == "POST" and request.POST.get("family"):
            frontdoor.refuse_family(Caller.page(request), request.POST["family"])
        raise PermissionDenied
    initial = {"location_kind": Appointment.LocationKind.CLIENT_HOME, "worker": me.pk if me else None}
    if request.method == "GET":
        if request.GET.get("worker", "").isdecimal() and int(request.GET["worker"]) <= MAX_ID:
            initial["worker"] = int(request.GET["worker"])
        if request.GET.get("family"):  # e.g. "book the urgent visit" on a notification
            family = usecases.family_for_booking_as(Caller.page(request), request.GET["family"])
            if family is not None:
                initial["family"] = str(family.pk)
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
        form = AppointmentForm(initial=initial, user=request.user)
        return render(request, "scheduling/appointment_form.html", {"form": form, "is_new": True})
    form = AppointmentForm(request.POST, user=request.user)
    created: list = []
    if form.is_valid():
        data = form.cleaned_data
        repeat = data.get("repeat")

        def book():
            created.extend(
                usecases.appointment_book_as(
                    Caller.page(request),
                    weekdays=data["weekdays"] if repeat else None,
                    weeks=data["weeks"] if repeat else None,
                    **_service_kwargs(data),
                )
            )

        if _submit(request, form, book):
            if repeat:
                messages.success(request, _("Booked %(count)d appointments.") % {"count": len(created)})
            else:
                messages.success(request, _("Appointment booked."))
            return redirect("scheduling:appointment_detail", pk=created[0].pk)
    else:
        _refused_family(request, form)
    return render(request, "scheduling/appointment_form.html", {"form": form, "is_new": True})


@login_required
@require_GET
def appointment_detail(request, pk: int):
    appointment, _basis, can_edit, show_address = usecases.appointment_view_as(Caller.page(request), pk)
    primary, pair = selectors.appointment_workers(appointment)
    return render(
        request,
        "scheduling/appointment_detail.html",
        {
            "a": appointment,
            "primary": primary,
            "pair": pair,
            "cost": selectors.unit_price_total(appointment),
            "show_address": show_address,
            "can_edit": can_edit,
            "realise_form": RealiseForm(),
            "cancel_form": CancelForm(),
            "quick_reasons": CancellationReason.choices,
            "now": timezone.now(),
        },
    )


@login_required
def appointment_edit(request, pk: int):
    caller = Caller.page(request)
    appointment, may_see_address = usecases.appointment_for_edit_as(caller, pk)
    primary, pair = selectors.appointment_workers(appointment)
    if appointment.status != Appointment.Status.PLANNED:
        messages.error(request, _("Only planned appointments can be changed."))
        return redirect("scheduling:appointment_detail", pk=pk)
    if request.method == "POST":
        form = AppointmentForm(request.POST, user=request.user)
        scope_form = EditScopeForm(request.POST)
        if form.is_valid() and scope_form.is_valid():
            kwargs = _service_kwargs(form.cleaned_data)
            confirm = kwargs.pop("confirm_outside_shift")

            def change():
                usecases.appointment_update_as(
                    caller, pk, scope=scope_form.cleaned_data["scope"], confirm_outside_shift=confirm, **kwargs
                )

            if _submit(request, form, change):
                messages.success(request, _("Appointment changed."))
                return redirect("scheduling:appointment_detail", pk=pk)
        else:
            _refused_family(request, form)
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
            },
            user=request.user,
        )
        scope_form = EditScopeForm()
    return render(
        request,
        "scheduling/appointment_form.html",
        {"form": form, "scope_form": scope_form if appointment.series_id else None, "is_new": False, "a": appointment},
    )


def _back(request, pk: int):
    nxt = request.POST.get("next", "")
    if nxt.startswith("/") and not nxt.startswith("//"):
        return redirect(nxt)
    return redirect("scheduling:appointment_detail", pk=pk)


@login_required
@require_POST
def appointment_realise(request, pk: int):
    form = RealiseForm(request.POST)
    caller = Caller.page(request)
    try:
        if not form.is_valid():
            usecases.appointment_editable_as(caller, pk)  # refuse (404) before saying anything of it
            messages.error(request, _("Check the times."))
            return _back(request, pk)
        d = form.cleaned_data
        usecases.appointment_realise_local_as(
            caller, pk, day=d.get("actual_date"), start_time=d.get("actual_start"), end_time=d.get("actual_end")
        )
        messages.success(request, _("Marked realised."))
    except ValidationError as exc:
        flash_errors(request, exc)
    return _back(request, pk)


@login_required
@require_POST
def appointment_cancel(request, pk: int):
    form = CancelForm(request.POST)
    caller = Caller.page(request)
    try:
        if not form.is_valid():
            usecases.appointment_editable_as(caller, pk)
            messages.error(request, _("Choose a cancellation reason."))
            return _back(request, pk)
        usecases.appointment_cancel_as(
            caller,
            pk,
            reason=form.cleaned_data["reason"],
            text=form.cleaned_data.get("text") or "",
            cancelled_by=form.cleaned_data.get("cancelled_by") or None,
        )
        messages.success(request, _("Appointment cancelled."))
    except ValidationError as exc:
        flash_errors(request, exc)
    return _back(request, pk)


@login_required
@require_POST
def appointment_move(request, pk: int):
    """Drag and drop on the resource view: JSON in, JSON out. The answer says where the
    appointment was (``previous``) so that the page can undo the move; the undo sends
    the pair as well."""
    usecases.require_mover(Caller.page(request), pk)

    def worker_of(value):
        worker_id = int(value)
        if not 0 < worker_id <= MAX_ID:
            raise ValueError
        return Worker.objects.get(pk=worker_id)

    try:
        body = json.loads(request.body or b"{}")
        if not isinstance(body, dict):
            raise ValueError
        start = parse_datetime(body.get("start", ""))
        worker = worker_of(body["worker"]) if body.get("worker") else None
        pair = services.UNSET
        if "pair" in body:
            pair = worker_of(body["pair"]) if body["pair"] else None
        if start is None or safe_day(start.date().isoformat()) is None:
            raise ValueError
        start = wallclock.helsinki(start)
    except ValidationError as exc:
        return JsonResponse({"errors": {"start": exc.messages}}, status=400)
    except (ValueError, TypeError, AttributeError, Worker.DoesNotExist):
        return JsonResponse({"errors": {"start": [_("Invalid move.")]}}, status=400)
    try:
        moved, previous = usecases.appointment_move_as(
            Caller.page(request),
            pk,
            start=start,
            worker=worker,
            pair=pair,
            confirm_outside_shift=bool(body.get("confirm")),
        )
    except usecases.Forbidden as exc:
        return JsonResponse({"errors": {"worker": [str(exc) or _("You may not book this worker.")]}}, status=403)
    except services.OutsideShift as exc:
        return JsonResponse({"confirm": validation_error_payload(exc)}, status=409)
    except ValidationError as exc:
        status = 409 if isinstance(exc, services.BookingConflict) else 400
        return JsonResponse({"errors": validation_error_payload(exc)}, status=status)
    local = timezone.localtime(moved.planned_start)
    return JsonResponse(
        {
            "id": moved.pk,
            "start": moved.planned_start.isoformat(),
            "end": moved.planned_end.isoformat(),
            "message": _("Moved to %(when)s.") % {"when": formats.date_format(local, "D j.n. H:i")},
            "previous": {
                "start": timezone.localtime(previous["start"]).strftime("%Y-%m-%dT%H:%M"),
                "worker": previous["worker"],
                "pair": previous["pair"],
            },
        }
    )
