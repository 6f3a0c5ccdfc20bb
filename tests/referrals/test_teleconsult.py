"""Pre-assessment through a teleconsultation case, opened from the referral and linked to it."""

import pytest
from django.urls import reverse

from caravan.core.errors import PermissionDenied, ValidationFailed
from caravan.partnerships.models import AgreementScope
from caravan.referrals import preassessment
from caravan.referrals.models import Referral
from caravan.teleconsult.models import Case
from tests.helpers import assert_refused

R = "/api/v1/referrals"
QUESTION = "Is laparoscopic resection indicated?"


@pytest.fixture
def teleconsult_scope(world):
    AgreementScope.objects.create(agreement=world.agreement, area="teleconsultation")


def test_the_office_opens_a_case_from_the_page_and_the_referral_links_it(world, referral, cast, client_as,
                                                                          teleconsult_scope):
    client = client_as(world.office)
    detail = reverse("referrals:detail", args=[referral.pk])
    form = client.get(detail).context["teleconsult_form"]
    # The hospitals ready in the specialty, best match first.
    assert form.fields["facility"].choices == [(cast.sari.pk, "Imam Khomeini Hospital, Sari"),
                                               (world.fz.pk, "Fatemeh Zahra Hospital, Sari")]
    response = client.post(reverse("referrals:teleconsult_open", args=[referral.pk]),
                           {"facility": cast.sari.pk, "question": QUESTION})
    assert response.status_code == 302
    case = Case.objects.get()
    referral.refresh_from_db()
    assert (referral.teleconsult_case_id, referral.status) == (case.pk, "pre_assessment")
    # The case gets the age and sex, never the name; the reference is kept only as a keyed hash.
    age = referral.received_on.year - 1968 - ((referral.received_on.month, referral.received_on.day) < (4, 12))
    assert (case.facility_id, case.patient_age, case.patient_sex, case.question, case.specialty_id, case.urgency) == (
        cast.sari.pk, age, "male", QUESTION, world.oncology.pk, "routine")
    assert referral.reference not in case.patient_key
    page = client.get(detail)
    assert page.context["teleconsult_form"] is None
    assert f'href="{reverse("teleconsult:case_detail", args=[case.pk])}"' in page.content.decode()


def test_the_teleconsultation_modules_own_rules_come_back_naming_the_field(world, referral, cast, client_as):
    # The agreement covers patient referral only, not teleconsultation.
    response = client_as(world.office).post(reverse("referrals:teleconsult_open", args=[referral.pk]),
                                            {"facility": cast.sari.pk, "question": QUESTION})
    assert response.status_code == 400
    assert response.context["teleconsult_form"].errors == {
        "__all__": ["This agreement is not in force for teleconsultation or difficult cases."]}
    referral.refresh_from_db()
    assert (referral.teleconsult_case_id, referral.status, Case.objects.count()) == (None, "received", 0)


def test_bad_input_names_the_field_and_saves_nothing(world, referral, cast, teleconsult_scope):
    with pytest.raises(ValidationFailed) as caught:
        preassessment.teleconsult_open(by=world.office, referral=referral, facility_id=cast.gangcha.pk, question=" ")
    assert caught.value.fields == {"facility": ["Choose a hospital ready for foreign patients in Oncology."],
                                   "question": ["Say what you want the consultant to answer."]}
    preassessment.teleconsult_open(by=world.office, referral=referral, facility_id=world.fz.pk, question=QUESTION)
    with pytest.raises(ValidationFailed) as caught:
        preassessment.teleconsult_open(by=world.office, referral=referral, facility_id=world.fz.pk,
                                       question=QUESTION)
    assert caught.value.fields == {"case": ["A teleconsultation case is already open for this referral."]}
    assert Case.objects.count() == 1


def test_without_the_module_nothing_is_offered(world, referral, client_as, monkeypatch, teleconsult_scope):
    monkeypatch.setattr(preassessment, "teleconsult_installed", lambda: False)
    response = client_as(world.office).get(reverse("referrals:detail", args=[referral.pk]))
    assert response.context["teleconsult_form"] is None
    assert 'data-testid="teleconsult-form"' not in response.content.decode()
    with pytest.raises(ValidationFailed) as caught:
        preassessment.teleconsult_open(by=world.office, referral=referral, facility_id=world.fz.pk, question="Q")
    assert caught.value.code == "not_installed"
    assert Case.objects.count() == 0


def test_opening_a_case_is_refused_outside_the_office(world, referral, cast, client_as, teleconsult_scope):
    with pytest.raises(PermissionDenied):
        preassessment.teleconsult_open(by=world.tj_doctor, referral=referral, facility_id=world.fz.pk,
                                       question=QUESTION)
    data = {"facility": world.fz.pk, "question": QUESTION}
    assert_refused(client_as, [None, world.tj_doctor, world.mz_analyst, world.fz_clinician, cast.coordinator],
                   "post", reverse("referrals:teleconsult_open", args=[referral.pk]), data)
    path = f"{R}/{referral.pk}/teleconsultation"
    assert_refused(client_as, [None], "post", path, data, anonymous_redirects=False, content_type="application/json")
    assert_refused(client_as, [world.tj_doctor, world.mz_analyst, world.fz_clinician, cast.coordinator], "post",
                   path, data, content_type="application/json")
    assert Case.objects.count() == 0
    assert Referral.objects.get().teleconsult_case_id is None


def test_a_case_over_the_api(world, referral, client_as, teleconsult_scope):
    client = client_as(world.office)
    path = f"{R}/{referral.pk}/teleconsultation"
    response = client.post(path, {"facility": world.fz.pk, "question": ""}, content_type="application/json")
    assert (response.status_code, response.json()["fields"]) == (
        400, {"question": ["Say what you want the consultant to answer."]})
    response = client.post(path, {"facility": world.fz.pk, "question": QUESTION}, content_type="application/json")
    assert response.status_code == 201
    case_id = response.json()["case"]
    assert Case.objects.get().pk == case_id
    assert client.get(f"{R}/{referral.pk}").json()["teleconsult_case"] == case_id
