"""Pages of who-sees-what: the access reports (Act on Client Data 703/2023), consents,
emergency access and its review, and the disclosure rules. Thin: the policy decides,
services write, selectors read."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from perhekeskus.flash import flash_errors, form_errors
from perhekeskus.network.models import Service
from perhekeskus.people.models import Family, Membership, Person
from perhekeskus.people.roles import ADMINISTRATOR, has_role

from . import policy, selectors, services
from .forms import ApiTokenForm, BreakGlassSearchForm, ConsentForm, DisclosureRuleForm, ReviewForm
from .models import AccessEvent, ApiToken, BreakGlass, Consent, DisclosureRule
from .readable import readable

REPORT_LIMIT = 2000


def _person_bases(user, family_ids: list[int]) -> list[str]:
    """The user's bases for each home of a person (a child may have two)."""
    return [b for fid in family_ids if (b := policy.family_access_basis(user, fid))]


def _family_or_404(request, pk: int, object_type: str = "family", *, write: bool = False) -> tuple[Family, str]:
    """The family and the basis the user reaches it on (for a write: may name it,
    ``policy.family_write_basis``); 404, logged, for an unknown id too."""
    family = Family.objects.filter(pk=pk).first()
    basis_of = policy.family_write_basis if write else policy.family_access_basis
    basis = basis_of(request.user, family.pk) if family else None
    if basis is None:
        services.access_refused(
            request=request, object_type=object_type, object_id=pk, family_id=family.pk if family else None
        )
        raise Http404
    return family, basis


# --- access reports -------------------------------------------------------------------


@login_required
@require_GET
def family_access_report(request, pk: int):
    """Who has accessed a family's data and when, newest first; printable."""
    family, basis = _family_or_404(request, pk, "access_report")
    if not policy.may_see_access_report(request.user, basis):
        services.access_refused(request=request, object_type="access_report", object_id=pk, family_id=family.pk)
        raise Http404
    events = readable(selectors.family_access_events(family_id=family.pk)[:REPORT_LIMIT])
    services.access_log(
        request=request,
        action=AccessEvent.Action.VIEW,
        object_type="access_report",
        objects=[(family.pk, family.pk)],
        basis=basis,
    )
    return render(
        request,
        "access/access_report.html",
        {"subject": family.name, "key": family.key, "events": events, "limit": REPORT_LIMIT},
    )


@login_required
@require_GET
def person_access_report(request, pk: int):
    """Who has accessed a person's data: the person's own records and those of every home
    (family) they belong to."""
    person = get_object_or_404(Person, pk=pk)
    family_ids = list(Membership.objects.filter(person=person).values_list("family_id", flat=True))
    bases = _person_bases(request.user, family_ids)
    if not bases:
        services.access_refused(
            request=request,
            object_type="person_access_report",
            object_id=pk,
            family_id=family_ids[0] if family_ids else None,
        )
        raise Http404
    basis = next((b for b in bases if policy.may_see_access_report(request.user, b)), None)
    if basis is None:
        services.access_refused(
            request=request, object_type="person_access_report", object_id=pk, family_id=family_ids[0]
        )
        raise Http404
    events = readable(selectors.person_access_events(person_id=person.pk, family_ids=family_ids)[:REPORT_LIMIT])
    services.access_log(
        request=request,
        action=AccessEvent.Action.VIEW,
        object_type="person_access_report",
        objects=[(person.pk, family_ids[0] if family_ids else None)],
        basis=basis,
    )
    return render(
        request,
        "access/access_report.html",
        {"subject": f"{person.first_name} {person.last_name}", "events": events, "limit": REPORT_LIMIT},
    )


# --- consents -------------------------------------------------------------------------


@login_required
@require_POST
def consent_new(request, pk: int):
    family, basis = _family_or_404(request, pk, "consent", write=True)
    if not policy.may_record_consent(request.user, basis):
        services.access_refused(request=request, object_type="consent", object_id=pk, family_id=family.pk)
        raise Http404
    members = list(family.memberships.select_related("person"))
    form = ConsentForm(request.POST, members=members)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else error)
        return redirect("scheduling:family_calendar", pk=family.pk)
    data = form.cleaned_data
    people = {m.person_id: m.person for m in members}
    try:
        consent = services.consent_record(
            actor=request.user,
            person=people[data["person"]],
            given_by=people[data["given_by"]],
            source_service=data["source_service"],
            target_service=data["target_service"],
            valid_from=data["valid_from"],
            valid_until=data["valid_until"],
        )
    except ValidationError as exc:
        flash_errors(request, exc)
        return redirect("scheduling:family_calendar", pk=family.pk)
    services.access_log(
        request=request,
        action=AccessEvent.Action.CREATE,
        object_type="consent",
        objects=[(consent.pk, family.pk)],
        basis=basis,
    )
    messages.success(request, _("Consent recorded."))
    return redirect("scheduling:family_calendar", pk=family.pk)


@login_required
@require_POST
def consent_withdraw(request, pk: int):
    consent = get_object_or_404(Consent.objects.select_related("person"), pk=pk)
    family_ids = list(Membership.objects.filter(person_id=consent.person_id).values_list("family_id", flat=True))
    basis = next(
        (b for b in _person_bases(request.user, family_ids) if policy.may_record_consent(request.user, b)), None
    )
    if basis is None:
        services.access_refused(
            request=request, object_type="consent", object_id=pk, family_id=family_ids[0] if family_ids else None
        )
        raise Http404
    try:
        services.consent_withdraw(actor=request.user, consent=consent)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        services.access_log(
            request=request,
            action=AccessEvent.Action.UPDATE,
            object_type="consent",
            objects=[(consent.pk, family_ids[0] if family_ids else None)],
            basis=basis,
        )
        messages.success(request, _("Consent withdrawn. It no longer discloses anything."))
    nxt = request.POST.get("next", "")
    if nxt.startswith("/") and not nxt.startswith("//"):
        return redirect(nxt)
    return redirect("scheduling:family_calendar", pk=family_ids[0]) if family_ids else redirect("home")


# --- emergency access (break-glass) ---------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def break_glass_search(request):
    """Find a family outside one's relationships, with a reason. The search is a POST so
    that neither the name nor the reason ever stands in an address."""
    if not policy.may_break_glass(request.user):
        raise PermissionDenied
    form = BreakGlassSearchForm(request.POST or None)
    families = None
    if request.method == "POST" and form.is_valid():
        families = list(Family.objects.filter(name__icontains=form.cleaned_data["q"]).order_by("name", "id")[:30])
        if families:
            services.access_log(
                request=request,
                action=AccessEvent.Action.LIST,
                object_type="family",
                objects=[(f.pk, f.pk) for f in families],
                basis="break_glass_search",
            )
    return render(request, "access/break_glass.html", {"form": form, "families": families})


@login_required
@require_POST
def break_glass_open(request, pk: int):
    if not policy.may_break_glass(request.user):
        raise PermissionDenied
    family = get_object_or_404(Family, pk=pk)
    try:
        services.break_glass_open(request=request, family=family, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        flash_errors(request, exc)
        return redirect("access:break_glass")
    messages.warning(request, _("Emergency access opened. It is recorded and your manager will review it."))
    return redirect("scheduling:family_calendar", pk=family.pk)


@login_required
@require_GET
def break_glass_reviews(request):
    if not policy.may_review_break_glass(request.user):
        raise PermissionDenied
    show = request.GET.get("show", "open")
    grants = selectors.break_glass_for_review(user=request.user, reviewed=show == "reviewed")[:500]
    return render(request, "access/break_glass_reviews.html", {"grants": grants, "show": show, "form": ReviewForm()})


@login_required
@require_POST
def break_glass_review(request, pk: int):
    if not policy.may_review_break_glass(request.user):
        services.access_refused(request=request, object_type="break_glass", object_id=pk)
        raise PermissionDenied
    grant = selectors.break_glass_for_review(user=request.user, reviewed=None).filter(pk=pk).first()
    if grant is None:
        other = BreakGlass.objects.filter(pk=pk).values_list("family_id", flat=True).first()
        services.access_refused(request=request, object_type="break_glass", object_id=pk, family_id=other)
        raise Http404
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.break_glass_review(actor=request.user, grant=grant, note=form.cleaned_data["review_note"])
            messages.success(request, _("Marked as reviewed."))
        except ValidationError as exc:
            flash_errors(request, exc)
    else:
        messages.error(request, _("Give the note in at most 500 characters."))
    return redirect("access:break_glass_reviews")


# --- disclosure rules -----------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def disclosure_rules(request, pk: int | None = None):
    """The administrator's table of rules, with a form to add or change one."""
    if not has_role(request.user, ADMINISTRATOR):
        raise PermissionDenied
    rule = get_object_or_404(DisclosureRule, pk=pk) if pk else None
    if request.method == "POST" and request.POST.get("delete") and rule is not None:
        rule.delete()
        messages.success(request, _("Rule removed."))
        return redirect("access:disclosure_rules")
    form = DisclosureRuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            saved = form.save(commit=False)
            saved.updated_by = request.user
            saved.save()
        messages.success(request, _("Rule saved."))
        return redirect("access:disclosure_rules")
    rules = DisclosureRule.objects.select_related("source_service", "target_service").order_by(
        "source_service__name", "target_service__name"
    )
    return render(
        request,
        "access/disclosure_rules.html",
        {
            "rules": rules,
            "form": form,
            "editing": rule,
            "default_mode": dict(DisclosureRule._meta.get_field("mode").choices).get(settings.DISCLOSURE_DEFAULT),
            "services": Service.objects.count(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request):
    """Tokens for systems: the list, and a form to issue one. The token's text is in the
    answer to the POST only (not in a redirect's address nor a message): shown once."""
    if not policy.may_manage_api_tokens(request.user):
        raise PermissionDenied
    form = ApiTokenForm(request.POST or None)
    issued = raw = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                issued, raw = services.api_token_issue(
                    actor=request.user,
                    name=d["name"],
                    roles=d["roles"],
                    days=d["days"],
                    organisation=d["organisation"],
                    unit=d["unit"],
                )
                form = ApiTokenForm()
                status = 201
            except ValidationError as exc:
                form_errors(form, exc)
        if form.errors:
            status = 400
    tokens = selectors.api_token_list()
    response = render(
        request, "access/api_tokens.html", {"tokens": tokens, "form": form, "issued": issued, "raw": raw}, status=status
    )
    if raw:
        response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def api_token_revoke(request, pk: int):
    if not policy.may_manage_api_tokens(request.user):
        raise PermissionDenied
    token = get_object_or_404(ApiToken.objects.select_related("user"), pk=pk)
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("The token %(prefix)s is revoked.") % {"prefix": token.prefix})
    return redirect("access:api_tokens")
