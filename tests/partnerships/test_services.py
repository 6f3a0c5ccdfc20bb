"""The agreement services: each write checked, validated, saved whole and audited."""

import os
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from caravan.core.errors import PermissionDenied, ValidationFailed
from caravan.core.models import AuditEvent
from caravan.partnerships import document_services, services
from caravan.partnerships.models import Agreement, AgreementDocument, AgreementParty, Commitment
from tests.helpers import audit_count

from .conftest import agreement_data, party

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def fields_of(exc) -> dict:
    return exc.value.fields


# ---------------------------------------------------------------- create


def test_create_records_a_draft_with_parties_scopes_and_commitments(cast):
    agreement = services.agreement_create(by=cast.coordinator, data=agreement_data(cast))
    agreement.refresh_from_db()
    assert (agreement.status, agreement.code, agreement.kind, agreement.public) == (
        "draft", "SD-HB-2018", "cooperation", False)
    assert [(p.organisation_id, p.role, p.position) for p in agreement.parties.order_by("position")] == [
        (cast.haibei.pk, "lead", 0), (cast.shandong.pk, "supporter", 1)]
    assert sorted(agreement.scopes.values_list("area", flat=True)) == ["teleconsultation", "training"]
    assert list(agreement.commitments.values_list("metric", "target", "period")) == [("visits", Decimal("4.0"), "year")]
    assert agreement.search_text == (
        "sd-hb-2018 | shandong–haibei strategic agreement | 鲁海对口支援战略合作协议 | haibei health commission | "
        "shandong provincial health commission"
    )
    event = AuditEvent.objects.get(object_type="partnerships.agreement", object_id=str(agreement.pk))
    assert (event.action, event.actor_id, event.organisation_id) == ("create", cast.coordinator.pk, cast.haibei.pk)
    assert event.changes["parties"] == [None, [[cast.haibei.pk, "lead", "", "", False],
                                               [cast.shandong.pk, "supporter", "", "", False]]]
    assert event.changes["commitments"] == [None, [["visits", "4", "year", ""]]]
    assert event.changes["status"] == [None, "draft"]


BAD_INPUTS = [
    ("fewer than two parties", {"parties": "one"}, {"parties": ["An agreement needs at least two parties."]}),
    ("the same party twice", {"parties": "twice"},
     {"parties": ["Haibei Health Commission is listed more than once; each party appears once."]}),
    ("end before start", {"start": date(2020, 1, 1), "end": date(2019, 12, 31)},
     {"end": ["The end date must be on or after the start date."]}),
    ("target below zero", {"commitments": [{"metric": "visits", "target": -1, "period": "year"}]},
     {"commitments.target": ["A commitment's target cannot be below zero."]}),
    ("unknown metric", {"commitments": [{"metric": "smiles", "target": 3, "period": "year"}]},
     {"commitments.metric": ["The metric “smiles” does not exist; choose one from the catalogue."]}),
    ("unknown scope", {"scopes": ["tourism"]}, {"scopes": ["Unknown scope: tourism."]}),
    ("no code", {"code": " "}, {"code": ["Enter the agreement's reference code."]}),
    ("twice the same commitment", {"commitments": [{"metric": "visits", "target": 1, "period": "year"},
                                                   {"metric": "visits", "target": 2, "period": "year"}]},
     {"commitments": ["Each metric can be committed to only once per period."]}),
]


@pytest.mark.parametrize(("case", "overrides", "expected"), BAD_INPUTS, ids=[c[0] for c in BAD_INPUTS])
def test_bad_input_is_refused_with_its_own_message_and_nothing_saved(cast, case, overrides, expected):
    if overrides.get("parties") == "one":
        overrides["parties"] = [party(cast.haibei, "lead")]
    elif overrides.get("parties") == "twice":
        overrides["parties"] = [party(cast.haibei, "lead"), party(cast.haibei, "partner")]
    before = audit_count()
    with pytest.raises(ValidationFailed) as exc:
        services.agreement_create(by=cast.coordinator, data=agreement_data(cast, **overrides))
    assert fields_of(exc) == expected
    assert (Agreement.objects.count(), AgreementParty.objects.count(), Commitment.objects.count()) == (0, 0, 0)
    assert audit_count() == before


def test_several_bad_fields_are_named_together(cast):
    with pytest.raises(ValidationFailed) as exc:
        services.agreement_create(by=cast.coordinator, data=agreement_data(
            cast, end=date(2000, 1, 1), parties=[party(cast.haibei)],
            commitments=[{"metric": "nope", "target": -2, "period": "year"}]))
    assert sorted(fields_of(exc)) == ["commitments.metric", "commitments.target", "end", "parties"]


def test_the_reference_code_is_unique(cast, agreement):
    with pytest.raises(ValidationFailed) as exc:
        services.agreement_create(by=cast.coordinator, data=agreement_data(cast))
    assert fields_of(exc) == {"code": ["An agreement with this reference code already exists."]}
    assert Agreement.objects.count() == 1


def test_only_coordinators_and_administrators_record_agreements_of_their_own_organisations(cast):
    for user in (None, cast.analyst, cast.clinician_a, cast.consultant_b):
        with pytest.raises(PermissionDenied):
            services.agreement_create(by=user, data=agreement_data(cast))
    with pytest.raises(ValidationFailed) as exc:
        services.agreement_create(by=cast.outsider, data=agreement_data(cast))
    assert fields_of(exc) == {"parties": ["One of the parties must be an organisation you coordinate."]}
    assert Agreement.objects.count() == 0
    services.agreement_create(by=cast.admin_a, data=agreement_data(cast, code="A-1"))
    services.agreement_create(by=cast.node_admin, data=agreement_data(
        cast, code="A-2", parties=[party(cast.mazandaran), party(cast.liaocheng_org)]))
    assert Agreement.objects.count() == 2


# ---------------------------------------------------------------- update


def test_update_changes_fields_and_audits_only_what_changed(cast, agreement):
    before = audit_count()
    services.agreement_update(by=cast.coordinator, agreement=agreement, data={"title": "Strategic agreement",
                                                                             "public": True})
    agreement.refresh_from_db()
    assert (agreement.title, agreement.public) == ("Strategic agreement", True)
    event = AuditEvent.objects.latest("id")
    assert event.changes == {"title": ["Shandong–Haibei strategic agreement", "Strategic agreement"],
                             "public": [False, True]}
    services.agreement_update(by=cast.coordinator, agreement=agreement, data={"title": "Strategic agreement"})
    assert audit_count() == before + 1


def test_update_is_refused_to_non_editors(cast, agreement):
    for user in (cast.analyst, cast.outsider, cast.consultant_b, None):
        with pytest.raises(PermissionDenied):
            services.agreement_update(by=user, agreement=agreement, data={"title": "x"})
    agreement.refresh_from_db()
    assert agreement.title == "Shandong–Haibei strategic agreement"


def test_parties_change_only_while_a_draft(cast, agreement):
    new_parties = [party(cast.haibei, "lead"), party(cast.shandong, "supporter"), party(cast.liaocheng_org)]
    services.agreement_update(by=cast.coordinator, agreement=agreement, data={"parties": new_parties})
    assert agreement.parties.count() == 3
    services.agreement_transition(by=cast.coordinator, agreement=agreement, to="signed", signed_on=date(2018, 5, 10))
    with pytest.raises(ValidationFailed) as exc:
        services.agreement_update(by=cast.coordinator, agreement=agreement, data={"parties": new_parties[:2]})
    assert fields_of(exc) == {"parties": ["The parties can only change while the agreement is a draft."]}
    assert agreement.parties.count() == 3


def test_a_framework_cannot_implement_its_own_implementing_agreement(cast, agreement):
    child = services.agreement_create(by=cast.coordinator, data=agreement_data(cast, code="SD-HB-2018-1",
                                                                               parent=agreement))
    assert child.parent_id == agreement.pk
    with pytest.raises(ValidationFailed) as exc:
        services.agreement_update(by=cast.coordinator, agreement=agreement, data={"parent": child})
    assert fields_of(exc) == {"parent": [
        "An agreement cannot implement itself or one of its own implementing agreements."]}


# ---------------------------------------------------------------- lifecycle


def sign_all(cast, agreement):
    for p in agreement.parties.all():
        services.party_update(by=cast.coordinator, party=p, data={"signatory_name": f"Director {p.pk}",
                                                                  "signatory_title": "Director", "signed": True})


def test_draft_signed_active_terminated(cast, agreement, frozen_today):
    services.agreement_transition(by=cast.coordinator, agreement=agreement, to="signed", signed_on=date(2018, 5, 10))
    agreement.refresh_from_db()
    assert (agreement.status, agreement.signed_on) == ("signed", date(2018, 5, 10))
    sign_all(cast, agreement)
    services.agreement_transition(by=cast.coordinator, agreement=agreement, to="active")
    agreement.refresh_from_db()
    assert agreement.status == "active"
    services.agreement_transition(by=cast.coordinator, agreement=agreement, to="terminated", reason="Merged into a "
                                  "national programme.")
    agreement.refresh_from_db()
    assert (agreement.status, agreement.terminated_on, agreement.termination_reason) == (
        "terminated", date(2026, 11, 26), "Merged into a national programme.")
    statuses = [e.changes.get("status") for e in AuditEvent.objects.filter(object_id=str(agreement.pk)).order_by("id")
                if "status" in e.changes]
    assert statuses == [[None, "draft"], ["draft", "signed"], ["signed", "active"], ["active", "terminated"]]


def test_no_activation_without_signature_date_and_all_signatories(cast, agreement, frozen_today):
    before = audit_count()
    with pytest.raises(ValidationFailed) as exc:
        services.agreement_transition(by=cast.coordinator, agreement=agreement, to="active")
    assert fields_of(exc) == {
        "signed_on": ["Enter the date the agreement was signed."],
        "parties": [
            "Name the signatory of every party before activating: Haibei Health Commission, Shandong Provincial "
            "Health Commission.",
            "Every party must sign before the agreement becomes active; not signed yet: Haibei Health Commission, "
            "Shandong Provincial Health Commission.",
        ],
    }
    agreement.refresh_from_db()
    assert agreement.status == "draft"
    assert audit_count() == before


def test_termination_needs_a_reason(cast, agreement, frozen_today):
    with pytest.raises(ValidationFailed) as exc:
        services.agreement_transition(by=cast.coordinator, agreement=agreement, to="terminated", reason="")
    assert fields_of(exc) == {"termination_reason": ["Give the reason for terminating the agreement."]}


def test_expiry_is_not_asked_for_and_closed_agreements_do_not_change(cast, agreement, frozen_today):
    with pytest.raises(ValidationFailed) as exc:
        services.agreement_transition(by=cast.coordinator, agreement=agreement, to="expired")
    assert fields_of(exc) == {"status": ["Agreements expire by themselves once their end date has passed."]}
    services.agreement_transition(by=cast.coordinator, agreement=agreement, to="terminated", reason="Replaced.")
    with pytest.raises(ValidationFailed) as exc:
        services.agreement_update(by=cast.coordinator, agreement=agreement, data={"title": "x"})
    assert fields_of(exc) == {"status": ["An expired or terminated agreement cannot be changed; renew it instead."]}


def test_transitions_are_refused_to_non_editors(cast, agreement):
    for user in (cast.analyst, cast.outsider, None):
        with pytest.raises(PermissionDenied):
            services.agreement_transition(by=user, agreement=agreement, to="terminated", reason="x")


def test_a_party_is_marked_signed_only_with_a_named_signatory(cast, agreement):
    p = agreement.parties.get(organisation=cast.haibei)
    with pytest.raises(ValidationFailed) as exc:
        services.party_update(by=cast.coordinator, party=p, data={"signed": True})
    assert fields_of(exc) == {"signatory_name": ["Name the signatory before marking the party as signed."]}
    p.refresh_from_db()
    assert p.signed is False


def test_expire_marks_an_agreement_past_its_end(cast, agreement):
    Agreement.objects.filter(pk=agreement.pk).update(status="active", end=date(2026, 11, 25))
    assert services.agreement_expire(agreement=agreement, today=date(2026, 11, 26)) is True
    assert services.agreement_expire(agreement=agreement, today=date(2026, 11, 26)) is False
    agreement.refresh_from_db()
    assert agreement.status == "expired"
    event = AuditEvent.objects.latest("id")
    assert (event.actor_id, event.changes) == (None, {"status": ["active", "expired"]})


# ---------------------------------------------------------------- renewal


def test_renewal_creates_a_linked_draft_successor(cast, agreement, frozen_today):
    services.agreement_transition(by=cast.coordinator, agreement=agreement, to="signed", signed_on=date(2018, 5, 10))
    successor = services.agreement_renew(by=cast.coordinator, agreement=agreement, code="SD-HB-2028",
                                         start=date(2028, 5, 1), end=date(2033, 4, 30))
    successor.refresh_from_db()
    assert (successor.predecessor_id, successor.status, successor.title, successor.kind) == (
        agreement.pk, "draft", "Shandong–Haibei strategic agreement", "cooperation")
    assert [(p.organisation_id, p.role, p.signed) for p in successor.parties.order_by("position")] == [
        (cast.haibei.pk, "lead", False), (cast.shandong.pk, "supporter", False)]
    assert list(successor.commitments.values_list("metric", "target", "period")) == [
        ("visits", Decimal("4.0"), "year")]
    assert sorted(successor.scopes.values_list("area", flat=True)) == ["teleconsultation", "training"]
    with pytest.raises(ValidationFailed) as exc:
        services.agreement_renew(by=cast.coordinator, agreement=agreement, code="SD-HB-2029", start=date(2029, 1, 1),
                                 end=None)
    assert fields_of(exc) == {"status": ["This agreement has already been renewed."]}


def test_a_draft_is_not_renewed_and_the_renewal_starts_later(cast, agreement):
    with pytest.raises(ValidationFailed) as exc:
        services.agreement_renew(by=cast.coordinator, agreement=agreement, code="N", start=date(2010, 1, 1), end=None)
    assert fields_of(exc) == {"status": ["Only a signed, active or expired agreement can be renewed."],
                              "start": ["The renewal must start after the agreement it renews."]}
    assert Agreement.objects.count() == 1


# ---------------------------------------------------------------- commitments


def test_commitments_are_added_changed_and_removed(cast, agreement):
    c = services.commitment_add(by=cast.coordinator, agreement=agreement,
                                data={"metric": "people_trained", "target": "30", "period": "term"})
    assert (c.metric, c.target, c.period) == ("people_trained", Decimal("30"), "term")
    services.commitment_update(by=cast.coordinator, commitment=c, data={"target": Decimal("45.5")})
    c.refresh_from_db()
    assert c.target == Decimal("45.5")
    services.commitment_remove(by=cast.coordinator, commitment=c)
    assert list(agreement.commitments.values_list("metric", flat=True)) == ["visits"]
    changes = [e.changes["commitments"] for e in AuditEvent.objects.order_by("id")[1:]]
    assert changes[-1] == [[["visits", "4", "year", ""], ["people_trained", "45.5", "term", ""]],
                           [["visits", "4", "year", ""]]]


@pytest.mark.parametrize(("data", "expected"), [
    ({"metric": "visits", "target": 2, "period": "year"},
     {"metric": ["This agreement already has a commitment for this metric and period."]}),
    ({"metric": "visits", "target": -0.5, "period": "month"}, {"target": ["A commitment's target cannot be below zero."]}),
    ({"metric": "hugs", "target": 1, "period": "month"},
     {"metric": ["The metric “hugs” does not exist; choose one from the catalogue."]}),
    ({"metric": "visits", "target": None, "period": "month"}, {"target": ["Enter the target as a number."]}),
    ({"metric": "visits", "target": "1.25", "period": "month"},
     {"target": ["Enter a target up to 999,999,999 with at most one decimal."]}),
    ({"metric": "visits", "target": 1, "period": "week"},
     {"period": ["Choose the period: per year, per month or the whole term."]}),
])
def test_bad_commitments_are_refused(cast, agreement, data, expected):
    with pytest.raises(ValidationFailed) as exc:
        services.commitment_add(by=cast.coordinator, agreement=agreement, data=data)
    assert fields_of(exc) == expected
    assert agreement.commitments.count() == 1


def test_commitments_are_refused_to_non_editors(cast, agreement):
    for user in (cast.analyst, cast.outsider, None):
        with pytest.raises(PermissionDenied):
            services.commitment_add(by=user, agreement=agreement, data={"metric": "visits", "target": 1,
                                                                        "period": "month"})
    assert agreement.commitments.count() == 1


# ---------------------------------------------------------------- documents


def test_a_pdf_is_stored_under_media_root_with_a_random_name(cast, agreement, settings):
    upload = SimpleUploadedFile("mou-zh.pdf", PDF, content_type="text/plain")  # the browser's word is ignored
    document = document_services.document_add(by=cast.coordinator, agreement=agreement, upload=upload, language="zh",
                                     title="Signed text")
    document.refresh_from_db()
    assert (document.content_type, document.extension, document.size, document.original_name) == (
        "application/pdf", ".pdf", len(PDF), "mou-zh.pdf")
    path = document.file.path
    assert path.startswith(str(settings.MEDIA_ROOT / "agreements" / str(agreement.pk)))
    assert path.endswith(".pdf") and "mou-zh" not in path
    with open(path, "rb") as stored:
        assert stored.read() == PDF
    event = AuditEvent.objects.latest("id")
    assert event.changes["documents"][1]["language"] == "zh"


def test_an_image_is_accepted_too(cast, agreement):
    document = document_services.document_add(by=cast.coordinator, agreement=agreement,
                                     upload=SimpleUploadedFile("scan.pdf", PNG), language="fa")
    assert (document.content_type, document.extension) == ("image/png", ".png")


@pytest.mark.parametrize(("content", "language", "expected"), [
    (b"<html><script>alert(1)</script></html>", "en",
     {"file": ["Upload the signed text as a PDF or an image (PNG, JPEG or WebP)."]}),
    (b"", "en", {"file": ["The file is empty."]}),
    (PDF, "xx", {"language": ["Choose the language of the text from the list."]}),
])
def test_uploads_that_are_not_a_pdf_or_image_are_refused(cast, agreement, settings, content, language, expected):
    before = audit_count()
    with pytest.raises(ValidationFailed) as exc:
        document_services.document_add(by=cast.coordinator, agreement=agreement,
                              upload=SimpleUploadedFile("mou.pdf", content, content_type="application/pdf"),
                              language=language)
    assert fields_of(exc) == expected
    assert AgreementDocument.objects.count() == 0
    assert audit_count() == before
    assert not (settings.MEDIA_ROOT / "agreements").exists()


def test_uploads_above_the_limit_are_refused(cast, agreement, settings):
    settings.CARAVAN_AGREEMENT_DOCUMENT_MAX_BYTES = 2 * 1024 * 1024
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (2 * 1024 * 1024))
    with pytest.raises(ValidationFailed) as exc:
        document_services.document_add(by=cast.coordinator, agreement=agreement, upload=big, language="en")
    assert fields_of(exc) == {"file": ["The file is larger than 2 MB."]}


def test_documents_are_refused_to_non_editors_and_removal_deletes_the_file(cast, agreement, django_capture_on_commit_callbacks):
    for user in (cast.analyst, cast.outsider, None):
        with pytest.raises(PermissionDenied):
            document_services.document_add(by=user, agreement=agreement, upload=SimpleUploadedFile("a.pdf", PDF), language="en")
    document = document_services.document_add(by=cast.coordinator, agreement=agreement,
                                     upload=SimpleUploadedFile("a.pdf", PDF), language="en")
    path = document.file.path
    with django_capture_on_commit_callbacks(execute=True):
        document_services.document_remove(by=cast.coordinator, document=document)
    assert AgreementDocument.objects.count() == 0
    assert os.path.exists(path) is False
