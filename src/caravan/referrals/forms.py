"""The forms of the referral pages. They parse; the services decide (and name the field when they refuse)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from caravan.core.forms_widgets import BootstrapFormMixin, DayInput
from caravan.registry.models import SPOKEN_LANGUAGES, Specialty

from .models import LETTER_LANGUAGES, Outcome, Sex, Status, Urgency
from .services import CURRENCIES


class IntakeForm(BootstrapFormMixin, forms.Form):
    agreement = forms.ModelChoiceField(queryset=None, label=_("Agreement"))
    referring_organisation = forms.ModelChoiceField(queryset=None, label=_("Referring partner"))
    patient_name = forms.CharField(label=_("Patient's name in their own script"), max_length=200)
    patient_name_latin = forms.CharField(label=_("Patient's name in Latin letters"), max_length=200)
    birth_date = forms.DateField(label=_("Date of birth"), widget=DayInput)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices)
    nationality = forms.CharField(label=_("Nationality (two-letter code)"), max_length=2)
    passport_number = forms.CharField(label=_("Passport number"), max_length=20)
    diagnosis = forms.CharField(label=_("Diagnosis"), widget=forms.Textarea(attrs={"rows": 3}))
    icd10 = forms.CharField(label=_("ICD-10 code"), max_length=10)
    specialty = forms.ModelChoiceField(queryset=Specialty.objects.order_by("name"), label=_("Specialty needed"))
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices)
    language = forms.ChoiceField(label=_("Preferred language"), choices=SPOKEN_LANGUAGES)
    referring_doctor = forms.CharField(label=_("Referring doctor"), max_length=200)
    referring_doctor_email = forms.EmailField(label=_("Referring doctor's e-mail"), required=False)
    document = forms.FileField(label=_("Document (PDF or image, at most 10 MB)"), required=False)

    def __init__(self, *args, agreements, referring_partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agreement"].queryset = agreements
        self.fields["referring_organisation"].queryset = referring_partners

    @classmethod
    def build(cls, *args, agreements, **kwargs):
        from .selectors import referring_partners

        form = cls(*args, agreements=agreements, referring_partners=referring_partners(agreements=agreements),
                   **kwargs)
        return form

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["agreement"] = data["agreement"].pk
        data["referring_organisation"] = data["referring_organisation"].pk
        data["specialty"] = data["specialty"].pk
        data.pop("document", None)
        return data


class BoardFilterForm(BootstrapFormMixin, forms.Form):
    status = forms.ChoiceField(label=_("Stage"), required=False,
                               choices=[("", _("Every open stage"))] + list(Status.choices))
    nationality = forms.CharField(label=_("Country of origin"), required=False, max_length=2)
    specialty = forms.ChoiceField(label=_("Specialty"), required=False)
    q = forms.CharField(label=_("Search"), required=False, max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["specialty"].choices = [("", _("Any specialty"))] + [
            (s.code, s.label) for s in Specialty.objects.order_by("name")]


class OfferForm(BootstrapFormMixin, forms.Form):
    facility = forms.TypedChoiceField(label=_("Hospital"), coerce=int)
    treatment_plan = forms.CharField(label=_("Treatment plan"), widget=forms.Textarea(attrs={"rows": 3}))
    expected_stay_days = forms.IntegerField(label=_("Expected stay (days)"))
    cost_estimate = forms.DecimalField(label=_("Cost estimate"), max_digits=12, decimal_places=2)
    currency = forms.ChoiceField(label=_("Currency"), choices=[(c, c) for c in sorted(CURRENCIES)], initial="USD")

    def __init__(self, *args, hospitals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facility"].choices = list(hospitals)


class LetterForm(BootstrapFormMixin, forms.Form):
    language = forms.ChoiceField(label=_("Letter language"), choices=LETTER_LANGUAGES)


class StayForm(BootstrapFormMixin, forms.Form):
    day = forms.DateField(label=_("Day"), widget=DayInput)
    procedures = forms.CharField(label=_("Procedures"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    summary = forms.CharField(label=_("Discharge summary"), required=False, widget=forms.Textarea(attrs={"rows": 4}))


class FollowUpForm(BootstrapFormMixin, forms.Form):
    done_on = forms.DateField(label=_("Done on"), widget=DayInput)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class MoveForm(BootstrapFormMixin, forms.Form):
    to = forms.ChoiceField(label=_("Move to"), choices=Status.choices)
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PreAssessmentForm(BootstrapFormMixin, forms.Form):
    pre_assessment = forms.CharField(label=_("Specialist's pre-assessment"), widget=forms.Textarea(attrs={"rows": 3}))
