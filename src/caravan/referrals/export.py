"""Everything held about a referred patient, for their right of access."""

from .models import Referral


def everything_held(referral: Referral) -> dict:
    fields = ["reference", "patient_name", "patient_name_latin", "birth_date", "sex", "nationality",
              "passport_number", "diagnosis", "icd10", "urgency", "language", "referring_doctor",
              "referring_doctor_email", "pre_assessment", "status", "received_on", "accepted_on",
              "letter_reference", "letter_issued_on", "arrived_on", "admitted_on", "procedures", "discharged_on",
              "discharge_summary", "outcome", "stop_reason", "teleconsult_case_id"]
    return {
        "referral": {f: getattr(referral, f) for f in fields} | {
            "specialty": referral.specialty.code,
            "agreement": referral.agreement.code,
            "referring_partner": referral.referring_organisation.name,
            "receiving_side": referral.receiving_organisation.name,
            "receiving_hospital": referral.receiving_facility.name if referral.receiving_facility else None,
        },
        "offers": [{"hospital": o.facility.name, "treatment_plan": o.treatment_plan,
                    "expected_stay_days": o.expected_stay_days, "cost_estimate": o.cost_estimate,
                    "currency": o.currency, "state": o.state}
                   for o in referral.offers.select_related("facility")],
        "documents": [{"title": d.title, "content_type": d.content_type, "size": d.size, "sha256": d.sha256,
                       "uploaded_at": d.uploaded_at} for d in referral.documents.all()],
        "stages": [{"status": c.status, "at": c.at, "note": c.note} for c in referral.stage_changes.all()],
        "follow_ups": [{"days_after_discharge": f.day_offset, "due_on": f.due_on, "done_on": f.done_on,
                        "outcome": f.outcome, "note": f.note} for f in referral.follow_ups.all()],
    }
