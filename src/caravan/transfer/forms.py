"""Forms of the transfer pages: they parse input; the services validate and save.

Techniques are typed by code (with the catalogue offered as suggestions), so a
clinician logs a case with a few keystrokes and the national list of thousands
of techniques never has to travel as a <select>.
"""

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caravan.core.forms_widgets import BootstrapFormMixin
from caravan.registry import selectors as registry_selectors
from caravan.registry.forms import DayInput, LocalNameInput
from caravan.registry.models import Region, TechnicalLevel

from . import reports, selectors
from .models import PHASES, CapabilityStatus, Outcome, Performer, SpecialtyCentre, Supervision


class TechniqueCodeField(forms.CharField):
    """A technique typed by its code ("VN-ECMO", or "VN-ECMO — ECMO" as the suggestion list fills it in)."""

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        kwargs.setdefault("max_length", 250)
        super().__init__(*args, **kwargs)
        self.widget.attrs.update({"list": "technique-catalogue", "autocomplete": "off", "spellcheck": "false"})

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        code = text.split("—")[0].strip()
        technique = selectors.technique_by_code(user=self.user, code=code)
        if technique is None:
            raise forms.ValidationError(_("“%(code)s” is not in the technique catalogue.") % {"code": code},
                                        code="unknown_technique")
        return technique


class FacilityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.code})"


class PractitionerChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


class CaseForm(BootstrapFormMixin, forms.Form):
    """The fast entry form: a technique code and Enter logs a successful independent case today."""

    facility = FacilityChoiceField(label=_("Facility"), queryset=None, empty_label=None)
    technique = TechniqueCodeField(label=_("Technique"), help_text=_("Type the code or the start of the name."))
    performed_on = forms.DateField(label=_("Date"), widget=DayInput)
    performer = forms.ChoiceField(label=_("Performed by"), choices=Performer.choices, widget=forms.RadioSelect)
    supervision = forms.ChoiceField(label=_("Supervision level"), choices=Supervision.choices, widget=forms.RadioSelect,
                                    error_messages={"invalid_choice": _(
                                        "There is no supervision level “%(value)s”; choose observed, assisted, "
                                        "supervised or independent.")})
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices, widget=forms.RadioSelect)
    visiting_practitioner = forms.ModelChoiceField(label=_("Visiting expert"), queryset=None, required=False,
                                                   empty_label=_("Not named"))

    def __init__(self, *args, user, facility=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = selectors.facilities_for_logging(user=user)
        self.fields["technique"].user = user
        self.fields["technique"].widget.attrs["autofocus"] = True
        today = timezone.localdate()
        self.fields["performed_on"].widget.attrs["max"] = today.isoformat()
        experts = selectors.visiting_experts_at(user=user, facility=facility, on=today) if facility else None
        self.fields["visiting_practitioner"].queryset = experts if experts is not None else \
            selectors.practitioners_for_plans(user=user).none()
        for name in ("performer", "supervision", "outcome"):
            self.fields[name].widget.attrs.pop("class", None)

    @staticmethod
    def defaults(facility, remembered: dict) -> dict:
        """Today, the facility, and the last choices of this session (a run of similar cases is quick to log)."""
        return {
            "facility": facility.pk if facility else None, "performed_on": timezone.localdate(),
            "performer": remembered.get("performer", Performer.LOCAL),
            "supervision": remembered.get("supervision", Supervision.INDEPENDENT),
            "outcome": Outcome.SUCCESS,
        }


class CaseFilterForm(BootstrapFormMixin, forms.Form):
    facility = FacilityChoiceField(label=_("Facility"), queryset=None, required=False, empty_label=_("All"))
    technique = TechniqueCodeField(label=_("Technique"), required=False)
    since = forms.DateField(label=_("From"), required=False, widget=DayInput)
    until = forms.DateField(label=_("To"), required=False, widget=DayInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = selectors.facilities_for_logging(user=user)
        self.fields["technique"].user = user

    def filters(self) -> selectors.CaseFilters:
        if not self.is_valid():
            return selectors.CaseFilters(facility=-1)
        data = self.cleaned_data
        return selectors.CaseFilters(
            facility=data["facility"].pk if data["facility"] else None,
            technique=data["technique"].pk if data["technique"] else None,
            since=data["since"], until=data["until"],
        )


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportForm(BootstrapFormMixin, forms.Form):
    facility = FacilityChoiceField(label=_("Facility"), queryset=None, empty_label=None)
    file = forms.FileField(label=_("CSV or Excel file"), help_text=_(
        "A CSV file (UTF-8) or an Excel workbook (.xlsx), whose first sheet is read. "
        "Columns: date, technique, performer, supervision, outcome."
    ), widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv," + XLSX_MIME}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = selectors.facilities_for_logging(user=user)


class StatusForm(BootstrapFormMixin, forms.Form):
    technique = TechniqueCodeField(label=_("Technique"))
    status = forms.ChoiceField(label=_("Status"), choices=[
        (CapabilityStatus.PLANNED, CapabilityStatus.PLANNED.label),
        (CapabilityStatus.TRAINING, CapabilityStatus.TRAINING.label),
    ])
    on = forms.DateField(label=_("Since"), widget=DayInput, required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["technique"].user = user


# ---------------------------------------------------------------- plans


def _target(number: int) -> forms.DateField:
    return forms.DateField(label=_("Phase %(number)s target date") % {"number": number}, required=False,
                           widget=DayInput)


class PlanForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    mentor = FacilityChoiceField(label=_("Mentor facility"), queryset=None)
    recipient = FacilityChoiceField(label=_("Recipient facility"), queryset=None)
    agreement = forms.ModelChoiceField(label=_("Agreement"), queryset=None, required=False, empty_label=_("None"))
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    phase_1_target = _target(1)
    phase_2_target = _target(2)
    phase_3_target = _target(3)

    def __init__(self, *args, user, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        facilities = selectors.facilities_visible(user=user).order_by("name", "id")
        self.fields["mentor"].queryset = facilities
        self.fields["recipient"].queryset = facilities
        self.fields["agreement"].queryset = agreements_for(user)
        if editing:
            del self.fields["mentor"]
            del self.fields["recipient"]

    def data_for_service(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if not k.startswith("phase_")}
        data["targets"] = {n: self.cleaned_data.get(f"phase_{n}_target") for n in PHASES}
        return data


def agreements_for(user):
    """Agreements the user can see, to cite from a plan (scoped by the agreements module)."""
    from caravan.partnerships import selectors as partnerships

    return partnerships.visible_agreements(user).order_by("code")


class PlanItemForm(BootstrapFormMixin, forms.Form):
    technique = TechniqueCodeField(label=_("Technique"))
    phase = forms.TypedChoiceField(label=_("Phase"), coerce=int, choices=[(n, n) for n in PHASES])
    priority = forms.IntegerField(label=_("Priority"), min_value=1, initial=1,
                                  help_text=_("1 is the most urgent within the phase."))
    mentors = PractitionerChoices(label=_("Mentors"), queryset=None, required=False)
    trainees = PractitionerChoices(label=_("Local trainees"), queryset=None, required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args, user, plan, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        people = selectors.practitioners_for_plans(user=user)
        self.fields["mentors"].queryset = _people_of(people, plan.mentor)
        self.fields["trainees"].queryset = _people_of(people, plan.recipient)
        self.fields["technique"].user = user
        for name in ("mentors", "trainees"):
            self.fields[name].widget.attrs["size"] = 6
        if editing:
            del self.fields["technique"]


def _people_of(people, facility):
    from django.db.models import Q

    return people.filter(
        Q(organisation__path__startswith=facility.organisation.path) | Q(appointments__facility=facility)
    ).distinct()


# ---------------------------------------------------------------- centres and studios


class CentreForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=SpecialtyCentre.Kind.choices)
    name = forms.CharField(label=_("Name"), max_length=200)
    name_local = forms.CharField(label=_("Name in its own script"), max_length=200, required=False,
                                 widget=LocalNameInput)
    facility = FacilityChoiceField(label=_("Facility"), queryset=None)
    specialty = forms.ModelChoiceField(label=_("Specialty"), queryset=None, required=False)
    partner = forms.ModelChoiceField(label=_("Built with"), queryset=None, required=False)
    opened_on = forms.DateField(label=_("Opened on"), required=False, widget=DayInput)
    people_served = forms.IntegerField(label=_("People served"), required=False, min_value=0)
    served_as_of = forms.DateField(label=_("People served as of"), required=False, widget=DayInput)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = selectors.editable_facilities(user=user)
        self.fields["specialty"].queryset = registry_selectors.specialty_list(user=user)
        self.fields["partner"].queryset = registry_selectors.organisations_visible_to(user=user)


class StudioForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    name_local = forms.CharField(label=_("Name in its own script"), max_length=200, required=False,
                                 widget=LocalNameInput)
    department = forms.ModelChoiceField(label=_("Host department"), queryset=None)
    founder = forms.ModelChoiceField(label=_("Founding expert"), queryset=None)
    founded_on = forms.DateField(label=_("Founded on"), widget=DayInput)
    techniques = forms.CharField(label=_("Techniques carried"), required=False,
                                 help_text=_("Technique codes separated by commas."))
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, editing: bool = False, **kwargs):
        from caravan.registry.models import Department

        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["department"].queryset = Department.objects.filter(
            facility__in=selectors.editable_facilities(user=user)
        ).select_related("facility").order_by("facility__name", "name")
        self.fields["department"].label_from_instance = lambda d: f"{d.facility.name} · {d.name}"
        self.fields["founder"].queryset = selectors.practitioners_for_plans(user=user)
        if editing:
            for name in ("department", "founder", "founded_on"):
                del self.fields[name]

    def clean_techniques(self):
        codes = [c.strip() for c in self.cleaned_data["techniques"].split(",") if c.strip()]
        found, unknown = [], []
        for code in codes:
            technique = selectors.technique_by_code(user=self.user, code=code)
            (found if technique else unknown).append(technique or code)
        if unknown:
            raise forms.ValidationError(_("Not in the technique catalogue: %(codes)s.") % {"codes": ", ".join(unknown)})
        return found


class PersonForm(BootstrapFormMixin, forms.Form):
    """The next lead of a studio, or a trainee it formed."""

    practitioner = forms.ModelChoiceField(label=_("Practitioner"), queryset=None)
    start = forms.DateField(label=_("From"), widget=DayInput)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args, user, with_note: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["practitioner"].queryset = selectors.practitioners_for_plans(user=user)
        if not with_note:
            del self.fields["note"]


# ---------------------------------------------------------------- reports


def _region_field():
    return forms.ModelChoiceField(label=_("Region"), queryset=None, required=False, empty_label=_("Everywhere"))


def _regions(user):
    # Communes are too many for a menu and too small for these reports.
    return registry_selectors.region_list(user=user).exclude(level=Region.Level.COMMUNE)


class CrossLevelForm(BootstrapFormMixin, forms.Form):
    region = _region_field()
    baseline = forms.IntegerField(label=_("Since the start of"), min_value=1990, max_value=2100, required=False)
    specialty = forms.ChoiceField(label=_("Specialty"), required=False)
    level = forms.TypedChoiceField(label=_("Facility level"), coerce=int, required=False, empty_value=None,
                                   choices=[("", _("All levels")), *TechnicalLevel.choices])

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = _regions(user)
        self.fields["specialty"].choices = [("", _("All specialties"))] + [
            (s.code, s.label) for s in registry_selectors.specialty_list(user=user)
        ]

    def filters(self) -> reports.CrossLevelFilters:
        data = self.cleaned_data if self.is_valid() else {}
        return reports.CrossLevelFilters(
            region=data.get("region"), baseline_year=data.get("baseline") or 2020,
            specialty=data.get("specialty") or "", level=data.get("level"),
        )


class PeriodForm(BootstrapFormMixin, forms.Form):
    region = _region_field()
    specialty = forms.ChoiceField(label=_("Specialty"), required=False)
    since = forms.DateField(label=_("From"), required=False, widget=DayInput)
    until = forms.DateField(label=_("To"), required=False, widget=DayInput)
    granularity = forms.ChoiceField(label=_("Per"), required=False, choices=[
        ("year", _("Year")), ("quarter", _("Quarter")), ("month", _("Month")),
    ])
    cross_level_only = forms.BooleanField(label=_("Cross-level techniques only"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = _regions(user)
        self.fields["specialty"].choices = [("", _("All specialties"))] + [
            (s.code, s.label) for s in registry_selectors.specialty_list(user=user)
        ]

    def filters(self) -> reports.PeriodFilters:
        data = self.cleaned_data if self.is_valid() else {}
        return reports.PeriodFilters(
            region=data.get("region"), specialty=data.get("specialty") or "",
            since=data.get("since") or date(timezone.localdate().year - 6, 1, 1), until=data.get("until"),
            granularity=data.get("granularity") or "year", cross_level_only=bool(data.get("cross_level_only")),
        )


class TransferredForm(BootstrapFormMixin, forms.Form):
    start = forms.DateField(label=_("From"), required=False, widget=DayInput)
    end = forms.DateField(label=_("To"), required=False, widget=DayInput)

    def filters(self) -> reports.TransferredFilters:
        data = self.cleaned_data if self.is_valid() else {}
        return reports.TransferredFilters(start=data.get("start"), end=data.get("end"))


class ProgrammeForm(BootstrapFormMixin, forms.Form):
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=None, empty_label=None)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = reports.programmes_for_user(user=user)


class RegionMatrixForm(BootstrapFormMixin, forms.Form):
    specialty = forms.ChoiceField(label=_("Specialty"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["specialty"].choices = [("", _("All specialties"))] + [
            (s.code, s.label) for s in registry_selectors.specialty_list(user=user)
        ]
