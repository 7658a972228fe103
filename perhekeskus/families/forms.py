from django import forms
from django.utils.translation import gettext_lazy as _

from perhekeskus.fields import SafeModelChoiceField, SafeModelMultipleChoiceField
from perhekeskus.intake.forms import UtcDateTimeField
from perhekeskus.people.models import NamedWorker, Person, Worker

from .models import ClientGroup, MeetingNetwork, NetworkMeeting


class WorkerChoice(SafeModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.get_profession_display()}, {obj.unit.name})"


class WorkersChoice(SafeModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.get_profession_display()}, {obj.organisation.name})"


def _workers():
    return (
        Worker.objects.filter(is_active=True).select_related("unit", "organisation").order_by("last_name", "first_name")
    )


class NamedWorkerForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=NamedWorker.Role.choices)
    worker = WorkerChoice(label=_("Worker"), queryset=Worker.objects.none())
    start_date = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Reason"), max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = _workers()


class NamedWorkerEndForm(forms.Form):
    end_date = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Reason for ending"), max_length=300)


class ClientGroupForm(forms.Form):
    group = forms.ChoiceField(label=_("Client group"), choices=ClientGroup.choices)


class MeetingForm(forms.Form):
    convener = WorkerChoice(
        label=_("Contact person who convenes"),
        queryset=Worker.objects.none(),
        required=False,
        help_text=_("Empty: you."),
    )
    workers = WorkersChoice(
        label=_("Professionals the family wants"),
        queryset=Worker.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Hold Ctrl (or Cmd) to choose several."),
    )
    minutes = forms.TypedChoiceField(
        label=_("Length"),
        coerce=int,
        choices=[(45, _("45 minutes")), (60, _("1 hour")), (90, _("1.5 hours")), (120, _("2 hours"))],
        initial=60,
    )
    network = SafeModelChoiceField(
        label=_("Network and its reserved slot"),
        queryset=MeetingNetwork.objects.filter(is_active=True),
        required=False,
        empty_label=_("The network of the invited"),
    )
    requested_by = forms.ChoiceField(label=_("Who asked for the meeting"), choices=NetworkMeeting.RequestedBy.choices)
    consent_given_by = forms.CharField(
        label=_("The family's consent given by"), max_length=200, help_text=_("e.g. the mother, by phone 1.12.")
    )
    assessment = forms.CharField(
        label=_("Assessment of the contact"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    persons = SafeModelMultipleChoiceField(
        label=_("Family members at the meeting"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: the meeting is about the whole family."),
    )
    contact = forms.IntegerField(required=False, widget=forms.HiddenInput)
    start = UtcDateTimeField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, persons=(), **kwargs):
        """``persons``: the family's members the caller may choose from."""
        super().__init__(*args, **kwargs)
        self.fields["workers"].queryset = _workers()
        self.fields["convener"].queryset = _workers()
        self.fields["persons"].queryset = Person.objects.filter(pk__in=[p.pk for p in persons])
        if not persons:
            del self.fields["persons"]


class MeetingRecordForm(forms.Form):
    agreed = forms.CharField(label=_("What was agreed"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
    continues_with = WorkerChoice(
        label=_("Who continues with the family"), queryset=Worker.objects.none(), required=False
    )
    name_responsible = forms.BooleanField(label=_("Name them the family's responsible worker"), required=False)
    next_check = forms.DateField(label=_("Next check"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, workers=None, **kwargs):
        """``workers``: the meeting's participants, of whom one continues (all active
        workers when not given)."""
        super().__init__(*args, **kwargs)
        qs = _workers()
        self.fields["continues_with"].queryset = qs if workers is None else qs.filter(pk__in=[w.pk for w in workers])
