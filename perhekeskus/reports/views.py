"""Report pages, their exports and drill-downs, and the purchased-services pages. Thin:
the filter form parses, ``catalog``/``selectors`` compute, ``exports`` writes files;
every page or file that names families (by key) is written to the access log."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from perhekeskus.access import policy
from perhekeskus.access.models import AccessEvent
from perhekeskus.access.services import access_log, access_refused
from perhekeskus.flash import flash_errors, form_errors

from . import exports, selectors, services
from .catalog import REPORTS
from .forms import PurchasedServiceForm, ReportFilterForm
from .models import PurchasedService
from .selectors import precise

DRILL_PAGE = 100


def _require_reports(request):
    if not policy.may_see_reports(request.user):
        raise PermissionDenied


def _log(request, objects, *, action: str, object_type: str, channel=AccessEvent.Channel.PAGE):
    """Log the families a page or file names (nothing when it names none)."""
    if objects:
        access_log(
            request=request,
            action=action,
            object_type=object_type,
            objects=objects,
            basis=policy.report_basis(request.user),
            channel=channel,
        )


def _export(request, table, *, name: str, title: str, filters: dict, object_type: str):
    fmt = request.GET.get("format")
    _log(
        request,
        table.logged(),
        action=AccessEvent.Action.EXPORT,
        object_type=object_type,
        channel=AccessEvent.Channel.EXPORT,
    )
    return exports.table_response(table, fmt, name=name, title=title, filters=filters)


def _chart_payload(table) -> dict | None:
    chart = table.chart
    if not chart:
        return None
    if chart.get("type") == "doughnut":
        return {
            "type": "doughnut",
            "labels": chart["labels"],
            "datasets": [{"label": chart["title"], "data": chart["data"]}],
        }
    labels = {c.key: c.label for c in table.columns}
    kinds = {c.key: c.kind for c in table.columns}
    # the chart draws the numbers the table shows (the same precision and rounding)
    rows = [table.precise_row(r) for r in table.rows[: chart.get("top", 60)]]
    if chart.get("lifecycle"):
        cohorts: dict = {}
        for r in table.rows:
            acc = cohorts.setdefault(r["cohort"], [0.0] * len(chart["series"]))
            for i, k in enumerate(chart["series"]):
                acc[i] += r[k] or 0.0
        return {
            "type": "line",
            "labels": [str(x) for x in chart["labels"]],
            "datasets": [
                {"label": str(c), "data": [precise(v, kinds[k]) for k, v in zip(chart["series"], vals, strict=True)]}
                for c, vals in cohorts.items()
            ],
        }
    if chart.get("pivot"):
        xs = list(dict.fromkeys(str(r[chart["label"]]) for r in rows))
        groups: dict = {}
        for r in rows:
            groups.setdefault(r[chart["pivot"]], {})[str(r[chart["label"]])] = r[chart["value"]]
        datasets = [{"label": g, "data": [vals.get(x, 0) for x in xs]} for g, vals in groups.items()]
        return {"type": "bar", "labels": xs, "datasets": datasets, "stacked": True}
    return {
        "type": "bar",
        "labels": [str(r[chart["label"]]) for r in rows],
        "datasets": [{"label": str(labels[s]), "data": [r.get(s) or 0 for r in rows]} for s in chart["series"]],
        "stacked": chart.get("stacked", False),
        "horizontal": chart.get("horizontal", False),
    }


@login_required
def index(request):
    _require_reports(request)
    return render(
        request,
        "reports/index.html",
        {"reports": REPORTS.values(), "may_record": policy.may_record_purchases(request.user)},
    )


@login_required
def report(request, key: str):
    _require_reports(request)
    spec = REPORTS.get(key)
    if spec is None:
        raise Http404
    form = ReportFilterForm(request.GET, groups=spec.groups, default_group=spec.default_group)
    if not form.is_valid():
        return render(request, "reports/report.html", {"spec": spec, "form": form, "table": None}, status=400)
    f = form.filters()
    table = spec.run(request.user, f)
    params = _link_params(f, spec.groups)
    if request.GET.get("format") in ("csv", "xlsx"):
        return _export(request, table, name=key, title=spec.title, filters=params, object_type="family")
    shown = table.rows[: selectors.PAGE_ROWS]
    # only the families on the page are shown (and logged); exports give all
    _log(request, table.logged(shown), action=AccessEvent.Action.LIST, object_type="family")
    drill_base = reverse("reports:rows")
    for r in shown:
        drill = r.get("_drill")
        r["_link"] = f"{drill_base}?{urlencode(_drill_params(params, drill))}" if drill else None
    if table.totals is not None:
        table.totals["_link"] = f"{drill_base}?{urlencode(params)}"
    context = {
        "spec": spec,
        "form": form,
        "table": table,
        "rows": shown,
        "hidden_rows": max(len(table.rows) - len(shown), 0),
        "chart": _chart_payload(table),
        "export_csv": f"?{urlencode(params | {'format': 'csv'})}",
        "export_xlsx": f"?{urlencode(params | {'format': 'xlsx'})}",
        "reach": table.reach,
    }
    return render(request, "reports/report.html", context)


def _link_params(f, groups) -> dict:
    """The filters as the query of this page's own links (exports, paging): the grouping
    only where the page offers a choice of it (the form refuses a group it does not
    offer, so a link carrying one answered 400)."""
    params = f.as_params()
    if params.get("group") not in groups:
        params.pop("group", None)
    return params


def _drill_params(params: dict, drill: dict) -> dict:
    out = dict(params)
    out.pop("group", None)
    for k, v in drill.items():
        if v in (None, ""):
            continue
        if k == "work_class":
            out[k] = ",".join(v)
        elif k == "month":
            out[k] = v.strftime("%Y-%m")
        else:
            out[k] = str(v)
    return out


@login_required
def rows(request):
    """The rows behind a number: worker-hour rows with the same filters as the number."""
    _require_reports(request)
    form = ReportFilterForm(request.GET, groups=())
    if not form.is_valid():
        return render(request, "reports/rows.html", {"form": form, "table": None}, status=400)
    f = form.filters()
    params = _link_params(f, ())
    if request.GET.get("format") in ("csv", "xlsx"):
        table, _total = selectors.drill_table(request.user, f)
        return _export(request, table, name="rows", title=_("Rows"), filters=params, object_type="appointment")
    page_no = request.GET.get("page") or "1"
    page_no = int(page_no) if page_no.isdecimal() else 1
    table, total = selectors.drill_table(request.user, f, limit=DRILL_PAGE, offset=(page_no - 1) * DRILL_PAGE)
    _log(request, table.logged(), action=AccessEvent.Action.LIST, object_type="appointment")
    paginator = Paginator(range(total), DRILL_PAGE)
    page = paginator.get_page(page_no)
    return render(
        request,
        "reports/rows.html",
        {
            "form": form,
            "table": table,
            "total": total,
            "page": page,
            "params": urlencode(params),
            "export_csv": f"?{urlencode(params | {'format': 'csv'})}",
            "export_xlsx": f"?{urlencode(params | {'format': 'xlsx'})}",
        },
    )


# --- purchased services ----------------------------------------------------------------


def _require_purchases(request, pk=None):
    """Purchases are managers', coordinators' and administrators': others are refused
    before any lookup; an attempt on one purchase is logged as refused."""
    if not policy.may_record_purchases(request.user):
        if pk is not None:
            access_refused(request=request, object_type="purchase", object_id=pk)
        elif request.method == "POST":  # a new purchase naming a family by its key
            services.log_refused_key(request, request.POST.get("family_key"))
        raise PermissionDenied


@login_required
def purchase_list(request):
    _require_purchases(request)
    page = Paginator(selectors.purchase_list(request.user), 100).get_page(request.GET.get("page"))
    _log(request, [(p.pk, p.family_id) for p in page], action=AccessEvent.Action.LIST, object_type="purchase")
    return render(request, "reports/purchase_list.html", {"page": page})


def _purchase_for(request, pk: int) -> PurchasedService:
    purchase = selectors.purchase_list(request.user).filter(pk=pk).first()
    if purchase is None:
        access_refused(request=request, object_type="purchase", object_id=pk)
        raise Http404
    return purchase


@login_required
@require_http_methods(["GET", "POST"])
def purchase_edit(request, pk: int | None = None):
    _require_purchases(request, pk)
    purchase = _purchase_for(request, pk) if pk is not None else None
    initial = {"family_key": purchase.family.key} if purchase else {}
    if request.method == "POST":
        form = PurchasedServiceForm(request.POST, instance=purchase, initial=initial)
        if form.is_valid():
            try:
                saved = services.purchase_save(user=request.user, data=form.cleaned_data, purchase=purchase)
            except ValidationError as exc:
                services.refused_family_key(request, form.cleaned_data, exc)
                form_errors(form, exc)
            else:
                _log(
                    request,
                    [(saved.pk, saved.family_id)],
                    action=AccessEvent.Action.UPDATE if purchase else AccessEvent.Action.CREATE,
                    object_type="purchase",
                )
                messages.success(request, _("Purchased service saved: %(amount)s EUR.") % {"amount": saved.amount})
                return redirect("reports:purchase_list")
        status = 400
    else:
        form = PurchasedServiceForm(instance=purchase, initial=initial)
        status = 200
        if purchase:
            _log(request, [(purchase.pk, purchase.family_id)], action=AccessEvent.Action.VIEW, object_type="purchase")
    return render(request, "reports/purchase_form.html", {"form": form, "purchase": purchase}, status=status)


@login_required
@require_POST
def purchase_delete(request, pk: int):
    _require_purchases(request, pk)
    purchase = _purchase_for(request, pk)
    try:
        services.purchase_delete(user=request.user, purchase=purchase)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        _log(request, [(pk, purchase.family_id)], action=AccessEvent.Action.UPDATE, object_type="purchase")
        messages.success(request, _("Purchased service removed."))
    return redirect("reports:purchase_list")
