"""Forms of the deployments pages; the services do the validating that matters."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from caravan.core.forms_widgets import BootstrapFormMixin

from .models import Candidate, Finding, Need
from .vocab import AGE_SEX_KEYS, ROLE_CHOICES, age_sex_label


class NeedForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    facility = forms.ChoiceField(label=_("Host facility"))
    kind = forms.ChoiceField(label=_("Kind"), choices=Need.Kind.choices)
    roles = forms.MultipleChoiceField(label=_("Roles needed together"), choices=ROLE_CHOICES, required=False)
    qualification = forms.CharField(label=_("Qualification required (posts)"), max_length=200, required=False)
    priority = forms.IntegerField(label=_("Priority (1-5)"), initial=3)
    language = forms.CharField(label=_("Language needed"), max_length=8, required=False)
    critical = forms.BooleanField(label=_("Critical post: the newcomer should overlap the outgoing holder"),
                                  required=False)

    def __init__(self, *args, facilities, **kwargs):
        super().__init__(*args, **kwargs)
        self.facilities = {str(f.pk): f for f in facilities}
        self.fields["facility"].choices = [(str(f.pk), f.name) for f in facilities]


class ComposeForm(BootstrapFormMixin, forms.Form):
    pin = forms.MultipleChoiceField(label=_("Pin into the team"), required=False)
    exclude = forms.MultipleChoiceField(label=_("Exclude"), required=False)

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(str(p.id), f"{p.name} ({p.city})") for p in sorted(people, key=lambda p: p.name)]
        self.fields["pin"].choices = choices
        self.fields["exclude"].choices = choices


class ExtendForm(BootstrapFormMixin, forms.Form):
    new_end = forms.DateField(label=_("New end"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class HandoverForm(BootstrapFormMixin, forms.Form):
    notes = forms.CharField(label=_("Handover notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class DailyReportForm(BootstrapFormMixin, forms.Form):
    region = forms.ChoiceField(label=_("Region"))
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    consultations = forms.IntegerField(label=_("Consultations"))
    admissions = forms.IntegerField(label=_("Admissions"))
    procedures = forms.IntegerField(label=_("Procedures"))
    referrals = forms.IntegerField(label=_("Referrals"))
    deaths = forms.IntegerField(label=_("Deaths"))

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.regions = {str(r.pk): r for r in regions}
        self.fields["region"].choices = [(str(r.pk), r.region.name) for r in regions]
        # Consultations by age band and sex (optional; when given they must add up to the consultations).
        for key in AGE_SEX_KEYS:
            self.fields[key] = forms.IntegerField(
                label=_("Consultations: %(group)s") % {"group": age_sex_label(key)}, required=False)

    def report_data(self) -> dict:
        """The service's arguments: the counts, and the age-and-sex breakdown gathered into one dict."""
        data = dict(self.cleaned_data)
        data["by_age_sex"] = {key: data.pop(key) for key in AGE_SEX_KEYS if data.get(key) is not None}
        return data


def _date(label):
    return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}), required=False)


class PoolFilterForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(label=_("Name"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    role = forms.ChoiceField(label=_("Role"), required=False)
    city = forms.ChoiceField(label=_("Sending city"), required=False)

    def __init__(self, *args, cities, **kwargs):
        super().__init__(*args, **kwargs)
        everyone = [("", _("Any"))]
        self.fields["status"].choices = everyone + list(Candidate.Status.choices)
        self.fields["role"].choices = everyone + list(ROLE_CHOICES)
        self.fields["city"].choices = everyone + [(c, c) for c in cities]


class RolesForm(BootstrapFormMixin, forms.Form):
    roles = forms.MultipleChoiceField(label=_("Roles they can fill"), choices=ROLE_CHOICES, required=False)


class WindowForm(BootstrapFormMixin, forms.Form):
    start = _date(_("Available from"))
    end = _date(_("Available until"))


class CallForm(BootstrapFormMixin, forms.Form):
    opens_on = _date(_("Opens on"))
    closes_on = _date(_("Closes on"))
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class NominateForm(BootstrapFormMixin, forms.Form):
    candidate = forms.ChoiceField(label=_("Candidate"))

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = {str(c.pk): c for c in candidates}
        self.fields["candidate"].choices = [(str(c.pk), str(c.practitioner)) for c in candidates]


class DecideForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class InspectionForm(BootstrapFormMixin, forms.Form):
    facility = forms.ChoiceField(label=_("Host facility"))
    visited_on = _date(_("Visited on"))
    inspectors = forms.CharField(label=_("Inspectors"), max_length=300, required=False)

    def __init__(self, *args, facilities, **kwargs):
        super().__init__(*args, **kwargs)
        self.facilities = {str(f.pk): f for f in facilities}
        self.fields["facility"].choices = [(str(f.pk), f.name) for f in facilities]


class FindingForm(BootstrapFormMixin, forms.Form):
    text = forms.CharField(label=_("Finding"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    severity = forms.ChoiceField(label=_("Severity"), choices=[("", "—")] + list(Finding.Severity.choices),
                                 required=False)


class FollowUpForm(BootstrapFormMixin, forms.Form):
    action = forms.CharField(label=pgettext_lazy("inspection", "Action"), required=False)
    owner = forms.CharField(label=_("Owner"), max_length=200, required=False)
    due = _date(_("Due"))


class DoneForm(BootstrapFormMixin, forms.Form):
    done_on = _date(_("Done on"))


class CloseForm(BootstrapFormMixin, forms.Form):
    closed_on = _date(_("Closed on"))
