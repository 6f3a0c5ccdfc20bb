"""Forms of the visit pages. They parse input; the visit services validate and save it."""

from zoneinfo import available_timezones

from django import forms
from django.utils.translation import gettext_lazy as _

from caravan.core.forms_widgets import BootstrapFormMixin
from caravan.registry.forms import DayInput, LocalNameInput

from . import selectors, visit_selectors
from .forms import AgreementChoiceField, OrganisationChoiceField
from .models import Visit, VisitOutcome, VisitParty


class MomentInput(forms.DateTimeInput):
    """The browser's date-and-time picker; the time is read in the visit's own time zone."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class OrganisationsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name} ({obj.country.name})" if obj.country_id else obj.name


def zone_choices() -> list[tuple[str, str]]:
    return [(z, z) for z in sorted(available_timezones() | {"UTC"})]


class VisitForm(BootstrapFormMixin, forms.ModelForm):
    visiting = OrganisationsField(label=_("Visiting organisations"), queryset=None, required=False,
                                  widget=forms.SelectMultiple(attrs={"size": 6}))
    hosts = OrganisationsField(label=_("Host organisations"), queryset=None, required=False,
                               widget=forms.SelectMultiple(attrs={"size": 6}))
    time_zone = forms.ChoiceField(label=_("Local time zone"), choices=())

    class Meta:
        model = Visit
        fields = ["title", "title_local", "purpose", "agreement", "start", "end", "time_zone", "language", "status"]
        field_classes = {"agreement": AgreementChoiceField}
        widgets = {"title_local": LocalNameInput, "start": DayInput, "end": DayInput,
                   "purpose": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        organisations = selectors.party_choices_for(user=user)
        self.fields["visiting"].queryset = organisations
        self.fields["hosts"].queryset = organisations
        self.fields["agreement"].queryset = selectors.editable_agreements(user).order_by("code")
        self.fields["time_zone"].choices = zone_choices()
        self.fields["language"].help_text = _("The printed itinerary is in this language.")
        if self.instance.pk is not None:
            parties = list(self.instance.parties.all())
            self.initial.setdefault("visiting", [p.organisation_id for p in parties if p.side == "visiting"])
            self.initial.setdefault("hosts", [p.organisation_id for p in parties if p.side == "host"])

    def _post_clean(self):
        pass

    def save(self, commit=True):
        raise TypeError("Visit forms do not save: pass cleaned_data to a service.")


class FacilityField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class DepartmentField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.facility.name} — {obj.name}"


class StopForm(BootstrapFormMixin, forms.Form):
    starts_at = forms.DateTimeField(label=_("Starts at (local time)"), widget=MomentInput)
    ends_at = forms.DateTimeField(label=_("Ends at (local time)"), widget=MomentInput, required=False)
    facility = FacilityField(label=_("Facility"), queryset=None, required=False)
    department = DepartmentField(label=_("Department"), queryset=None, required=False)
    place = forms.CharField(label=_("Place"), max_length=200, required=False,
                            help_text=_("Where the stop is, when it is not a facility's department."))
    host_person = forms.CharField(label=_("Host"), max_length=200, required=False)
    topic = forms.CharField(label=_("Topic"), max_length=300, required=False)
    topic_local = forms.CharField(label=_("Topic in the visitors' language"), max_length=300, required=False,
                                  widget=LocalNameInput)

    def __init__(self, *args, visit: Visit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = visit_selectors.host_facilities(visit=visit)
        self.fields["department"].queryset = visit_selectors.host_departments(visit=visit)


class ParticipantForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    position = forms.CharField(label=_("Position"), max_length=200, required=False)
    organisation = OrganisationChoiceField(label=_("Organisation"), queryset=None, required=False)
    side = forms.ChoiceField(label=_("Side"), choices=VisitParty.Side.choices)

    def __init__(self, *args, visit: Visit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = visit_selectors.visit_organisations(visit=visit)


class OutcomeForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Outcome"), choices=VisitOutcome.Kind.choices)
    agreement = AgreementChoiceField(label=_("Agreement"), queryset=None, required=False)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agreement"].queryset = selectors.visible_agreements(user).order_by("code")


class VisitFilterForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(label=_("Title"), required=False, max_length=200,
                        widget=forms.TextInput(attrs={"type": "search", "dir": "auto", "autocomplete": "off"}))
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("Any status")), *Visit.Status.choices],
                               required=False)

    def values(self) -> dict:
        self.is_valid()
        return {"q": self.cleaned_data.get("q") or "", "status": self.cleaned_data.get("status") or ""}
