"""REST API of the reports: the same catalogue and selectors as the pages, and the
purchased services (recorded through the same services as the page)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, PolymorphicProxySerializer, extend_schema
from rest_framework import renderers, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.response import Response

from perhekeskus.access import policy
from perhekeskus.access.api import AccessLoggedViewSetMixin
from perhekeskus.access.models import AccessEvent
from perhekeskus.access.services import access_log, access_refused
from perhekeskus.api import int_param

from . import exports, selectors, services
from .catalog import REPORTS
from .forms import ReportFilterForm
from .models import PurchasedService

FILTER_PARAMS = [
    OpenApiParameter("start", OpenApiTypes.DATE, description="First day of the period (default: 1 January this year)."),
    OpenApiParameter("end", OpenApiTypes.DATE, description="Last day of the period, included (default: today)."),
    OpenApiParameter("organisation", int, description="The worker's organisation (purchases: the purchaser)."),
    OpenApiParameter("unit", int),
    OpenApiParameter("service", int),
    OpenApiParameter("work_type", int),
    OpenApiParameter("worker", int),
    OpenApiParameter("group", str, enum=["worker", "unit", "organisation"], description="Reports that group rows."),
]
DRILL_PARAMS = [
    OpenApiParameter("family", str, description="A family's pseudonymous key."),
    OpenApiParameter("work_class", str, description="Comma-separated work classes."),
    OpenApiParameter("reason", str),
    OpenApiParameter("cancelled_by", str),
    OpenApiParameter("month", str, description="YYYY-MM"),
    OpenApiParameter("level", str),
    OpenApiParameter("status", str),
    OpenApiParameter("location", str),
    OpenApiParameter("limit", int),
    OpenApiParameter("offset", int),
]


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ColumnSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    kind = serializers.ChoiceField(
        choices=selectors.COLUMN_KINDS,
        help_text="How to read the column's values: text and key (a family's pseudonymous key) are "
        "strings; int a whole number; hours, pct and num numbers at one decimal; eur a decimal "
        "string with two decimals (money is never a float); month YYYY-MM-DD of the month's first day.",
    )


class ReportInfoSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()


class ReportSerializer(ReportInfoSerializer):
    filters = serializers.DictField(child=serializers.CharField())
    columns = ColumnSerializer(many=True)
    rows = serializers.ListField(child=serializers.DictField())
    totals = serializers.DictField(
        allow_null=True,
        help_text="The totals row: numbers only (typed as the columns say); its labels are in totals_labels.",
    )
    totals_labels = serializers.DictField(
        child=serializers.CharField(), help_text='Text of the totals row by column, e.g. {"family": "3 families"}.'
    )
    notes = serializers.ListField(child=serializers.CharField())
    count = serializers.IntegerField()


def _kind_field(kind: str):
    if kind in ("int", "year"):
        return serializers.IntegerField(allow_null=True)
    if kind in ("hours", "pct", "num"):
        return serializers.FloatField(allow_null=True)
    if kind == "eur":
        return serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=True, allow_null=True)
    return serializers.CharField(allow_null=True)


def _camel(key: str) -> str:
    return "".join(part.capitalize() for part in key.split("_"))


def _typed_report(report) -> type[serializers.Serializer]:
    """The schema of one report's answer: its key (one value, so that exactly one of the
    reports' shapes matches an answer), its rows' and totals' declared fields."""
    row = type(
        f"{_camel(report.key)}Row",
        (serializers.Serializer,),
        {name: _kind_field(kind) for name, kind in report.fields},
    )
    return type(
        f"{_camel(report.key)}Report",
        (ReportSerializer,),
        {
            "key": serializers.ChoiceField(choices=[report.key]),
            "rows": row(many=True),
            "totals": row(allow_null=True),
        },
    )


def _plain(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


def _value(value, kind: str):
    """A computed value as the API gives it, rounded once at its column's shown
    precision as the page rounds it: money as a decimal string with two decimals, other
    numbers as numbers."""
    if kind == "eur" and isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return str(selectors.rounded(value, 2))
    return _plain(selectors.precise(value, kind))


def _row(table, row: dict | None, fields: tuple[tuple[str, str], ...] = ()) -> dict | None:
    """A row as the API gives it: exactly the report's declared fields (in their order,
    None where the row has none) when it declares them, else the row's own keys."""
    if row is None:
        return None
    if fields:
        return {k: _value(row.get(k), kind) for k, kind in fields}
    kinds = {c.key: c.kind for c in table.columns}
    return {k: _value(v, kinds.get(k, "text")) for k, v in row.items() if not k.startswith("_")}


def _totals(table, fields=()) -> tuple[dict | None, dict]:
    """The totals row with its labels ("3 families") taken out of the value columns."""
    totals = _row(table, table.totals, fields)
    if totals is None:
        return None, {}
    kinds = {c.key: c.kind for c in table.columns}
    labels = {}
    for k, v in list(totals.items()):
        if isinstance(v, str) and kinds.get(k) != "eur":
            labels[k] = v
            totals[k] = None
    return totals, labels


def _payload(key, title, description, params, table, count, fields=()) -> dict:
    totals, labels = _totals(table, fields)
    return {
        "key": key,
        "title": str(title),
        "description": str(description),
        "filters": params,
        "columns": [{"key": c.key, "label": str(c.label), "kind": c.kind} for c in table.columns],
        # numbers at the page's precision (docs/metrics.md), as the exports give them
        "rows": [_row(table, r, fields) for r in table.rows],
        "totals": totals,
        "totals_labels": labels,
        "notes": [str(n) for n in table.notes],
        "count": count,
    }


class CsvRenderer(renderers.BaseRenderer):
    """Accepts ``format=csv`` (or ``Accept: text/csv``) for a report; the file itself is
    the page's export (``exports.table_response``) and errors are answered as JSON
    (``ReportViewSet.handle_exception``), so this renders only as a last resort."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return json.dumps(data, ensure_ascii=False, default=str).encode()


class XlsxRenderer(CsvRenderer):
    media_type = XLSX
    format = "xlsx"
    charset = None


TYPED_REPORT = PolymorphicProxySerializer(
    component_name="TypedReport",
    serializers={r.key: _typed_report(r) for r in REPORTS.values()},
    resource_type_field_name="key",
)


class ReportViewSet(viewsets.ViewSet):
    """Management reports (docs/metrics.md). Aggregates of the workers within the
    caller's scope; families only by their pseudonymous key."""

    lookup_value_regex = "[a-z_]{1,40}"

    def _check(self, request):
        if not policy.may_see_reports(request.user):
            raise PermissionDenied(_("Reports are for managers, resource coordinators and administrators."))

    def _filters(self, request, groups=(), default_group: str = "worker"):
        # the API is strict: a parameter given is a value (the page's form treats an empty
        # select as "all"; here an empty value is an error, as the schema says)
        empty = [p.name for p in FILTER_PARAMS + DRILL_PARAMS if request.query_params.get(p.name, None) == ""]
        if empty:
            raise DRFValidationError({name: [_("Give a value or leave the parameter out.")] for name in empty})
        form = ReportFilterForm(
            request.query_params, groups=groups or ("worker", "unit", "organisation"), default_group=default_group
        )
        if not form.is_valid():
            raise DRFValidationError({k: list(v) for k, v in form.errors.items()})
        return form.filters()

    def _log(self, request, table, object_type: str, action: str = AccessEvent.Action.LIST) -> None:
        if objects := table.logged():
            access_log(
                request=request,
                action=action,
                object_type=object_type,
                objects=objects,
                basis=policy.report_basis(request.user),
                channel=AccessEvent.Channel.API,
            )

    @extend_schema(responses=ReportInfoSerializer(many=True))
    def list(self, request):
        self._check(request)
        return Response(
            [{"key": r.key, "title": str(r.title), "description": str(r.description)} for r in REPORTS.values()]
        )

    def get_renderers(self):
        if self.action == "retrieve":
            return [*super().get_renderers(), CsvRenderer(), XlsxRenderer()]
        return super().get_renderers()

    def handle_exception(self, exc):
        """An error is JSON whatever file was asked for (as the schema documents it)."""
        response = super().handle_exception(exc)
        if getattr(getattr(self.request, "accepted_renderer", None), "format", None) in ("csv", "xlsx"):
            self.request.accepted_renderer = renderers.JSONRenderer()
            self.request.accepted_media_type = "application/json"
        return response

    @extend_schema(
        parameters=[
            OpenApiParameter("id", str, OpenApiParameter.PATH, enum=[*REPORTS], description="The report."),
            *FILTER_PARAMS,
            OpenApiParameter(
                "format",
                str,
                enum=["json", "csv", "xlsx"],
                description="csv or xlsx: the page's export file, same columns and numbers (or Accept: text/csv).",
            ),
        ],
        responses={
            (200, "application/json"): TYPED_REPORT,
            (200, "text/csv"): OpenApiTypes.STR,
            (200, XLSX): OpenApiTypes.BINARY,
        },
    )
    def retrieve(self, request, pk=None):
        self._check(request)
        spec = REPORTS.get(pk)
        if spec is None:
            raise Http404
        f = self._filters(request, spec.groups, spec.default_group)  # the page's grouping by default
        table = spec.run(request.user, f)
        fmt = getattr(request.accepted_renderer, "format", "json")
        if fmt in ("csv", "xlsx"):
            self._log(request, table, "family", action=AccessEvent.Action.EXPORT)
            return exports.table_response(table, fmt, name=spec.key, title=str(spec.title), filters=f.as_params())
        self._log(request, table, "family")
        return Response(
            _payload(spec.key, spec.title, spec.description, f.as_params(), table, len(table.rows), spec.fields)
        )

    @extend_schema(parameters=FILTER_PARAMS + DRILL_PARAMS, responses=ReportSerializer)
    @action(detail=False, methods=["get"])
    def rows(self, request):
        """The worker-hour rows behind a number (paged by limit/offset, at most 1000)."""
        self._check(request)
        f = self._filters(request)
        limit = int_param(request, "limit", minimum=1, maximum=1000) or 100
        offset = int_param(request, "offset") or 0
        table, total = selectors.drill_table(request.user, f, limit=limit, offset=offset)
        self._log(request, table, "appointment")
        return Response(_payload("rows", _("Rows behind the number"), "", f.as_params(), table, total))


class PurchasedServiceSerializer(serializers.ModelSerializer):
    family_key = serializers.RegexField(r"^[0-9A-Za-z]{1,12}$", source="family.key")
    # the family's id beside its key, as appointments name it (read only: a purchase is
    # recorded by the key, which the purchaser's policy checks)
    family = serializers.IntegerField(source="family_id", read_only=True)
    # an id, checked against the family by the service: an unknown person and one of
    # another family give the same error
    person = serializers.IntegerField(
        source="person_id", required=False, allow_null=True, min_value=1, max_value=2**63 - 1
    )

    class Meta:
        model = PurchasedService
        fields = [
            "id",
            "purchaser",
            "provider",
            "service",
            "family_key",
            "family",
            "person",
            "start_date",
            "end_date",
            "units",
            "unit",
            "unit_price",
            "lump_sum",
            "amount",
            "invoice_reference",
            "recorded_at",
        ]
        read_only_fields = ["amount", "recorded_at"]
        # the rules (either units or a lump sum, dates, scope) are checked by the service
        validators = []


class PurchasedServiceViewSet(AccessLoggedViewSetMixin, viewsets.ModelViewSet):
    """Purchased services (ostopalvelut) of the purchasing organisations in the caller's
    scope. ``amount`` is units x unit price, or the lump sum."""

    serializer_class = PurchasedServiceSerializer
    log_object_type = "purchase"

    def log_family_id(self, obj) -> int | None:
        return obj.family_id

    def get_queryset(self):
        if not policy.may_record_purchases(self.request.user):
            if "pk" in self.kwargs:  # an attempt on one purchase is logged as refused
                access_refused(
                    request=self.request,
                    object_type="purchase",
                    object_id=self.kwargs["pk"],
                    channel=AccessEvent.Channel.API,
                )
            raise PermissionDenied(_("Purchased services are for managers, resource coordinators and administrators."))
        return selectors.purchase_list(self.request.user).order_by("-start_date", "-id")

    def _data(self, serializer) -> dict:
        data = dict(serializer.validated_data)
        family = data.pop("family", None)
        if family is not None:
            data["family_key"] = family["key"]
        elif serializer.instance is not None:
            data["family_key"] = serializer.instance.family.key
        if "person_id" in data:
            data["person"] = data.pop("person_id")
        if serializer.instance is not None and serializer.partial:
            for name in services.FIELDS + ("person",):
                data.setdefault(name, getattr(serializer.instance, name))
        return data

    def _save(self, serializer, purchase=None):
        data = self._data(serializer)
        try:
            saved = services.purchase_save(user=self.request.user, data=data, purchase=purchase)
        except ValidationError as exc:
            services.refused_family_key(self.request, data, exc, channel=AccessEvent.Channel.API)
            raise DRFValidationError(exc.message_dict) from None
        serializer.instance = saved
        self._log(
            AccessEvent.Action.UPDATE if purchase else AccessEvent.Action.CREATE,
            [saved],
            basis=policy.report_basis(self.request.user),
        )

    def perform_create(self, serializer):
        self._save(serializer)

    def perform_update(self, serializer):
        self._save(serializer, serializer.instance)

    def perform_destroy(self, instance):
        pk, family_id = instance.pk, instance.family_id
        try:
            services.purchase_delete(user=self.request.user, purchase=instance)
        except ValidationError as exc:
            raise DRFValidationError(exc.message_dict) from None
        access_log(
            request=self.request,
            action=AccessEvent.Action.UPDATE,
            object_type="purchase",
            objects=[(pk, family_id)],
            basis=policy.report_basis(self.request.user),
            channel=AccessEvent.Channel.API,
        )
