"""Cases through their services: routing, the clock, the status flow, reports, escalation, access, metrics."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from caravan.core import metrics
from caravan.core.errors import PermissionDenied, ValidationFailed
from caravan.core.models import AuditEvent
from caravan.partnerships.models import AgreementScope, Scope
from caravan.teleconsult import notify, selectors, services
from caravan.teleconsult.models import Attachment, Case, Notice, Report, ResponseTargets
from caravan.teleconsult.pseudonym import patient_key

from .conftest import RECORD_100, files, open_case

pytestmark = pytest.mark.django_db


def test_a_case_is_routed_at_once_with_its_clock(cast, tele):
    before = timezone.now()
    case = open_case(cast, tele)
    assert (case.status, case.assigned_to) == ("assigned", cast.consultant_b)
    assert timedelta(hours=4) <= case.due_at - before <= timedelta(hours=4, seconds=5)
    assert case.patient_key == patient_key("GC-2024-00017") != "GC-2024-00017"
    assert len(case.patient_key) == 64
    assert case.requesting_path == cast.gangcha_org.path


def test_routing_prefers_the_least_loaded_consultant(cast, tele):
    first = open_case(cast, tele)
    second = open_case(cast, tele)
    assert (first.assigned_to, second.assigned_to) == (cast.consultant_b, tele.backup)


def test_no_consultant_of_the_specialty_leaves_the_case_submitted(cast, tele):
    case = open_case(cast, tele, specialty=tele.oncology)
    assert (case.status, case.assigned_to) == ("submitted", None)


@pytest.mark.parametrize(("urgency", "minutes"), [("emergency", 15), ("urgent", 240), ("routine", 2880)])
def test_default_targets(cast, tele, urgency, minutes):
    case = open_case(cast, tele, urgency=urgency)
    assert round((case.due_at - case.created_at).total_seconds() / 60) == minutes


def test_targets_per_agreement(cast, tele):
    ResponseTargets.objects.create(agreement=tele.agreement, emergency_minutes=10)
    case = open_case(cast, tele, urgency="emergency")
    assert round((case.due_at - case.created_at).total_seconds() / 60) == 10


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"question": "  "}, "question", "Say what you want the consultant to answer."),
    ({"specialty": None}, "specialty", "Choose the specialty you want to consult."),
    ({"urgency": "whenever"}, "urgency",
     "There is no urgency “whenever”; choose one of: emergency, urgent, routine."),
    ({"patient_age": 200}, "patient_age", "Enter the patient's age in years, from 0 to 130."),
    ({"patient_sex": "x"}, "patient_sex", "Choose the patient's sex."),
    ({"patient_local_id": ""}, "patient_local_id",
     "Enter your hospital's identifier for the patient; only a keyed hash is kept."),
])
def test_bad_input_is_refused_and_nothing_saved(cast, tele, change, field, message):
    with pytest.raises(ValidationFailed) as refused:
        open_case(cast, tele, **change)
    assert refused.value.fields == {field: [message]}
    assert Case.objects.count() == 0


def test_an_agreement_without_a_case_scope_is_refused(cast, tele):
    AgreementScope.objects.filter(agreement=tele.agreement).update(area=Scope.TRAINING)
    with pytest.raises(ValidationFailed) as refused:
        open_case(cast, tele)
    assert refused.value.fields == {"agreement": ["This agreement is not in force for teleconsultation or difficult cases."]}


def test_a_facility_outside_the_agreement_is_refused(cast, tele):
    with pytest.raises(ValidationFailed) as refused:
        services.case_open(by=cast.node_admin, agreement=tele.agreement, facility=cast.sari, patient_age=40,
                           patient_sex="female", patient_local_id="X", question="Q", specialty=tele.cardiology,
                           urgency="routine")
    assert refused.value.fields == {"facility": ["This facility is not a party to the agreement."]}


@pytest.mark.parametrize("who", ["consultant_b", "analyst", "outsider", "admin_a"])
def test_only_the_requesting_side_opens_cases(cast, tele, who):
    with pytest.raises(PermissionDenied):
        open_case(cast, tele, by=getattr(cast, who))
    assert Case.objects.count() == 0


def test_the_whole_loop(cast, tele):
    case = open_case(cast, tele)
    services.case_start_review(by=cast.consultant_b, case=case)
    report = services.report_sign(by=cast.consultant_b, case=case, findings="Sinus rhythm 75/min",
                                  impression="No acute ischaemia", recommendation="Troponin at 3 h")
    case.refresh_from_db()
    assert (case.status, report.version, report.kind) == ("answered", 1, "report")
    second = services.report_sign(by=cast.consultant_b, case=case, findings="", impression="Also LVH by voltage",
                                  recommendation="", addendum=True)
    assert (second.version, second.kind) == (2, "addendum")
    assert Report.objects.get(version=1).impression == "No acute ischaemia"  # the signed version is never changed
    services.case_confirm_receipt(by=cast.clinician_a, case=case)
    case.refresh_from_db()
    assert case.status == "closed" and case.received_at is not None


def test_a_report_on_a_case_not_assigned_to_you_is_refused(cast, tele):
    case = open_case(cast, tele)
    for user in (tele.backup, cast.clinician_a, cast.coordinator):
        with pytest.raises(PermissionDenied):
            services.report_sign(by=user, case=case, findings="", impression="x", recommendation="")
    assert Report.objects.count() == 0


def test_a_report_needs_an_impression(cast, tele):
    case = open_case(cast, tele)
    with pytest.raises(ValidationFailed) as refused:
        services.report_sign(by=cast.consultant_b, case=case, findings="f", impression=" ", recommendation="")
    assert refused.value.fields == {"impression": ["Give your impression: it is the answer the requester reads."]}


def test_return_and_resubmit(cast, tele):
    case = open_case(cast, tele)
    with pytest.raises(ValidationFailed):
        services.case_return(by=cast.consultant_b, case=case, reason="")
    services.case_return(by=cast.consultant_b, case=case, reason="Please attach the 12-lead ECG.")
    case.refresh_from_db()
    assert case.status == "returned"
    assert case.messages.get().body == "Please attach the 12-lead ECG."
    services.case_resubmit(by=cast.clinician_a, case=case)
    case.refresh_from_db()
    assert case.status == "assigned"


def test_manual_assignment_by_the_coordinator(cast, tele):
    case = open_case(cast, tele)
    services.case_assign(by=cast.coordinator, case=case, consultant=tele.backup)
    case.refresh_from_db()
    assert case.assigned_to == tele.backup
    with pytest.raises(ValidationFailed) as refused:
        services.case_assign(by=cast.coordinator, case=case, consultant=cast.clinician_a)
    assert list(refused.value.fields) == ["consultant"]
    for user in (cast.clinician_a, cast.consultant_b, cast.outsider):
        with pytest.raises(PermissionDenied):
            services.case_assign(by=user, case=case, consultant=cast.consultant_b)


def test_escalation_goes_to_the_backup_then_the_coordinators(cast, tele):
    case = open_case(cast, tele, urgency="emergency")
    now = timezone.now()
    Case.objects.filter(pk=case.pk).update(created_at=now - timedelta(minutes=13), due_at=now + timedelta(minutes=2))
    assert services.cases_to_escalate() == [case.pk]
    assert services.escalate(case_id=case.pk) == "backup"
    case.refresh_from_db()
    assert (case.assigned_to, case.escalations) == (tele.backup, 1)
    assert services.cases_to_escalate() == []  # the backup gets the time that is left
    Case.objects.filter(pk=case.pk).update(due_at=timezone.now() - timedelta(minutes=1))
    assert services.cases_to_escalate() == [case.pk]
    assert services.escalate(case_id=case.pk) == "coordinator"
    assert services.escalate(case_id=case.pk) == "done"  # idempotent once every step is taken
    assert services.cases_to_escalate() == []
    # The backup is told at the first step, the agreement's coordinators at the second, each once.
    told = list(Notice.objects.filter(case=case, kind=Notice.Kind.ESCALATED).order_by("id")
                .values_list("recipient__username", flat=True))
    assert told == [tele.backup.username, cast.coordinator.username]
    notice = Notice.objects.filter(case=case, kind=Notice.Kind.ESCALATED).first()
    assert notify.words(notice)[0] == f"TC-{case.pk}: the response time is running out"


def test_who_sees_a_case(cast, tele):
    case = open_case(cast, tele)
    for user in (cast.clinician_a, cast.consultant_b, cast.coordinator, cast.node_admin):
        assert selectors.case_get_for_user(user=user, pk=case.pk) == case
    reads = AuditEvent.objects.filter(action="read", object_id=str(case.pk), object_type="teleconsult.case")
    assert reads.count() == 4
    from caravan.core.errors import NotFound

    for user in (tele.backup, cast.outsider):
        with pytest.raises(NotFound):
            selectors.case_get_for_user(user=user, pk=case.pk)
    for user in (cast.analyst, cast.admin_a):
        with pytest.raises(PermissionDenied):
            selectors.case_get_for_user(user=user, pk=case.pk)


def test_queue_sorted_by_time_left(cast, tele):
    routine = open_case(cast, tele, urgency="routine")
    Case.objects.filter(pk=routine.pk).update(assigned_to=cast.consultant_b)
    emergency = open_case(cast, tele, urgency="emergency")
    Case.objects.filter(pk=emergency.pk).update(assigned_to=cast.consultant_b)
    queue = list(selectors.case_list_for_user(user=cast.consultant_b, queue=True))
    assert queue == [emergency, routine]


def test_attaching_record_100(cast, tele):
    case = open_case(cast, tele)
    attachment = services.attachment_add(by=cast.clinician_a, case=case, files=files(*RECORD_100))
    assert (attachment.kind, attachment.format, attachment.name) == ("ecg", "wfdb", "100.zip")
    assert attachment.meta == {"leads": ["MLII", "V5"], "sampling_rate": 360.0, "samples": 650000,
                               "duration_s": 1805.556, "heart_rate": 75.3, "r_peaks": 2273, "rhythm_lead": "MLII"}
    assert selectors.attachment_original(attachment)[:4] == b"PK\x03\x04"


def test_a_tampered_file_is_detected_on_read(cast, tele):
    case = open_case(cast, tele)
    attachment = services.attachment_add(by=cast.clinician_a, case=case, files=files("hl7-aecg/minimum_aecg.xml"))
    with open(attachment.original.path, "ab") as handle:
        handle.write(b"x")
    with pytest.raises(selectors.TamperedFile):
        selectors.attachment_original(attachment)


def test_a_bad_file_stores_nothing(cast, tele, settings):
    case = open_case(cast, tele)
    with pytest.raises(ValidationFailed) as refused:
        services.attachment_add(by=cast.clinician_a, case=case, files=files("malformed/aecg_Example_truncated.xml"))
    assert refused.value.fields == {"file": [
        "Broken XML: the document is not well-formed (no element found: line 325, column 21)."]}
    assert Attachment.objects.count() == 0
    assert not (settings.MEDIA_ROOT / "teleconsult").exists()


def test_the_upload_limit(cast, tele, settings):
    settings.CARAVAN_MAX_UPLOAD_BYTES = 1000
    case = open_case(cast, tele)
    with pytest.raises(ValidationFailed) as refused:
        services.attachment_add(by=cast.clinician_a, case=case, files=files("hl7-aecg/minimum_aecg.xml"))
    assert refused.value.fields == {"file": ["The upload is larger than the limit of 0 MB."]}


def test_images_are_deidentified_unless_the_agreement_allows(cast, tele):
    case = open_case(cast, tele)
    image = services.attachment_add(by=cast.clinician_a, case=case, files=files("dicom-images/CT_small.dcm"))
    assert (image.kind, image.meta["deidentified"], image.meta["frames"]) == ("image", True, 1)
    ResponseTargets.objects.create(agreement=tele.agreement, identified_images=True)
    kept = services.attachment_add(by=cast.clinician_a, case=case, files=files("dicom-images/CT_small.dcm"))
    assert kept.meta["deidentified"] is False


def test_consultations_answered_feed_the_agreement(cast, tele):
    case = open_case(cast, tele)
    open_case(cast, tele)
    services.report_sign(by=cast.consultant_b, case=case, findings="", impression="Normal ECG", recommendation="")
    today = timezone.localdate()
    assert metrics.totals("consultations_answered", agreement_ids=[tele.agreement.pk], start=date(2024, 1, 1),
                          end=today) == {tele.agreement.pk: 1.0}
    [activity] = metrics.activities("consultations_answered", agreement_id=tele.agreement.pk,
                                    start=date(2024, 1, 1), end=today)
    assert (activity.label, activity.value) == (f"TC-{case.pk} · Cardiology", 1.0)


def test_images_of_one_case_share_their_replaced_study_uid(cast, tele):
    import io

    import pydicom

    first, second = open_case(cast, tele), open_case(cast, tele)
    uids = []
    for case in (first, first, second):
        image = services.attachment_add(by=cast.clinician_a, case=case, files=files("dicom-images/CT_small.dcm"))
        ds = pydicom.dcmread(io.BytesIO(selectors.attachment_original(image)))
        uids.append((str(ds.StudyInstanceUID), str(ds.SOPInstanceUID)))
    assert uids[0] == uids[1] != uids[2]
    assert "1.3.6.1.4.1.5962" not in "".join(uids[0])  # pydicom's original root is gone
