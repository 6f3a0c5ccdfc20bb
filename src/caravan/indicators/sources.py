"""Where numerators and denominators come from: a registry of sources.

A source answers, for one period, a figure per region (or per programme) as
recorded there, before anything is added up the region tree. Three kinds:

- *records*: queries over Caravan's own rows (doctors with an active appointment
  on the period's last day, beds, facilities with EMR, population, communes);
- *data values*: figures entered or imported for what Caravan does not hold,
  counted once approved (`data:<element>`);
- *programme* sources: the agreement metrics of `caravan.core.metrics`, so a module
  that provides a metric there feeds the indicators without a change here.

Modules may add sources with `register(Source(...))` from their `AppConfig.ready()`.
Each `fetch` issues a fixed number of queries whatever the number of regions.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q, Sum
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from caravan.core import metrics

from .periods import Period

ADD, NEAREST = "add", "nearest"
REGION, PROGRAMME = "region", "programme"
DATA_PREFIX, METRIC_PREFIX = "data:", "metric:"


@dataclass(frozen=True)
class Source:
    code: str
    label: Promise | str
    scope: str  # REGION or PROGRAMME
    fetch: Callable[..., dict[int, float]] = field(compare=False)
    rollup: str = ADD  # how figures add up the region tree (hierarchy.add_up / nearest_recorded)
    since_baseline: bool = False  # counts from the indicator's baseline to the period's end


DATA_ELEMENTS: dict[str, Promise] = {
    "insured_visits": _("Insured visits"),
    "insured_visits_citizen_id": _("Insured visits by citizen ID"),
    "foreign_patients": _("Foreign patients treated"),
    "communes_meeting_criteria_reported": _("Communes meeting the national criteria (reported)"),
    "communes_reported": _("Communes (reported)"),
}

_registry: dict[str, Source] = {}


def register(source: Source) -> None:
    _registry[source.code] = source


def get(code: str) -> Source | None:
    """The source a code names (`data:<element>` for the data elements), None when there is none."""
    return _registry.get(code)


def available(scope: str | None = None) -> list[Source]:
    return sorted((s for s in _registry.values() if scope is None or s.scope == scope), key=lambda s: s.code)


# --- Records.


def _practitioners(profession: str):
    def fetch(*, period: Period, baseline: date | None = None) -> dict[int, float]:
        from caravan.registry.models import Appointment

        day = period.end
        rows = (
            Appointment.objects.filter(practitioner__profession=profession, start__lte=day)
            .filter(Q(end__isnull=True) | Q(end__gte=day))
            .values("facility__region_id")
            .annotate(n=Count("practitioner_id", distinct=True))
        )
        return {r["facility__region_id"]: float(r["n"]) for r in rows}

    return fetch


def _facilities(flag: str | None):
    def fetch(*, period: Period, baseline: date | None = None) -> dict[int, float]:
        from caravan.registry.models import Facility

        qs = Facility.objects.all() if flag is None else Facility.objects.filter(**{flag: True})
        return {r["region_id"]: float(r["n"]) for r in qs.values("region_id").annotate(n=Count("id"))}

    return fetch


def _beds(*, period: Period, baseline: date | None = None) -> dict[int, float]:
    from caravan.registry.models import Facility

    rows = Facility.objects.values("region_id").annotate(n=Sum("beds"))
    return {r["region_id"]: float(r["n"] or 0) for r in rows}


def _population(*, period: Period, baseline: date | None = None) -> dict[int, float]:
    from caravan.registry.models import RegionPopulation

    rows = RegionPopulation.objects.filter(year=period.end.year).values_list("region_id", "population")
    return {rid: float(n) for rid, n in rows}


def _communes(meeting: bool):
    def fetch(*, period: Period, baseline: date | None = None) -> dict[int, float]:
        from caravan.registry.models import Region

        day = period.end
        qs = Region.objects.filter(level=Region.Level.COMMUNE, valid_from__lte=day).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gt=day)
        )
        if meeting:
            qs = qs.filter(meets_commune_criteria=True)
        return dict.fromkeys(qs.values_list("id", flat=True), 1.0)

    return fetch


def _cross_level_techniques(*, period: Period, baseline: date | None = None) -> dict[int, float]:
    """Techniques a facility became independent in although the national list puts them at a higher level."""
    from django.db.models import F

    from caravan.transfer.models import Capability

    qs = Capability.objects.filter(first_independent_on__lte=period.end, technique__min_level__lt=F("facility__level"))
    if baseline is not None:
        qs = qs.filter(first_independent_on__gte=baseline)
    rows = qs.values("facility__region_id").annotate(n=Count("id"))
    return {r["facility__region_id"]: float(r["n"]) for r in rows}


def _data_element(element: str):
    def fetch(*, period: Period, baseline: date | None = None) -> dict[int, float]:
        from .models import DataValue

        rows = DataValue.objects.filter(element=element, period=period.code, status=DataValue.Status.APPROVED)
        return {rid: value for rid, value in rows.values_list("region_id", "value")}

    return fetch


# --- Programmes: agreements and their metrics.


def agreements_by_network() -> dict[int, set[int]]:
    """Each programme's agreements: those with a party in one of its organisations (one query)."""
    from caravan.core.models import Organisation
    from caravan.partnerships.models import AgreementParty

    through = Organisation.networks.through.objects.filter(
        organisation_id__in=AgreementParty.objects.values("organisation_id")
    ).values_list("organisation_id", "network_id")
    networks_of: dict[int, set[int]] = {}
    for org, net in through:
        networks_of.setdefault(org, set()).add(net)
    out: dict[int, set[int]] = {}
    for agreement, org in AgreementParty.objects.values_list("agreement_id", "organisation_id"):
        for net in networks_of.get(org, ()):
            out.setdefault(net, set()).add(agreement)
    return out


def _active_agreements(*, period: Period, baseline: date | None = None, by_network=None) -> dict[int, float]:
    from caravan.partnerships.models import Agreement

    day = period.end
    active = set(
        Agreement.objects.filter(signed_on__isnull=False, start__lte=day)
        .filter(Q(end__isnull=True) | Q(end__gte=day))
        .filter(Q(terminated_on__isnull=True) | Q(terminated_on__gt=day))
        .values_list("id", flat=True)
    )
    by_network = agreements_by_network() if by_network is None else by_network
    return {net: float(len(ids & active)) for net, ids in by_network.items()}


def _metric(code: str):
    def fetch(*, period: Period, baseline: date | None = None, by_network=None) -> dict[int, float]:
        by_network = agreements_by_network() if by_network is None else by_network
        every = sorted(set().union(*by_network.values())) if by_network else []
        if not every or not metrics.is_provided(code):
            return {}
        per_agreement = metrics.totals(code, agreement_ids=every, start=period.start, end=period.end)
        return {net: float(sum(per_agreement.get(a, 0.0) for a in ids)) for net, ids in by_network.items()}

    return fetch


def _register_builtin() -> None:
    register(Source("doctors", _("Doctors with an active appointment"), REGION, _practitioners("doctor")))
    register(Source("nurses", _("Nurses with an active appointment"), REGION, _practitioners("nurse")))
    register(Source("beds", _("Hospital beds"), REGION, _beds))
    register(Source("facilities", _("Facilities"), REGION, _facilities(None)))
    register(Source("facilities_emr", _("Facilities with electronic medical records"), REGION,
                    _facilities("has_emr")))
    register(Source("facilities_his", _("Facilities with a hospital information system"), REGION,
                    _facilities("has_his")))
    register(Source("facilities_pacs", _("Facilities with an imaging archive (PACS)"), REGION,
                    _facilities("has_pacs")))
    register(Source("population", _("Population of the year"), REGION, _population, rollup=NEAREST))
    register(Source("communes", _("Communes"), REGION, _communes(False)))
    register(Source("communes_meeting_criteria", _("Communes meeting the national criteria"), REGION,
                    _communes(True)))
    register(Source("cross_level_techniques", _("Cross-level techniques mastered since the baseline"), REGION,
                    _cross_level_techniques, since_baseline=True))
    for element, label in DATA_ELEMENTS.items():
        register(Source(DATA_PREFIX + element, label, REGION, _data_element(element), rollup=NEAREST))
    register(Source("agreements_active", _("Active agreements"), PROGRAMME, _active_agreements))
    for metric in metrics.CATALOGUE.values():
        register(Source(METRIC_PREFIX + metric.code, metric.label, PROGRAMME, _metric(metric.code)))


_register_builtin()
