"""The referral pathway through its services: intake, offers, acceptance, letter, stay, follow-up; bad input."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from caravan.core.errors import NotFound, PermissionDenied, ValidationFailed
from caravan.core.models import AuditEvent
from caravan.referrals import export, selectors, services
from caravan.referrals.models import FollowUp, Offer, Referral, ReferralDocument, StageChange
from caravan.registry.models import Specialty

from .conftest import intake, to_offers

PDF = b"%PDF-1.7\n%test\n" + b"0" * 100


def test_intake_records_the_referral_with_its_first_stage_and_an_audit_event(world, cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    doc = SimpleUploadedFile("report.pdf", PDF, content_type="text/plain")
    referral = services.referral_create(by=world.tj_doctor, data=intake(world, passport_number="4012 34567"),
                                        documents=[doc])
    assert (referral.status, referral.receiving_organisation, referral.referring_organisation,
            referral.passport_number, referral.icd10) == ("received", cast.mazandaran, world.tj_hospital,
                                                          "401234567", "C18.7")
    assert referral.reference.startswith("RF-")
    assert list(StageChange.objects.filter(referral=referral).values_list("status", flat=True)) == ["received"]
    stored = ReferralDocument.objects.get(referral=referral)
    assert (stored.content_type, stored.size, stored.original_name) == ("application/pdf", len(PDF), "report.pdf")
    assert stored.file.path.startswith(str(tmp_path))
    assert AuditEvent.objects.filter(object_type="referrals.referral", action="create").count() == 1


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"passport_number": "FN123456"}, "passport_number",
     "This is not a passport number of TJ: it looks like 401234567."),
    ({"birth_date": date.today() + timedelta(days=2)}, "birth_date", "The date of birth cannot be in the future."),
    ({"icd10": "cancer"}, "icd10", "Enter an ICD-10 code such as C50.9 or I25.1."),
    ({"nationality": "Tajik"}, "nationality", "Enter the two-letter country code (ISO 3166), e.g. TJ."),
    ({"patient_name": ""}, "patient_name", "This field is required."),
    ({"language": "xx"}, "language", "Choose one of the listed values."),
])
def test_bad_intake_is_refused_naming_the_field_and_nothing_is_saved(world, changes, field, message):
    with pytest.raises(ValidationFailed) as caught:
        services.referral_create(by=world.tj_doctor, data=intake(world, **changes))
    assert caught.value.fields[field] == [message]
    assert Referral.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_a_specialty_no_hospital_is_ready_for_is_refused_by_the_matcher(world):
    transplant = Specialty.objects.get(code="transplantation")
    with pytest.raises(ValidationFailed) as caught:
        services.referral_create(by=world.tj_doctor, data=intake(world, specialty=transplant.pk))
    assert caught.value.fields == {"specialty": [
        "No hospital of the receiving side is ready for foreign patients in Transplantation."]}
    assert Referral.objects.count() == 0


def test_a_bad_document_is_refused_and_nothing_is_saved(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    doc = SimpleUploadedFile("report.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationFailed) as caught:
        services.referral_create(by=world.tj_doctor, data=intake(world), documents=[doc])
    assert caught.value.fields == {"documents": ["Only PDF files and images (PNG, JPEG, WebP) are accepted."]}
    assert Referral.objects.count() == 0


def test_intake_is_refused_to_the_other_network_and_to_partners_outside_the_agreement(world, cast):
    with pytest.raises(PermissionDenied):
        services.referral_create(by=cast.analyst, data=intake(world))
    with pytest.raises(ValidationFailed) as caught:
        services.referral_create(by=world.tj_doctor, data=intake(world, referring_organisation=cast.gangcha_org.pk))
    assert list(caught.value.fields) == ["referring_organisation"]
    assert Referral.objects.count() == 0


def test_the_matcher_ranks_the_ready_hospitals_for_a_referral(world, referral, cast):
    match = selectors.match_for_referral(referral=referral)
    # An interpreter and accreditation (2 + 1 + 2/3) outweigh Tajik-speaking staff with one bed left (3 + 1/2).
    assert [(c.hospital.name, c.eligible, c.score, c.reasons) for c in match.candidates] == [
        ("Imam Khomeini Hospital, Sari", True, 3.6667, ["capacity_left", "interpreter", "accredited"]),
        ("Fatemeh Zahra Hospital, Sari", True, 3.5, ["capacity_left", "speaks_language"]),
    ]


def test_the_whole_pathway_to_closing(world, referral, cast):
    services.pre_assessment_record(by=world.office, referral=referral, text="Resectable; stage II.")
    offer_ik = to_offers(world, referral, cast.sari)
    offer_fz = to_offers(world, referral, world.fz, cost="3900", currency="EUR")
    referral.refresh_from_db()
    assert referral.status == "offers"
    with pytest.raises(ValidationFailed) as caught:
        services.letter_issue(by=world.office, referral=referral, language="ru")
    assert caught.value.fields == {"language": ["The invitation letter is issued once an offer is accepted."]}
    services.offer_accept(by=world.tj_doctor, referral=referral, offer_id=offer_fz.pk)
    assert dict(Offer.objects.values_list("pk", "state")) == {offer_ik.pk: "superseded", offer_fz.pk: "accepted"}
    referral.refresh_from_db()
    assert (referral.status, referral.receiving_facility, referral.accepted_on) == (
        "accepted", world.fz, timezone.localdate())
    services.letter_issue(by=world.office, referral=referral, language="ru")
    assert referral.letter_reference.startswith("INV-")
    assert selectors.verify_letter(reference=referral.letter_reference) == "valid"
    today = timezone.localdate()
    with pytest.raises(ValidationFailed) as caught:
        services.stay_record(by=world.fz_clinician, referral=referral, step="arrived", day=today - timedelta(days=1))
    assert caught.value.fields == {"day": ["This day is before the referral was received."]}
    services.stay_record(by=world.fz_clinician, referral=referral, step="arrived", day=today)
    services.stay_record(by=world.fz_clinician, referral=referral, step="admitted", day=today)
    with pytest.raises(ValidationFailed) as caught:
        services.stay_record(by=world.fz_clinician, referral=referral, step="discharged", day=today, summary="")
    assert caught.value.fields == {"summary": ["Write the discharge summary."]}
    with django_capture():
        services.stay_record(by=world.fz_clinician, referral=referral, step="discharged", day=today,
                             procedures="Laparoscopic sigmoid resection", summary="Uneventful recovery.")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["rahimov@example.tj"]
    assert "Выписной эпикриз" in mail.outbox[0].body and "Шарифов Далер" in mail.outbox[0].body
    follow_ups = list(FollowUp.objects.filter(referral=referral).values_list("day_offset", "due_on"))
    assert follow_ups == [(30, today + timedelta(days=30)), (90, today + timedelta(days=90))]
    with pytest.raises(ValidationFailed):
        services.referral_advance(by=world.office, referral=referral, to="closed")
    for fu in FollowUp.objects.filter(referral=referral):
        services.follow_up_record(by=world.tj_doctor, referral=referral, follow_up_id=fu.pk, done_on=today,
                                  outcome="improved")
    services.referral_advance(by=world.office, referral=referral, to="closed")
    referral.refresh_from_db()
    assert (referral.status, referral.outcome) == ("closed", "improved")
    assert list(referral.stage_changes.values_list("status", flat=True)) == [
        "received", "pre_assessment", "offers", "accepted", "letter_issued", "arrived", "admitted", "discharged",
        "follow_up", "closed"]


class django_capture:
    """Run the on-commit hooks of the test transaction (the e-mail to the referring doctor)."""

    def __enter__(self):
        from django.db import connection

        self.before = len(connection.run_on_commit)

    def __exit__(self, *exc):
        from django.db import connection

        for _sids, hook, _robust in connection.run_on_commit[self.before:]:
            hook()
        del connection.run_on_commit[self.before:]


def test_a_negative_offer_cost_is_refused(world, referral, cast):
    with pytest.raises(ValidationFailed) as caught:
        to_offers(world, referral, cast.sari, cost="-1")
    assert caught.value.fields == {"cost_estimate": ["The cost estimate cannot be negative."]}
    assert Offer.objects.count() == 0
    referral.refresh_from_db()
    assert referral.status == "received"


def test_an_offer_from_a_hospital_not_ready_is_refused(world, referral, cast):
    cast.sari.foreign_patient_specialties.clear()
    with pytest.raises(ValidationFailed) as caught:
        to_offers(world, referral, cast.sari)
    assert caught.value.fields == {"facility": ["This hospital is not ready for foreign patients in Oncology."]}


def test_accepting_when_the_month_is_full_is_refused(world, referral, cast):
    # Fatemeh Zahra takes one oncology patient a month; another referral took it.
    other = services.referral_create(by=world.tj_doctor, data=intake(world, patient_name_latin="Other"))
    services.offer_accept(by=world.office, referral=other, offer_id=to_offers(world, other, world.fz).pk)
    offer = to_offers(world, referral, world.fz)
    with pytest.raises(ValidationFailed) as caught:
        services.offer_accept(by=world.tj_doctor, referral=referral, offer_id=offer.pk)
    assert caught.value.fields == {"offer": [
        "Fatemeh Zahra Hospital, Sari has no capacity left this month for foreign patients in Oncology."]}
    referral.refresh_from_db()
    assert (referral.status, referral.receiving_facility) == ("offers", None)
    assert Offer.objects.get(pk=offer.pk).state == "open"
    match = selectors.match_for_referral(referral=referral)
    assert [(c.hospital.name, c.eligible) for c in match.candidates] == [
        ("Imam Khomeini Hospital, Sari", True), ("Fatemeh Zahra Hospital, Sari", False)]


def test_transitions_are_validated_and_stops_need_a_reason(world, referral):
    with pytest.raises(ValidationFailed) as caught:
        services.referral_advance(by=world.office, referral=referral, to="admitted")
    assert caught.value.fields == {"status": ["This step has its own form."]}
    with pytest.raises(ValidationFailed) as caught:
        services.referral_advance(by=world.office, referral=referral, to="declined")
    assert caught.value.fields == {"reason": ["Give the reason."]}
    with pytest.raises(PermissionDenied):
        services.referral_advance(by=world.tj_doctor, referral=referral, to="declined", reason="x")
    services.referral_advance(by=world.tj_doctor, referral=referral, to="withdrawn", reason="Treated at home.")
    referral.refresh_from_db()
    assert (referral.status, referral.stop_reason) == ("withdrawn", "Treated at home.")
    with pytest.raises(ValidationFailed) as caught:
        services.referral_advance(by=world.office, referral=referral, to="pre_assessment")
    assert list(caught.value.fields) == ["status"]


def test_who_sees_a_referral(world, referral, cast):
    for user in (world.office, world.tj_doctor, world.tj_lead, cast.node_admin):
        assert selectors.referral_get_for_user(user=user, pk=referral.pk).pk == referral.pk
    # Not the hospital staff before their hospital is on the case, not analysts, not the other network.
    for user in (world.fz_clinician, world.mz_analyst, cast.coordinator, cast.consultant_b):
        with pytest.raises(NotFound):
            selectors.referral_get_for_user(user=user, pk=referral.pk)
    to_offers(world, referral, world.fz)
    assert selectors.referral_get_for_user(user=world.fz_clinician, pk=referral.pk).pk == referral.pk
    reads = AuditEvent.objects.filter(action="read", object_type="referrals.referral", object_id=str(referral.pk))
    assert reads.count() == 5


def test_the_export_holds_everything(world, accepted):
    data = export.everything_held(accepted)
    assert data["referral"]["patient_name"] == "Шарифов Далер"
    assert data["referral"]["receiving_hospital"] == "Imam Khomeini Hospital, Sari"
    assert [o["state"] for o in data["offers"]] == ["accepted"]
    assert [s["status"] for s in data["stages"]] == ["received", "offers", "accepted"]


def test_erasure_after_retention_keeps_the_anonymous_figures(world, referral, cast):
    services.referral_advance(by=world.office, referral=referral, to="declined", reason="No bed.")
    start = timezone.localdate().replace(day=1)
    before = selectors.figures_for_user(user=world.office, start=start, end=timezone.localdate())
    assert services.erase_expired(retention_days=30) == 0
    assert services.erase_expired(retention_days=30, now=timezone.now() + timedelta(days=31)) == 1
    referral.refresh_from_db()
    assert (referral.patient_name, referral.passport_number, referral.birth_date, referral.diagnosis,
            referral.nationality) == ("—", "", None, "—", "TJ")
    assert referral.erased_at is not None
    assert selectors.figures_for_user(user=world.office, start=start, end=timezone.localdate()) == before
    assert services.erase_expired(retention_days=30, now=timezone.now() + timedelta(days=31)) == 0
    with pytest.raises(NotFound):
        selectors.referral_get_for_user(user=world.office, pk=referral.pk)


def test_referrals_count_toward_the_agreement(world, referral):
    from caravan.core import metrics

    today = timezone.localdate()
    assert metrics.totals("patients_referred", agreement_ids=[world.agreement.pk], start=today,
                          end=today) == {world.agreement.pk: 1.0}
    [activity] = metrics.activities("patients_referred", agreement_id=world.agreement.pk, start=today, end=today)
    assert activity.label == f"Referral {referral.reference}: TJ, Oncology"
    assert "Шарифов" not in activity.label


def test_monthly_capacity_is_set_by_the_hospitals_editors(world, cast):
    services.capacity_set(by=world.office, facility=world.fz, specialty=world.oncology, monthly=3,
                          interpreters=["ar", "tg"], accreditation="JCI")
    row = services.Capacity.objects.get(facility=world.fz, specialty=world.oncology)
    assert (row.monthly, row.interpreters, row.accreditation) == (3, ["ar", "tg"], "JCI")
    with pytest.raises(ValidationFailed) as caught:
        services.capacity_set(by=world.office, facility=world.fz, specialty=world.oncology, monthly=-1)
    assert list(caught.value.fields) == ["monthly"]
    with pytest.raises(PermissionDenied):
        services.capacity_set(by=world.tj_lead, facility=world.fz, specialty=world.oncology, monthly=9)
    assert services.Capacity.objects.get(pk=row.pk).monthly == 3


def test_a_document_over_the_size_limit_is_refused(world, referral, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    big = SimpleUploadedFile("scan.pdf", PDF + b"0" * services.MAX_DOCUMENT_BYTES)
    with pytest.raises(ValidationFailed) as caught:
        services.document_add(by=world.tj_doctor, referral=referral, upload=big)
    assert caught.value.fields == {"file": ["A document may be at most 10 MB."]}
    assert ReferralDocument.objects.count() == 0


def test_the_figures_page_table_holds_the_busiest_hospitals_exactly(world, accepted, cast):
    for name, hospital in (("Second", world.fz), ("Third", cast.sari)):
        other = services.referral_create(by=world.tj_doctor, data=intake(world, patient_name_latin=name))
        services.offer_accept(by=world.office, referral=other, offer_id=to_offers(world, other, hospital).pk)
    services.referral_create(by=world.tj_doctor, data=intake(world, patient_name_latin="Waiting"))
    today = timezone.localdate()
    start = today.replace(day=1)
    every = selectors.figures_for_user(user=world.office, start=start, end=today)
    assert [(r["name"], r["total"]) for r in every["hospital"]] == [
        ("", 1), ("Fatemeh Zahra Hospital, Sari", 1), ("Imam Khomeini Hospital, Sari", 2)]
    assert [(r["name"], r["total"]) for r in every["capacity_used"]] == [
        ("Fatemeh Zahra Hospital, Sari", 1), ("Imam Khomeini Hospital, Sari", 2)]
    # Top 2 by count, ties broken by name (the unplaced referral's empty name sorts first).
    top = selectors.figures_for_user(user=world.office, start=start, end=today, top=2)
    assert [(r["name"], r["total"]) for r in top["hospital"]] == [("", 1), ("Imam Khomeini Hospital, Sari", 2)]
    top = selectors.figures_for_user(user=world.office, start=start, end=today, top=1)
    assert [(r["name"], r["total"]) for r in top["hospital"]] == [("Imam Khomeini Hospital, Sari", 2)]
    assert [(r["name"], r["total"]) for r in top["capacity_used"]] == [("Imam Khomeini Hospital, Sari", 2)]
    assert {k: top[k] for k in ("months", "total", "country", "specialty", "outcome", "admission_days")} == {
        k: every[k] for k in ("months", "total", "country", "specialty", "outcome", "admission_days")}
    assert top["total"] == [4]


def test_the_retention_period_comes_from_the_settings(world, referral, settings):
    services.referral_advance(by=world.office, referral=referral, to="declined", reason="No bed.")
    later = timezone.now() + timedelta(days=31)
    del settings.CARAVAN_REFERRAL_RETENTION_DAYS
    assert services.erase_expired(now=later) == 0  # the default: ten years
    settings.CARAVAN_REFERRAL_RETENTION_DAYS = 30
    assert services.erase_expired(now=later) == 1


def test_the_nightly_command_erases_with_the_configured_retention(world, referral, settings):
    from io import StringIO

    from django.core.management import call_command

    services.referral_advance(by=world.office, referral=referral, to="declined", reason="No bed.")
    Referral.objects.filter(pk=referral.pk).update(stage_since=timezone.now() - timedelta(days=40))
    settings.CARAVAN_REFERRAL_RETENTION_DAYS = 60
    out = StringIO()
    call_command("referrals_erase_expired", stdout=out)
    assert out.getvalue() == "erased 0 referral(s)\n"
    settings.CARAVAN_REFERRAL_RETENTION_DAYS = 30
    call_command("referrals_erase_expired", stdout=out)
    assert out.getvalue().splitlines()[-1] == "erased 1 referral(s)"
    assert Referral.objects.get().patient_name == "—"
