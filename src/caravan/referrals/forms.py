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


def _codes(text: str) -> list[str]:
    return sorted({c for c in text.replace(",", " ").split() if c})


class ReadinessForm(BootstrapFormMixin, forms.Form):
    """One row per specialty of the registry: ready or not, patients a month, interpreters, accreditation.

    Numbers and codes arrive as text so that the service, which also serves the API, says what is wrong
    with them in one wording.
    """

    languages = forms.MultipleChoiceField(label=_("Languages the staff speak"), choices=SPOKEN_LANGUAGES,
                                          required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, readiness, **kwargs):
        kwargs.setdefault("initial", {"languages": readiness.languages})
        super().__init__(*args, **kwargs)
        self.rows = []
        for row in readiness.specialties:
            names = {part: f"{part}_{row.code}" for part in ("ready", "monthly", "interpreters", "accreditation")}
            self.fields[names["ready"]] = forms.BooleanField(label=row.label, required=False, initial=row.ready)
            self.fields[names["monthly"]] = forms.CharField(
                label=_("Patients a month"), required=False, max_length=9,
                initial="" if row.monthly is None else row.monthly,
                widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 4}))
            self.fields[names["interpreters"]] = forms.CharField(
                label=_("Interpreters for (language codes)"), required=False, max_length=100,
                initial=" ".join(row.interpreters))
            self.fields[names["accreditation"]] = forms.CharField(
                label=_("Accreditation"), required=False, max_length=100, initial=row.accreditation)
            self.rows.append((row.code, names))

    def bound_rows(self):
        """(code, {part: bound field}) for the template."""
        return [(code, {part: self[name] for part, name in names.items()}) for code, names in self.rows]

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {"languages": list(data.get("languages") or []), "specialties": [
            {"specialty": code, "monthly": data.get(names["monthly"]) or "",
             "interpreters": _codes(data.get(names["interpreters"]) or ""),
             "accreditation": data.get(names["accreditation"]) or ""}
            for code, names in self.rows if data.get(names["ready"])]}


class DocumentForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(label=_("Report or image (PDF, PNG, JPEG or WebP; at most 10 MB)"), required=False)
    title = forms.CharField(label=_("Title"), required=False, max_length=200)


class TeleconsultForm(BootstrapFormMixin, forms.Form):
    facility = forms.TypedChoiceField(label=_("Asked by (a hospital ready in the specialty)"), coerce=int)
    question = forms.CharField(label=_("Question for the consultant"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, hospitals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facility"].choices = list(hospitals)
