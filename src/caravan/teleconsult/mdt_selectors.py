"""Reads of remote MDT sessions, scoped: the agreement's coordinators and the session's participants."""

from django.db.models import Prefetch, Q

from caravan.core import audit
from caravan.core.errors import NotFound

from . import scope
from .models import Attachment, MdtItem, MdtParticipant, MdtSession
from .selectors import _access


def _visible_q(access) -> Q:
    if access.is_node_admin:
        return Q()
    q = Q(pk__in=MdtParticipant.objects.filter(user=access.user).values("session_id"))
    if scope.paths(access, {scope.Role.COORDINATOR}):
        q |= Q(agreement_id__in=scope.coordinated_agreements(access))
    return q


def session_list_for_user(*, user):
    access = _access(user)
    return MdtSession.objects.filter(_visible_q(access)).select_related("agreement", "host").order_by("-starts_at", "-pk")


def session_get_for_user(*, user, pk: int) -> MdtSession:
    """One session with its agenda (case summaries, attachments, decisions); one audited read names the cases."""
    access = _access(user)
    session = (
        MdtSession.objects.filter(_visible_q(access), pk=pk)
        .select_related("agreement", "host__organisation")
        .prefetch_related(
            "facilities",
            Prefetch("participants", queryset=MdtParticipant.objects.select_related("user")),
            Prefetch("items", queryset=MdtItem.objects.select_related(
                "case__specialty", "case__facility", "decision__signed_by").prefetch_related(
                Prefetch("case__attachments", queryset=Attachment.objects.order_by("created_at", "pk")))),
        )
        .first()
    )
    if session is None:
        raise NotFound()
    audit.record(actor=user, action=audit.Action.READ, obj=session, organisation=session.host.organisation,
                 changes={"cases": [None, [item.case_id for item in session.items.all()]]})
    return session
