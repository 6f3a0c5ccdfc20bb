"""The teleconsultation demo: Gangcha → Liaocheng ECG cases, and a Shougang difficult cancer case
from the Mongolian National Cancer Center with a CT image, on the agenda of the tripartite MDT that
Shougang hosts with the Mongolian and Kazakh cancer centres.

Everything goes through the services, as users would do it. Each case is found
again by its requester and question, so a second load changes nothing. ECGs are
synthetic (synthetic.py), written to WFDB and imported through the normal path;
the CT is pydicom's bundled CT_small.dcm, de-identified on import.
"""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.utils import timezone

from caravan.partnerships.models import Agreement
from caravan.registry.models import Facility, Specialty

from . import mdt_services, services
from .models import Case, ConsultantProfile, MdtSession
from .synthetic import as_wfdb_files, synthetic_ecg

User = get_user_model()

# (local id, age, sex, urgency, question, ECG seed, rate, ST elevation, where it got to, the report)
GANGCHA_CASES = [
    ("GC-2024-0311", 63, "male", "emergency",
     "Herdsman, 63, chest pain for 90 minutes at 3,300 m. ST elevation in V1–V4? Thrombolyse here or transfer to Xining?",
     11, 88, 0.25, "answered",
     ("Sinus rhythm 88/min. ST elevation 2–3 mm V1–V4 with reciprocal change in III and aVF.",
      "Acute anterior STEMI.",
      "Thrombolyse now if no contraindication (transfer >3 h); heparin and aspirin; repeat ECG at 60 and 90 min.")),
    ("GC-2024-0312", 47, "female", "urgent",
     "Palpitations since yesterday, no chest pain. Please read the ECG: any arrhythmia?",
     12, 104, 0.0, "in_review", None),
    ("GC-2024-0313", 71, "male", "routine",
     "Pre-operative ECG before cataract surgery at the county hospital. Fit for local anaesthesia?",
     13, 64, 0.0, "closed",
     ("Sinus rhythm 64/min, normal axis, PR 160 ms, QRS 90 ms, no ST-T change.",
      "Normal ECG.",
      "No cardiac contraindication to surgery under local anaesthesia.")),
]

SHOUGANG_QUESTION = (
    "Woman, 56, Ulaanbaatar: 3.2 cm liver lesion on CT with HBV cirrhosis (Child–Pugh A). "
    "Resection, ablation or TACE? For the tripartite MDT."
)


def _user(username: str):
    return User.objects.filter(username=username).first()


def _profile(user, specialty_code: str) -> None:
    profile, _ = ConsultantProfile.objects.get_or_create(user=user)
    specialty = Specialty.objects.get(code=specialty_code)
    if not profile.specialties.filter(pk=specialty.pk).exists():
        profile.specialties.add(specialty)


def _case(*, by, agreement, facility, local_id, age, sex, urgency, question, specialty, result):
    existing = Case.objects.filter(requested_by=by, question=question).first()
    if existing is not None:
        return existing, False
    case = services.case_open(by=by, agreement=agreement, facility=facility, patient_age=age, patient_sex=sex,
                              patient_local_id=local_id, question=question, specialty=specialty, urgency=urgency)
    result.created["teleconsult case"] += 1
    return case, True


def _gangcha(result) -> None:
    clinician, consultant = _user("haibei.clinician"), _user("haibei.consultant")
    agreement = Agreement.objects.filter(code="SD-HB-2018").first()
    facility = Facility.objects.filter(organisation__code="cn-gc-cph").order_by("pk").first()
    if None in (clinician, consultant, agreement, facility):
        return
    _profile(consultant, "cardiology")
    cardiology = Specialty.objects.get(code="cardiology")
    for local_id, age, sex, urgency, question, seed, rate, st, state, report in GANGCHA_CASES:
        case, created = _case(by=clinician, agreement=agreement, facility=facility, local_id=local_id, age=age,
                              sex=sex, urgency=urgency, question=question, specialty=cardiology, result=result)
        if not created:
            continue
        ecg = synthetic_ecg(seconds=10, rate=500, heart_rate=rate, seed=seed, st_elevation_mv=st)
        services.attachment_add(by=clinician, case=case, files=as_wfdb_files(ecg, local_id.lower().replace("-", "_")))
        if case.assigned_to_id != consultant.pk:
            continue
        services.case_start_review(by=consultant, case=case)
        if report:
            findings, impression, recommendation = report
            services.report_sign(by=consultant, case=case, findings=findings, impression=impression,
                                 recommendation=recommendation)
        if state == "closed":
            services.case_confirm_receipt(by=clinician, case=case)


def _shougang(result) -> None:
    clinician, consultant = _user("silkroad.clinician"), _user("silkroad.consultant")
    agreement = Agreement.objects.filter(code="SG-MN-KZ").first()
    facility = Facility.objects.filter(organisation__code="mn-ncc").order_by("pk").first()
    if None in (clinician, consultant, agreement, facility):
        return
    _profile(consultant, "oncology")
    case, created = _case(by=clinician, agreement=agreement, facility=facility, local_id="NCC-HCC-0457", age=56,
                          sex="female", urgency="routine", question=SHOUGANG_QUESTION,
                          specialty=Specialty.objects.get(code="oncology"), result=result)
    if not created:
        return
    try:
        from pydicom.data import get_testdata_file

        path = get_testdata_file("CT_small.dcm")
    except Exception:  # noqa: BLE001 — without pydicom's test data the case simply has no image
        path = None
    if path:
        with open(path, "rb") as handle:  # noqa: PTH123
            services.attachment_add(by=clinician, case=case, files={"liver_ct.dcm": handle.read()})
    services.message_post(by=clinician, case=case, body="AFP 412 ng/mL; platelets 98 ×10⁹/L. Astana joins the MDT.")


MDT_TITLE = "Shougang–Ulaanbaatar–Astana difficult-case MDT"
MDT_FACILITIES = ("CN-BJ-PKUSG", "MN-UB-NCC", "KZ-AST-NCRC")


def _shougang_mdt(result) -> None:
    """Next week's tripartite MDT at 14:00 in Beijing and Ulaanbaatar, which is 11:00 in Astana."""
    coordinator = _user("silkroad.coordinator")
    agreement = Agreement.objects.filter(code="SG-MN-KZ").first()
    case = Case.objects.filter(question=SHOUGANG_QUESTION).first()
    facilities = {f.code: f for f in Facility.objects.filter(code__in=MDT_FACILITIES).select_related("organisation")}
    if None in (coordinator, agreement, case) or len(facilities) != len(MDT_FACILITIES):
        return
    if MdtSession.objects.filter(agreement=agreement, title=MDT_TITLE).exists():
        return
    zone = "Asia/Shanghai"
    day = timezone.localdate() + timedelta(days=7)
    participants = [u for u in (_user("silkroad.consultant"), _user("silkroad.clinician"), coordinator) if u]
    mdt_services.session_create(
        by=coordinator, agreement=agreement, title=MDT_TITLE, host=facilities["CN-BJ-PKUSG"],
        starts_at=datetime.combine(day, time(14, 0), tzinfo=ZoneInfo(zone)), time_zone=zone,
        facilities=[facilities[code] for code in MDT_FACILITIES], participants=participants, cases=[case])
    result.created["MDT session"] += 1


def load(*, by, result) -> None:
    """Bring the teleconsultation demo in place; a second load finds every case and changes nothing."""
    _gangcha(result)
    _shougang(result)
    _shougang_mdt(result)
