"""The forms of the indicator pages. Validation of the rules lives in the services; these only parse."""

from django import forms
from django.utils.translation import gettext_lazy as _

from caravan.core.forms_widgets import BootstrapFormMixin, DayInput

from . import sources
from .models import Indicator


def _source_choices():
    choices = [("", "—")]
    for scope, heading in ((sources.REGION, _("By region")), (sources.PROGRAMME, _("By programme"))):
        choices.append((heading, [(s.code, f"{s.label} ({s.code})") for s in sources.available(scope)]))
    return choices


class IndicatorForm(BootstrapFormMixin, forms.Form):
    code = forms.CharField(label=_("Code"), max_length=64,
                           help_text=_("Lower-case letters, digits, - and _; used in exports and the API."))
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    scope = forms.ChoiceField(label=_("Computed"), choices=Indicator.Scope.choices, initial=Indicator.Scope.REGION)
    # Plain text behind a list: a source that does not exist reaches the service, which names it.
    numerator = forms.CharField(label=_("Numerator"), max_length=64, required=False, widget=forms.Select)
    denominator = forms.CharField(label=_("Denominator"), max_length=64, required=False, widget=forms.Select,
                                  help_text=_("Leave empty for a count or a total."))
    factor = forms.TypedChoiceField(label=_("Factor"), choices=Indicator.Factor.choices, coerce=int, initial=1)
    unit = forms.CharField(label=_("Unit"), max_length=64, required=False)
    decimals = forms.IntegerField(label=_("Decimals"), initial=1, required=False)
    periodicity = forms.ChoiceField(label=_("Finest period"), choices=Indicator.Periodicity.choices, initial="year")
    baseline = forms.DateField(label=_("Baseline"), required=False, widget=DayInput,
                               help_text=_("Only for sources counted since a baseline."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("numerator", "denominator"):
            self.fields[name].widget.choices = _source_choices()


class DataValueForm(BootstrapFormMixin, forms.Form):
    element = forms.ChoiceField(label=_("Data element"), choices=())
    region = forms.CharField(label=_("Region code"), max_length=32, widget=forms.Select)
    period = forms.CharField(label=_("Period"), max_length=8, help_text=_("2024, 2024-Q2 or 2024-03."))
    value = forms.CharField(label=_("Value"), max_length=32)
    replace = forms.BooleanField(label=_("Replace the value already recorded"), required=False)

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["element"].choices = [(k, v) for k, v in sources.DATA_ELEMENTS.items()]
        self.fields["region"].widget.choices = [(r.code, f"{r.name} ({r.code})") for r in regions]


class ImportForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(label=_("CSV file"), required=False,
                           help_text=_("Columns: element, region, period, value. UTF-8."))
    text = forms.CharField(required=False, widget=forms.HiddenInput)
    replace = forms.BooleanField(label=_("Replace values already recorded for the same region and period"),
                                 required=False)
