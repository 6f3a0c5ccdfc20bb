"""Agreements and visits on top of the fixed cast.

`agreement`: Haibei Health Commission (lead) and Shandong Provincial Health
Commission (supporter), a private draft recorded by `coordinator`, with a
yearly target of 4 visits. `public_agreement`: Mazandaran's university and
Gangcha's hospital, public, recorded by the node admin.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from caravan.partnerships import services, visit_services
from caravan.partnerships.models import Agreement

TODAY = date(2026, 11, 26)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def frozen_today(monkeypatch):
    """Pin timezone.localdate() (and now()) to TODAY at noon UTC for every module that asks."""
    from django.utils import timezone

    moment = datetime(2026, 11, 26, 12, 0, tzinfo=ZoneInfo("UTC"))
    monkeypatch.setattr(timezone, "now", lambda: moment)
    return TODAY


def party(org, role="partner", name="", title="", signed=False) -> dict:
    return {"organisation": org, "role": role, "signatory_name": name, "signatory_title": title, "signed": signed}


def agreement_data(cast, **overrides) -> dict:
    data = {
        "kind": Agreement.Kind.COOPERATION, "code": "SD-HB-2018", "title": "Shandong–Haibei strategic agreement",
        "title_local": "鲁海对口支援战略合作协议", "summary": "", "start": date(2018, 5, 1), "end": date(2028, 4, 30),
        "public": False,
        "parties": [party(cast.haibei, "lead"), party(cast.shandong, "supporter")],
        "scopes": ["training", "teleconsultation"],
        "commitments": [{"metric": "visits", "target": 4, "period": "year", "note": ""}],
    }
    data.update(overrides)
    return data


@pytest.fixture
def agreement(cast):
    return services.agreement_create(by=cast.coordinator, data=agreement_data(cast))


@pytest.fixture
def public_agreement(cast):
    return services.agreement_create(by=cast.node_admin, data=agreement_data(
        cast, code="MZ-GC-2024", title="Mazandaran–Gangcha twinning", title_local="", kind="twinning",
        start=date(2024, 1, 1), end=date(2027, 12, 31), public=True,
        parties=[party(cast.mazandaran, "lead"), party(cast.gangcha_org, "partner")], scopes=["research"],
        commitments=[],
    ))


def visit_data(cast, agreement=None, **overrides) -> dict:
    data = {
        "title": "Shandong delegation to Haibei", "title_local": "山东代表团访问海北", "purpose": "Review the aid plan.",
        "agreement": agreement, "start": date(2026, 6, 2), "end": date(2026, 6, 4), "time_zone": "Asia/Shanghai",
        "language": "zh-hans", "status": "held", "visiting": [cast.shandong], "hosts": [cast.haibei],
    }
    data.update(overrides)
    return data


@pytest.fixture
def visit(cast, agreement):
    return visit_services.visit_create(by=cast.coordinator, data=visit_data(cast, agreement))


@pytest.fixture(autouse=True)
def _only_visits_counted(monkeypatch):
    """Count only this module's visits, so that query counts do not depend on other modules' providers."""
    from caravan.core import metrics
    from caravan.partnerships.providers import VisitsHeld

    monkeypatch.setattr(metrics, "_providers", {"visits": [VisitsHeld()]})
