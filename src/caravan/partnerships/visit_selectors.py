"""Every read of visits a user can reach, already scoped to that user.

A visit is seen by the members of its visiting and host organisations (or of an
organisation above them) and by everyone who may see the agreement it counts
toward; it is changed by coordinators and administrators of those organisations.
"""

from datetime import date

from django.db.models import Prefetch, Q, QuerySet

from caravan.core.access import access_for
from caravan.core.errors import NotFound
from caravan.core.models import Organisation
from caravan.core.roles import REGISTRY_EDITORS
from caravan.core.text import fold
from caravan.registry.models import Department, Facility

from .models import Visit, VisitOutcome, VisitParticipant, VisitParty, VisitStop
from .selectors import ALL_ROLES, visible_agreements


def _party_visit_ids(access, roles):
    return VisitParty.objects.filter(access.organisations_q(roles, prefix="organisation__")).values("visit_id")


def visible_visits(user) -> QuerySet[Visit]:
    access = access_for(user)
    if not access.is_authenticated:
        return Visit.objects.none()
    if access.is_node_admin:
        return Visit.objects.all()
    return Visit.objects.filter(
        Q(pk__in=_party_visit_ids(access, ALL_ROLES)) | Q(agreement__in=visible_agreements(user).values("pk"))
    )


def editable_visits(user) -> QuerySet[Visit]:
    access = access_for(user)
    if not access.is_authenticated:
        return Visit.objects.none()
    if access.is_node_admin:
        return Visit.objects.all()
    return Visit.objects.filter(pk__in=_party_visit_ids(access, REGISTRY_EDITORS))


def visit_editable_by(*, user, visit: Visit) -> bool:
    return editable_visits(user).filter(pk=visit.pk).exists()


def _parties_prefetch() -> Prefetch:
    return Prefetch("parties", queryset=VisitParty.objects.select_related("organisation").order_by("side", "id"))


def visit_list_for_user(*, user, q: str = "", status: str = "", agreement: int | None = None,
                        since: date | None = None) -> QuerySet[Visit]:
    """Visits the user may see, newest first, with their parties and agreement (fixed queries per page)."""
    qs = visible_visits(user)
    for word in fold(q).split():
        qs = qs.filter(Q(title__icontains=word) | Q(title_local__icontains=word))
    if status:
        qs = qs.filter(status=status)
    if agreement:
        qs = qs.filter(agreement_id=agreement)
    if since:
        qs = qs.filter(end__gte=since)
    return qs.select_related("agreement").prefetch_related(_parties_prefetch()).order_by("-start", "id")


def visit_get_for_user(*, user, pk: int) -> Visit:
    """One visible visit with parties, participants, itinerary and outcomes, or NotFound."""
    visit = (
        visible_visits(user)
        .select_related("agreement")
        .prefetch_related(
            _parties_prefetch(),
            Prefetch("participants", queryset=VisitParticipant.objects.select_related("organisation")),
            Prefetch("stops", queryset=VisitStop.objects.select_related("facility", "department")),
            Prefetch("outcomes", queryset=VisitOutcome.objects.select_related("agreement")),
        )
        .filter(pk=pk)
        .first()
    )
    if visit is None:
        raise NotFound()
    return visit


def visits_for_calendar(*, user, since: date) -> QuerySet[Visit]:
    """Visible visits ending on or after `since`, with their itineraries, for the .ics export."""
    return (
        visible_visits(user)
        .filter(end__gte=since)
        .exclude(status=Visit.Status.CANCELLED)
        .prefetch_related(
            _parties_prefetch(),
            Prefetch("stops", queryset=VisitStop.objects.select_related("facility", "department")),
        )
        .order_by("start", "id")
    )


def visits_citing(*, user, agreement) -> QuerySet[Visit]:
    """The visible visits that count toward an agreement, newest first."""
    return visible_visits(user).filter(agreement=agreement).order_by("-start", "id")


# ---------------------------------------------------------------- choices for a visit's forms


def host_facilities(*, visit: Visit) -> QuerySet[Facility]:
    """Facilities of the host organisations and of those below them: where the itinerary can stop."""
    q = Q(pk__in=[])
    for party in visit.parties.all():
        if party.side == VisitParty.Side.HOST:
            q |= Q(organisation__path__startswith=party.organisation.path)
    return Facility.objects.filter(q).order_by("name")


def host_departments(*, visit: Visit) -> QuerySet[Department]:
    return (Department.objects.filter(facility__in=host_facilities(visit=visit).values("pk"))
            .select_related("facility").order_by("facility__name", "name"))


def visit_organisations(*, visit: Visit) -> QuerySet[Organisation]:
    """The visiting and host organisations, for naming a participant's organisation."""
    return Organisation.objects.filter(pk__in=[p.organisation_id for p in visit.parties.all()]).select_related(
        "country").order_by("name")
