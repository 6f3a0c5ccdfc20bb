"""Technique transfer over HTTP at /api/v1/transfer/: the case log, imports, the ledger, plans, reports, studios.

Endpoints parse their schema, turn codes and ids into rows through selectors
(a referenced row that does not exist or cannot be seen is a 400 naming the
field; the row in the URL is a 404), call one service or selector and answer
with a schema. The services check who may write.
"""

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status, UploadedFile

from caravan.core.api_pagination import PageQuery, page_of, paginate
from caravan.core.errors import NotFound, ValidationFailed
from caravan.registry import selectors as registry_selectors

from . import reports, selectors, services
from .forms import agreements_for
from .models import PHASES
from .schemas import (
    CapabilityDetailOut,
    CapabilityOut,
    CapabilityQuery,
    CaseIn,
    CaseOut,
    CaseQuery,
    CentreIn,
    CentreOut,
    CentrePatch,
    CrossLevelOut,
    CrossLevelQuery,
    ImportOut,
    MatrixOut,
    PeriodOut,
    PeriodQuery,
    PersonIn,
    PlanDetailOut,
    PlanIn,
    PlanItemIn,
    PlanItemOut,
    PlanItemPatch,
    PlanOut,
    PlanPatch,
    StatusIn,
    StudioDetailOut,
    StudioIn,
    StudioOut,
    SustainabilityOut,
    TransferredOut,
    TransferredQuery,
)

router = Router(tags=["transfer"])


# ---------------------------------------------------------------- references


def _unknown(field: str, message) -> ValidationFailed:
    return ValidationFailed.field(field, message, code="unknown_reference")


def _one(queryset, pk, field: str, message):
    row = queryset.filter(pk=pk).first() if pk is not None else None
    if row is None:
        raise _unknown(field, message)
    return row


def _technique(user, code: str, field: str = "technique"):
    technique = selectors.technique_by_code(user=user, code=code)
    if technique is None:
        raise _unknown(field, _("“%(code)s” is not in the technique catalogue.") % {"code": code})
    return technique


def _techniques(user, codes: list[str], field: str) -> list:
    return [_technique(user, code, field) for code in dict.fromkeys(codes)]


def _people(user, ids: list[int], field: str) -> list:
    wanted = list(dict.fromkeys(ids))
    found = {p.pk: p for p in selectors.practitioners_for_plans(user=user).filter(pk__in=wanted)}
    missing = [str(pk) for pk in wanted if pk not in found]
    if missing:
        raise _unknown(field, _("Unknown practitioner: %(ids)s.") % {"ids": ", ".join(missing)})
    return [found[pk] for pk in wanted]


def _visible_facility(user, pk: int, field: str):
    return _one(selectors.facilities_visible(user=user), pk, field, _("Unknown facility."))


def _region(user, pk: int | None):
    if pk is None:
        return None
    return _one(registry_selectors.region_list(user=user), pk, "region", _("Unknown region."))


# ---------------------------------------------------------------- the case log


@router.get("/cases", response=page_of(CaseOut), summary="Cases of the facilities whose staff you are, newest first")
def case_list(request, query: Query[CaseQuery]):
    technique = _technique(request.auth, query.technique) if query.technique else None
    filters = selectors.CaseFilters(facility=query.facility, technique=technique.pk if technique else None,
                                    since=query.since, until=query.until)
    return paginate(selectors.case_list_for_user(user=request.auth, filters=filters), query)


@router.post("/cases", response={201: CaseOut}, summary="Log a case (no patient identity is ever stored)")
def case_log(request, payload: CaseIn):
    user = request.auth
    facility = _one(selectors.facilities_for_logging(user=user), payload.facility, "facility",
                    _("You do not log cases for this facility."))
    visiting = None
    if payload.visiting_practitioner is not None:
        visiting = _people(user, [payload.visiting_practitioner], "visiting_practitioner")[0]
    case = services.case_log(
        by=user, facility=facility, technique=_technique(user, payload.technique),
        performed_on=payload.performed_on, performer=payload.performer, supervision=payload.supervision,
        outcome=payload.outcome, visiting_practitioner=visiting,
    )
    return Status(201, case)


@router.delete("/cases/{case_id}", response={204: None}, summary="Remove a case logged by mistake")
def case_delete(request, case_id: int):
    services.case_delete(by=request.auth, case=selectors.case_get_for_user(user=request.auth, pk=case_id))
    return Status(204, None)


@router.post("/imports", response={201: ImportOut},
             summary="Check a CSV or Excel (.xlsx) file of cases; nothing is imported until you confirm")
def import_preview(request, facility: Form[int], file: File[UploadedFile]):
    user = request.auth
    target = _one(selectors.facilities_for_logging(user=user), facility, "facility",
                  _("You do not log cases for this facility."))
    case_import = services.case_import_preview(by=user, facility=target, file_name=file.name or "", data=file.read())
    return Status(201, selectors.import_get_for_user(user=user, pk=case_import.pk))


@router.get("/imports/{import_id}", response=ImportOut, summary="An import: its row errors and its progress")
def import_detail(request, import_id: int):
    return selectors.import_get_for_user(user=request.auth, pk=import_id)


@router.post("/imports/{import_id}/confirm", response=ImportOut,
             summary="Import the valid rows of a checked file (in the background)")
def import_confirm(request, import_id: int):
    case_import = selectors.import_get_for_user(user=request.auth, pk=import_id)
    services.case_import_confirm(by=request.auth, case_import=case_import)
    return selectors.import_get_for_user(user=request.auth, pk=import_id)


@router.post("/imports/{import_id}/discard", response=ImportOut, summary="Drop a checked file without importing it")
def import_discard(request, import_id: int):
    case_import = selectors.import_get_for_user(user=request.auth, pk=import_id)
    services.case_import_discard(by=request.auth, case_import=case_import)
    return selectors.import_get_for_user(user=request.auth, pk=import_id)


# ---------------------------------------------------------------- the ledger


@router.get("/capabilities", response=page_of(CapabilityOut), summary="The capability ledger of facilities you can see")
def capability_list(request, query: Query[CapabilityQuery]):
    technique = _technique(request.auth, query.technique) if query.technique else None
    filters = selectors.CapabilityFilters(facility=query.facility, technique=technique.pk if technique else None,
                                          status=query.status or "", region=query.region)
    return paginate(selectors.capability_list_for_user(user=request.auth, filters=filters), query)


@router.get("/capabilities/{capability_id}", response=CapabilityDetailOut,
            summary="One capability with its dated changes and their evidence")
def capability_detail(request, capability_id: int):
    return selectors.capability_get_for_user(user=request.auth, pk=capability_id)


@router.post("/capabilities", response=CapabilityOut, summary="Set planned or training by hand (coordinators)")
def capability_set(request, payload: StatusIn):
    user = request.auth
    facility = _visible_facility(user, payload.facility, "facility")
    capability = services.capability_set_status(
        by=user, facility=facility, technique=_technique(user, payload.technique), status=payload.status,
        on=payload.on, note=payload.note,
    )
    return selectors.capability_get_for_user(user=user, pk=capability.pk)


@router.get("/facilities/{facility_id}/matrix", response=MatrixOut,
            summary="A facility's techniques by specialty with their status")
def facility_matrix(request, facility_id: int, whole_catalogue: bool = False):
    facility = selectors.facility_visible(user=request.auth, pk=facility_id)
    matrix = selectors.facility_matrix(user=request.auth, facility=facility, whole_catalogue=whole_catalogue)
    return {
        "facility": facility, "counts": matrix.counts,
        "specialties": [
            {"specialty": row.specialty.code, "label": str(row.specialty.label), "techniques": [
                {"code": c.technique.code, "name": c.technique.name, "status": c.status,
                 "cross_level": c.technique.pk in matrix.cross_level,
                 "capability": c.capability.pk if c.capability else None}
                for c in row.cells
            ]}
            for row in matrix.rows
        ],
    }


# ---------------------------------------------------------------- plans


def _plan_data(user, payload, *, creating: bool) -> dict:
    data = payload.model_dump(exclude_unset=not creating)
    if creating:
        data["mentor"] = _visible_facility(user, data["mentor"], "mentor")
        data["recipient"] = _visible_facility(user, data["recipient"], "recipient")
    if data.get("agreement") is not None:
        data["agreement"] = _one(agreements_for(user), data["agreement"], "agreement", _("Unknown agreement."))
    targets = {n: data.pop(f"phase_{n}_target") for n in PHASES if f"phase_{n}_target" in data}
    if targets:
        data["targets"] = targets
    return data


def _plan_detail(user, plan) -> dict:
    view = selectors.plan_view(user=user, plan=plan)
    return {
        "id": plan.pk, "title": plan.title, "mentor": plan.mentor, "recipient": plan.recipient,
        "agreement_id": plan.agreement_id, "notes": plan.notes,
        "phases": [
            {"number": p.number, "target_date": p.target_date, "independent": p.independent,
             "in_progress": p.in_progress, "percent": p.percent, "items": p.items}
            for p in view.phases
        ],
    }


@router.get("/plans", response=page_of(PlanOut), summary="The plans you own (mentor or recipient side)")
def plan_list(request, query: Query[PageQuery]):
    return paginate(selectors.plan_list_for_user(user=request.auth), query)


@router.post("/plans", response={201: PlanDetailOut}, summary="Start a plan with three phases")
def plan_create(request, payload: PlanIn):
    plan = services.plan_create(by=request.auth, data=_plan_data(request.auth, payload, creating=True))
    return Status(201, _plan_detail(request.auth, selectors.plan_get_for_user(user=request.auth, pk=plan.pk)))


@router.get("/plans/{plan_id}", response=PlanDetailOut, summary="A plan's phases, techniques and progress")
def plan_detail(request, plan_id: int):
    return _plan_detail(request.auth, selectors.plan_get_for_user(user=request.auth, pk=plan_id))


@router.patch("/plans/{plan_id}", response=PlanDetailOut, summary="Change a plan's title, notes, agreement or targets")
def plan_update(request, plan_id: int, payload: PlanPatch):
    plan = selectors.plan_get_for_user(user=request.auth, pk=plan_id)
    services.plan_update(by=request.auth, plan=plan, data=_plan_data(request.auth, payload, creating=False))
    return _plan_detail(request.auth, selectors.plan_get_for_user(user=request.auth, pk=plan_id))


@router.post("/plans/{plan_id}/items", response={201: PlanItemOut},
             summary="Schedule a technique (refused, naming what is missing, before its prerequisites)")
def item_add(request, plan_id: int, payload: PlanItemIn):
    user = request.auth
    plan = selectors.plan_get_for_user(user=user, pk=plan_id)
    item = services.plan_item_add(
        by=user, plan=plan, technique=_technique(user, payload.technique), phase=payload.phase,
        priority=payload.priority, mentors=_people(user, payload.mentors, "mentors"),
        trainees=_people(user, payload.trainees, "trainees"), note=payload.note,
    )
    return Status(201, selectors.plan_item_get_for_user(user=user, pk=item.pk))


@router.patch("/items/{item_id}", response=PlanItemOut, summary="Move a technique to another phase, or change it")
def item_update(request, item_id: int, payload: PlanItemPatch):
    user = request.auth
    item = selectors.plan_item_get_for_user(user=user, pk=item_id)
    data = payload.model_dump(exclude_unset=True)
    for field in ("mentors", "trainees"):
        if field in data:
            data[field] = _people(user, data[field] or [], field)
    services.plan_item_update(by=user, item=item, data=data)
    return selectors.plan_item_get_for_user(user=user, pk=item_id)


@router.delete("/items/{item_id}", response={204: None}, summary="Take a technique out of a plan")
def item_remove(request, item_id: int):
    services.plan_item_remove(by=request.auth, item=selectors.plan_item_get_for_user(user=request.auth, pk=item_id))
    return Status(204, None)


# ---------------------------------------------------------------- reports


@router.get("/reports/cross-level", response=CrossLevelOut,
            summary="New cross-level techniques since a baseline year, by level, year, facility, region and specialty")
def report_cross_level(request, query: Query[CrossLevelQuery]):
    user = request.auth
    filters = reports.CrossLevelFilters(region=_region(user, query.region), baseline_year=query.baseline,
                                        specialty=query.specialty, level=query.level)
    report = reports.cross_level_report(user=user, filters=filters)
    return {
        "baseline": date(query.baseline, 1, 1), "total": report.total, "cases_performed": report.cases,
        "by_level": [{"level": lv, "label": str(label), "techniques_added": added, "cases_performed": cases}
                     for lv, label, added, cases in report.by_level],
        "by_year": {str(year): {str(lv): n for lv, n in per.items()} for year, per in report.by_year},
        "by_facility": [{"id": r["facility_id"], "name": r["facility__name"], "count": r["n"]} for r in report.by_facility],
        "by_region": [{"id": region.pk, "name": region.name, "count": n} for region, n in report.by_region],
        "by_specialty": [{"name": str(label), "count": n} for label, n in report.by_specialty],
    }


@router.get("/reports/cases", response=list[PeriodOut], summary="Cases performed per month, quarter or year")
def report_cases(request, query: Query[PeriodQuery]):
    user = request.auth
    technique = _technique(user, query.technique) if query.technique else None
    filters = reports.PeriodFilters(
        region=_region(user, query.region), facility=query.facility, specialty=query.specialty,
        technique=technique.pk if technique else None, since=query.since, until=query.until,
        granularity=query.granularity, cross_level_only=query.cross_level_only,
    )
    return [{"period": r["label"], "cases": r["total"], "local": r["local"], "visiting": r["visiting"],
             "complications": r["complications"]} for r in reports.cases_by_period(user=user, filters=filters)]


@router.get("/reports/transferred", response=TransferredOut, summary="Techniques transferred per plan and per agreement")
def report_transferred(request, query: Query[TransferredQuery]):
    filters = reports.TransferredFilters(start=query.start, end=query.end)
    return {
        "per_plan": [
            {"plan": r["plan_id"], "title": r["plan__title"], "mentor": r["plan__mentor__name"],
             "recipient": r["plan__recipient__name"], "agreement": r["plan__agreement__code"],
             "techniques": r["items"], "transferred": r["transferred"]}
            for r in reports.transferred_per_plan(user=request.auth, filters=filters)
        ],
        "per_agreement": [
            {"agreement": r["plan__agreement_id"], "code": r["plan__agreement__code"],
             "title": r["plan__agreement__title"], "plans": r["plans"], "techniques": r["items"],
             "transferred": r["transferred"]}
            for r in reports.transferred_per_agreement(user=request.auth, filters=filters)
        ],
    }


@router.get("/reports/sustainability", response=SustainabilityOut,
            summary="Services a programme's teams started, still performed 6 and 12 months after the experts left")
def report_sustainability(request, programme: int):
    network = reports.programmes_for_user(user=request.auth).filter(pk=programme).first()
    if network is None:
        raise NotFound()
    report = reports.sustainability_report(user=request.auth, network=network, as_of=timezone.localdate())
    return {
        "programme": network.name, "as_of": report.as_of,
        "index": [{"months": i.months, "sustained": i.sustained, "eligible": i.eligible, "share": i.share}
                  for i in report.index],
        "services": [
            {"capability": r.standing.service.capability_id, "facility": r.facility, "technique": r.technique_code,
             "independent_since": r.standing.service.independent_on, "last_expert_left": r.standing.departed_on,
             "last_case": r.standing.service.last_case_on,
             "performed": {str(m): v for m, v in r.standing.performed.items()}, "status": r.status}
            for r in report.rows
        ],
    }


# ---------------------------------------------------------------- centres and studios


def _centre_data(user, payload, *, creating: bool) -> dict:
    data = payload.model_dump(exclude_unset=not creating)
    if "facility" in data:
        data["facility"] = _visible_facility(user, data["facility"], "facility")
    if data.get("specialty"):
        data["specialty"] = _specialty(user, data["specialty"])
    if data.get("partner") is not None:
        data["partner"] = _one(registry_selectors.organisations_visible_to(user=user), data["partner"], "partner",
                               _("Unknown organisation."))
    return data


def _specialty(user, code: str):
    specialty = registry_selectors.specialty_list(user=user).filter(code=code).first()
    if specialty is None:
        raise _unknown("specialty", _("Unknown specialty: %(codes)s.") % {"codes": code})
    return specialty


@router.get("/centres", response=page_of(CentreOut), summary="Specialty hospitals and centres built through a programme")
def centre_list(request, query: Query[PageQuery]):
    return paginate(selectors.centre_list_for_user(user=request.auth), query)


@router.post("/centres", response={201: CentreOut}, summary="Record a specialty centre (coordinators of its facility)")
def centre_create(request, payload: CentreIn):
    centre = services.centre_create(by=request.auth, data=_centre_data(request.auth, payload, creating=True))
    return Status(201, selectors.centre_get_for_user(user=request.auth, pk=centre.pk))


@router.patch("/centres/{centre_id}", response=CentreOut, summary="Change a centre (people served, ...)")
def centre_update(request, centre_id: int, payload: CentrePatch):
    centre = selectors.centre_get_for_user(user=request.auth, pk=centre_id)
    services.centre_update(by=request.auth, centre=centre, data=_centre_data(request.auth, payload, creating=False))
    return selectors.centre_get_for_user(user=request.auth, pk=centre_id)


@router.get("/studios", response=page_of(StudioOut), summary="Mentoring studios with their leads and techniques")
def studio_list(request, query: Query[PageQuery]):
    return paginate(selectors.studio_list_for_user(user=request.auth), query)


@router.get("/studios/{studio_id}", response=StudioDetailOut, summary="A studio with its leads and trainees")
def studio_detail(request, studio_id: int):
    return selectors.studio_get_for_user(user=request.auth, pk=studio_id)


@router.post("/studios", response={201: StudioDetailOut}, summary="Record a studio (its founder is its first lead)")
def studio_create(request, payload: StudioIn):
    from caravan.registry.models import Department

    user = request.auth
    departments = Department.objects.filter(facility__in=selectors.facilities_visible(user=user))
    data = payload.model_dump()
    data["department"] = _one(departments.select_related("facility__organisation"), payload.department, "department",
                              _("Unknown department."))
    data["founder"] = _people(user, [payload.founder], "founder")[0]
    data["techniques"] = _techniques(user, payload.techniques, "techniques")
    studio = services.studio_create(by=user, data=data)
    return Status(201, selectors.studio_get_for_user(user=user, pk=studio.pk))


@router.post("/studios/{studio_id}/leads", response={201: StudioDetailOut},
             summary="Hand a studio to its next lead from a day")
def studio_lead(request, studio_id: int, payload: PersonIn):
    user = request.auth
    studio = selectors.studio_get_for_user(user=user, pk=studio_id)
    services.studio_lead_succeed(by=user, studio=studio, practitioner=_people(user, [payload.practitioner],
                                                                             "practitioner")[0], start=payload.start)
    return Status(201, selectors.studio_get_for_user(user=user, pk=studio_id))


@router.post("/studios/{studio_id}/trainees", response={201: StudioDetailOut},
             summary="Record a practitioner the studio formed")
def studio_trainee(request, studio_id: int, payload: PersonIn):
    user = request.auth
    studio = selectors.studio_get_for_user(user=user, pk=studio_id)
    services.studio_trainee_add(by=user, studio=studio, practitioner=_people(user, [payload.practitioner],
                                                                            "practitioner")[0],
                                since=payload.start, note=payload.note)
    return Status(201, selectors.studio_get_for_user(user=user, pk=studio_id))
