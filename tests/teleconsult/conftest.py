"""Teleconsultation fixtures: the Haibei–Shandong teleconsultation agreement and the real files to read."""

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from caravan.core.models import Membership, Profile
from caravan.core.roles import Role
from caravan.partnerships.models import Agreement, AgreementParty, AgreementScope, Scope
from caravan.registry.models import Specialty
from caravan.teleconsult import services
from caravan.teleconsult.models import ConsultantProfile
from tests.conftest import PASSWORD


def _acceptance_folder() -> Path:
    """The shared acceptance files, read in place: CARAVAN_ACCEPTANCE, else ../shared beside the project,
    else the workplace's /work/shared (a clean checkout for CI may live anywhere)."""
    candidates = [os.environ.get("CARAVAN_ACCEPTANCE", ""),
                  Path(__file__).resolve().parents[3] / "shared" / "acceptance", "/work/shared/acceptance"]
    for candidate in candidates:
        if candidate and (Path(candidate) / "MANIFEST.md").is_file():
            return Path(candidate)
    raise RuntimeError("The acceptance files are not found: set CARAVAN_ACCEPTANCE to the shared/acceptance folder.")


ACCEPTANCE = _acceptance_folder()


def files(*relative: str) -> dict[str, bytes]:
    """Uploaded files as the services take them, read in place from the acceptance folder."""
    return {Path(r).name: (ACCEPTANCE / r).read_bytes() for r in relative}


RECORD_100 = ("wfdb/100.hea", "wfdb/100.dat")


@dataclass
class Tele:
    agreement: Agreement
    cardiology: Specialty
    oncology: Specialty
    backup: object  # a second Liaocheng cardiologist, for escalation


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def tele(cast) -> Tele:
    agreement = Agreement.objects.create(code="SD-HB-TC-2024", title="Shandong–Haibei remote consultation",
                                         start=date(2024, 1, 1), status=Agreement.Status.ACTIVE)
    AgreementParty.objects.create(agreement=agreement, organisation=cast.haibei, role=AgreementParty.Role.RECIPIENT)
    AgreementParty.objects.create(agreement=agreement, organisation=cast.shandong, role=AgreementParty.Role.LEAD)
    AgreementScope.objects.create(agreement=agreement, area=Scope.TELECONSULTATION)
    cardiology = Specialty.objects.get(code="cardiology")
    oncology = Specialty.objects.get(code="oncology")
    profile = ConsultantProfile.objects.create(user=cast.consultant_b)
    profile.specialties.add(cardiology)
    backup = get_user_model().objects.create_user(username="consultant_c", password=PASSWORD)
    Profile.objects.create(user=backup, display_name="Consultant C")
    Membership.objects.create(user=backup, organisation=cast.liaocheng_org, role=Role.CONSULTANT)
    ConsultantProfile.objects.create(user=backup).specialties.add(cardiology)
    # The backup joined later, so with equal loads consultant_b is chosen first.
    get_user_model().objects.filter(pk=backup.pk).update(date_joined=cast.consultant_b.date_joined.replace(year=2099))
    backup.refresh_from_db()
    return Tele(agreement=agreement, cardiology=cardiology, oncology=oncology, backup=backup)


def open_case(cast, tele, *, by=None, urgency="urgent", question="Chest pain for 2 h; ST elevation?", **extra):
    data = {"agreement": tele.agreement, "facility": cast.gangcha, "patient_age": 58, "patient_sex": "male",
            "patient_local_id": "GC-2024-00017", "question": question, "specialty": tele.cardiology,
            "urgency": urgency, **extra}
    return services.case_open(by=by or cast.clinician_a, **data)
