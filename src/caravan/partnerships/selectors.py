"""Every read of agreements a user can reach, already scoped to that user.

Who sees an agreement: the members of its parties (any role, in the party
organisation or in an organisation above it), and every signed-in user when
the parties made it public. Coordinators and administrators of a party edit
it. The node administrator sees and edits everything. A missing agreement and
one the user may not see raise the same NotFound.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Exists, Prefetch, Q, QuerySet

from caravan.core import metrics
from caravan.core.access import Access, access_for
from caravan.core.errors import NotFound
from caravan.core.models import Organisation
from caravan.core.roles import REGISTRY_EDITORS, Role
from caravan.core.text import fold
from caravan.registry.models import Facility, Region
from caravan.registry.selectors import in_region_q

from . import fetch, network, periods
from .health import Health
from .models import Agreement, AgreementDocument, AgreementParty, AgreementScope, Commitment, Notification

ALL_ROLES = frozenset(Role)


# ---------------------------------------------------------------- scoping


def _party_agreement_ids(access: Access, roles: frozenset[str]):
    """Ids of agreements one of whose parties sits at or below an organisation where the user holds `roles`."""
    return AgreementParty.objects.filter(access.organisations_q(roles, prefix="organisation__")).values(
        "agreement_id"
    )


def visible_agreements(user) -> QuerySet[Agreement]:
    """The agreements the user may see (unfiltered, unordered)."""
    access = access_for(user)
    if not access.is_authenticated:
        return Agreement.objects.none()
    if access.is_node_admin:
        return Agreement.objects.all()
    return Agreement.objects.filter(Q(public=True) | Q(pk__in=_party_agreement_ids(access, ALL_ROLES)))


def editable_agreements(user) -> QuerySet[Agreement]:
    """The agreements the user may change: a coordinator or administrator of one of the parties."""
    access = access_for(user)
    if not access.is_authenticated:
        return Agreement.objects.none()
    if access.is_node_admin:
        return Agreement.objects.all()
    return Agreement.objects.filter(pk__in=_party_agreement_ids(access, REGISTRY_EDITORS))


def may_record_agreements(user) -> bool:
    """Whether the user may record agreements at all (an editing role somewhere)."""
    access = access_for(user)
    return access.is_node_admin or bool(access.roles() & REGISTRY_EDITORS)


def agreement_editable_by(*, user, agreement: Agreement) -> bool:
    return editable_agreements(user).filter(pk=agreement.pk).exists()


def party_choices_for(*, user) -> QuerySet[Organisation]:
    """Organisations the user may name as a party: those visible to them."""
    access = access_for(user)
    if not access.is_authenticated:
        return Organisation.objects.none()
    return access.visible_organisations().select_related("country").order_by("name")


def organisations_editable_by(*, user) -> QuerySet[Organisation]:
    return access_for(user).editable_organisations()


# ---------------------------------------------------------------- lists


def organisations_in_region(region_id: int) -> list[int]:
    """Organisations that belong to a region (a province and everything below it), in three queries.

    Organisations carry no place of their own; their facilities do. An
    organisation belongs to the region when it runs a facility there, or when
    it sits above such an organisation and every facility run below it lies in
    the region (a provincial health department belongs to its province, a
    ministry above every province does not).
    """
    region = Region.objects.filter(pk=region_id).values_list("path", flat=True).first()
    if region is None:
        return []
    # Driven from the region's subtree: joined the other way, SQLite walked every organisation (170 ms, not 14).
    inside = Facility.objects.filter(in_region_q(region))
    owner_paths = set(Organisation.objects.filter(pk__in=inside.values("organisation_id")).values_list("path", flat=True))
    owners = {int(path.strip("/").split("/")[-1]) for path in owner_paths}
    above: dict[int, str] = {}  # organisation id -> its path
    for path in owner_paths:
        parts = path.strip("/").split("/")
        for i, part in enumerate(parts[:-1]):
            if int(part) not in owners:
                above[int(part)] = "/" + "/".join(parts[:i + 1]) + "/"
    if not above:
        return sorted(owners)
    outside = Facility.objects.exclude(region__path__startswith=region)
    # One query: for each organisation above, whether something below it runs a facility elsewhere.
    checks = {f"o{pk}": Exists(outside.filter(organisation__path__startswith=path)) for pk, path in above.items()}
    row = Region.objects.filter(pk=region_id).annotate(**checks).values(*checks).first()
    return sorted(owners | {pk for pk in above if not row[f"o{pk}"]})


@dataclass(frozen=True)
class AgreementFilters:
    q: str = ""
    status: str = ""
    kind: str = ""
    scope: str = ""
    country: int | None = None
    organisation: int | None = None
    expiring: bool = False
    region: int | None = None  # a province (or any region): agreements with a party there
    partner: int | None = None  # with `organisation`: the agreements between the two


def _parties_prefetch() -> Prefetch:
    return Prefetch(
        "parties",
        queryset=AgreementParty.objects.select_related("organisation__country").order_by("position", "id"),
    )


def agreement_list_for_user(*, user, filters: AgreementFilters | None = None,
                            today: date | None = None) -> QuerySet[Agreement]:
    """Agreements the user may see, filtered, newest first, with parties, scopes and commitments prefetched.

    Each page costs a fixed number of queries: the rows and one query per prefetched relation.
    """
    f = filters or AgreementFilters()
    qs = visible_agreements(user)
    needle = fold(f.q)
    for word in needle.split():
        qs = qs.filter(search_text__contains=word)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.scope:
        qs = qs.filter(pk__in=AgreementScope.objects.filter(area=f.scope).values("agreement_id"))
    if f.country:
        qs = qs.filter(pk__in=AgreementParty.objects.filter(organisation__country_id=f.country).values("agreement_id"))
    if f.organisation:
        qs = qs.filter(pk__in=AgreementParty.objects.filter(organisation_id=f.organisation).values("agreement_id"))
    if f.partner:
        qs = qs.filter(pk__in=AgreementParty.objects.filter(organisation_id=f.partner).values("agreement_id"))
    if f.region:
        orgs = organisations_in_region(f.region)
        qs = qs.filter(pk__in=AgreementParty.objects.filter(organisation_id__in=orgs).values("agreement_id"))
    if f.expiring and today is not None:
        horizon = date.fromordinal(today.toordinal() + fetch.expiring_days())
        qs = qs.filter(status__in=["signed", "active"], end__gte=today, end__lte=horizon)
    # Into plain lists (to_attr): Django then sets each row's list at once instead of building a filtered
    # queryset per row and relation (~370 per page of 100, a fifth of the page's time). Read them with
    # fetch.prefetched(agreement, "parties" / "scopes" / "commitments").
    return qs.prefetch_related(
        Prefetch("parties", queryset=AgreementParty.objects.select_related("organisation__country")
                 .order_by("position", "id"), to_attr="parties_list"),
        Prefetch("scopes", queryset=AgreementScope.objects.order_by("area"), to_attr="scopes_list"),
        Prefetch("commitments", queryset=Commitment.objects.order_by("id"), to_attr="commitments_list"),
    ).order_by("-start", "code")


@dataclass
class AgreementRow:
    """One agreement of a list, with its current progress and health."""

    agreement: Agreement
    health: Health
    progress: list[tuple[Commitment, periods.Progress | None]] = field(default_factory=list)
    parties: list[AgreementParty] = field(default_factory=list)


def agreement_rows(agreements: list[Agreement], *, today: date) -> list[AgreementRow]:
    """Progress and health for a page of agreements (from agreement_list_for_user), in a fixed number of queries."""
    progress = fetch.current_progress(agreements, today=today)
    health = fetch.health_of(agreements, today=today, progress=progress)
    return [
        AgreementRow(
            agreement=a, health=health[a.pk], parties=fetch.prefetched(a, "parties"),
            progress=[(c, (progress.get(c.pk) or [None])[0]) for c in fetch.prefetched(a, "commitments")],
        )
        for a in agreements
    ]


# ---------------------------------------------------------------- one agreement


def agreement_get_for_user(*, user, pk: int) -> Agreement:
    """One visible agreement with parties, scopes, commitments, documents and its neighbours, or NotFound."""
    agreement = (
        visible_agreements(user)
        .select_related("parent", "predecessor", "successor")
        .prefetch_related(
            _parties_prefetch(), "scopes", Prefetch("commitments", queryset=Commitment.objects.order_by("id")),
            Prefetch("documents", queryset=AgreementDocument.objects.order_by("language", "-uploaded_at")),
        )
        .filter(pk=pk)
        .first()
    )
    if agreement is None:
        raise NotFound()
    return agreement


def implementing_agreements(*, user, agreement: Agreement) -> QuerySet[Agreement]:
    """The visible agreements that implement a framework agreement."""
    return visible_agreements(user).filter(parent=agreement).order_by("start", "code")


@dataclass
class CommitmentReport:
    commitment: Commitment
    provided: bool
    history: list[periods.Progress]
    selected: periods.Window | None
    activities: list[metrics.Activity]


def agreement_fulfilment(*, agreement: Agreement, today: date, commitment_id: int | None = None,
                         period_key: str = "") -> list[CommitmentReport]:
    """For a visible agreement: each commitment's progress per period and the activities behind one period.

    The activities shown are those of the period the caller picked (by commitment
    id and period key) or else of each commitment's current period.
    """
    reports = []
    for commitment in agreement.commitments.all():
        history = fetch.commitment_history(agreement, commitment, today=today)
        selected = None
        if commitment.pk == commitment_id and period_key:
            selected = periods.window_for_key(commitment.period, period_key)
        if selected is None and history:
            selected = history[0].window
        activities = []
        if selected is not None and metrics.is_provided(commitment.metric):
            activities = metrics.activities(commitment.metric, agreement_id=agreement.pk, start=selected.start,
                                            end=selected.end)
        reports.append(CommitmentReport(commitment=commitment, provided=metrics.is_provided(commitment.metric),
                                        history=history, selected=selected, activities=activities))
    return reports


def agreement_health(*, agreement: Agreement, today: date) -> Health:
    return fetch.health_of([agreement], today=today)[agreement.pk]


def document_get_for_user(*, user, agreement_pk: int, pk: int) -> AgreementDocument:
    """A document of an agreement the user may see, or NotFound."""
    document = AgreementDocument.objects.filter(
        pk=pk, agreement_id=agreement_pk, agreement__in=visible_agreements(user).values("pk")
    ).first()
    if document is None:
        raise NotFound()
    return document


def commitment_get_for_user(*, user, agreement_pk: int, pk: int) -> Commitment:
    commitment = Commitment.objects.filter(
        pk=pk, agreement_id=agreement_pk, agreement__in=visible_agreements(user).values("pk")
    ).select_related("agreement").first()
    if commitment is None:
        raise NotFound()
    return commitment


def party_get_for_user(*, user, agreement_pk: int, pk: int) -> AgreementParty:
    party = AgreementParty.objects.filter(
        pk=pk, agreement_id=agreement_pk, agreement__in=visible_agreements(user).values("pk")
    ).select_related("agreement", "organisation").first()
    if party is None:
        raise NotFound()
    return party


# ---------------------------------------------------------------- notifications


def notifications_for(*, user) -> QuerySet[Notification]:
    """The user's own notifications, newest first, with their agreements."""
    if not access_for(user).is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user).select_related("agreement").order_by("-created_at", "-id")


def unread_count(*, user) -> int:
    return notifications_for(user=user).filter(read_at__isnull=True).count()


# ---------------------------------------------------------------- the network graph and choices


def country_choices():
    """Countries, for filters."""
    return Region.objects.filter(level=Region.Level.COUNTRY).order_by("name")


def province_choices():
    """Provinces (of every country), for the network's filter."""
    return Region.objects.filter(level=Region.Level.PROVINCE).order_by("name", "pk")


# The most recent agreements drawn at once: a national picture stays readable (and fast); a province shows all.
NETWORK_LIMIT = 500


def network_graph(*, user, filters: AgreementFilters | None = None, limit: int = NETWORK_LIMIT) -> network.Graph:
    """Organisations and the visible agreements between them, filtered; at most `limit` agreements, one edge
    per pair of organisations.

    Two queries whatever the size (three to five more with a region: see organisations_in_region): the
    agreements' ids and their parties.
    """
    ids = list(agreement_list_for_user(user=user, filters=filters).prefetch_related(None)
               .order_by("-start", "code").values_list("pk", flat=True)[:limit])
    rank = {pk: i for i, pk in enumerate(ids)}
    rows = (
        AgreementParty.objects.filter(agreement_id__in=ids)
        .values_list("agreement_id", "agreement__code", "agreement__title", "agreement__status",
                     "organisation_id", "organisation__name", "organisation__country__name", "position", "id")
    )
    # Most recent agreement first (as listed), then the parties in their order.
    ordered = sorted(rows, key=lambda r: (rank[r[0]], r[7], r[8]))
    return network.build([network.PartyRow(a, c, t, s, o, n, country or "")
                          for a, c, t, s, o, n, country, _position, _pk in ordered])
