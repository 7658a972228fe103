"""The report filters (one form for pages, exports and drill-down) and the purchased
service form. Errors are in the user's language; nothing is computed from bad input."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from perhekeskus.fields import SafeModelChoiceField, valid_id
from perhekeskus.network.models import Organisation, Service, Unit
from perhekeskus.people.models import Worker
from perhekeskus.scheduling.models import Appointment, CancellationReason, CancelledBy, WorkClass, WorkType

from .models import PurchasedService
from .selectors import Filters, default_period
from .services import FIELDS

MAX_PERIOD_DAYS = 366 * 10


class ReportFilterForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("Until"), widget=forms.DateInput(attrs={"type": "date"}))
    organisation = SafeModelChoiceField(Organisation.objects.all(), label=_("Organisation"), required=False)
    unit = SafeModelChoiceField(Unit.objects.select_related("organisation"), label=_("Unit"), required=False)
    service = SafeModelChoiceField(Service.objects.all(), label=_("Service"), required=False)
    work_type = SafeModelChoiceField(WorkType.objects.all(), label=_("Work type"), required=False)
    worker = SafeModelChoiceField(Worker.objects.all(), label=_("Worker"), required=False)
    group = forms.ChoiceField(
        label=_("Group by"),
        required=False,
        choices=[("worker", _("Worker")), ("unit", _("Unit")), ("organisation", _("Organisation"))],
    )
    # drill-down refinements (set by the links behind the numbers)
    family = forms.RegexField(regex=r"^[0-9A-Z]{1,12}$", required=False, label=_("Family key"))
    work_class = forms.CharField(required=False, max_length=200)
    reason = forms.ChoiceField(choices=[("", "")] + CancellationReason.choices, required=False)
    cancelled_by = forms.ChoiceField(choices=[("", "")] + CancelledBy.choices, required=False)
    month = forms.RegexField(regex=r"^[0-9]{4}-[0-9]{2}$", required=False)
    level = forms.ChoiceField(choices=[("", "")] + Service.Level.choices, required=False)
    status = forms.ChoiceField(choices=[("", "")] + Appointment.Status.choices, required=False)
    location = forms.ChoiceField(choices=[("", "")] + Appointment.LocationKind.choices, required=False)

    DRILL_FIELDS = ("family", "work_class", "reason", "cancelled_by", "month", "level", "status", "location")

    def __init__(self, data=None, *, groups: tuple[str, ...] = (), default_group: str = "worker", **kwargs):
        start, end = default_period()
        data = data.copy() if data is not None else {}
        data.setdefault("start", start.isoformat())
        data.setdefault("end", end.isoformat())
        super().__init__(data, **kwargs)
        self.default_group = default_group
        self.fields["group"].choices = [c for c in self.fields["group"].choices if c[0] in groups]
        # worker choices only within a chosen unit (a select of a whole region's workers is no use)
        unit_id = self.data.get("unit")
        workers = Worker.objects.none()
        if unit_id and valid_id(unit_id):
            workers = Worker.objects.filter(unit_id=unit_id)
        if (worker_id := self.data.get("worker")) and valid_id(worker_id):
            workers = workers | Worker.objects.filter(pk=worker_id)
        self.fields["worker"].queryset = workers

    def clean_work_class(self):
        raw = self.cleaned_data.get("work_class") or ""
        values = tuple(v for v in raw.split(",") if v)
        valid = set(WorkClass.values)
        if any(v not in valid for v in values):
            raise forms.ValidationError(_("Unknown work class."))
        return values

    def clean_month(self):
        raw = self.cleaned_data.get("month")
        if not raw:
            return None
        try:
            return dt.date.fromisoformat(raw + "-01")
        except ValueError:
            raise forms.ValidationError(_("Enter a month as YYYY-MM.")) from None

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("The end of the period is before its start."))
            elif (end - start).days > MAX_PERIOD_DAYS:
                self.add_error("end", _("A period may be at most ten years."))
        return data

    def filters(self) -> Filters:
        d = self.cleaned_data

        def pk(name):
            return d[name].pk if d.get(name) else None

        return Filters(
            start=d["start"],
            end=d["end"],
            organisation=pk("organisation"),
            unit=pk("unit"),
            service=pk("service"),
            work_type=pk("work_type"),
            worker=pk("worker"),
            group=d.get("group") or self.default_group,
            family=d.get("family") or None,
            work_class=d.get("work_class") or (),
            reason=d.get("reason") or None,
            cancelled_by=d.get("cancelled_by") or None,
            month=d.get("month"),
            level=d.get("level") or None,
            status=d.get("status") or None,
            location=d.get("location") or None,
        )


class PurchasedServiceForm(forms.ModelForm):
    family_key = forms.RegexField(
        label=_("Family key"),
        regex=r"^[0-9A-Za-z]{1,12}$",
        help_text=_("The family's pseudonymous key, shown on the family page."),
        error_messages={"invalid": _("A family key is letters and digits.")},
    )

    class Meta:
        model = PurchasedService
        # the fields purchase_save writes, with the family key after the service
        fields = [*FIELDS[:3], "family_key", *FIELDS[3:]]
        field_classes = {
            "purchaser": SafeModelChoiceField,
            "provider": SafeModelChoiceField,
            "service": SafeModelChoiceField,
        }
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}),
            "end_date": forms.DateInput(attrs={"type": "date"}),
        }
