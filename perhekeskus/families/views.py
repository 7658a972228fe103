"""Pages of the family's overall picture, its named workers and its network meetings:
thin adapters over ``usecases.py``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from perhekeskus.access.frontdoor import Caller
from perhekeskus.errors import Forbidden
from perhekeskus.flash import flash_errors, form_errors

from . import usecases
from .forms import ClientGroupForm, MeetingForm, MeetingRecordForm, NamedWorkerEndForm, NamedWorkerForm


def _overview_context(request, pk, **extra):
    page = usecases.family_overview_for(Caller.page(request), pk)
    return {
        "page": page,
        "o": page.overview,
        "family": page.overview.family,
        "naming_form": extra.pop("naming_form", None) or (NamedWorkerForm() if page.may_name else None),
        "end_form": NamedWorkerEndForm(),
        "group_form": ClientGroupForm() if page.may_record_groups else None,
        **extra,
    }


@login_required
def overview(request, pk: int):
    """The family's overall picture."""
    return render(request, "families/overview.html", _overview_context(request, pk))


@login_required
def summary(request, pk: int):
    """A printable summary for the family, in plain language."""
    return render(request, "families/summary.html", _overview_context(request, pk))


@login_required
@require_POST
def named_assign(request, pk: int):
    form = NamedWorkerForm(request.POST)
    if form.is_valid():
        try:
            usecases.named_worker_assign_as(
                Caller.page(request),
                pk,
                worker_id=form.cleaned_data["worker"].pk,
                role=form.cleaned_data["role"],
                start_date=form.cleaned_data["start_date"],
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, _("Named."))
            return redirect("families:overview", pk)
        except ValidationError as exc:
            form_errors(form, exc)
    return render(request, "families/overview.html", _overview_context(request, pk, naming_form=form), status=400)


@login_required
@require_POST
def named_end(request, pk: int):
    caller = Caller.page(request)
    named, _basis = usecases.named_worker_for_change(caller, pk)
    form = NamedWorkerEndForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for ending the naming."))
        return redirect("families:overview", named.family_id)
    try:
        usecases.named_worker_end_as(
            caller, pk, end_date=form.cleaned_data["end_date"], reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("The naming was ended."))
    except ValidationError as exc:
        flash_errors(request, exc)
    return redirect("families:overview", named.family_id)


@login_required
@require_POST
def client_group_add(request, pk: int):
    form = ClientGroupForm(request.POST)
    group = form.cleaned_data["group"] if form.is_valid() else ""
    try:
        usecases.client_group_add_as(Caller.page(request), pk, group=group)
        messages.success(request, _("Client group recorded."))
    except ValidationError as exc:
        flash_errors(request, exc)
    return redirect("families:overview", pk)


@login_required
@require_POST
def client_group_end(request, pk: int):
    row = usecases.client_group_end_as(Caller.page(request), pk)
    messages.success(request, _("Client group ended."))
    return redirect("families:overview", row.family_id)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request, pk: int):
    """Convene a network meeting: choose the professionals, search the common times,
    book one of them."""
    caller = Caller.page(request)
    contact_id = request.POST.get("contact") if request.method == "POST" else request.GET.get("contact")
    page = usecases.meeting_form_for(caller, pk, contact_id=contact_id)
    family = page.family
    if not page.may_convene:
        return render(request, "families/meeting_form.html", {"family": family, "form": None}, status=403)
    form = MeetingForm(request.POST or None, initial=page.initial, persons=page.persons)
    search = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        worker_ids = [w.pk for w in data["workers"]]
        person_ids = [p.pk for p in data.get("persons") or ()]
        network_id = data["network"].pk if data["network"] else None
        convener_id = data["convener"].pk if data["convener"] else None
        try:
            if data.get("start"):
                meeting = usecases.meeting_convene_as(
                    caller,
                    pk,
                    worker_ids=worker_ids,
                    start=data["start"],
                    minutes=data["minutes"],
                    requested_by=data["requested_by"],
                    consent_given_by=data["consent_given_by"],
                    assessment=data["assessment"],
                    network_id=network_id,
                    convener_id=convener_id,
                    contact_id=data.get("contact"),
                    person_ids=person_ids,
                )
                messages.success(request, _("The network meeting is in every participant's calendar."))
                return redirect("families:meeting_detail", meeting.pk)
            search = usecases.meeting_slots_as(
                caller,
                pk,
                worker_ids=worker_ids,
                minutes=data["minutes"],
                network_id=network_id,
                convener_id=convener_id,
            )
        except ValidationError as exc:
            form_errors(form, exc)
    return render(
        request,
        "families/meeting_form.html",
        {"family": family, "form": form, "search": search, "contact": page.contact},
        status=400 if request.method == "POST" and form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_detail(request, pk: int):
    caller = Caller.page(request)
    page = usecases.meeting_view_as(caller, pk)
    workers = [w for w in [page.convener, *page.invited] if w is not None]
    m = page.meeting
    initial = {"agreed": m.agreed, "continues_with": m.continues_with_id, "next_check": m.next_check}
    form = MeetingRecordForm(request.POST or None, initial=initial, workers=workers) if page.may_record else None
    if request.method == "POST" and form is None:
        raise Forbidden()  # sees the meeting, does not record it (an invited worker)
    if request.method == "POST" and form is not None and form.is_valid():
        d = form.cleaned_data
        try:
            usecases.meeting_record_as(
                caller,
                pk,
                agreed=d["agreed"],
                continues_with_id=d["continues_with"].pk if d["continues_with"] else None,
                next_check=d["next_check"],
                name_responsible=d["name_responsible"],
            )
            messages.success(request, _("What was agreed is recorded."))
            return redirect("families:meeting_detail", pk)
        except ValidationError as exc:
            form_errors(form, exc)
    return render(
        request,
        "families/meeting_detail.html",
        {"page": page, "m": m, "form": form},
        status=400 if form is not None and form.errors else 200,
    )


@login_required
def my_families(request):
    """The families a worker is named for and the next checks agreed for them."""
    mine = usecases.my_named_families_as(Caller.page(request))
    return render(request, "families/my_families.html", {"mine": mine})


@login_required
def naming_suggestions(request):
    rows = usecases.naming_suggestions_as(Caller.page(request))
    return render(request, "families/naming_suggestions.html", {"rows": rows, "named": False})


@login_required
def naming_report(request):
    rows = usecases.naming_report(Caller.page(request))
    return render(request, "families/naming_suggestions.html", {"rows": rows, "named": True})
