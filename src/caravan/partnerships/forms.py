"""Forms of the agreement pages. They parse input; the services validate and save it."""

from django import forms
from django.utils.translation import gettext_lazy as _

from caravan.core import metrics
from caravan.core.forms_widgets import BootstrapFormMixin
from caravan.registry.forms import CheckboxGrid, DayInput, LocalNameInput
from caravan.registry.models import SPOKEN_LANGUAGES

from . import selectors
from .models import Agreement, AgreementParty, Commitment, Scope


def _any(label) -> list:
    return [("", label)]


def metric_choices() -> list:
    return [(m.code, m.label) for m in metrics.CATALOGUE.values()]


class OrganisationChoiceField(forms.ModelChoiceField):
    """Organisations with their country, since ministries of several countries share a name."""

    def label_from_instance(self, obj) -> str:
        return f"{obj.name} ({obj.country.name})" if obj.country_id else obj.name


class AgreementChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.code} · {obj.title}"


class AgreementForm(BootstrapFormMixin, forms.ModelForm):
    """The agreement's own fields and scopes (parse only; the service checks and saves)."""

    scopes = forms.MultipleChoiceField(label=_("Scope"), choices=Scope.choices, required=False, widget=CheckboxGrid)

    class Meta:
        model = Agreement
        fields = ["kind", "code", "title", "title_local", "summary", "parent", "start", "end", "public"]
        field_classes = {"parent": AgreementChoiceField}
        widgets = {
            "title_local": LocalNameInput, "start": DayInput, "end": DayInput,
            "summary": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        frameworks = selectors.visible_agreements(user).filter(
            kind__in=[Agreement.Kind.AID_FRAMEWORK, Agreement.Kind.MOU]
        ).order_by("code")
        if self.instance.pk is not None:
            frameworks = frameworks.exclude(pk=self.instance.pk)
            self.initial.setdefault("scopes", list(self.instance.scopes.values_list("area", flat=True)))
        self.fields["parent"].queryset = frameworks
        self.fields["parent"].help_text = _("The framework agreement this one implements, if any.")
        self.fields["scopes"].widget.group_label = self.fields["scopes"].label

    def _post_clean(self):
        # The service validates the agreement as a whole, in its transaction.
        pass

    def save(self, commit=True):
        raise TypeError("Agreement forms do not save: pass cleaned_data to a service.")


class PartyForm(BootstrapFormMixin, forms.Form):
    organisation = OrganisationChoiceField(label=_("Organisation"), queryset=None, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=AgreementParty.Role.choices, initial="partner")
    signatory_name = forms.CharField(label=_("Signatory"), max_length=200, required=False)
    signatory_title = forms.CharField(label=_("Signatory's title"), max_length=200, required=False)
    signed = forms.BooleanField(label=_("Signed"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = selectors.party_choices_for(user=user)


class BasePartyFormSet(forms.BaseFormSet):
    def parties(self) -> list[dict]:
        """The rows that name an organisation; blank rows are left out."""
        return [f.cleaned_data for f in self.forms if f.cleaned_data.get("organisation") is not None]


class CommitmentForm(BootstrapFormMixin, forms.Form):
    metric = forms.ChoiceField(label=_("Metric"), choices=(), required=False)
    # No minimum here: the service says plainly why a target below zero is refused.
    target = forms.DecimalField(label=_("Target"), required=False, decimal_places=1, max_digits=10)
    period = forms.ChoiceField(label=_("Period"), choices=Commitment.Period.choices, initial="year")
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["metric"].choices = _any(_("Choose a metric")) + metric_choices()


class BaseCommitmentFormSet(forms.BaseFormSet):
    def commitments(self) -> list[dict]:
        return [f.cleaned_data for f in self.forms if f.cleaned_data.get("metric")]


def party_formset(data=None, *, user, initial=None, blank_rows=4):
    formset_class = forms.formset_factory(PartyForm, formset=BasePartyFormSet, extra=blank_rows)
    return formset_class(data, prefix="parties", initial=initial, form_kwargs={"user": user})


def commitment_formset(data=None, *, blank_rows=3):
    formset_class = forms.formset_factory(CommitmentForm, formset=BaseCommitmentFormSet, extra=blank_rows)
    return formset_class(data, prefix="commitments")


class TransitionForm(BootstrapFormMixin, forms.Form):
    to = forms.ChoiceField(choices=Agreement.Status.choices, widget=forms.HiddenInput)
    signed_on = forms.DateField(label=_("Signed on"), required=False, widget=DayInput)
    reason = forms.CharField(label=_("Reason for termination"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))


class RenewForm(BootstrapFormMixin, forms.Form):
    code = forms.CharField(label=_("Reference code of the renewal"), max_length=64)
    title = forms.CharField(label=_("Title"), max_length=300, required=False,
                            help_text=_("Leave empty to keep the current title."))
    start = forms.DateField(label=_("Start"), widget=DayInput)
    end = forms.DateField(label=_("End"), required=False, widget=DayInput)


class SignatoryForm(BootstrapFormMixin, forms.Form):
    signatory_name = forms.CharField(label=_("Signatory"), max_length=200, required=False)
    signatory_title = forms.CharField(label=_("Signatory's title"), max_length=200, required=False)
    signed = forms.BooleanField(label=_("Signed"), required=False)


class DocumentForm(BootstrapFormMixin, forms.Form):
    language = forms.ChoiceField(label=_("Language of the text"), choices=SPOKEN_LANGUAGES)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    file = forms.FileField(label=_("File (PDF or image)"), required=False,
                           widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/png,image/jpeg,image/webp"}))


class AgreementFilterForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(label=_("Title, code or party"), required=False, max_length=200,
                        widget=forms.TextInput(attrs={"type": "search", "dir": "auto", "autocomplete": "off"}))
    status = forms.ChoiceField(label=_("Status"), choices=_any(_("Any status")) + Agreement.Status.choices,
                               required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=_any(_("Any kind")) + Agreement.Kind.choices, required=False)
    scope = forms.ChoiceField(label=_("Scope"), choices=_any(_("Any scope")) + Scope.choices, required=False)
    country = forms.ModelChoiceField(label=_("Country"), queryset=None, required=False, empty_label=_("Any country"))
    expiring = forms.BooleanField(label=_("Ending within 90 days"), required=False)
    # Set by a line of the network that stands for several agreements: those between two organisations.
    organisation = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    partner = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = selectors.country_choices()

    def filters(self) -> selectors.AgreementFilters:
        self.is_valid()
        v = self.cleaned_data
        country = v.get("country")
        region = v.get("region")
        return selectors.AgreementFilters(
            q=v.get("q") or "", status=v.get("status") or "", kind=v.get("kind") or "", scope=v.get("scope") or "",
            country=country.pk if country else None, expiring=bool(v.get("expiring")),
            organisation=v.get("organisation"), partner=v.get("partner"), region=region.pk if region else None,
        )


class NetworkFilterForm(AgreementFilterForm):
    region = forms.ModelChoiceField(label=_("Province"), queryset=None, required=False,
                                    empty_label=_("Any province"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("q", "kind", "expiring", "organisation", "partner"):
            del self.fields[name]
        self.fields["region"].queryset = selectors.province_choices()

