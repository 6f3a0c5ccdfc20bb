"""Every write of remote MDT sessions: schedule one, take attendance, record the MDT's recommendation per case.

A session runs under one agreement; its coordinators schedule it. The
recommendation is a signed report of the case (kind MDT), so it lands in the
case like any answer: the requester is told and the case counts as answered.
"""

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caravan.core import audit
from caravan.core.errors import ValidationFailed
from caravan.core.models import Membership
from caravan.core.roles import Role
from caravan.partnerships.models import AgreementParty
from caravan.registry.models import Facility

from . import notify, scope
from .models import OPEN_STATUSES, Case, MdtItem, MdtParticipant, MdtSession, Notice, Report, Status
from .services import LIVE_AGREEMENT_STATUSES, _access, _require

PARTICIPANT_ROLES = (Role.CONSULTANT, Role.CLINICIAN, Role.COORDINATOR)


def _party_q(agreement_id: int, prefix: str):
    from django.db.models import Q

    q = Q(pk__in=[])
    for path in AgreementParty.objects.filter(agreement_id=agreement_id).values_list("organisation__path", flat=True):
        q |= Q(**{f"{prefix}path__startswith": path})
    return q


def party_facilities(agreement_id: int):
    return Facility.objects.filter(_party_q(agreement_id, "organisation__")).order_by("name")


def party_people(agreement_id: int):
    """Users with a clinical or coordinating role at a party of the agreement: who may sit in its MDT."""
    from django.contrib.auth import get_user_model

    members = Membership.objects.filter(_party_q(agreement_id, "organisation__"), role__in=PARTICIPANT_ROLES)
    return get_user_model().objects.filter(pk__in=members.values("user_id"), is_active=True).order_by("username")


@transaction.atomic
def session_create(*, by, agreement, title, host, starts_at, time_zone, facilities, participants, cases) -> MdtSession:
    access = _access(by)
    _require(agreement is not None and scope.coordinates(access, agreement.pk))
    errors: dict[str, list] = {}
    if not (title or "").strip():
        errors["title"] = [_("Give the session a title.")]
    if agreement.status not in LIVE_AGREEMENT_STATUSES or not scope.agreement_allows_cases(agreement):
        errors["agreement"] = [_("This agreement is not in force for teleconsultation or difficult cases.")]
    allowed_facilities = set(party_facilities(agreement.pk).values_list("pk", flat=True))
    if host is None or host.pk not in allowed_facilities:
        errors["host"] = [_("The host must be a facility of a party to the agreement.")]
    try:
        ZoneInfo(time_zone or "")
    except (ZoneInfoNotFoundError, ValueError):
        errors["time_zone"] = [_("“%(value)s” is not a time zone; use a name such as Asia/Ulaanbaatar.")
                               % {"value": time_zone}]
    if starts_at is None or timezone.is_naive(starts_at):
        errors["starts_at"] = [_("Enter the date and time of the session.")]
    facilities, participants, cases = list(facilities), list(participants), list(cases)
    if not facilities or any(f.pk not in allowed_facilities for f in facilities):
        errors["facilities"] = [_("Choose the participating facilities among the agreement's parties.")]
    allowed_people = set(party_people(agreement.pk).values_list("pk", flat=True))
    if not participants or any(p.pk not in allowed_people for p in participants):
        errors["participants"] = [_("Choose participants who work at a party to the agreement.")]
    if any(c.agreement_id != agreement.pk for c in cases):
        errors["cases"] = [_("Every case on the agenda must run under the session's agreement.")]
    if errors:
        raise ValidationFailed(fields=errors)
    session = MdtSession.objects.create(agreement=agreement, title=title.strip(), host=host, starts_at=starts_at,
                                        time_zone=time_zone, created_by=by)
    session.facilities.set(facilities)
    MdtParticipant.objects.bulk_create([MdtParticipant(session=session, user=p) for p in participants])
    MdtItem.objects.bulk_create([MdtItem(session=session, case=c, position=i) for i, c in enumerate(cases)])
    audit.record(actor=by, action=audit.Action.CREATE, obj=session, organisation=host.organisation, changes={
        "title": [None, session.title], "starts_at": [None, starts_at.isoformat()], "time_zone": [None, time_zone],
        "participants": [None, sorted(p.pk for p in participants)], "cases": [None, [c.pk for c in cases]]})
    return session


@transaction.atomic
def attendance_record(*, by, session: MdtSession, present_ids) -> int:
    """A coordinator marks who attended; everyone else on the list is marked absent."""
    access = _access(by)
    _require(scope.coordinates(access, session.agreement_id))
    present = {int(i) for i in present_ids}
    rows = list(MdtParticipant.objects.select_for_update().filter(session=session))
    if present - {r.user_id for r in rows}:
        raise ValidationFailed.field("present", _("Only the session's participants can be marked present."),
                                     code="not_participant")
    for row in rows:
        row.attended = row.user_id in present
    MdtParticipant.objects.bulk_update(rows, ["attended"])
    audit.record(actor=by, action=audit.Action.UPDATE, obj=session, organisation=session.host.organisation,
                 changes={"attended": [None, sorted(present)]})
    return len(present)


@transaction.atomic
def decision_record(*, by, item: MdtItem, findings: str, impression: str, recommendation: str) -> Report:
    """A participant or coordinator signs the MDT's recommendation for one case; it becomes a report of the case."""
    access = _access(by)
    item = MdtItem.objects.select_for_update().select_related(
        "session", "case__facility__organisation", "case__requested_by").get(pk=item.pk)
    session, case = item.session, item.case
    _require(scope.coordinates(access, session.agreement_id)
             or MdtParticipant.objects.filter(session=session, user=by).exists())
    if not (impression or "").strip():
        raise ValidationFailed.field("impression", _("Write the MDT's recommendation."), code="required")
    if item.decision_id is not None:
        raise ValidationFailed.field("impression", _("The MDT's recommendation for this case is already signed; "
                                                     "add to it as an addendum on the case."), code="decided")
    now = timezone.now()
    version = (Report.objects.filter(case=case).aggregate(m=Max("version"))["m"] or 0) + 1
    report = Report.objects.create(case=case, kind=Report.Kind.MDT, version=version,
                                   findings=(findings or "").strip(), impression=impression.strip(),
                                   recommendation=(recommendation or "").strip(), signed_by=by, signed_at=now)
    item.decision = report
    item.save(update_fields=["decision"])
    audit.record(actor=by, action=audit.Action.CREATE, obj=report, organisation=case.facility.organisation,
                 changes={"version": [None, version], "kind": [None, report.kind], "mdt_session": [None, session.pk]})
    fields = ["status"]
    before = audit.snapshot(case, ["status", "answered_at"])
    if case.answered_at is None:
        case.answered_at = now
        fields.append("answered_at")
    if case.status in OPEN_STATUSES:
        case.status = Status.ANSWERED
    Case.objects.filter(pk=case.pk).update(**{f: getattr(case, f) for f in fields})
    audit.record(actor=by, action=audit.Action.UPDATE, obj=case, organisation=case.facility.organisation,
                 changes=audit.diff(before, audit.snapshot(case, ["status", "answered_at"])))
    notify.tell(case.requested_by, case=case, kind=Notice.Kind.REPORT_SIGNED, ref=version)
    return report
