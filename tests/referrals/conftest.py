"""A referral world on top of the fixed cast.

Mazandaran (the cast's other network) receives patients under an MoU with
Tajikistan's ministry. The cast's `outsider` is a coordinator at Mazandaran
University: here that is the international office. Imam Khomeini, Sari (the
cast's `sari`, run by the university) and Fatemeh Zahra (a university hospital
below it) are ready for foreign patients in oncology; Fatemeh Zahra speaks Tajik.
`tj_doctor` refers from a Tajik hospital below the ministry; `fz_clinician`
works at Fatemeh Zahra. The Shandong–Haibei users are the other network.
"""

from dataclasses import dataclass
from datetime import date

import pytest

from caravan.core.models import Membership
from caravan.core.roles import Role
from caravan.partnerships.models import Agreement, AgreementParty, AgreementScope
from caravan.referrals import services
from caravan.referrals.models import Capacity
from caravan.registry.models import Facility, Specialty
from tests.conftest import _facility, _org, _region, _user


@dataclass
class World:
    agreement: Agreement
    tj_moh: object
    tj_hospital: object
    fz_org: object
    fz: Facility
    oncology: Specialty
    office: object
    tj_doctor: object
    tj_lead: object
    fz_clinician: object
    mz_analyst: object


@pytest.fixture
def world(cast) -> World:
    other = cast.other_network
    tajikistan = _region("TJ", "Tajikistan", 0, name_local="Тоҷикистон")
    tj_moh = _org("tj-moh", "Ministry of Health, Tajikistan", "ministry", networks=[other])
    tj_hospital = _org("tj-dushanbe", "Dushanbe City Hospital", "hospital", tj_moh, [other])
    fz_org = _org("mz-fz", "Fatemeh Zahra Hospital, Sari", "hospital", cast.mazandaran, [other])
    fz = _facility("IR-MZ-FZ", "Fatemeh Zahra Hospital, Sari", fz_org, cast.mazandaran_region, 2,
                   name_local="بیمارستان فاطمه زهرا ساری", languages=["fa", "tg", "ru"])
    cast.sari.languages = ["fa", "en"]
    cast.sari.save()
    oncology = Specialty.objects.get(code="oncology")
    for facility in (cast.sari, fz):
        facility.foreign_patient_specialties.add(oncology)
    Capacity.objects.create(facility=cast.sari, specialty=oncology, monthly=2, interpreters=["tg"],
                            accreditation="national")
    Capacity.objects.create(facility=fz, specialty=oncology, monthly=1)
    agreement = Agreement.objects.create(code="MZ-TJ", title="Mazandaran–Tajikistan MoU", start=date(2022, 3, 1),
                                         status="active")
    AgreementParty.objects.create(agreement=agreement, organisation=cast.mazandaran, role="lead")
    AgreementParty.objects.create(agreement=agreement, organisation=tj_moh, role="partner")
    AgreementScope.objects.create(agreement=agreement, area="patient_referral")
    del tajikistan
    return World(
        agreement=agreement, tj_moh=tj_moh, tj_hospital=tj_hospital, fz_org=fz_org, fz=fz, oncology=oncology,
        office=cast.outsider, tj_doctor=_user("tj_doctor", tj_hospital, Role.CLINICIAN),
        tj_lead=_user("tj_lead", tj_moh, Role.COORDINATOR), fz_clinician=_user("fz_clinician", fz_org, Role.CLINICIAN),
        mz_analyst=_add_role(_user("mz_analyst"), cast.mazandaran, Role.ANALYST),
    )


def _add_role(user, org, role):
    Membership.objects.create(user=user, organisation=org, role=role)
    return user


def intake(world, **changes) -> dict:
    data = {
        "agreement": world.agreement.pk, "referring_organisation": world.tj_hospital.pk,
        "patient_name": "Шарифов Далер", "patient_name_latin": "Sharifov Daler", "birth_date": date(1968, 4, 12),
        "sex": "male", "nationality": "TJ", "passport_number": "401234567",
        "diagnosis": "Adenocarcinoma of the sigmoid colon", "icd10": "C18.7", "specialty": world.oncology.pk,
        "urgency": "soon", "language": "tg", "referring_doctor": "Д-р Нозим Раҳимов",
        "referring_doctor_email": "rahimov@example.tj",
    }
    data.update(changes)
    return data


@pytest.fixture
def referral(world):
    return services.referral_create(by=world.tj_doctor, data=intake(world))


def to_offers(world, referral, facility, *, cost="4200", currency="USD"):
    return services.offer_create(by=world.office, referral=referral, data={
        "facility": facility.pk, "treatment_plan": "Laparoscopic sigmoid resection, then chemotherapy",
        "expected_stay_days": 12, "cost_estimate": cost, "currency": currency})


@pytest.fixture
def accepted(world, referral, cast):
    offer = to_offers(world, referral, cast.sari)
    services.offer_accept(by=world.tj_doctor, referral=referral, offer_id=offer.pk)
    referral.refresh_from_db()
    return referral
