"""Forms of the calendar pages. They parse input; the services decide."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from perhekeskus.access import frontdoor, policy
from perhekeskus.fields import SafeModelChoiceField, SafeModelMultipleChoiceField
from perhekeskus.fields import valid_id as _valid_id
from perhekeskus.people.models import Family, Person, Worker

from . import wallclock
from .models import Appointment, CancellationReason, CancelledBy, WorkType

HELSINKI = ZoneInfo("Europe/Helsinki")

WEEKDAYS = [
    (1, gettext_lazy("Mon")),
    (2, gettext_lazy("Tue")),
    (3, gettext_lazy("Wed")),
    (4, gettext_lazy("Thu")),
    (5, gettext_lazy("Fri")),
    (6, gettext_lazy("Sat")),
    (7, gettext_lazy("Sun")),
]


def local_datetime(day: dt.date, time: dt.time) -> dt.datetime:
    """A Helsinki wall-clock time as an aware datetime; refuses times that do not exist
    or happen twice because of the daylight saving time change (``wallclock``)."""
    try:
        return wallclock.combine(day, time)
    except ValidationError as exc:
        raise forms.ValidationError(exc.messages, code=exc.code) from None


EARLIEST, LATEST = dt.date(1900, 1, 1), dt.date(2200, 1, 1)


class BoundedDateField(forms.DateField):
    """A date within 1900-2200: further out, time-zone arithmetic would overflow."""

    def to_python(self, value):
        value = super().to_python(value)
        if value is not None and not EARLIEST <= value < LATEST:
            raise forms.ValidationError(_("Enter a date between 1900 and 2200."), code="invalid")
        return value


def safe_day(value: str | None) -> dt.date | None:
    """A date from a URL parameter, or None when missing, malformed or out of range."""
    from django.utils.dateparse import parse_date

    try:
        day = parse_date(value or "")
    except ValueError:
        return None
    return day if day is not None and EARLIEST <= day < LATEST else None


class WorkerChoiceField(SafeModelChoiceField):
    def label_from_instance(self, obj: Worker) -> str:
        return f"{obj.last_name} {obj.first_name} ({obj.unit.name})"


class AppointmentForm(forms.Form):
    worker = WorkerChoiceField(label=gettext_lazy("Worker"), queryset=Worker.objects.none())
    work_type = SafeModelChoiceField(label=gettext_lazy("Work type"), queryset=WorkType.objects.none())
    date = BoundedDateField(
        label=gettext_lazy("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    start_time = forms.TimeField(
        label=gettext_lazy("Start"), widget=forms.TimeInput(attrs={"type": "time", "step": 300}, format="%H:%M")
    )
    end_time = forms.TimeField(
        label=gettext_lazy("End"), widget=forms.TimeInput(attrs={"type": "time", "step": 300}, format="%H:%M")
    )
    unit_price = forms.DecimalField(
        label=gettext_lazy("Unit price (EUR/h)"),
        required=False,
        min_value=0,
        max_digits=8,
        decimal_places=2,
        help_text=gettext_lazy("Leave empty to use the work type's price."),
    )
    family = SafeModelChoiceField(
        label=gettext_lazy("Recipient family"),
        queryset=Family.objects.all(),
        required=False,
        help_text=gettext_lazy("None for internal work."),
    )
    persons = SafeModelMultipleChoiceField(
        label=gettext_lazy("Persons in the family"),
        queryset=Person.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    location_kind = forms.ChoiceField(label=gettext_lazy("Location"), choices=Appointment.LocationKind.choices)
    address = forms.CharField(
        label=gettext_lazy("Address"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("Empty: the family's or the unit's address."),
    )
    notes_to_heed = forms.CharField(
        label=gettext_lazy("Notes to heed"),
        max_length=500,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("e.g. slippery front yard")}),
    )
    pair = WorkerChoiceField(label=gettext_lazy("Invite a work pair"), queryset=Worker.objects.none(), required=False)
    repeat = forms.BooleanField(label=gettext_lazy("Repeat weekly"), required=False)
    weekdays = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Weekdays"),
        choices=WEEKDAYS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    weeks = forms.IntegerField(label=gettext_lazy("Number of weeks"), min_value=1, max_value=104, required=False)
    confirm_outside_shift = forms.BooleanField(
        label=gettext_lazy("Book even though it is outside the shift"), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        workers = Worker.objects.filter(is_active=True).select_related("unit").order_by("last_name", "first_name")
        self.fields["worker"].queryset = workers
        self.fields["pair"].queryset = workers
        self.fields["work_type"].queryset = WorkType.objects.filter(is_active=True).select_related("service")
        # The family field accepts only a family the user reaches (policy): any other id,
        # existing or not, is "not one of the choices", and nothing of it is rendered. Only
        # the chosen family is rendered as an option; others are found by search.
        families = policy.reachable_families(user)
        self.fields["family"].queryset = families
        family_id = self.data.get("family") or self.initial.get("family")
        if hasattr(family_id, "pk"):
            family_id = family_id.pk
        chosen = families.filter(pk=family_id).first() if _valid_id(family_id) and family_id else None
        self.fields["family"].widget.choices = [("", "---------")] + ([(chosen.pk, str(chosen))] if chosen else [])
        self.fields["persons"].queryset = (
            Person.objects.filter(memberships__family=chosen) if chosen is not None else Person.objects.none()
        )
        self.fields["persons"].label_from_instance = lambda p: f"{p.first_name} {p.last_name}"
        self.fields["persons"].error_messages["invalid_choice"] = frontdoor.PERSON_UNKNOWN
        self.fields["family"].error_messages["invalid_choice"] = frontdoor.FAMILY_UNKNOWN

    def clean(self):
        data = super().clean()
        day, start, end = data.get("date"), data.get("start_time"), data.get("end_time")
        if day and start and end:
            try:
                data["start"] = local_datetime(day, start)
            except forms.ValidationError as e:
                self.add_error("start_time", e)
            try:
                end_day = day + dt.timedelta(days=1) if end <= start and end == dt.time(0) else day
                data["end"] = local_datetime(end_day, end)
            except forms.ValidationError as e:
                self.add_error("end_time", e)
        if data.get("repeat"):
            if not data.get("weekdays"):
                self.add_error("weekdays", _("Choose at least one weekday."))
            if not data.get("weeks"):
                self.add_error("weeks", _("Give the number of weeks."))
        return data


class EditScopeForm(forms.Form):
    scope = forms.ChoiceField(
        label=gettext_lazy("Apply to"),
        choices=[
            ("one", gettext_lazy("This appointment only")),
            ("following", gettext_lazy("This and all following in the series")),
        ],
        initial="one",
        required=False,  # shown only for a series; otherwise "one"
        widget=forms.RadioSelect,
    )

    def clean_scope(self):
        return self.cleaned_data.get("scope") or "one"


class RealiseForm(forms.Form):
    actual_date = BoundedDateField(
        label=gettext_lazy("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    actual_start = forms.TimeField(
        label=gettext_lazy("Actual start"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    actual_end = forms.TimeField(
        label=gettext_lazy("Actual end"), required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )


class CancelForm(forms.Form):
    reason = forms.ChoiceField(label=gettext_lazy("Reason"), choices=CancellationReason.choices)
    text = forms.CharField(label=gettext_lazy("Explanation"), max_length=300, required=False)
    cancelled_by = forms.ChoiceField(
        label=gettext_lazy("Who cancelled"),
        choices=[("", gettext_lazy("By the reason"))] + list(CancelledBy.choices),
        required=False,
    )


class ResourceFilterForm(forms.Form):
    date = BoundedDateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), label=gettext_lazy("Date")
    )
    view = forms.ChoiceField(
        choices=[
            ("week", gettext_lazy("Work week")),
            ("week7", gettext_lazy("Whole week")),
            ("day", gettext_lazy("Day")),
        ],
        required=False,
        label=gettext_lazy("View"),
    )
    organisation = SafeModelChoiceField(queryset=None, required=False, label=gettext_lazy("Organisation"))
    unit = SafeModelChoiceField(queryset=None, required=False, label=gettext_lazy("Unit"))
    profession = forms.ChoiceField(required=False, label=gettext_lazy("Profession"))
    competence = SafeModelChoiceField(queryset=None, required=False, label=gettext_lazy("Competence"))
    language = SafeModelChoiceField(queryset=None, required=False, label=gettext_lazy("Language"))
    q = forms.CharField(required=False, label=gettext_lazy("Name"))

    def __init__(self, *args, **kwargs):
        from perhekeskus.network.models import Organisation, Unit
        from perhekeskus.people.models import Competence, Language, Profession

        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.all()
        self.fields["unit"].queryset = Unit.objects.select_related("organisation")
        self.fields["unit"].label_from_instance = lambda u: f"{u.organisation.name} / {u.name}"
        self.fields["profession"].choices = [("", gettext_lazy("All"))] + list(Profession.choices)
        self.fields["competence"].queryset = Competence.objects.all()
        self.fields["language"].queryset = Language.objects.all()
        for name in ("organisation", "unit", "competence", "language"):  # a filter left empty shows all
            self.fields[name].empty_label = gettext_lazy("All")
