"""An aid programme on top of the fixed cast: Shandong → Haibei, batch 1 (Dec 2025 – Nov 2026) with needs and a pool.

Pool (all at Liaocheng People's Hospital unless said): an obstetrician, an
anaesthetist, a sonographer, a second sonographer unavailable for the
rotation, and a cardiologist. Needs: labour analgesia at Gangcha (priority
5) and a cardiology service at Gangcha (priority 3).
"""

from dataclasses import dataclass
from datetime import date

import pytest

from caravan.core.text import search_blob
from caravan.deployments.models import Availability, Batch, Candidate, Need, Programme
from caravan.registry.models import Practitioner

START, END = date(2025, 12, 1), date(2026, 11, 30)
OPEN = (date(2025, 6, 1), date(2027, 6, 30))


@dataclass
class Aid:
    programme: Programme
    batch: Batch
    analgesia: Need
    cardiology: Need
    obstetrician: Candidate
    anaesthetist: Candidate
    sonographer: Candidate
    late_sonographer: Candidate
    cardiologist: Candidate


def practitioner(org, latin, title="senior"):
    return Practitioner.objects.create(name=latin, name_latin=latin, sex="female", title=title, organisation=org,
                                       languages=["zh"], search_text=search_blob(latin))


def candidate(programme, org, latin, role, *, window=OPEN, status="approved", title="senior", city="Liaocheng"):
    c = Candidate.objects.create(programme=programme, practitioner=practitioner(org, latin, title), roles=[role],
                                 city=city, status=status)
    Availability.objects.create(candidate=c, start=window[0], end=window[1])
    return c


@pytest.fixture
def aid(cast) -> Aid:
    programme = Programme.objects.create(code="sd-hb", name="Shandong → Haibei", sending_organisation=cast.shandong,
                                         receiving_organisation=cast.haibei, team_min=1, team_max=15)
    batch = Batch.objects.create(programme=programme, number=1, start=START, end=END)
    analgesia = Need.objects.create(batch=batch, facility=cast.gangcha, title="Labour analgesia", priority=5,
                                    roles=["obstetrician", "anaesthetist", "sonographer"])
    cardiology = Need.objects.create(batch=batch, facility=cast.gangcha, title="Cardiology", priority=3,
                                     roles=["cardiologist"])
    org = cast.liaocheng_org
    return Aid(
        programme=programme, batch=batch, analgesia=analgesia, cardiology=cardiology,
        obstetrician=candidate(programme, org, "Zhou Defang", "obstetrician"),
        anaesthetist=candidate(programme, org, "Wang Lipeng", "anaesthetist"),
        sonographer=candidate(programme, org, "Zhao Liling", "sonographer", title="intermediate"),
        late_sonographer=candidate(programme, org, "Sun Ying", "sonographer",
                                   window=(date(2026, 3, 1), date(2027, 3, 1))),
        cardiologist=candidate(programme, org, "Liang Lijun", "cardiologist"),
    )
