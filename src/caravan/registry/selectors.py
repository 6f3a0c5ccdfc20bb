"""Every read of the registry a user can reach, already scoped to that user.

Regions, specialties, techniques and equipment are shared reference data that
any signed-in user may read. Facilities and practitioners are visible when their
organisation is one the user can see (see caravan.core.access). A row that is
missing and a row that is not visible raise the same NotFound.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Prefetch, Q, QuerySet

from caravan.core.access import access_for
from caravan.core.errors import NotFound
from caravan.core.models import Organisation
from caravan.core.text import fold

from .models import (
    Appointment,
    Department,
    Equipment,
    Facility,
    FacilityEquipment,
    Practitioner,
    Region,
    Specialty,
    Technique,
)


def _require_signed_in(user) -> None:
    if not access_for(user).is_authenticated:
        raise NotFound()


def _search(qs: QuerySet, q: str | None) -> QuerySet:
    """Substring search on the folded names (works for Persian variants and Chinese alike)."""
    needle = fold(q)
    if not needle:
        return qs
    for word in needle.split():
        qs = qs.filter(search_text__contains=word)
    return qs


# ---------------------------------------------------------------- facilities


@dataclass(frozen=True)
class FacilityFilters:
    q: str = ""
    region: int | None = None
    level: int | None = None
    kind: str = ""
    ownership: str = ""
    ready_for: str = ""  # specialty code
    organisation: int | None = None


def in_region_q(region_path: str, prefix: str = "") -> Q:
    """Rows whose facility (reached through `prefix`) lies in a region's subtree: an IN over the subtree's ids.

    Prefer it to a join on the region's path for large tables: through the ids, the database starts from the
    region's few facilities. Joined, SQLite planned from the other side (every organisation, every technique)
    and took 43 s for one province's cross-level report at 5 million cases instead of 22 ms.
    """
    return Q(**{f"{prefix}region_id__in": Region.objects.filter(path__startswith=region_path).values("pk")})


def facility_list_for_user(*, user, filters: FacilityFilters | None = None) -> QuerySet[Facility]:
    """Facilities the user may see, filtered; region filter includes the region's whole subtree."""
    access = access_for(user)
    if not access.is_authenticated:
        return Facility.objects.none()
    f = filters or FacilityFilters()
    qs = Facility.objects.select_related("region", "organisation")
    if not access.is_node_admin:
        qs = qs.filter(access.visible_rows_q())
    qs = _search(qs, f.q)
    if f.region:
        region = Region.objects.filter(pk=f.region).only("path").first()
        qs = qs.filter(region__path__startswith=region.path) if region else qs.none()
    if f.level:
        qs = qs.filter(level=f.level)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.ownership:
        qs = qs.filter(ownership=f.ownership)
    if f.ready_for:
        qs = qs.filter(foreign_patient_specialties__code=f.ready_for)
    if f.organisation:
        qs = _within_organisation(qs, f.organisation)
    return qs.order_by("name", "id")


def _within_organisation(qs: QuerySet, organisation_id: int) -> QuerySet:
    """Rows of an organisation and of every organisation below it (a health commission's hospitals)."""
    organisation = Organisation.objects.filter(pk=organisation_id).only("path").first()
    return qs.filter(organisation__path__startswith=organisation.path) if organisation else qs.none()


def facility_get_for_user(*, user, pk: int) -> Facility:
    """One facility with its departments, equipment and readiness, or NotFound."""
    qs = facility_list_for_user(user=user).prefetch_related(
        Prefetch("departments", queryset=Department.objects.select_related("specialty").order_by("name")),
        Prefetch("equipment", queryset=FacilityEquipment.objects.select_related("equipment").order_by("equipment__name")),
        Prefetch("foreign_patient_specialties", queryset=Specialty.objects.order_by("name")),
    )
    facility = qs.filter(pk=pk).first()
    if facility is None:
        raise NotFound()
    return facility


def facility_staff(*, user, facility: Facility, on: date) -> QuerySet[Appointment]:
    """Appointments at the facility active on a day (the facility is already visible to the user)."""
    _require_signed_in(user)
    return (
        Appointment.objects.filter(facility=facility, start__lte=on)
        .filter(Q(end__isnull=True) | Q(end__gte=on))
        .select_related("practitioner", "department")
        .order_by("practitioner__name_latin")
    )


def facility_editable_by(*, user, facility: Facility) -> bool:
    return access_for(user).can_edit_organisation(facility.organisation)


def department_get_for_user(*, user, pk: int) -> Department:
    """One department of a facility the user may see, with its facility and organisation, or NotFound."""
    department = (
        Department.objects.select_related("facility__organisation", "specialty")
        .filter(pk=pk, facility__in=facility_list_for_user(user=user).values("pk"))
        .first()
    )
    if department is None:
        raise NotFound()
    return department


# ---------------------------------------------------------------- practitioners


@dataclass(frozen=True)
class PractitionerFilters:
    q: str = ""
    specialty: str = ""
    title: str = ""
    profession: str = ""
    organisation: int | None = None
    facility: int | None = None


def practitioner_list_for_user(*, user, filters: PractitionerFilters | None = None) -> QuerySet[Practitioner]:
    """Practitioners whose home organisation the user may see."""
    access = access_for(user)
    if not access.is_authenticated:
        return Practitioner.objects.none()
    f = filters or PractitionerFilters()
    qs = Practitioner.objects.select_related("organisation")
    if not access.is_node_admin:
        qs = qs.filter(access.visible_rows_q())
    qs = _search(qs, f.q)
    if f.specialty:
        qs = qs.filter(specialties__code=f.specialty)
    if f.title:
        qs = qs.filter(title=f.title)
    if f.profession:
        qs = qs.filter(profession=f.profession)
    if f.organisation:
        qs = _within_organisation(qs, f.organisation)
    if f.facility:
        qs = qs.filter(appointments__facility_id=f.facility).distinct()
    return qs.order_by("name_latin", "id")


def practitioner_get_for_user(*, user, pk: int) -> Practitioner:
    qs = practitioner_list_for_user(user=user).prefetch_related(
        Prefetch("specialties", queryset=Specialty.objects.order_by("name")),
        Prefetch(
            "appointments",
            queryset=Appointment.objects.select_related("facility", "department").order_by("-start"),
        ),
    )
    practitioner = qs.filter(pk=pk).first()
    if practitioner is None:
        raise NotFound()
    return practitioner


def practitioner_editable_by(*, user, practitioner: Practitioner) -> bool:
    return access_for(user).can_edit_organisation(practitioner.organisation)


# ---------------------------------------------------------------- reference data


def region_list(*, user, q: str = "", level: int | None = None, parent: int | None = None) -> QuerySet[Region]:
    if not access_for(user).is_authenticated:
        return Region.objects.none()
    qs = _search(Region.objects.select_related("parent"), q)
    if level is not None:
        qs = qs.filter(level=level)
    if parent is not None:
        qs = qs.filter(parent_id=parent)
    return qs.order_by("level", "name", "id")


def region_get(*, user, pk: int) -> Region:
    _require_signed_in(user)
    region = Region.objects.select_related("parent", "merged_into").prefetch_related("populations").filter(pk=pk).first()
    if region is None:
        raise NotFound()
    return region


def region_ids_counting_toward(region: Region, on: date) -> list[int]:
    """Regions whose rows count toward `region` on day `on`, sorted by id.

    Its own subtree as it stands that day, plus whatever was merged on or before
    that day into a region counted so (followed through chains of merges). A
    region merged away by then no longer counts where it sits in the tree, and
    neither does its subtree: from its merge date they count toward the
    successor. An empty list when `region` itself is not valid that day.
    Two queries per region followed (the start and each merged one).
    """
    if not region.is_valid_on(on):
        return []
    ids: set[int] = set()
    followed: set[int] = set()
    frontier = [(region.pk, region.path)]
    while frontier:
        node_id, node_path = frontier.pop()
        followed.add(node_id)
        rows = list(
            Region.objects.filter(path__startswith=node_path).values_list("id", "path", "valid_to", "merged_into_id")
        )
        ended = {pk: (path, merged) for pk, path, valid_to, merged in rows
                 if pk != node_id and valid_to is not None and valid_to <= on}
        moved_paths = [path for path, merged in ended.values() if merged is not None]
        counted = {
            pk for pk, path, _valid_to, _merged in rows
            if pk not in ended and not any(path.startswith(p) for p in moved_paths)
        }
        ids |= counted
        # Regions merged (by that day) into one just counted follow it, wherever they sit in the tree.
        absorbed = Region.objects.filter(merged_into__path__startswith=node_path, valid_to__lte=on).values_list(
            "id", "path", "merged_into_id"
        )
        frontier.extend(
            (pk, path) for pk, path, into in absorbed if into in ids and pk not in followed and pk not in ids
        )
    return sorted(ids)


def specialty_list(*, user) -> QuerySet[Specialty]:
    if not access_for(user).is_authenticated:
        return Specialty.objects.none()
    return Specialty.objects.order_by("name")


def equipment_list(*, user) -> QuerySet[Equipment]:
    if not access_for(user).is_authenticated:
        return Equipment.objects.none()
    return Equipment.objects.order_by("name")


def technique_list(*, user, q: str = "", specialty: str = "", min_level: int | None = None) -> QuerySet[Technique]:
    if not access_for(user).is_authenticated:
        return Technique.objects.none()
    qs = _search(Technique.objects.select_related("specialty"), q)
    if specialty:
        qs = qs.filter(specialty__code=specialty)
    if min_level:
        qs = qs.filter(min_level=min_level)
    return qs.order_by("code")


def technique_get(*, user, pk: int) -> Technique:
    _require_signed_in(user)
    technique = (
        Technique.objects.select_related("specialty")
        .prefetch_related("prerequisites", "equipment_needed")
        .filter(pk=pk)
        .first()
    )
    if technique is None:
        raise NotFound()
    return technique


# ---------------------------------------------------------------- the network at a glance


@dataclass(frozen=True)
class NetworkSummary:
    countries: int
    regions: int
    facilities: int
    practitioners: int
    techniques: int


def network_summary_for_user(*, user) -> NetworkSummary:
    """Counts for the home page, over what the user can see (five queries once the user's access is loaded).

    Anonymous visitors see nothing, not even the shared reference data, and cost no query.
    """
    if not access_for(user).is_authenticated:
        return NetworkSummary(countries=0, regions=0, facilities=0, practitioners=0, techniques=0)
    facilities = facility_list_for_user(user=user)
    regions = Region.objects.exclude(level=Region.Level.COUNTRY)
    return NetworkSummary(
        countries=_countries_with_facilities(facilities),
        regions=regions.count(),
        facilities=facilities.count(),
        practitioners=practitioner_list_for_user(user=user).count(),
        techniques=Technique.objects.count(),
    )


def _countries_with_facilities(facilities: QuerySet[Facility]) -> int:
    """Countries that hold at least one visible facility: the first id of each region path."""
    paths = facilities.order_by().values_list("region__path", flat=True).distinct()
    return len({p.split("/")[1] for p in paths if p})


def organisation_choices_for_editing(*, user) -> QuerySet[Organisation]:
    return access_for(user).editable_organisations().order_by("name")


def parent_organisations_visible_to(*, user) -> QuerySet[Organisation]:
    """Visible organisations that have others below them: the useful "within" filters of a list."""
    return organisations_visible_to(user=user).filter(
        pk__in=Organisation.objects.filter(parent__isnull=False).values("parent_id")
    )


def organisations_visible_to(*, user) -> QuerySet[Organisation]:
    access = access_for(user)
    if not access.is_authenticated:
        return Organisation.objects.none()
    return access.visible_organisations().order_by("name")


def facility_counts_by_level(*, user) -> dict[int, int]:
    rows = facility_list_for_user(user=user).order_by().values("level").annotate(n=Count("id"))
    return {r["level"]: r["n"] for r in rows}
