"""Forms of the registry pages.

They parse input into Python values; the services validate the record as a
whole and save it, so a rule lives in one place and the API gets the same
messages. Choices come from selectors, scoped to the user who fills the form.
"""

from django import forms
from django.db.models import Q
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from caravan.core.errors import NotFound
from caravan.core.forms_widgets import BootstrapFormMixin, DayInput

from . import selectors
from .models import (
    SPOKEN_LANGUAGES,
    Appointment,
    Department,
    Facility,
    Practitioner,
    Region,
    TechnicalLevel,
    Technique,
)

# ---------------------------------------------------------------- widgets and fields


class CheckboxGrid(forms.CheckboxSelectMultiple):
    """Checkboxes in responsive columns, announced as one labelled group.

    A long multiple choice (specialties, languages) is hard to use as a
    <select multiple> on a phone; ticking boxes works everywhere.
    """

    template_name = "registry/widgets/checkbox_grid.html"
    group_label = ""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["group_label"] = self.group_label
        return context


class LocalNameInput(forms.TextInput):
    """A text box for a name in its own script: the browser sets the direction from what is typed."""

    def __init__(self, attrs=None):
        super().__init__({"dir": "auto", **(attrs or {})})


class RegionChoiceField(forms.ModelChoiceField):
    """Regions by name and code: many districts share a name, their codes do not."""

    def label_from_instance(self, obj: Region) -> str:
        return f"{obj.name} ({obj.code})"


def _verbose(model, field: str):
    """A model field's own label, capitalised as ModelForm does for the fields it makes."""
    return capfirst(model._meta.get_field(field).verbose_name)


def _languages_field(model) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=_verbose(model, "languages"), choices=SPOKEN_LANGUAGES, required=False, widget=CheckboxGrid
    )


def _any(label) -> list:
    return [("", label)]


# ---------------------------------------------------------------- record forms


class RecordForm(BootstrapFormMixin, forms.ModelForm):
    """A model form that parses only; a registry service validates the record and saves it.

    Django's ModelForm would also run the model's own checks (uniqueness among
    them) and offer save(); here the service owns both, so the form stops once
    each field is parsed and the view hands `cleaned_data` to the service.
    """

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, CheckboxGrid):
                field.widget.group_label = field.label

    def _post_clean(self):
        # The model's clean and uniqueness checks run in the service, in its transaction.
        pass

    def save(self, commit=True):
        raise TypeError("Registry forms do not save: pass cleaned_data to a service.")


class FacilityForm(RecordForm):
    languages = _languages_field(Facility)

    class Meta:
        model = Facility
        fields = [
            "code", "name", "name_local", "kind", "level", "grade", "ownership", "organisation", "region", "beds",
            "latitude", "longitude", "has_emr", "has_his", "has_pacs", "languages", "foreign_patient_specialties",
        ]
        field_classes = {"region": RegionChoiceField}
        widgets = {"name_local": LocalNameInput, "foreign_patient_specialties": CheckboxGrid}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = selectors.organisation_choices_for_editing(user=self.user)
        self.fields["region"].queryset = selectors.region_list(user=self.user)
        self.fields["foreign_patient_specialties"].queryset = selectors.specialty_list(user=self.user)


class DepartmentForm(RecordForm):
    class Meta:
        model = Department
        fields = ["name", "name_local", "specialty", "beds"]
        widgets = {"name_local": LocalNameInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["specialty"].queryset = selectors.specialty_list(user=self.user)


class PractitionerForm(RecordForm):
    languages = _languages_field(Practitioner)

    class Meta:
        model = Practitioner
        fields = [
            "name", "name_latin", "sex", "profession", "title", "organisation", "languages", "specialties",
            "qualifications",
        ]
        widgets = {
            "name": LocalNameInput, "specialties": CheckboxGrid, "qualifications": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = selectors.organisation_choices_for_editing(user=self.user)
        self.fields["specialties"].queryset = selectors.specialty_list(user=self.user)


class AppointmentForm(RecordForm):
    """Appoint a practitioner at a visible facility; the department list follows the chosen facility."""

    class Meta:
        model = Appointment
        fields = ["facility", "department", "position", "start", "end"]
        widgets = {"start": DayInput, "end": DayInput}

    def __init__(self, *args, departments_url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        facility = self.fields["facility"]
        facility.queryset = selectors.facility_list_for_user(user=self.user)
        if departments_url:
            # With JavaScript, choosing a facility reloads only the department list (HTMX).
            facility.widget.attrs.update({
                "hx-get": departments_url, "hx-trigger": "change", "hx-target": "#id_department",
                "hx-select": "#id_department", "hx-swap": "outerHTML",
            })
        self.fields["department"].queryset = self._departments_of(
            self.data.get(self.add_prefix("facility")) or self.initial.get("facility")
        )
        self.fields["department"].help_text = _("Choose the facility first; its departments are listed here.")

    def _departments_of(self, facility_id):
        try:
            chosen = selectors.facility_get_for_user(user=self.user, pk=int(facility_id))
        except (TypeError, ValueError, NotFound):
            return Department.objects.none()
        return chosen.departments.all()


class RegionForm(RecordForm):
    class Meta:
        model = Region
        fields = ["code", "name", "name_local", "level", "parent", "valid_from", "meets_commune_criteria"]
        field_classes = {"parent": RegionChoiceField}
        widgets = {"name_local": LocalNameInput, "valid_from": DayInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = selectors.region_list(user=self.user)
        self.fields["parent"].help_text = _("Leave empty only for a country.")


class TechniqueForm(RecordForm):
    class Meta:
        model = Technique
        fields = [
            "code", "name", "name_local", "specialty", "min_level", "cases_for_independence", "prerequisites",
            "equipment_needed",
        ]
        widgets = {
            "name_local": LocalNameInput, "prerequisites": forms.SelectMultiple(attrs={"size": 8}),
            "equipment_needed": CheckboxGrid,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["specialty"].queryset = selectors.specialty_list(user=self.user)
        self.fields["equipment_needed"].queryset = selectors.equipment_list(user=self.user)
        prerequisites = selectors.technique_list(user=self.user)
        if self.instance.pk is not None:
            prerequisites = prerequisites.exclude(pk=self.instance.pk)
        self.fields["prerequisites"].queryset = prerequisites


# ---------------------------------------------------------------- small action forms


class EquipmentQuantityForm(BootstrapFormMixin, forms.Form):
    equipment = forms.ModelChoiceField(label=_("Equipment"), queryset=None)
    quantity = forms.IntegerField(label=_("Quantity"), help_text=_("Enter 0 to remove it from the list."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["equipment"].queryset = selectors.equipment_list(user=user)


class PopulationForm(BootstrapFormMixin, forms.Form):
    year = forms.IntegerField(label=_("Year"))
    population = forms.IntegerField(label=_("Population"))


class MergeForm(BootstrapFormMixin, forms.Form):
    """Merge a region into another of the same level from a given day."""

    into = RegionChoiceField(label=_("Merge into"), queryset=None)
    on = forms.DateField(label=_("From this day"), widget=DayInput)

    def __init__(self, *args, user, region: Region, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = selectors.region_list(user=user, level=region.level).exclude(pk=region.pk)


# ---------------------------------------------------------------- list filters


class FilterForm(BootstrapFormMixin, forms.Form):
    """A GET form of list filters; a filter with a bad value is shown as such and ignored."""

    q = forms.CharField(
        label=_("Name or code"), required=False, max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "dir": "auto", "autocomplete": "off"}),
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def values(self) -> dict:
        """The valid filter values; a missing or refused one is None (a level may be 0: a country)."""
        self.is_valid()
        return {name: _none_if_empty(self.cleaned_data.get(name)) for name in self.fields}


def offer_only(field: forms.ModelChoiceField, shown, *, selected) -> None:
    """Accept any row of the field's queryset, but list only `shown` (and the selected row) in the menu.

    At national scale a menu of every commune or hospital is a megabyte of HTML;
    a link may still point at any of them (?region=<a commune>).
    """
    rows = list(shown)
    if selected is not None and all(r.pk != selected.pk for r in rows):
        rows.insert(0, selected)
    field.widget.choices = [("", field.empty_label)] + [(r.pk, field.label_from_instance(r)) for r in rows]


def _drill_down(queryset, selected, *, top: Q):
    """The top of a tree, plus the rows just below the chosen one: the menu grows as the user narrows."""
    if selected is None:
        return queryset.filter(top)
    return queryset.filter(top | Q(parent_id=selected.pk))


def _none_if_empty(value):
    return None if value in (None, "") else value


def _pk(obj) -> int | None:
    return obj.pk if obj is not None else None


def _code(obj) -> str:
    return obj.code if obj is not None else ""


class SpecialtyCodeField(forms.ModelChoiceField):
    """A specialty chosen by its code, which reads well in a link (?specialty=cardiology)."""

    def __init__(self, **kwargs):
        super().__init__(queryset=None, to_field_name="code", required=False, **kwargs)


class FacilityFilterForm(FilterForm):
    region = RegionChoiceField(label=_("Region"), queryset=None, required=False, empty_label=_("Any region"))
    level = forms.TypedChoiceField(
        label=_("Technical level"), choices=_any(_("Any level")) + TechnicalLevel.choices, coerce=int,
        required=False, empty_value=None,
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=_any(_("Any kind")) + Facility.Kind.choices, required=False)
    ownership = forms.ChoiceField(
        label=_("Ownership"), choices=_any(_("Any ownership")) + Facility.Ownership.choices, required=False
    )
    ready_for = SpecialtyCodeField(label=_("Ready for foreign patients in"), empty_label=_("Any specialty"))
    organisation = forms.ModelChoiceField(
        label=_("Within organisation"), queryset=None, required=False, empty_label=_("Any organisation")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = selectors.region_list(user=self.user)
        self.fields["ready_for"].queryset = selectors.specialty_list(user=self.user)
        self.fields["organisation"].queryset = selectors.organisations_visible_to(user=self.user)
        v = self.values()
        offer_only(self.fields["region"], _drill_down(self.fields["region"].queryset, v["region"],
                                                      top=Q(level__lte=Region.Level.PROVINCE)),
                   selected=v["region"])
        offer_only(self.fields["organisation"], _drill_down(
            selectors.parent_organisations_visible_to(user=self.user), v["organisation"],
            top=Q(parent__isnull=True) | Q(parent__parent__isnull=True)), selected=v["organisation"])

    def filters(self) -> selectors.FacilityFilters:
        v = self.values()
        return selectors.FacilityFilters(
            q=v["q"] or "", region=_pk(v["region"]), level=v["level"], kind=v["kind"] or "",
            ownership=v["ownership"] or "", ready_for=_code(v["ready_for"]), organisation=_pk(v["organisation"]),
        )


class PractitionerFilterForm(FilterForm):
    specialty = SpecialtyCodeField(label=_("Specialty"), empty_label=_("Any specialty"))
    title = forms.ChoiceField(
        label=_("Professional title"), choices=_any(_("Any title")) + Practitioner.Title.choices, required=False
    )
    profession = forms.ChoiceField(
        label=_("Profession"), choices=_any(_("Any profession")) + Practitioner.Profession.choices, required=False
    )
    organisation = forms.ModelChoiceField(
        label=_("Within organisation"), queryset=None, required=False, empty_label=_("Any organisation")
    )
    # Set by the "all staff" link of a facility's page; not a menu of its own.
    facility = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].label = _("Name (any script)")
        self.fields["specialty"].queryset = selectors.specialty_list(user=self.user)
        self.fields["organisation"].queryset = selectors.organisations_visible_to(user=self.user)
        chosen = self.values()["organisation"]
        offer_only(self.fields["organisation"], _drill_down(
            selectors.parent_organisations_visible_to(user=self.user), chosen,
            top=Q(parent__isnull=True) | Q(parent__parent__isnull=True)), selected=chosen)

    def filters(self) -> selectors.PractitionerFilters:
        v = self.values()
        return selectors.PractitionerFilters(
            q=v["q"] or "", specialty=_code(v["specialty"]), title=v["title"] or "",
            profession=v["profession"] or "", organisation=_pk(v["organisation"]), facility=v["facility"],
        )


class RegionFilterForm(FilterForm):
    level = forms.TypedChoiceField(
        label=_("Level"), choices=_any(_("Any level")) + Region.Level.choices, coerce=int, required=False,
        empty_value=None,
    )
    parent = RegionChoiceField(label=_("Parent region"), queryset=None, required=False, empty_label=_("Any parent"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only regions that can hold others are useful as a parent filter.
        self.fields["parent"].queryset = selectors.region_list(user=self.user).exclude(level=Region.Level.COMMUNE)

    def filters(self) -> dict:
        v = self.values()
        return {"q": v["q"] or "", "level": v["level"], "parent": _pk(v["parent"])}


class TechniqueFilterForm(FilterForm):
    specialty = SpecialtyCodeField(label=_("Specialty"), empty_label=_("Any specialty"))
    min_level = forms.TypedChoiceField(
        label=_("Lowest level"), choices=_any(_("Any level")) + TechnicalLevel.choices, coerce=int,
        required=False, empty_value=None,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["specialty"].queryset = selectors.specialty_list(user=self.user)

    def filters(self) -> dict:
        v = self.values()
        return {"q": v["q"] or "", "specialty": _code(v["specialty"]), "min_level": v["min_level"]}
