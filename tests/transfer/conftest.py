"""Techniques, equipment and a few helpers on top of the fixed cast.

Gangcha (level 3, a county hospital) receives techniques from Liaocheng (level 2).
Invasive ventilation needs a ventilator; ECMO needs ventilation first and an ECMO
machine; labour analgesia needs nothing; cataract surgery belongs to the provincial
level. Gangcha has two ventilators and no ECMO machine.
"""

from dataclasses import dataclass
from datetime import date

import pytest

from caravan.core.text import search_blob
from caravan.registry.models import Equipment, FacilityEquipment, Specialty, Technique
from caravan.transfer.models import CaseLog


@dataclass
class Techniques:
    ventilation: Technique
    ecmo: Technique
    epidural: Technique
    cataract: Technique


def make_technique(code, name, specialty, level, cases, *, prerequisites=(), equipment=()):
    technique = Technique.objects.create(
        code=code, name=name, specialty=Specialty.objects.get(code=specialty), min_level=level,
        cases_for_independence=cases, search_text=search_blob(name, "", code),
    )
    technique.prerequisites.set(prerequisites)
    technique.equipment_needed.set(Equipment.objects.filter(code__in=equipment))
    return technique


@pytest.fixture
def techs(cast) -> Techniques:
    ventilation = make_technique("MV", "Invasive mechanical ventilation", "critical_care", 3, 3, equipment=["ventilator"])
    ecmo = make_technique("ECMO", "ECMO", "critical_care", 1, 2, prerequisites=[ventilation],
                          equipment=["ecmo", "ventilator"])
    epidural = make_technique("EPI", "Epidural labour analgesia", "anaesthesiology", 2, 3)
    cataract = make_technique("PHACO", "Cataract surgery", "ophthalmology", 2, 3)
    FacilityEquipment.objects.create(facility=cast.gangcha, equipment=Equipment.objects.get(code="ventilator"),
                                     quantity=2)
    return Techniques(ventilation, ecmo, epidural, cataract)


def add_cases(facility, technique, days, *, performer="local", supervision="independent", outcome="success"):
    """Insert cases straight into the log (no ledger recompute): a test's starting point."""
    return CaseLog.objects.bulk_create([
        CaseLog(facility=facility, technique=technique, performed_on=day, performer=performer,
                supervision=supervision, outcome=outcome)
        for day in days
    ])


def days(year, month, count, start=1):
    return [date(year, month, start + i) for i in range(count)]


def ago(days_before: int) -> date:
    """A day this many days before today: recent enough that nothing has lapsed."""
    from datetime import timedelta

    from django.utils import timezone

    return timezone.localdate() - timedelta(days=days_before)


def run(first: date, count: int) -> list[date]:
    """`count` consecutive days from `first`."""
    from datetime import timedelta

    return [first + timedelta(days=i) for i in range(count)]
