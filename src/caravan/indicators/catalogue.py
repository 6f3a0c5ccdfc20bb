"""The built-in indicators. Their names and descriptions come from gettext, so every language has them."""

from dataclasses import dataclass
from datetime import date

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from caravan.core import metrics

from .sources import METRIC_PREFIX, PROGRAMME, REGION


@dataclass(frozen=True)
class BuiltinIndicator:
    code: str
    name: Promise
    description: Promise
    numerator: str
    denominator: str = ""
    factor: int = 1
    unit: Promise | str = ""
    decimals: int = 1
    scope: str = REGION
    periodicity: str = "year"
    baseline: date | None = None


PER_10K = _("per 10,000 people")
PERCENT = "%"

_SPECS = [
    BuiltinIndicator("doctors_per_10k", _("Doctors per 10,000 people"),
                     _("Doctors whose appointment is active on the period's last day, per 10,000 people of the year."),
                     "doctors", "population", 10_000, PER_10K),
    BuiltinIndicator("nurses_per_10k", _("Nurses per 10,000 people"),
                     _("Nurses whose appointment is active on the period's last day, per 10,000 people of the year."),
                     "nurses", "population", 10_000, PER_10K),
    BuiltinIndicator("beds_per_10k", _("Hospital beds per 10,000 people"),
                     _("Beds of the region's facilities per 10,000 people of the year."),
                     "beds", "population", 10_000, PER_10K),
    BuiltinIndicator("communes_meeting_criteria", _("Communes meeting the national health criteria"),
                     _("Share of the communes standing on the period's last day that meet the national criteria."),
                     "communes_meeting_criteria", "communes", 100, PERCENT),
    BuiltinIndicator("facilities_emr", _("Facilities with electronic medical records"),
                     _("Share of facilities running electronic medical records."),
                     "facilities_emr", "facilities", 100, PERCENT),
    BuiltinIndicator("facilities_his", _("Facilities with a hospital information system"),
                     _("Share of facilities running a hospital information system."),
                     "facilities_his", "facilities", 100, PERCENT),
    BuiltinIndicator("facilities_pacs", _("Facilities with an imaging archive (PACS)"),
                     _("Share of facilities running RIS-PACS."),
                     "facilities_pacs", "facilities", 100, PERCENT),
    BuiltinIndicator("insured_visits_citizen_id", _("Insured visits by citizen ID"),
                     _("Share of insured visits checked in with the citizen ID card (approved data values)."),
                     "data:insured_visits_citizen_id", "data:insured_visits", 100, PERCENT, decimals=2),
    BuiltinIndicator("foreign_patients", _("Foreign patients treated"),
                     _("Foreign patients treated, from approved data values."),
                     "data:foreign_patients", unit=_("patients"), decimals=0),
    BuiltinIndicator("cross_level_techniques", _("Cross-level techniques since 2020"),
                     _("Techniques of a higher level in the national list that a facility became independent in "
                       "since 1 January 2020."),
                     "cross_level_techniques", unit=_("techniques"), decimals=0, baseline=date(2020, 1, 1)),
    BuiltinIndicator("agreements_active", _("Active agreements"),
                     _("Signed agreements in force on the period's last day."),
                     "agreements_active", unit=_("agreements"), decimals=0, scope=PROGRAMME, periodicity="quarter"),
]
_SPECS += [
    BuiltinIndicator(m.code, m.label, _("Counted from the activities the modules record against agreements."),
                     METRIC_PREFIX + m.code, unit=m.unit, decimals=1 if m.code == "person_months_on_site" else 0,
                     scope=PROGRAMME, periodicity="quarter")
    for m in metrics.CATALOGUE.values()
]
_SPECS += [
    BuiltinIndicator("consultations_in_time_pct", _("Consultations answered within target time (%)"),
                     _("Share of the consultations answered in the period that were answered within the target "
                       "time their urgency sets."),
                     METRIC_PREFIX + "consultations_answered_in_time", METRIC_PREFIX + "consultations_answered",
                     100, PERCENT, scope=PROGRAMME, periodicity="quarter"),
]

BUILTIN: dict[str, BuiltinIndicator] = {s.code: s for s in _SPECS}
