from django import forms
from django.utils.translation import gettext_lazy as _

from perhekeskus.fields import SafeModelChoiceField
from perhekeskus.network.models import Organisation, Service, Unit
from perhekeskus.people.models import RoleAssignment

from . import policy
from .models import DisclosureRule
from .services import BREAK_GLASS_MIN_REASON


class ServiceChoice(SafeModelChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            queryset=Service.objects.select_related("organisation").order_by("name"),
            required=False,
            empty_label=str(_("Any service")),
            **kwargs,
        )

    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.organisation.name})"


class ConsentForm(forms.Form):
    person = forms.TypedChoiceField(label=_("Whose data"), coerce=int)
    given_by = forms.TypedChoiceField(label=_("Given by"), coerce=int)
    source_service = ServiceChoice(label=_("From service"))
    target_service = ServiceChoice(label=_("To service"))
    valid_from = forms.DateField(
        label=_("Valid from"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    valid_until = forms.DateField(
        label=_("Valid until"),
        required=False,
        help_text=_("Empty: until withdrawn."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [
            (m.person_id, f"{m.person.first_name} {m.person.last_name} ({m.get_role_display()})") for m in members
        ]
        self.fields["person"].choices = choices
        self.fields["given_by"].choices = choices


class BreakGlassSearchForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for emergency access"),
        min_length=BREAK_GLASS_MIN_REASON,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Your manager reviews every emergency access."),
    )
    q = forms.CharField(label=_("Family name"), min_length=2, max_length=100)


class ReviewForm(forms.Form):
    review_note = forms.CharField(label=_("Review note"), max_length=500, required=False)


class DisclosureRuleForm(forms.ModelForm):
    source_service = ServiceChoice(label=_("Service that holds the data"))
    target_service = ServiceChoice(label=_("Service of the viewer"))

    class Meta:
        model = DisclosureRule
        fields = ["source_service", "target_service", "mode", "note"]


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("System"), max_length=80, help_text=_("e.g. the wellbeing area's data warehouse"))
    roles = forms.MultipleChoiceField(
        label=_("Roles"), widget=forms.CheckboxSelectMultiple, help_text=_("What the token may do, as a user's roles.")
    )
    organisation = SafeModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.order_by("name"),
        required=False,
        empty_label=_("The whole region"),
    )
    unit = SafeModelChoiceField(
        label=_("Unit"), queryset=Unit.objects.order_by("name"), required=False, empty_label=_("No unit scope")
    )
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=365, initial=90)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(RoleAssignment.Role.choices)
        self.fields["roles"].choices = [(r, labels.get(r, r)) for r in policy.API_TOKEN_ROLES]
