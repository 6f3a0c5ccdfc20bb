"""Forms of the deployments pages; the services do the validating that matters."""

from django import forms
from django.utils.translation import gettext_lazy as _

from caravan.core.forms_widgets import BootstrapFormMixin

from .models import Need
from .vocab import ROLE_CHOICES


class NeedForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    facility = forms.ChoiceField(label=_("Host facility"))
    kind = forms.ChoiceField(label=_("Kind"), choices=Need.Kind.choices)
    roles = forms.MultipleChoiceField(label=_("Roles needed together"), choices=ROLE_CHOICES, required=False)
    qualification = forms.CharField(label=_("Qualification required (posts)"), max_length=200, required=False)
    priority = forms.IntegerField(label=_("Priority (1-5)"), initial=3)
    language = forms.CharField(label=_("Language needed"), max_length=8, required=False)

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
