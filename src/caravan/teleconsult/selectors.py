"""Every read of teleconsultation, already scoped to what the user may see.

A case outside the user's scope answers NotFound exactly like a missing one,
and every read of a case writes an audit event (it carries patient data).
"""

import hashlib

from django.db.models import Prefetch

from caravan.core import audit
from caravan.core.access import access_for
from caravan.core.errors import NotFound, PermissionDenied
from caravan.core.roles import Role
from caravan.partnerships.models import Agreement, AgreementScope

from . import scope
from .models import OPEN_STATUSES, Attachment, Case, FollowUp, Notice, Report, Status


def _access(user):
    access = access_for(user)
    if not access.is_authenticated or not scope.may_use(access):
        raise PermissionDenied()
    return access


def case_list_for_user(*, user, status: str = "", queue: bool = False):
    """The cases the user may open, the most pressing first; `queue` keeps the user's own open cases."""
    access = _access(user)
    if queue:
        # The user's own assigned cases are always in scope: asking only that lets the (assigned_to, status,
        # due_at) index answer, where the scope's OR would make the database read every visible case.
        qs = Case.objects.filter(assigned_to=user, status__in=OPEN_STATUSES)
    else:
        qs = Case.objects.filter(scope.cases_q(access))
    qs = qs.select_related("facility", "specialty", "assigned_to")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("due_at", "pk")


def follow_ups_for_consultant(*, user):
    """The follow-ups scheduled with the user, the soonest first (shown in the consultant's queue)."""
    _access(user)
    return (FollowUp.objects.filter(consultant=user, scheduled_for__isnull=False)
            .select_related("case__specialty").order_by("scheduled_for", "pk"))


def cases_awaiting_receipt(*, user):
    """Answered cases whose requester has not confirmed receipt, the longest-waiting first (coordinators)."""
    access = _access(user)
    if not (access.is_node_admin or scope.paths(access, {Role.COORDINATOR})):
        raise PermissionDenied()
    qs = Case.objects.filter(status=Status.ANSWERED)
    if not access.is_node_admin:
        qs = qs.filter(agreement_id__in=scope.coordinated_agreements(access))
    return qs.select_related("facility", "specialty", "assigned_to", "agreement").order_by("answered_at", "pk")


def notices_for(*, user):
    """The user's own notices, newest first."""
    _access(user)
    return Notice.objects.filter(recipient=user).order_by("-created_at", "-pk")


def case_get_for_user(*, user, pk: int, for_update: bool = False) -> Case:
    """One case with what its page shows; the read is audited."""
    access = _access(user)
    case = (
        Case.objects.filter(scope.cases_q(access), pk=pk)
        .select_related("facility__organisation", "specialty", "assigned_to", "requested_by", "agreement")
        .prefetch_related(
            Prefetch("attachments", queryset=Attachment.objects.select_related("uploaded_by")),
            Prefetch("reports", queryset=Report.objects.select_related("signed_by")),
            "messages__author",
            Prefetch("follow_ups", queryset=FollowUp.objects.select_related("consultant", "requested_by")),
        )
        .first()
    )
    if case is None:
        raise NotFound()
    audit.record_read(actor=user, obj=case, organisation=case.facility.organisation)
    return case


def attachment_get_for_user(*, user, pk: int) -> Attachment:
    """An attachment of a case the user may open; the read is audited on its case."""
    access = _access(user)
    attachment = (
        Attachment.objects.filter(pk=pk, case__in=Case.objects.filter(scope.cases_q(access)).values("pk"))
        .select_related("case__facility__organisation").first()
    )
    if attachment is None:
        raise NotFound()
    audit.record_read(actor=user, obj=attachment, organisation=attachment.case.facility.organisation)
    return attachment


class TamperedFile(Exception):
    """A stored file whose SHA-256 no longer matches the one recorded at upload."""


def attachment_original(attachment: Attachment) -> bytes:
    """The stored file, after checking it is byte for byte the one uploaded."""
    with attachment.original.open("rb") as handle:
        data = handle.read()
    if hashlib.sha256(data).hexdigest() != attachment.sha256:
        raise TamperedFile(attachment.pk)
    return data


def attachment_data(attachment: Attachment) -> bytes:
    """The normalised array (ECG) or the de-identified DICOM file (image, verified like the original)."""
    if attachment.kind == Attachment.Kind.IMAGE:
        return attachment_original(attachment)
    with attachment.data.open("rb") as handle:
        return handle.read()


def agreements_for_cases(*, user):
    """Agreements in force with a case scope whose parties include the user's requesting organisations."""
    access = _access(user)
    from caravan.partnerships.models import AgreementParty

    paths = scope.paths(access, scope.REQUESTING_ROLES)
    qs = Agreement.objects.filter(
        status__in=(Agreement.Status.SIGNED, Agreement.Status.ACTIVE),
        pk__in=AgreementScope.objects.filter(area__in=scope.CASE_SCOPES).values("agreement_id"),
    )
    if not access.is_node_admin:
        party_ids = set()
        for party_agreement, party_path in AgreementParty.objects.values_list("agreement_id", "organisation__path"):
            if any(p.startswith(party_path) or party_path.startswith(p) for p in paths):
                party_ids.add(party_agreement)
        qs = qs.filter(pk__in=party_ids)
    return qs.order_by("code")


def requesting_facilities(*, user):
    from caravan.registry.models import Facility

    access = _access(user)
    if access.is_node_admin:
        return Facility.objects.order_by("name")
    q = access.organisations_q(scope.REQUESTING_ROLES, "organisation__")
    return Facility.objects.filter(q).order_by("name")
