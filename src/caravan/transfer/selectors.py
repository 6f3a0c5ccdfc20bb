"""Every read of technique transfer a user can reach, already scoped to that user.

Case rows and imports: the facility's staff. Plans: their owners. The ledger,
matrices, centres and studios: whoever can see the facility. Missing and
forbidden rows both raise NotFound. Reports live in `reports.py`.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery

from caravan.core.access import access_for
from caravan.core.errors import NotFound
from caravan.registry.models import Facility, Practitioner, Region, Specialty, Technique
from caravan.registry.selectors import in_region_q

from . import scope
from .models import (
    Capability,
    CapabilityEvent,
    CapabilityStatus,
    CaseImport,
    CaseLog,
    PlanItem,
    SpecialtyCentre,
    Studio,
    StudioLead,
    StudioTrainee,
    TransferPlan,
)


def _signed_in(user):
    access = access_for(user)
    if not access.is_authenticated:
        raise NotFound()
    return access


# ---------------------------------------------------------------- facilities


def facilities_for_logging(*, user) -> QuerySet[Facility]:
    """Facilities whose cases the user logs: those of their own organisations (and below)."""
    access = access_for(user)
    if not access.is_authenticated or not scope.has_staff_role(access):
        return Facility.objects.none()
    return Facility.objects.filter(scope.staff_facilities_q(access)).select_related("organisation").order_by("name", "id")


def facility_for_logging(*, user, pk: int) -> Facility:
    facility = facilities_for_logging(user=user).filter(pk=pk).first()
    if facility is None:
        raise NotFound()
    return facility


def facilities_visible(*, user) -> QuerySet[Facility]:
    access = access_for(user)
    if not access.is_authenticated:
        return Facility.objects.none()
    return Facility.objects.filter(scope.visible_facilities_q(access)).select_related("organisation", "region")


def facility_visible(*, user, pk: int) -> Facility:
    facility = facilities_visible(user=user).filter(pk=pk).first()
    if facility is None:
        raise NotFound()
    return facility


def visiting_experts_at(*, user, facility: Facility, on: date) -> QuerySet[Practitioner]:
    """Practitioners from other organisations appointed at the facility around `on` (the usual visiting experts)."""
    _signed_in(user)
    return (
        Practitioner.objects.filter(appointments__facility=facility, appointments__start__lte=on)
        .filter(Q(appointments__end__isnull=True) | Q(appointments__end__gte=date(on.year - 1, 1, 1)))
        .exclude(organisation__path__startswith=facility.organisation.path)
        .distinct()
        .order_by("name_latin", "id")
    )


# ---------------------------------------------------------------- the case log


@dataclass(frozen=True)
class CaseFilters:
    facility: int | None = None
    technique: int | None = None
    since: date | None = None
    until: date | None = None
    performer: str = ""
    supervision: str = ""
    outcome: str = ""


def case_list_for_user(*, user, filters: CaseFilters | None = None) -> QuerySet[CaseLog]:
    """Cases of the facilities whose staff the user is, newest first."""
    access = access_for(user)
    if not access.is_authenticated or not scope.has_staff_role(access):
        return CaseLog.objects.none()
    f = filters or CaseFilters()
    qs = CaseLog.objects.filter(scope.staff_facilities_q(access, prefix="facility__"))
    if f.facility:
        qs = qs.filter(facility_id=f.facility)
    if f.technique:
        qs = qs.filter(technique_id=f.technique)
    if f.since:
        qs = qs.filter(performed_on__gte=f.since)
    if f.until:
        qs = qs.filter(performed_on__lte=f.until)
    for name in ("performer", "supervision", "outcome"):
        if getattr(f, name):
            qs = qs.filter(**{name: getattr(f, name)})
    return qs.select_related("facility", "technique", "visiting_practitioner").order_by("-performed_on", "-id")


def case_get_for_user(*, user, pk: int) -> CaseLog:
    case = case_list_for_user(user=user).select_related("facility__organisation").filter(pk=pk).first()
    if case is None:
        raise NotFound()
    return case


def import_list_for_user(*, user) -> QuerySet[CaseImport]:
    access = access_for(user)
    if not access.is_authenticated or not scope.has_staff_role(access):
        return CaseImport.objects.none()
    return (
        CaseImport.objects.filter(scope.staff_facilities_q(access, prefix="facility__"))
        .select_related("facility", "uploaded_by")
        .defer("content")
        .order_by("-created_at", "-id")
    )


def import_get_for_user(*, user, pk: int) -> CaseImport:
    case_import = import_list_for_user(user=user).select_related("facility__organisation").filter(pk=pk).first()
    if case_import is None:
        raise NotFound()
    return case_import


def technique_catalogue(*, user) -> QuerySet[Technique]:
    """The national list, for pickers: code, name, specialty (one query)."""
    _signed_in(user)
    return Technique.objects.select_related("specialty").order_by("code")


def technique_suggestions(*, user) -> QuerySet:
    """Codes and names of the whole list, for the suggestion box of technique fields (one query)."""
    _signed_in(user)
    return Technique.objects.order_by("code").values("code", "name")


def technique_by_code(*, user, code: str) -> Technique | None:
    _signed_in(user)
    return Technique.objects.filter(code__iexact=code.strip()).first() if code and code.strip() else None


# ---------------------------------------------------------------- the ledger


@dataclass(frozen=True)
class CapabilityFilters:
    facility: int | None = None
    technique: int | None = None
    status: str = ""
    region: int | None = None


def capability_list_for_user(*, user, filters: CapabilityFilters | None = None) -> QuerySet[Capability]:
    """Capabilities of the facilities the user can see."""
    access = access_for(user)
    if not access.is_authenticated:
        return Capability.objects.none()
    f = filters or CapabilityFilters()
    qs = Capability.objects.filter(scope.visible_facilities_q(access, prefix="facility__"))
    if f.facility:
        qs = qs.filter(facility_id=f.facility)
    if f.technique:
        qs = qs.filter(technique_id=f.technique)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.region:
        region = Region.objects.filter(pk=f.region).only("path").first()
        qs = qs.filter(in_region_q(region.path, prefix="facility__")) if region else qs.none()
    return qs.select_related("facility", "technique__specialty").order_by("facility__name", "technique__code", "id")


def capability_get_for_user(*, user, pk: int) -> Capability:
    """One capability with its dated events and their evidence."""
    capability = (
        capability_list_for_user(user=user)
        .select_related("facility__organisation", "facility__region")
        .prefetch_related(Prefetch(
            "events", queryset=CapabilityEvent.objects.select_related("by", "case").order_by("on", "id")
        ))
        .filter(pk=pk)
        .first()
    )
    if capability is None:
        raise NotFound()
    return capability


@dataclass
class MatrixCell:
    technique: Technique
    capability: Capability | None

    @property
    def status(self) -> str:
        return self.capability.status if self.capability else ""


@dataclass
class SpecialtyRow:
    specialty: Specialty
    cells: list[MatrixCell] = field(default_factory=list)


@dataclass
class FacilityMatrix:
    facility: Facility
    rows: list[SpecialtyRow]
    counts: dict[str, int]
    cross_level: set[int]  # technique ids above the facility's level


def facility_matrix(*, user, facility: Facility, whole_catalogue: bool = False) -> FacilityMatrix:
    """A facility's techniques by specialty with their status (one query; two for the whole catalogue)."""
    _signed_in(user)
    capabilities = list(
        Capability.objects.filter(facility=facility).select_related("technique__specialty").order_by("technique__code")
    )
    by_technique = {c.technique_id: c for c in capabilities}
    techniques = [c.technique for c in capabilities]
    if whole_catalogue:
        techniques = list(Technique.objects.select_related("specialty").order_by("code"))
    rows: dict[int, SpecialtyRow] = {}
    for technique in techniques:
        row = rows.setdefault(technique.specialty_id, SpecialtyRow(technique.specialty))
        row.cells.append(MatrixCell(technique, by_technique.get(technique.pk)))
    ordered = sorted(rows.values(), key=lambda r: str(r.specialty.label))
    counts = Counter(c.status for c in capabilities)
    return FacilityMatrix(
        facility=facility, rows=ordered, counts={s: counts.get(s, 0) for s in CapabilityStatus.values},
        cross_level={t.pk for t in techniques if t.min_level < facility.level},
    )


@dataclass
class RegionMatrix:
    region: Region
    facilities: list[Facility]
    techniques: list[Technique]
    status: dict[tuple[int, int], str]  # (facility id, technique id) → status


def region_facilities(*, user, region: Region, specialty: str = "") -> QuerySet[Facility]:
    """The visible facilities of a region's subtree with a status in some technique, by name (the matrix pages)."""
    capabilities = Capability.objects.all()
    if specialty:
        capabilities = capabilities.filter(technique__specialty__code=specialty)
    qs = facilities_visible(user=user).filter(in_region_q(region.path), pk__in=capabilities.values("facility_id"))
    return qs.order_by("name", "id")


def region_matrix(*, user, region: Region, facilities: list[Facility], specialty: str = "") -> RegionMatrix:
    """Facilities × techniques for one page of facilities (one query for the cells)."""
    _signed_in(user)
    capabilities = Capability.objects.filter(facility__in=[f.pk for f in facilities]).select_related("technique")
    if specialty:
        capabilities = capabilities.filter(technique__specialty__code=specialty)
    status = {}
    techniques = {}
    for capability in capabilities:
        status[(capability.facility_id, capability.technique_id)] = capability.status
        techniques[capability.technique_id] = capability.technique
    return RegionMatrix(
        region=region, facilities=facilities, status=status,
        techniques=sorted(techniques.values(), key=lambda t: (t.specialty_id, t.code)),
    )


def capability_settable_by(*, user, facility: Facility) -> bool:
    """Whether the user may set planned or training statuses at the facility (coordinators of it)."""
    access = access_for(user)
    return access.is_authenticated and scope.edits_facility(access, facility)


# ---------------------------------------------------------------- plans


def plan_list_for_user(*, user) -> QuerySet[TransferPlan]:
    """The plans the user owns, with how many techniques each has and how many the recipient now does alone."""
    access = access_for(user)
    if not access.is_authenticated or not scope.may_own_plans(access):
        return TransferPlan.objects.none()
    independent = Q(
        items__technique__capabilities__facility=F("recipient"),
        items__technique__capabilities__status=CapabilityStatus.INDEPENDENT,
    )
    return (
        TransferPlan.objects.filter(scope.owned_plans_q(access))
        .select_related("mentor", "recipient", "agreement")
        .annotate(item_count=Count("items", distinct=True), independent_count=Count("items", filter=independent,
                                                                                      distinct=True))
        .order_by("title", "id")
    )


@dataclass
class PhaseProgress:
    number: int
    target_date: date | None
    items: list[PlanItem]
    independent: int
    in_progress: int

    @property
    def percent(self) -> int:
        return self.independent * 100 // len(self.items) if self.items else 0


@dataclass
class PlanView:
    plan: TransferPlan
    phases: list[PhaseProgress]
    status: dict[int, Capability]  # technique id → the recipient's capability


def plan_get_for_user(*, user, pk: int) -> TransferPlan:
    plan = (
        plan_list_for_user(user=user)
        .select_related("mentor__organisation", "recipient__organisation")
        .filter(pk=pk)
        .first()
    )
    if plan is None:
        raise NotFound()
    return plan


def plan_view(*, user, plan: TransferPlan) -> PlanView:
    """A plan's phases with their techniques, mentors, trainees and the recipient's status in each (five queries)."""
    _signed_in(user)
    items = list(
        plan.items.select_related("technique__specialty")
        .prefetch_related(
            Prefetch("mentors", queryset=Practitioner.objects.order_by("name_latin")),
            Prefetch("trainees", queryset=Practitioner.objects.order_by("name_latin")),
        )
        .order_by("phase", "priority", "id")
    )
    status = {
        c.technique_id: c
        for c in Capability.objects.filter(facility_id=plan.recipient_id, technique_id__in=[i.technique_id for i in items])
    }
    targets = dict(plan.phases.values_list("number", "target_date"))
    grouped: dict[int, list[PlanItem]] = defaultdict(list)
    for item in items:
        item.capability = status.get(item.technique_id)
        grouped[item.phase].append(item)
    phases = []
    for number in (1, 2, 3):
        phase_items = grouped.get(number, [])
        done = sum(1 for i in phase_items if _status(status, i) == CapabilityStatus.INDEPENDENT)
        moving = sum(1 for i in phase_items if _status(status, i) in (CapabilityStatus.TRAINING,
                                                                       CapabilityStatus.SUPERVISED))
        phases.append(PhaseProgress(number, targets.get(number), phase_items, done, moving))
    return PlanView(plan=plan, phases=phases, status=status)


def _status(status: dict[int, Capability], item: PlanItem) -> str:
    capability = status.get(item.technique_id)
    return capability.status if capability else ""


def plan_item_get_for_user(*, user, pk: int) -> PlanItem:
    recipient_status = Capability.objects.filter(
        facility_id=OuterRef("plan__recipient_id"), technique_id=OuterRef("technique_id")
    ).values("status")[:1]
    item = (
        PlanItem.objects.filter(plan__in=plan_list_for_user(user=user).values("pk"))
        .select_related("plan__mentor__organisation", "plan__recipient__organisation", "technique")
        .prefetch_related("mentors", "trainees")
        .annotate(recipient_status=Subquery(recipient_status))
        .filter(pk=pk)
        .first()
    )
    if item is None:
        raise NotFound()
    return item


def practitioners_for_plans(*, user) -> QuerySet[Practitioner]:
    access = access_for(user)
    if not access.is_authenticated:
        return Practitioner.objects.none()
    qs = Practitioner.objects.all()
    if not access.is_node_admin:
        qs = qs.filter(organisation__in=access.visible_organisation_ids())
    return qs.order_by("name_latin", "id")


# ---------------------------------------------------------------- centres and studios


def centre_list_for_user(*, user) -> QuerySet[SpecialtyCentre]:
    access = access_for(user)
    if not access.is_authenticated:
        return SpecialtyCentre.objects.none()
    return (
        SpecialtyCentre.objects.filter(scope.visible_facilities_q(access, prefix="facility__"))
        .select_related("facility__organisation", "specialty", "partner")
        .order_by("kind", "name", "id")
    )


def centre_get_for_user(*, user, pk: int) -> SpecialtyCentre:
    centre = centre_list_for_user(user=user).filter(pk=pk).first()
    if centre is None:
        raise NotFound()
    return centre


def studio_list_for_user(*, user) -> QuerySet[Studio]:
    """Studios of visible facilities, with their leads (in order), techniques and trainee counts."""
    access = access_for(user)
    if not access.is_authenticated:
        return Studio.objects.none()
    return (
        Studio.objects.filter(scope.visible_facilities_q(access, prefix="department__facility__"))
        .select_related("department__facility__organisation", "department__specialty", "founder")
        .prefetch_related(
            Prefetch("leads", queryset=StudioLead.objects.select_related("practitioner").order_by("start", "id")),
            Prefetch("techniques", queryset=Technique.objects.order_by("code")),
        )
        .annotate(trainee_count=Count("trainees", distinct=True))
        .order_by("name", "id")
    )


def studio_get_for_user(*, user, pk: int) -> Studio:
    studio = (
        studio_list_for_user(user=user)
        .prefetch_related(Prefetch(
            "trainees", queryset=StudioTrainee.objects.select_related("practitioner").order_by("since", "id")
        ))
        .filter(pk=pk)
        .first()
    )
    if studio is None:
        raise NotFound()
    return studio


def may_edit_facility(*, user, facility: Facility) -> bool:
    access = access_for(user)
    return access.is_authenticated and scope.edits_facility(access, facility)


def editable_facilities(*, user) -> QuerySet[Facility]:
    """Facilities whose organisation the user coordinates (centres and studios are recorded there)."""
    access = access_for(user)
    if not access.is_authenticated:
        return Facility.objects.none()
    if access.is_node_admin:
        return Facility.objects.order_by("name", "id")
    return Facility.objects.filter(access.organisations_q(scope.OWNER_ROLES, prefix="organisation__")).order_by("name", "id")
