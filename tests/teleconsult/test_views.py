"""The teleconsultation pages: what each role sees, query budgets, refusals, uploads of real and broken files."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from caravan.core.models import AuditEvent
from caravan.teleconsult import services
from caravan.teleconsult.models import Attachment, Case, Report
from tests.helpers import assert_refused, audit_count

from .conftest import ACCEPTANCE, RECORD_100, files, open_case

pytestmark = pytest.mark.django_db


def upload(client, case, *paths, **extra):
    data = {"file": [SimpleUploadedFile(p.rsplit("/", 1)[-1], (ACCEPTANCE / p).read_bytes()) for p in paths], **extra}
    return client.post(reverse("teleconsult:case_upload", args=[case.pk]), data)


def test_the_list_costs_the_same_at_two_sizes(cast, tele, client_as, django_assert_num_queries):
    open_case(cast, tele)
    client = client_as(cast.consultant_b)
    client.get(reverse("teleconsult:home"))
    with django_assert_num_queries(6):
        response = client.get(reverse("teleconsult:home"))
    assert response.status_code == 200
    for _ in range(5):
        open_case(cast, tele)
    with django_assert_num_queries(6):
        response = client.get(reverse("teleconsult:home"))
    assert response.context["page"].paginator.count == 3  # consultant_b has 3 of 6, the backup the other 3


def test_the_queue_lists_my_open_cases_by_time_left(cast, tele, client_as):
    late = open_case(cast, tele, urgency="routine")
    soon = open_case(cast, tele, urgency="emergency")
    Case.objects.filter(pk__in=[late.pk, soon.pk]).update(assigned_to=cast.consultant_b)
    response = client_as(cast.consultant_b).get(reverse("teleconsult:home") + "?queue=1")
    assert [c.pk for c, _ in response.context["rows"]] == [soon.pk, late.pk]


def test_the_case_page_costs_the_same_with_more_rows(cast, tele, client_as, django_assert_num_queries):
    case = open_case(cast, tele)
    client = client_as(cast.clinician_a)
    services.attachment_add(by=cast.clinician_a, case=case, files=files("hl7-aecg/minimum_aecg.xml"))
    services.message_post(by=cast.clinician_a, case=case, body="Troponin pending")
    services.report_sign(by=cast.consultant_b, case=case, findings="", impression="Normal", recommendation="")
    client.get(reverse("teleconsult:case_detail", args=[case.pk]))
    with django_assert_num_queries(11):
        client.get(reverse("teleconsult:case_detail", args=[case.pk]))
    services.attachment_add(by=cast.clinician_a, case=case, files=files("dicom-images/MR_small.dcm"))
    services.message_post(by=cast.consultant_b, case=case, body="Repeat at 3 h")
    services.report_sign(by=cast.consultant_b, case=case, findings="", impression="Addendum", recommendation="",
                         addendum=True)
    with django_assert_num_queries(11):
        response = client.get(reverse("teleconsult:case_detail", args=[case.pk]))
    assert response.status_code == 200
    assert b"Confirm receipt" in response.content


def test_every_read_of_a_case_page_is_audited(cast, tele, client_as):
    case = open_case(cast, tele)
    client_as(cast.consultant_b).get(reverse("teleconsult:case_detail", args=[case.pk]))
    read = AuditEvent.objects.filter(action="read").get()
    assert (read.actor, read.object_type, read.object_id) == (cast.consultant_b, "teleconsult.case", str(case.pk))


def test_opening_a_case_through_the_form(cast, tele, client_as):
    client = client_as(cast.clinician_a)
    assert client.get(reverse("teleconsult:case_new")).status_code == 200
    response = client.post(reverse("teleconsult:case_new"), {
        "agreement": tele.agreement.pk, "facility": cast.gangcha.pk, "patient_local_id": "GC-1", "patient_age": 61,
        "patient_sex": "female", "specialty": tele.cardiology.pk, "urgency": "emergency", "question": "AF?",
    })
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("teleconsult:case_detail", args=[case.pk])
    assert (case.urgency, case.assigned_to) == ("emergency", cast.consultant_b)


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"question": ""}, "question", "Say what you want the consultant to answer."),
    ({"specialty": ""}, "specialty", "Choose the specialty you want to consult."),
    ({"urgency": "soonish"}, "urgency", "Select a valid choice. soonish is not one of the available choices."),
])
def test_the_form_refuses_bad_input(cast, tele, client_as, change, field, message):
    data = {"agreement": tele.agreement.pk, "facility": cast.gangcha.pk, "patient_local_id": "GC-1",
            "patient_age": 61, "patient_sex": "female", "specialty": tele.cardiology.pk, "urgency": "urgent",
            "question": "AF?", **change}
    response = client_as(cast.clinician_a).post(reverse("teleconsult:case_new"), data)
    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert Case.objects.count() == 0


def test_pages_are_refused_to_others(cast, tele, client_as):
    case = open_case(cast, tele)
    attachment = services.attachment_add(by=cast.clinician_a, case=case, files=files("dicom-images/MR_small.dcm"))
    ecg = services.attachment_add(by=cast.clinician_a, case=case, files=files("hl7-aecg/minimum_aecg.xml"))
    gets = [reverse("teleconsult:case_detail", args=[case.pk]),
            reverse("teleconsult:attachment", args=[attachment.pk]),
            reverse("teleconsult:attachment_ecg", args=[ecg.pk]),
            reverse("teleconsult:attachment_frame", args=[attachment.pk, 0]),
            reverse("teleconsult:attachment_download", args=[attachment.pk])]
    for url in gets:
        assert_refused(client_as, [None, cast.analyst, cast.outsider, tele.backup], "get", url)
    for url in (reverse("teleconsult:home"), reverse("teleconsult:case_new")):
        assert_refused(client_as, [None, cast.analyst], "get", url)


@pytest.mark.parametrize(("name", "data"), [
    ("case_assign", {"consultant": "1"}), ("case_review", {}), ("case_return", {"reason": "x"}),
    ("case_resubmit", {}), ("case_report", {"impression": "x"}), ("case_confirm", {}),
    ("case_message", {"body": "x"}), ("case_upload", {}),
])
def test_actions_are_refused_to_others(cast, tele, client_as, name, data):
    case = open_case(cast, tele)
    before = (Case.objects.values_list("status", "assigned_to").get(), Report.objects.count())
    assert_refused(client_as, [None, cast.analyst, cast.outsider, tele.backup], "post",
                   reverse(f"teleconsult:{name}", args=[case.pk]), data)
    assert (Case.objects.values_list("status", "assigned_to").get(), Report.objects.count()) == before


def test_wrong_role_on_the_case_is_refused(cast, tele, client_as):
    """The requester cannot sign a report; the consultant cannot confirm receipt."""
    case = open_case(cast, tele)
    before = audit_count()
    response = client_as(cast.clinician_a).post(reverse("teleconsult:case_report", args=[case.pk]),
                                                 {"impression": "x"})
    assert response.status_code == 403
    response = client_as(cast.consultant_b).post(reverse("teleconsult:case_confirm", args=[case.pk]))
    assert response.status_code == 403
    assert audit_count() == before + 2  # the two reads of the case, nothing written
    assert Report.objects.count() == 0


def test_report_from_the_page(cast, tele, client_as):
    case = open_case(cast, tele)
    client = client_as(cast.consultant_b)
    assert client.post(reverse("teleconsult:case_review", args=[case.pk])).status_code == 302
    response = client.post(reverse("teleconsult:case_report", args=[case.pk]), {"impression": ""})
    assert response.status_code == 400
    assert response.context["report_form"].errors["impression"] == [
        "Give your impression: it is the answer the requester reads."]
    response = client.post(reverse("teleconsult:case_report", args=[case.pk]),
                           {"findings": "Sinus rhythm", "impression": "Normal ECG", "recommendation": ""})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "answered"


def test_uploading_record_100_and_viewing_it(cast, tele, client_as):
    case = open_case(cast, tele)
    client = client_as(cast.clinician_a)
    assert upload(client, case, *RECORD_100).status_code == 302
    attachment = Attachment.objects.get()
    page = client.get(reverse("teleconsult:attachment", args=[attachment.pk]))
    assert page.status_code == 200 and b"ecg-viewer.js" in page.content
    window = client.get(reverse("teleconsult:attachment_ecg", args=[attachment.pk]) + "?start=10&seconds=10").json()
    assert (window["leads"], window["sampling_rate"], window["start"]) == (["MLII", "V5"], 360.0, 10.0)
    assert [len(s) for s in window["signals"]] == [3600, 3600]
    assert window["heart_rate"] == 73.2
    bad = client.get(reverse("teleconsult:attachment_ecg", args=[attachment.pk]) + "?start=abc")
    assert bad.status_code == 400


def test_uploading_a_dicom_image_and_its_frames(cast, tele, client_as):
    case = open_case(cast, tele)
    client = client_as(cast.consultant_b)
    assert upload(client, case, "dicom-images/emri_small_RLE.dcm").status_code == 302
    image = Attachment.objects.get()
    assert image.meta["frames"] == 10
    frame = client.get(reverse("teleconsult:attachment_frame", args=[image.pk, 9]) + "?c=300&w=400")
    assert (frame.status_code, frame["Content-Type"], frame.content[:4]) == (200, "image/png", b"\x89PNG")
    assert client.get(reverse("teleconsult:attachment_frame", args=[image.pk, 0]) + "?c=x").status_code == 400
    assert client.get(reverse("teleconsult:attachment", args=[image.pk])).status_code == 200


@pytest.mark.parametrize(("paths", "message"), [
    (("malformed/wfdb_truncated_dat/100.hea", "malformed/wfdb_truncated_dat/100.dat"),
     "Truncated data file: 100.dat holds 100001 bytes, the header needs 1950000 for 650000 samples."),
    (("malformed/wfdb_missing_dat/test01_00s.hea",),
     "Missing data file: the header names test01_00s.dat, which was not uploaded."),
    (("malformed/CT_small_bad_DICM_magic.dcm",), "Not a DICOM file: the 'DICM' marker at byte 128 is missing."),
    (("malformed/empty_file.dcm",), "The file is empty."),
    (("malformed/aecg_empty_root.xml",), "The aECG document holds no rhythm waveform series."),
    (("malformed/aecg_Example_truncated.xml",),
     "Broken XML: the document is not well-formed (no element found: line 325, column 21)."),
    (("malformed/fhir_R5_observation_ekg_not_R4.json",), "JSON (such as a FHIR Observation) is not a supported ECG format."),
])
def test_malformed_uploads_are_refused_on_the_page(cast, tele, client_as, paths, message):
    case = open_case(cast, tele)
    response = upload(client_as(cast.clinician_a), case, *paths)
    assert response.status_code == 400
    assert response.context["upload_form"].errors["file"] == [message]
    assert Attachment.objects.count() == 0


def test_download_is_the_stored_file(cast, tele, client_as):
    case = open_case(cast, tele)
    attachment = services.attachment_add(by=cast.clinician_a, case=case, files=files("hl7-aecg/minimum_aecg.xml"))
    response = client_as(cast.coordinator).get(reverse("teleconsult:attachment_download", args=[attachment.pk]))
    assert b"".join(response.streaming_content) == (ACCEPTANCE / "hl7-aecg/minimum_aecg.xml").read_bytes()


def test_a_tampered_file_is_refused_not_crashed_on(cast, tele, client_as):
    case = open_case(cast, tele)
    image = services.attachment_add(by=cast.clinician_a, case=case, files=files("dicom-images/MR_small.dcm"))
    with open(image.original.path, "r+b") as handle:
        handle.seek(200)
        handle.write(b"\x00\x01")
    client = client_as(cast.clinician_a)
    for url in (reverse("teleconsult:attachment_download", args=[image.pk]),
                reverse("teleconsult:attachment_frame", args=[image.pk, 0])):
        response = client.get(url)
        assert response.status_code == 409
        assert response.content.decode().startswith("This file no longer matches the SHA-256")
