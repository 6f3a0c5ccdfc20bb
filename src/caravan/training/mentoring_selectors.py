"""Every read of tele-mentoring series a user can reach, already scoped to that user.

A series and its schedule are seen by users who can see the hub or a spoke
(they share a network). Case presentations are clinical: the hub's managers
see all of them; members of the hub and the spokes see the approved ones and
every case of their own site; nobody else sees any. Missing and forbidden rows
raise the same NotFound.
"""

from dataclasses import dataclass

from django.db.models import Count, F, Max, Min, Prefetch, Q, QuerySet, Sum

from caravan.core.access import access_for
from caravan.core.errors import NotFound
from caravan.core.text import fold

from . import rules
from .models import CasePresentation, MentoringSeries, MentoringSession, MentoringSpoke, SiteAttendance


def visible_series(user) -> QuerySet[MentoringSeries]:
    """The series the user may see (unfiltered, unordered)."""
    access = access_for(user)
    if not access.is_authenticated:
        return MentoringSeries.objects.none()
    if access.is_node_admin:
        return MentoringSeries.objects.all()
    organisations = access.visible_organisation_ids()
    spoked = MentoringSpoke.objects.filter(facility__organisation_id__in=organisations).values("series_id")
    return MentoringSeries.objects.filter(Q(hub__organisation_id__in=organisations) | Q(pk__in=spoked))


def series_list_for_user(*, user, q: str = "") -> QuerySet[MentoringSeries]:
    """Visible series with their sessions counted and dated (one query per page)."""
    qs = visible_series(user).select_related("hub", "agreement", "specialty")
    for word in fold(q).split():
        qs = qs.filter(search_text__contains=word)
    return qs.annotate(
        session_count=Count("sessions", distinct=True),
        spoke_count=Count("spokes", distinct=True),
        first_session=Min("sessions__starts_at"),
        last_session=Max("sessions__starts_at"),
    ).order_by(F("last_session").desc(nulls_last=True), "title", "id")


def _spokes() -> Prefetch:
    return Prefetch("spokes", queryset=MentoringSpoke.objects.select_related("facility__organisation").order_by(
        "facility__name", "id"))


def series_get_for_user(*, user, pk: int) -> MentoringSeries:
    """One visible series with its hub, spokes (and their organisations) and agreement, or NotFound."""
    series = (
        visible_series(user).select_related("hub__organisation", "agreement", "specialty")
        .prefetch_related(_spokes()).filter(pk=pk).first()
    )
    if series is None:
        raise NotFound()
    return series


def series_manageable_by(*, user, series: MentoringSeries) -> bool:
    return rules.manages_series(access_for(user), series)


def series_sessions(*, series: MentoringSeries) -> QuerySet[MentoringSession]:
    """The series' sessions in time order, each with its head count over all sites."""
    return (
        MentoringSession.objects.filter(series=series)
        .annotate(head_count=Sum("site_attendance__head_count"))
        .order_by("starts_at", "id")
    )


def mentoring_session_get_for_user(*, user, pk: int) -> MentoringSession:
    """A session of a visible series, with the series, hub and spokes loaded for the rules, or NotFound."""
    session = (
        MentoringSession.objects.filter(pk=pk, series__in=visible_series(user).values("pk"))
        .select_related("series__hub__organisation", "series__agreement")
        .prefetch_related(Prefetch("series__spokes", queryset=MentoringSpoke.objects.select_related(
            "facility__organisation").order_by("facility__name", "id")))
        .first()
    )
    if session is None:
        raise NotFound()
    return session


def presentations_for(*, user, series: MentoringSeries) -> QuerySet[CasePresentation]:
    """The case presentations of a series the user may read (see the module's rule)."""
    access = access_for(user)
    qs = CasePresentation.objects.filter(session__series=series).select_related("site", "session")
    if rules.manages_series(access, series):
        return qs
    if not rules.site_member(access, series):
        return qs.none()
    own_sites = access.organisations_q(rules.ALL_ROLES, prefix="site__organisation__")
    return qs.filter(Q(status=CasePresentation.Status.APPROVED) | own_sites)


def presentation_get_for_user(*, user, pk: int) -> CasePresentation:
    """One presentation the user may read, with its session and series loaded for the rules, or NotFound."""
    presentation = (
        CasePresentation.objects.filter(pk=pk)
        .select_related("site__organisation", "session__series__hub__organisation")
        .prefetch_related(Prefetch("session__series__spokes", queryset=MentoringSpoke.objects.select_related(
            "facility__organisation")))
        .first()
    )
    if presentation is None:
        raise NotFound()
    series = presentation.session.series
    if not visible_series(user).filter(pk=series.pk).exists():
        raise NotFound()
    if not presentations_for(user=user, series=series).filter(pk=pk).exists():
        raise NotFound()
    return presentation


@dataclass(frozen=True)
class SiteLine:
    """One site's line of a session's attendance: the head count if recorded, and whether the user may set it."""

    site: object
    is_hub: bool
    head_count: int | None
    editable: bool


def attendance_by_site(*, user, session: MentoringSession) -> list[SiteLine]:
    """The hub and each spoke with the head count recorded for the session (one query)."""
    series = session.series
    access = access_for(user)
    counts = dict(SiteAttendance.objects.filter(session=session).values_list("site_id", "head_count"))
    return [
        SiteLine(site=site, is_hub=site.pk == series.hub_id, head_count=counts.get(site.pk),
                 editable=rules.records_site(access, series, site))
        for site in rules.sites_of(series)
    ]


def sites_presentable_by(*, user, series: MentoringSeries) -> list:
    """The sites whose cases the user may present (no query: the series' sites are loaded)."""
    access = access_for(user)
    return [site for site in rules.sites_of(series) if rules.presents_for(access, series, site)]


def sessions_for_calendar(*, user, series: MentoringSeries) -> QuerySet[MentoringSession]:
    return MentoringSession.objects.filter(series=series).select_related("series").order_by("starts_at", "id")


def presentation_editable_by(*, user, presentation: CasePresentation) -> bool:
    """The presenting site (or the hub) corrects a case until it is approved."""
    series = presentation.session.series
    return presentation.status != CasePresentation.Status.APPROVED and rules.presents_for(
        access_for(user), series, presentation.site)
