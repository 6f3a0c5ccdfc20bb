"""Small known data on top of the fixed cast: doctors, beds, population, a merger, an agreement."""

from dataclasses import dataclass
from datetime import date

import pytest

from caravan.core.text import search_blob
from caravan.core.tree import tree_save_path
from caravan.indicators import rebuild, services
from caravan.indicators.models import Indicator
from caravan.partnerships.models import Agreement, AgreementParty, Visit
from caravan.registry.models import Appointment, Facility, Practitioner, Region, RegionPopulation


@dataclass
class Health:
    cast: object
    haidong: Region
    agreement: Agreement


def _doctor(n, org, facility, start, end=None, profession="doctor"):
    p = Practitioner.objects.create(name=f"医生{n}", name_latin=f"Doctor {n}", sex="female", title="junior",
                                    profession=profession, organisation=org)
    Appointment.objects.create(practitioner=p, facility=facility, position="Physician", start=start, end=end)
    return p


@pytest.fixture
def health(cast) -> Health:
    """Qinghai: 100,000 people in 2024 (80,000 in 2023), Haibei 30,000 in 2024.

    Doctors on 31 Dec 2024: three at Gangcha (in Haibei); one more at Liaocheng's
    facility (in Qinghai itself) left on 30 June 2024, so counts in 2023 only.
    Beds: Gangcha 120, Liaocheng 3,000 → Qinghai 3,120, Haibei 120.
    Haidong, a province merged into Qinghai on 1 July 2025, has 500 beds, 20,000 people and one doctor.
    """
    for n in range(3):
        _doctor(n, cast.gangcha_org, cast.gangcha, date(2020, 1, 1))
    _doctor(3, cast.liaocheng_org, cast.liaocheng, date(2019, 1, 1), date(2024, 6, 30))
    _doctor(4, cast.gangcha_org, cast.gangcha, date(2020, 1, 1), profession="nurse")
    RegionPopulation.objects.bulk_create([
        RegionPopulation(region=cast.qinghai, year=2024, population=100_000),
        RegionPopulation(region=cast.qinghai, year=2023, population=80_000),
        RegionPopulation(region=cast.haibei_region, year=2024, population=30_000),
        RegionPopulation(region=cast.mazandaran_region, year=2024, population=0),
    ])
    haidong = Region.objects.create(code="CN-HD", name="Haidong", level=Region.Level.PROVINCE, parent=cast.china,
                                    valid_to=date(2025, 7, 1), merged_into=cast.qinghai,
                                    search_text=search_blob("Haidong"))
    tree_save_path(haidong)
    ledu = Facility.objects.create(code="CN-HD-01", name="Ledu Hospital", organisation=cast.gangcha_org,
                                   region=haidong, level=3, kind=Facility.Kind.GENERAL_HOSPITAL, beds=500)
    _doctor(5, cast.gangcha_org, ledu, date(2020, 1, 1))
    RegionPopulation.objects.bulk_create([RegionPopulation(region=haidong, year=y, population=20_000)
                                          for y in (2024, 2025)] +
                                         [RegionPopulation(region=cast.qinghai, year=2025, population=100_000)])
    agreement = Agreement.objects.create(code="SD-HB-01", title="Pairing", start=date(2023, 1, 1),
                                         status=Agreement.Status.ACTIVE, signed_on=date(2022, 12, 1))
    AgreementParty.objects.create(agreement=agreement, organisation=cast.liaocheng_org, role="lead")
    AgreementParty.objects.create(agreement=agreement, organisation=cast.gangcha_org, role="recipient")
    Visit.objects.create(title="Cardiology visit", agreement=agreement, start=date(2024, 5, 6), end=date(2024, 5, 9),
                         status=Visit.Status.HELD)
    Visit.objects.create(title="Planned visit", agreement=agreement, start=date(2024, 9, 6), end=date(2024, 9, 9))
    services.builtin_sync()
    return Health(cast=cast, haidong=haidong, agreement=agreement)


@pytest.fixture
def built(health):
    rebuild.rebuild_all(first=2023, last=2025)
    return health


def value(code, *, region=None, network=None, period="2024"):
    from caravan.indicators.models import IndicatorValue

    row = IndicatorValue.objects.filter(indicator__code=code, region=region, network=network, period=period).first()
    return None if row is None else row.value


def indicator(code) -> Indicator:
    return Indicator.objects.get(code=code)
