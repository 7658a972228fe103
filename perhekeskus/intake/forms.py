import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from perhekeskus.fields import SafeModelChoiceField
from perhekeskus.network.models import Organisation, Service
from perhekeskus.people.models import Competence, Language, Person, Worker
from perhekeskus.scheduling.models import WorkType

from .models import AgeGroup, AnswerBy, Channel, ChildWelfareNotification, Contact, NeedSource, ServiceNeed, Urgency

OTHER_MUNICIPALITY = "-"


def help_municipalities() -> list[str]:
    names = set()
    for value in Organisation.objects.exclude(answers_for_municipalities="").values_list(
        "answers_for_municipalities", flat=True
    ):
        names.update(m.strip() for m in value.split(",") if m.strip())
    return sorted(names)


class UtcDateTimeField(forms.DateTimeField):
    """A date-time whose offset, when one is typed, may be any ISO 8601 allows: it is kept
    as the same moment in UTC (PostgreSQL takes offsets only up to 15:59, and "-22:51"
    would otherwise reach it)."""

    def to_python(self, value):
        result = super().to_python(value)
        return result.astimezone(dt.UTC) if result is not None else None


class HelpRequestForm(forms.Form):
    """The public help button: only what is needed to answer."""

    message = forms.CharField(
        label=_("What worries you?"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": 4000}),
        help_text=_("Do not write names or personal identity codes. At most 4000 characters."),
    )
    age_group = forms.ChoiceField(
        label=_("About whom?"), choices=[("", _("Choose"))] + list(AgeGroup.choices), required=False
    )
    municipality = forms.ChoiceField(label=_("Municipality"))
    answer_by = forms.ChoiceField(
        label=_("How do you want the answer?"), choices=AnswerBy.choices, widget=forms.RadioSelect, initial="anonymous"
    )
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    email = forms.EmailField(
        label=_("Email address"),
        max_length=200,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    contact_name = forms.CharField(
        label=_("Your name (optional)"),
        max_length=120,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    # Honeypot: hidden from people (and from screen readers); bots fill every field.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].choices = (
            [("", _("Choose"))]
            + [(m, m) for m in help_municipalities()]
            + [(OTHER_MUNICIPALITY, _("Other, or I do not want to say"))]
        )


class HelpLookupForm(forms.Form):
    reference = forms.CharField(
        label=_("Reference code"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )
    secret = forms.CharField(
        label=_("Secret code"), max_length=30, widget=forms.PasswordInput(attrs={"autocomplete": "off"})
    )


class HelpReplyForm(forms.Form):
    message = forms.CharField(
        label=_("Your reply"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5, "maxlength": 4000})
    )


class ContactForm(forms.Form):
    """A contact taken by phone, at the desk, a consultation or a concern report."""

    channel = forms.ChoiceField(label=_("Channel"), choices=[c for c in Channel.choices if c[0] != Channel.HELP_BUTTON])
    organisation = SafeModelChoiceField(label=_("Answered by"), queryset=Organisation.objects.none())
    received_at = UtcDateTimeField(
        label=_("Received"),
        required=False,
        help_text=_("Empty: now."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    message = forms.CharField(
        label=_("What the contact is about"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5})
    )
    age_group = forms.ChoiceField(label=_("About whom"), choices=[("", "—")] + list(AgeGroup.choices), required=False)
    municipality = forms.CharField(label=_("Municipality"), max_length=100, required=False)
    answer_by = forms.ChoiceField(label=_("How to answer"), choices=AnswerBy.choices[:2], initial=AnswerBy.PHONE)
    contact_name = forms.CharField(label=_("Name"), max_length=120, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    email = forms.EmailField(label=_("Email"), max_length=200, required=False)
    reporter = forms.CharField(
        label=_("Reporting professional"),
        max_length=200,
        required=False,
        help_text=_("Concern reports: name and service."),
    )
    consent_given_by = forms.CharField(
        label=_("Consent given by"),
        max_length=200,
        required=False,
        help_text=_("Concern reports are made with the family's consent."),
    )

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = (
            organisations if organisations is not None else Organisation.objects.all()
        )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("An anonymous sender reads this with their codes; for a call-back, record what was told."),
    )


class ServiceChoice(SafeModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.organisation.name})"


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[("", _("Choose"))]
        + [
            c
            for c in Contact.Outcome.choices
            if c[0] not in (Contact.Outcome.SERVICE_NEED, Contact.Outcome.CHILD_PROTECTION)
        ],
    )
    service = ServiceChoice(
        label=_("Referred to"), queryset=Service.objects.select_related("organisation"), required=False
    )
    answer = forms.CharField(
        label=_("Answer"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ForwardForm(forms.Form):
    service = ServiceChoice(
        label=_("Child protection service"),
        queryset=Service.objects.filter(receives_child_welfare_notifications=True).select_related("organisation"),
    )
    family = forms.IntegerField(widget=forms.HiddenInput, required=False)
    child_details = forms.CharField(
        label=_("Child"), max_length=200, required=False, help_text=_("Name and birth date as told, when not a client.")
    )
    answer = forms.CharField(
        label=_("Answer to the sender"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class NeedForm(forms.Form):
    service = ServiceChoice(label=_("Service"), queryset=Service.objects.select_related("organisation"))
    work_type = SafeModelChoiceField(
        label=_("Work type"), queryset=WorkType.objects.filter(is_active=True).select_related("service")
    )
    person = SafeModelChoiceField(
        label=_("For whom"), queryset=Person.objects.none(), required=False, empty_label=_("The whole family")
    )
    sessions_per_week = forms.IntegerField(label=_("Visits a week"), min_value=1, max_value=7, initial=1)
    session_minutes = forms.IntegerField(label=_("Minutes a visit"), min_value=15, max_value=480, initial=90)
    weeks = forms.IntegerField(label=_("Weeks"), min_value=1, max_value=104, initial=12)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.NORMAL)
    language = SafeModelChoiceField(label=_("Language"), queryset=Language.objects.all(), required=False)
    home_visits = forms.BooleanField(label=_("Home visits"), required=False)
    competence = SafeModelChoiceField(
        label=_("Competence or method needed"), queryset=Competence.objects.all(), required=False
    )
    source = forms.ChoiceField(label=_("Source"), choices=NeedSource.choices, initial=NeedSource.WORKER)

    def __init__(self, *args, family=None, **kwargs):
        super().__init__(*args, **kwargs)
        if family is not None:
            self.fields["person"].queryset = Person.objects.filter(memberships__family=family)

    def clean(self):
        data = super().clean()
        if data.get("work_type") and data.get("service") and data["work_type"].service_id != data["service"].pk:
            self.add_error("work_type", _("Choose a work type of the chosen service."))
        return data


WEEKDAYS = [(1, _("Mon")), (2, _("Tue")), (3, _("Wed")), (4, _("Thu")), (5, _("Fri")), (6, _("Sat")), (7, _("Sun"))]


class AllocateForm(forms.Form):
    worker = SafeModelChoiceField(label=_("Worker"), queryset=Worker.objects.none())
    first_start = UtcDateTimeField(
        label=_("First visit"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Weekdays"), choices=WEEKDAYS, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    confirm_outside_shift = forms.BooleanField(label=_("Book outside the worker's shifts"), required=False)
    confirm_caseload = forms.BooleanField(label=_("Allocate past the caseload cap"), required=False)

    def __init__(self, *args, workers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = workers if workers is not None else Worker.objects.none()


class NeedCloseForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[("", _("Choose"))] + list(ServiceNeed.Outcome.choices))


class NotificationForm(forms.Form):
    service = ServiceChoice(
        label=_("Received by"),
        queryset=Service.objects.filter(receives_child_welfare_notifications=True).select_related("organisation"),
    )
    received_at = UtcDateTimeField(
        label=_("Received"),
        required=False,
        help_text=_("Empty: now."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    child_details = forms.CharField(
        label=_("Child"), max_length=200, required=False, help_text=_("Name and birth date as notified.")
    )
    notifier = forms.ChoiceField(label=_("Notifier"), choices=ChildWelfareNotification.Notifier.choices)
    notifier_details = forms.CharField(label=_("Notifier's details"), max_length=200, required=False)
    reported_urgent = forms.BooleanField(label=_("Notified as urgent"), required=False)
    content = forms.CharField(label=_("Content"), max_length=8000, widget=forms.Textarea(attrs={"rows": 6}))


class UrgencyForm(forms.Form):
    is_urgent = forms.TypedChoiceField(
        label=_("Urgency"),
        choices=[("1", _("Urgent: act today")), ("0", _("Not urgent"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("", _("Choose"))] + list(ChildWelfareNotification.Decision.choices)
    )
    worker = SafeModelChoiceField(label=_("Responsible social worker"), queryset=Worker.objects.none(), required=False)

    def __init__(self, *args, workers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if workers is not None:
            self.fields["worker"].queryset = workers


class AssessmentForm(forms.Form):
    result = forms.ChoiceField(
        label=_("Result"), choices=[("", _("Choose"))] + list(ChildWelfareNotification.AssessmentResult.choices)
    )
