"""Intake pages. The public help button (no login) and the staff's inbox, notifications,
service-need queue and deadline dashboard. Thin: the policy decides, services write,
selectors read; every view of client data is logged, attempts without a basis too."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from perhekeskus.access import frontdoor, policy
from perhekeskus.access.frontdoor import Caller
from perhekeskus.access.models import AccessEvent
from perhekeskus.access.services import access_log, access_refused
from perhekeskus.api import validation_error_payload
from perhekeskus.flash import flash_errors
from perhekeskus.network.models import Organisation
from perhekeskus.people.models import Family, Worker
from perhekeskus.people.roles import ADMINISTRATOR, COORDINATOR, MANAGER, SERVICE_GUIDANCE, has_role, scope_q
from perhekeskus.scheduling import usecases as scheduling_usecases

from . import clocks, ratelimit, selectors, services
from .forms import (
    OTHER_MUNICIPALITY,
    AllocateForm,
    AnswerForm,
    AssessmentForm,
    CloseForm,
    ContactForm,
    DecisionForm,
    ForwardForm,
    HelpLookupForm,
    HelpReplyForm,
    HelpRequestForm,
    NeedCloseForm,
    NeedForm,
    NotificationForm,
    UrgencyForm,
)
from .models import AnswerBy, ChildWelfareNotification, Contact, ServiceNeed
from .templatetags.dates import on_day


def _apply_errors(form, exc: ValidationError) -> None:
    for field, field_messages in validation_error_payload(exc).items():
        form.add_error(field if field in form.fields else None, field_messages)


def _form_or_error(form) -> dict:
    """The form's data, or its errors as a ValidationError (flashed like a service's)."""
    if not form.is_valid():
        raise ValidationError({k: list(v) for k, v in form.errors.items()})
    return form.cleaned_data


def _log(request, action, object_type, objects, basis):
    access_log(request=request, action=action, object_type=object_type, objects=objects, basis=basis)


def _basis(user) -> str:
    return policy.list_basis(user)


# --- the public help button ------------------------------------------------------------------

UNDECODABLE = gettext_lazy(
    "Some characters of the text could not be read (they are shown as �). Correct them and send again."
)


def _undecodable_fields(request) -> list[str]:
    """The fields of a urlencoded form whose bytes are not UTF-8 (Django would store them
    mis-decoded, with replacement characters)."""
    from urllib.parse import unquote_to_bytes

    if request.content_type != "application/x-www-form-urlencoded":
        return []
    bad = []
    for part in request.body.split(b"&"):
        name, _sep, value = part.partition(b"=")
        try:
            unquote_to_bytes(value.replace(b"+", b" ")).decode("utf-8")
        except UnicodeDecodeError:
            bad.append(unquote_to_bytes(name).decode("utf-8", "replace"))
    return bad


SENT_KEY = "help_sent"


@never_cache
@require_http_methods(["GET", "POST"])
def help_request(request):
    """The help button: a short form, no login, anonymous if the sender wishes."""
    status = 200
    if request.method == "POST":
        if int(request.META.get("CONTENT_LENGTH") or 0) > settings.HELP_MAX_BODY_BYTES:
            error = _("The message is too long. Shorten it to at most 4000 characters and send again.")
            return render(
                request, "intake/help_request.html", {"form": HelpRequestForm(), "page_error": error}, status=413
            )
        form = HelpRequestForm(request.POST)
        undecodable = _undecodable_fields(request)
        if undecodable:
            # the text is kept (the unreadable bytes shown as �) for the sender to fix
            for name in undecodable:
                form.add_error(name if name in form.fields else None, UNDECODABLE)
            status = 400
        elif form.is_valid():
            data = form.cleaned_data
            if data["website"]:
                form.add_error("website", _("Leave this field empty to send the form."))
                status = 400
            elif not ratelimit.hit(request, "help", settings.HELP_RATE_LIMIT, settings.HELP_RATE_WINDOW):
                form.add_error(
                    None,
                    _(
                        "Many messages have been sent from this connection just now. Your text is kept below: "
                        "please try again in a few minutes, or call the service guidance."
                    ),
                )
                status = 429
            else:
                municipality = "" if data["municipality"] == OTHER_MUNICIPALITY else data["municipality"]
                try:
                    contact, secret = services.help_request_submit(
                        municipality=municipality,
                        age_group=data["age_group"],
                        message=data["message"],
                        answer_by=data["answer_by"],
                        phone=data["phone"],
                        email=data["email"],
                        contact_name=data["contact_name"],
                        language=get_language() or "fi",
                    )
                except ValidationError as exc:
                    _apply_errors(form, exc)
                    status = 400
                else:
                    request.session[SENT_KEY] = {
                        "reference": contact.reference,
                        "secret": secret,
                        "due": clocks.due_day(contact.due_at).isoformat(),
                        "answer_by": contact.answer_by,
                    }
                    return redirect("intake:help_sent")
        else:
            status = 400
    else:
        form = HelpRequestForm()
    return render(request, "intake/help_request.html", {"form": form}, status=status)


@never_cache
@require_GET
def help_sent(request):
    """The receipt, shown once: the reference and, for an anonymous sender, the secret."""
    sent = request.session.pop(SENT_KEY, None)
    if not sent:
        return redirect("intake:help_request")
    sent["due"] = dt.date.fromisoformat(sent["due"])
    return render(
        request, "intake/help_sent.html", {"sent": sent, "anonymous": sent["answer_by"] == AnswerBy.ANONYMOUS}
    )


THREAD_KEY = "help_thread"
THREAD_SECONDS = 30 * 60  # how long the codes, once given, keep the conversation open


def _open_thread(request) -> Contact | None:
    """The conversation whose codes this browser gave in the last half hour (kept in the
    session, so that the codes never stand in an address or a page)."""
    held = request.session.get(THREAD_KEY)
    if not held or held.get("until", 0) < timezone.now().timestamp():
        request.session.pop(THREAD_KEY, None)
        return None
    return services.help_request_opened(held.get("id"))


def _answer_page(request, *, form, contact, reply_form=None, status=200):
    thread = services.help_thread(contact) if contact else []
    return render(
        request,
        "intake/help_answer.html",
        {
            "form": form,
            "contact": contact,
            "thread": thread,
            "reply_form": (reply_form or HelpReplyForm()) if services.help_may_reply(thread) else None,
        },
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def help_answer(request):
    """An anonymous sender reads the answer with the reference and the secret. A POST,
    so that the codes never stand in an address; tries are rate limited. The codes open
    the whole conversation (the first message, answers and replies) for half an hour."""
    form = HelpLookupForm(request.POST or None)
    contact, status = None, 200
    if request.method == "POST" and form.is_valid():
        if not ratelimit.hit(request, "help_lookup", settings.HELP_LOOKUP_RATE_LIMIT, settings.HELP_RATE_WINDOW):
            form.add_error(None, _("Too many tries from this connection. Please try again in a few minutes."))
            status = 429
        else:
            contact = services.help_request_lookup(
                reference=form.cleaned_data["reference"], secret=form.cleaned_data["secret"]
            )
            if contact is None:
                form.add_error(None, _("No message matches these codes. Check the reference and the secret code."))
                status = 404
            else:
                request.session.cycle_key()
                request.session[THREAD_KEY] = {"id": contact.pk, "until": timezone.now().timestamp() + THREAD_SECONDS}
    elif request.method == "POST":
        status = 400
    else:
        contact = _open_thread(request)
    return _answer_page(request, form=form, contact=contact, status=status)


@never_cache
@require_POST
def help_reply(request):
    """The anonymous sender writes back in the conversation their codes opened."""
    contact = _open_thread(request)
    if contact is None:
        messages.error(request, _("Give your codes again to continue the conversation."))
        return redirect("intake:help_answer")
    reply_form = HelpReplyForm(request.POST)
    status = 400
    if reply_form.is_valid():
        if not ratelimit.hit(request, "help", settings.HELP_RATE_LIMIT, settings.HELP_RATE_WINDOW):
            reply_form.add_error(
                None,
                _("Many messages have been sent from this connection just now. Please try again in a few minutes."),
            )
            status = 429
        else:
            try:
                reply = services.help_reply_submit(contact=contact, message=reply_form.cleaned_data["message"])
            except ValidationError as exc:
                _apply_errors(reply_form, exc)
            else:
                messages.success(
                    request,
                    _("Your reply has been sent. We answer at the latest %(due)s.")
                    % {"due": on_day(timezone.localtime(reply.due_at).date())},
                )
                return redirect("intake:help_answer")
    return _answer_page(request, form=HelpLookupForm(), contact=contact, reply_form=reply_form, status=status)


# --- the inbox ---------------------------------------------------------------------------------


def _inbox_user(request, pk=None):
    """The inbox is service guidance's: others are refused before any lookup; an attempt
    on one contact is logged as refused (whether or not it exists)."""
    if not policy.may_use_inbox(request.user):
        if pk is not None:
            access_refused(request=request, object_type="contact", object_id=pk)
        raise PermissionDenied


def _contact_or_404(request, pk) -> Contact:
    contact = selectors.contact_for(user=request.user, pk=pk)
    if contact is None:
        access_refused(request=request, object_type="contact", object_id=pk)
        raise Http404
    return contact


def _organisations(user):
    q = policy.contacts_q(user)
    qs = Organisation.objects.order_by("name")
    if q is None:
        return qs
    scope = scope_q(user, SERVICE_GUIDANCE, organisation="pk", unit="units")
    return qs if scope is None else qs.filter(scope).distinct()


@login_required
@require_GET
def inbox(request):
    _inbox_user(request)
    show = request.GET.get("show", "open")
    if show not in ("open", "closed", "all"):
        show = "open"
    contacts = list(selectors.inbox(user=request.user, show=show)[:300])
    now = timezone.now()
    for c in contacts:
        c.clock = clocks.clock_state(c.due_at, c.first_answered_at, now)
        c.due_day = clocks.due_day(c.due_at)
    if contacts:
        _log(request, AccessEvent.Action.LIST, "contact", [(c.pk, c.family_id) for c in contacts], _basis(request.user))
    return render(request, "intake/inbox.html", {"contacts": contacts, "show": show})


@login_required
@require_http_methods(["GET", "POST"])
def contact_new(request):
    if not policy.may_record_concern_report(request.user):
        raise PermissionDenied
    organisations = _organisations(request.user) if policy.may_use_inbox(request.user) else Organisation.objects.all()
    form = ContactForm(request.POST or None, organisations=organisations)
    if not policy.may_use_inbox(request.user):
        form.fields["channel"].choices = [("concern_report", _("Concern report"))]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            contact = services.contact_record(
                actor=request.user,
                channel=data["channel"],
                organisation=data["organisation"],
                message=data["message"],
                answer_by=data["answer_by"],
                municipality=data["municipality"],
                age_group=data["age_group"],
                phone=data["phone"],
                email=data["email"],
                contact_name=data["contact_name"],
                reporter=data["reporter"],
                consent_given_by=data["consent_given_by"],
                received_at=data["received_at"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            _log(request, AccessEvent.Action.CREATE, "contact", [(contact.pk, None)], _basis(request.user))
            messages.success(request, _("Contact recorded: %(ref)s.") % {"ref": contact.reference})
            if policy.may_use_inbox(request.user):
                return redirect("intake:contact_detail", pk=contact.pk)
            return redirect("home")
    return render(request, "intake/contact_form.html", {"form": form})


@login_required
@require_GET
def contact_detail(request, pk: int):
    _inbox_user(request, pk)
    contact = _contact_or_404(request, pk)
    _log(request, AccessEvent.Action.VIEW, "contact", [(contact.pk, contact.family_id)], _basis(request.user))
    return render(
        request,
        "intake/contact_detail.html",
        {
            "c": contact,
            "clock": clocks.clock_state(contact.due_at, contact.first_answered_at),
            "due_day": clocks.due_day(contact.due_at),
            "events": contact.events.select_related("actor"),
            "answer_form": AnswerForm(initial={"answer": contact.public_answer}),
            "close_form": CloseForm(),
            "forward_form": ForwardForm(),
            "closed": contact.status == Contact.Status.CLOSED,
        },
    )


def _contact_action(request, pk, action):
    _inbox_user(request, pk)
    contact = _contact_or_404(request, pk)
    try:
        action(contact)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        _log(request, AccessEvent.Action.UPDATE, "contact", [(contact.pk, contact.family_id)], _basis(request.user))
    return redirect("intake:contact_detail", pk=contact.pk)


@login_required
@require_POST
def contact_claim(request, pk: int):
    def act(contact):
        services.contact_claim(actor=request.user, contact=contact)
        messages.success(request, _("You are handling this contact."))

    return _contact_action(request, pk, act)


@login_required
@require_POST
def contact_answer(request, pk: int):
    def act(contact):
        services.contact_answer(actor=request.user, contact=contact, answer=request.POST.get("answer", "")[:4000])
        messages.success(request, _("Answer saved."))

    return _contact_action(request, pk, act)


@login_required
@require_POST
def contact_close(request, pk: int):
    def act(contact):
        data = _form_or_error(CloseForm(request.POST))
        services.contact_close(
            actor=request.user,
            contact=contact,
            outcome=data["outcome"],
            service=data["service"],
            answer=data["answer"],
        )
        messages.success(request, _("Contact closed."))

    return _contact_action(request, pk, act)


@login_required
@require_POST
def contact_forward(request, pk: int):
    _inbox_user(request, pk)
    contact = _contact_or_404(request, pk)
    try:
        data = _form_or_error(ForwardForm(request.POST))
        notification = services.contact_forward_to_child_protection(
            actor=request.user,
            contact=contact,
            service=data["service"],
            family=contact.family,
            child_details=data["child_details"],
            answer=data["answer"],
        )
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        _log(request, AccessEvent.Action.UPDATE, "contact", [(contact.pk, contact.family_id)], _basis(request.user))
        _log(
            request,
            AccessEvent.Action.CREATE,
            "child_welfare_notification",
            [(notification.pk, notification.family_id)],
            _basis(request.user),
        )
        messages.success(request, _("Forwarded to child protection."))
    return redirect("intake:contact_detail", pk=contact.pk)


def _need_from_form(form) -> dict:
    d = form.cleaned_data
    return {
        "service": d["service"],
        "work_type": d["work_type"],
        "person": d["person"],
        "sessions_per_week": d["sessions_per_week"],
        "session_minutes": d["session_minutes"],
        "weeks": d["weeks"],
        "urgency": d["urgency"],
        "language": d["language"],
        "home_visits": d["home_visits"],
        "competence": d.get("competence"),
    }


@login_required
@require_http_methods(["GET", "POST"])
def contact_need(request, pk: int):
    """Turn a contact into a family's service need: find the family (a POST search, so
    no name stands in an address), then describe the need."""
    _inbox_user(request, pk)
    contact = _contact_or_404(request, pk)
    families, family = [], None
    q = request.POST.get("q", "").strip()[:100]
    family_id = request.POST.get("family", "")
    if family_id:
        try:
            family = frontdoor.family_to_write(Caller.page(request), family_id)
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
    elif len(q) >= 2:  # the family's or any member's name, as everywhere a family is chosen
        families = scheduling_usecases.family_search_as(Caller.page(request), q, limit=20)
    answer = request.POST.get("answer", "").strip()[:4000]
    form = NeedForm(request.POST if family and "service" in request.POST else None, family=family)
    if family and "service" in request.POST and form.is_valid():
        try:
            need = services.contact_to_service_need(
                actor=request.user, contact=contact, family=family, answer=answer, **_need_from_form(form)
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            _log(request, AccessEvent.Action.CREATE, "service_need", [(need.pk, family.pk)], _basis(request.user))
            messages.success(request, _("Service need recorded; it waits in the queue."))
            return redirect("intake:contact_detail", pk=contact.pk)
    return render(
        request,
        "intake/contact_need.html",
        {"c": contact, "families": families, "family": family, "q": q, "form": form, "answer": answer},
    )


# --- child welfare notifications ------------------------------------------------------------------


def _notification_or_404(request, pk) -> ChildWelfareNotification:
    n = selectors.notification_for(user=request.user, pk=pk)
    if n is None:
        access_refused(request=request, object_type="child_welfare_notification", object_id=pk)
        raise Http404
    return n


def _notification_basis(user) -> str:
    return "role:administrator" if has_role(user, ADMINISTRATOR) else "service:child_protection"


@login_required
@require_GET
def notification_list(request):
    if not policy.may_see_notifications(request.user):
        raise PermissionDenied
    show = request.GET.get("show", "open")
    if show not in ("open", "closed", "all"):
        show = "open"
    items = list(selectors.notifications(user=request.user, show=show)[:300])
    now = timezone.now()
    for n in items:
        n.clocks = _notification_clocks(n, now)
    if items:
        _log(
            request,
            AccessEvent.Action.LIST,
            "child_welfare_notification",
            [(n.pk, n.family_id) for n in items],
            _notification_basis(request.user),
        )
    workers = Worker.objects.filter(service__receives_child_welfare_notifications=True, is_active=True).select_related(
        "service"
    )
    q = policy.notifications_q(request.user)
    if q is not None:
        workers = workers.filter(service_id__in=policy.notification_service_ids(request.user))
    return render(
        request,
        "intake/notification_list.html",
        {"items": items, "show": show, "caseloads": selectors.caseloads(workers=workers)},
    )


def _notification_clocks(n, now=None) -> list[dict]:
    rows = [
        (_("Urgency"), n.urgency_due_at, n.urgency_assessed_at),
        (_("Decision"), n.decision_due_at, n.decided_at),
    ]
    if n.decision in ("", ChildWelfareNotification.Decision.START_ASSESSMENT):
        rows.append((_("Assessment"), n.assessment_due_at, n.assessment_completed_at))
    return [
        {"label": label, "due": clocks.due_day(due), "done": done, "state": clocks.clock_state(due, done, now)}
        for label, due, done in rows
    ]


@login_required
@require_http_methods(["GET", "POST"])
def notification_new(request):
    if not policy.may_see_notifications(request.user):
        raise PermissionDenied
    form = NotificationForm(request.POST or None)
    ids = policy.notification_service_ids(request.user)
    if ids is not None:
        form.fields["service"].queryset = form.fields["service"].queryset.filter(pk__in=ids)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            n = services.notification_record(
                actor=request.user,
                service=d["service"],
                content=d["content"],
                notifier=d["notifier"],
                child_details=d["child_details"],
                notifier_details=d["notifier_details"],
                reported_urgent=d["reported_urgent"],
                received_at=d["received_at"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            _log(
                request,
                AccessEvent.Action.CREATE,
                "child_welfare_notification",
                [(n.pk, None)],
                _notification_basis(request.user),
            )
            messages.success(request, _("Notification recorded. Assess its urgency now."))
            return redirect("intake:notification_detail", pk=n.pk)
    return render(request, "intake/notification_form.html", {"form": form})


def _cp_workers(n):
    return Worker.objects.filter(service=n.service, is_active=True).order_by("last_name", "first_name")


@login_required
@require_GET
def notification_detail(request, pk: int):
    n = _notification_or_404(request, pk)
    _log(
        request,
        AccessEvent.Action.VIEW,
        "child_welfare_notification",
        [(n.pk, n.family_id)],
        _notification_basis(request.user),
    )
    workers = list(_cp_workers(n).select_related("service"))
    book_url = None
    if n.is_urgent and not n.decided_at and policy.may_book(request.user):
        # the urgent visit: today, from the next quarter hour, with the family when known
        now = timezone.localtime()
        start = (now + dt.timedelta(minutes=15 - now.minute % 15)).replace(second=0, microsecond=0)
        me = policy.own_worker(request.user)
        query = {"start": start.strftime("%Y-%m-%dT%H:%M")}
        if me is not None:
            query["worker"] = me.pk
        if n.family_id and policy.family_write_basis(request.user, n.family_id):
            query["family"] = n.family_id  # only a family the user may name in a booking
        book_url = reverse("scheduling:appointment_new") + "?" + urlencode(query)
    return render(
        request,
        "intake/notification_detail.html",
        {
            "n": n,
            "book_url": book_url,
            "clocks": _notification_clocks(n),
            "events": n.events.select_related("actor"),
            "urgency_form": UrgencyForm(),
            "decision_form": DecisionForm(workers=_cp_workers(n)),
            "assessment_form": AssessmentForm(),
            "caseloads": selectors.caseloads(workers=workers),
        },
    )


def _notification_action(request, pk, act):
    n = _notification_or_404(request, pk)
    try:
        act(n)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        _log(
            request,
            AccessEvent.Action.UPDATE,
            "child_welfare_notification",
            [(n.pk, n.family_id)],
            _notification_basis(request.user),
        )
        messages.success(request, _("Saved."))
    return redirect("intake:notification_detail", pk=n.pk)


@login_required
@require_POST
def notification_urgency(request, pk: int):
    return _notification_action(
        request,
        pk,
        lambda n: services.notification_assess_urgency(
            actor=request.user, notification=n, is_urgent=_form_or_error(UrgencyForm(request.POST))["is_urgent"]
        ),
    )


@login_required
@require_POST
def notification_decide(request, pk: int):
    def act(n):
        data = _form_or_error(DecisionForm(request.POST, workers=_cp_workers(n)))
        services.notification_decide(
            actor=request.user, notification=n, decision=data["decision"], worker=data["worker"]
        )

    return _notification_action(request, pk, act)


@login_required
@require_POST
def notification_assessment(request, pk: int):
    return _notification_action(
        request,
        pk,
        lambda n: services.notification_complete_assessment(
            actor=request.user, notification=n, result=_form_or_error(AssessmentForm(request.POST))["result"]
        ),
    )


# --- service needs -----------------------------------------------------------------------------------


def _need_or_404(request, pk) -> ServiceNeed:
    """A need in the user's queue or allocated to them, or one shown on the family's page
    (selectors.family_needs: the same disclosure rules)."""
    need = selectors.need_for(user=request.user, pk=pk)
    if need is None:
        other = selectors.need_for(user=None, pk=pk)
        basis = policy.family_access_basis(request.user, other.family_id) if other else None
        if basis and pk in policy.disclosed_need_ids(request.user, other.family, [other], basis=basis):
            need = other
    if need is None:
        access_refused(request=request, object_type="service_need", object_id=pk)
        raise Http404
    return need


@login_required
@require_GET
def queue(request):
    if not policy.may_see_queue(request.user):
        raise PermissionDenied
    status = request.GET.get("status", "waiting")
    if status not in ServiceNeed.Status.values:
        status = "waiting"
    needs = list(selectors.queue(user=request.user, status=status)[:300])
    now = timezone.now()
    for need in needs:
        need.waiting_days = selectors.waiting_days(need, now)
    if needs:
        _log(
            request, AccessEvent.Action.LIST, "service_need", [(n.pk, n.family_id) for n in needs], _basis(request.user)
        )
    return render(
        request,
        "intake/queue.html",
        {"needs": needs, "status": status, "statuses": ServiceNeed.Status.choices},
    )


@login_required
@require_http_methods(["GET", "POST"])
def need_new(request, pk: int):
    """Record a service need on the family's page."""
    family = Family.objects.filter(pk=pk).first()
    basis = policy.family_write_basis(request.user, family.pk) if family else None
    if basis is None:
        access_refused(request=request, object_type="family", object_id=pk, family_id=family.pk if family else None)
        raise Http404
    if not policy.may_record_need(request.user):
        access_refused(request=request, object_type="family", object_id=pk, family_id=family.pk)
        raise PermissionDenied
    form = NeedForm(request.POST or None, family=family)
    if request.method == "POST" and form.is_valid():
        try:
            need = services.service_need_record(
                actor=request.user, family=family, source=form.cleaned_data["source"], **_need_from_form(form)
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            _log(request, AccessEvent.Action.CREATE, "service_need", [(need.pk, family.pk)], basis)
            messages.success(request, _("Service need recorded; it waits in the queue."))
            return redirect("scheduling:family_calendar", pk=family.pk)
    return render(request, "intake/need_form.html", {"form": form, "family": family})


def _candidates(request, need):
    """Workers the user may book for in the need's service or its organisation who speak
    the need's language (the candidate page of allocation shows the others apart, each
    with the condition it fails)."""
    qs = Worker.objects.filter(is_active=True).select_related("service", "unit")
    if need.language_id:
        qs = qs.filter(languages=need.language_id)
    scope = scope_q(request.user, COORDINATOR, ADMINISTRATOR)
    if scope is not None:
        qs = qs.filter(scope)
    return qs.filter(Q(service=need.service) | Q(organisation=need.service.organisation)).order_by(
        "last_name", "first_name"
    )


def _need_page(request, need, *, allocate_form=None, status=200):
    """The need's page; after a refused allocation its form comes back as it was typed,
    with the errors beside the fields (a warning to confirm keeps everything)."""
    may_allocate = need.status == ServiceNeed.Status.WAITING and policy.may_allocate(request.user, need)
    candidates = list(_candidates(request, need)[:200]) if may_allocate else []
    for w in candidates:
        w.caseload = selectors.caseload(w) if selectors.caseload_applies(w) else None
    if may_allocate and allocate_form is None:
        allocate_form = AllocateForm(workers=_candidates(request, need))
    return render(
        request,
        "intake/need_detail.html",
        {
            "need": need,
            "waiting_days": selectors.waiting_days(need),
            "events": need.events.select_related("actor"),
            "appointments": need.appointments.order_by("planned_start")[:60],
            "allocate_form": allocate_form if may_allocate else None,
            "candidates": candidates,
            "cap": settings.CHILD_PROTECTION_CASELOAD_CAP,
            "close_form": NeedCloseForm() if need.status != ServiceNeed.Status.CLOSED else None,
            "may_close": need.status != ServiceNeed.Status.CLOSED and policy.may_close_need(request.user, need),
        },
        status=status,
    )


@login_required
@require_GET
def need_detail(request, pk: int):
    need = _need_or_404(request, pk)
    _log(request, AccessEvent.Action.VIEW, "service_need", [(need.pk, need.family_id)], _basis(request.user))
    return _need_page(request, need)


@login_required
@require_POST
def need_allocate(request, pk: int):
    need = _need_or_404(request, pk)
    if not policy.may_allocate(request.user, need):
        access_refused(request=request, object_type="service_need", object_id=pk, family_id=need.family_id)
        raise PermissionDenied
    form = AllocateForm(request.POST, workers=_candidates(request, need))
    if form.is_valid():
        d = form.cleaned_data
        try:
            appointments = services.service_need_allocate(
                actor=request.user,
                need=need,
                worker=d["worker"],
                first_start=d["first_start"],
                weekdays=d["weekdays"],
                confirm_outside_shift=d["confirm_outside_shift"],
                confirm_caseload=d["confirm_caseload"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            _log(request, AccessEvent.Action.UPDATE, "service_need", [(need.pk, need.family_id)], _basis(request.user))
            messages.success(
                request,
                _("Allocated to %(name)s: %(n)d visits booked.") % {"name": d["worker"].name, "n": len(appointments)},
            )
            return redirect("intake:need_detail", pk=need.pk)
    _log(request, AccessEvent.Action.VIEW, "service_need", [(need.pk, need.family_id)], _basis(request.user))
    return _need_page(request, need, allocate_form=form, status=400)


@login_required
@require_POST
def need_close(request, pk: int):
    need = _need_or_404(request, pk)
    if not policy.may_close_need(request.user, need):
        access_refused(request=request, object_type="service_need", object_id=pk, family_id=need.family_id)
        raise PermissionDenied
    form = NeedCloseForm(request.POST)
    try:
        services.service_need_close(actor=request.user, need=need, outcome=_form_or_error(form)["outcome"])
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        _log(request, AccessEvent.Action.UPDATE, "service_need", [(need.pk, need.family_id)], _basis(request.user))
        messages.success(request, _("Service need closed."))
    return redirect("intake:need_detail", pk=need.pk)


# --- the deadline dashboard -------------------------------------------------------------------------


@login_required
@require_GET
def deadlines(request):
    if not policy.may_see_dashboard(request.user):
        raise PermissionDenied
    rows = selectors.deadline_dashboard(user=request.user)
    if not policy.may_see_notifications(request.user) and not has_role(request.user, MANAGER, ADMINISTRATOR):
        rows = [r for r in rows if r["kind"] == clocks.HELP_ANSWER]
    labels = {
        clocks.HELP_ANSWER: _("Contacts answered (next working day / promise)"),
        clocks.CWN_URGENCY: _("Child welfare notifications: urgency assessed immediately"),
        clocks.CWN_DECISION: _("Child welfare notifications: decision by the 7th working day"),
        clocks.CWN_ASSESSMENT: _("Service-need assessment finished within 3 months"),
    }
    for r in rows:
        r["label"] = labels[r["kind"]]
    months = sorted({m["month"] for r in rows for m in r["months"]})
    for r in rows:
        by_month = {m["month"]: m for m in r["months"]}
        r["cells"] = [by_month.get(m) for m in months]
    waiting = (
        selectors.queue(user=request.user, status="waiting").count() if policy.may_see_queue(request.user) else None
    )
    return render(request, "intake/deadlines.html", {"rows": rows, "months": months, "waiting": waiting})
