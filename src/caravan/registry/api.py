"""The registry over HTTP: regions, facilities, practitioners, techniques and the controlled lists.

Every endpoint parses its schema, turns the ids and codes it references into
rows through the selectors, calls one service or selector and answers with a
schema. A referenced row that does not exist or that the caller may not see is
a 400 naming the field; the row in the URL is a 404 in both cases. The services
check who may write.
"""

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from caravan.core.api_pagination import PageQuery, page_of, paginate
from caravan.core.errors import NotFound, ValidationFailed

from . import selectors, services
from .schemas import (
    AppointmentIn,
    AppointmentOut,
    DepartmentIn,
    DepartmentOut,
    EquipmentLineOut,
    EquipmentQuantityIn,
    FacilityDetailOut,
    FacilityIn,
    FacilityOut,
    FacilityPatch,
    FacilityQuery,
    MergeIn,
    PopulationIn,
    PopulationOut,
    PractitionerDetailOut,
    PractitionerIn,
    PractitionerOut,
    PractitionerPatch,
    PractitionerQuery,
    RegionDetailOut,
    RegionIn,
    RegionOut,
    RegionPatch,
    RegionQuery,
    TechniqueDetailOut,
    TechniqueIn,
    TechniqueOut,
    TechniquePatch,
    TechniqueQuery,
    VocabularyOut,
)

router = Router(tags=["registry"])


# ---------------------------------------------------------------- references in request bodies


def _unknown(field: str, message: str) -> ValidationFailed:
    return ValidationFailed.field(field, message, code="unknown_reference")


def _one(queryset, pk: int, field: str, message: str):
    row = queryset.filter(pk=pk).first()
    if row is None:
        raise _unknown(field, message)
    return row


def _by_codes(queryset, codes: list[str], field: str, message: str) -> list:
    """The rows for `codes`, in the order given; any unknown code is named in the error."""
    found = {row.code: row for row in queryset.filter(code__in=codes)}
    unknown = sorted(set(codes) - found.keys())
    if unknown:
        raise _unknown(field, message % {"codes": ", ".join(unknown)})
    return [found[code] for code in dict.fromkeys(codes)]


def _region(user, pk: int, field: str):
    return _one(selectors.region_list(user=user), pk, field, _("Unknown region."))


def _organisation(user, pk: int):
    return _one(selectors.organisations_visible_to(user=user), pk, "organisation", _("Unknown organisation."))


def _specialty(user, code: str, field: str):
    return _by_codes(selectors.specialty_list(user=user), [code], field, _("Unknown specialty: %(codes)s."))[0]


def _specialties(user, codes: list[str], field: str) -> list:
    return _by_codes(selectors.specialty_list(user=user), codes, field, _("Unknown specialty: %(codes)s."))


def _equipment(user, codes: list[str], field: str) -> list:
    return _by_codes(selectors.equipment_list(user=user), codes, field, _("Unknown equipment: %(codes)s."))


def _region_data(user, payload) -> dict:
    data = payload.model_dump(exclude_unset=True)
    if data.get("parent") is not None:
        data["parent"] = _region(user, data["parent"], "parent")
    return data


def _facility_data(user, payload) -> dict:
    data = payload.model_dump(exclude_unset=True)
    if "organisation" in data:
        data["organisation"] = _organisation(user, data["organisation"])
    if "region" in data:
        data["region"] = _region(user, data["region"], "region")
    if "foreign_patient_specialties" in data:
        data["foreign_patient_specialties"] = _specialties(
            user, data["foreign_patient_specialties"], "foreign_patient_specialties"
        )
    return data


def _practitioner_data(user, payload) -> dict:
    data = payload.model_dump(exclude_unset=True)
    if "organisation" in data:
        data["organisation"] = _organisation(user, data["organisation"])
    if "specialties" in data:
        data["specialties"] = _specialties(user, data["specialties"], "specialties")
    return data


def _technique_data(user, payload) -> dict:
    data = payload.model_dump(exclude_unset=True)
    if "specialty" in data:
        data["specialty"] = _specialty(user, data["specialty"], "specialty")
    if "prerequisites" in data:
        wanted = list(dict.fromkeys(data["prerequisites"]))
        found = {t.pk: t for t in selectors.technique_list(user=user).filter(pk__in=wanted)}
        missing = [str(pk) for pk in wanted if pk not in found]
        if missing:
            raise _unknown("prerequisites", _("Unknown technique: %(ids)s.") % {"ids": ", ".join(missing)})
        data["prerequisites"] = [found[pk] for pk in wanted]
    if "equipment_needed" in data:
        data["equipment_needed"] = _equipment(user, data["equipment_needed"], "equipment_needed")
    return data


# ---------------------------------------------------------------- regions


@router.get("/regions", response=page_of(RegionOut), summary="Regions, by level and name")
def region_list(request, query: Query[RegionQuery]):
    regions = selectors.region_list(user=request.auth, q=query.q, level=query.level, parent=query.parent)
    return paginate(regions, query)


@router.get("/regions/{region_id}", response=RegionDetailOut, summary="One region with its populations")
def region_detail(request, region_id: int):
    return selectors.region_get(user=request.auth, pk=region_id)


@router.post("/regions", response={201: RegionDetailOut}, summary="Add a region (administrators)")
def region_create(request, payload: RegionIn):
    region = services.region_create(by=request.auth, data=_region_data(request.auth, payload))
    return Status(201, selectors.region_get(user=request.auth, pk=region.pk))


@router.patch("/regions/{region_id}", response=RegionDetailOut, summary="Change a region; a new parent moves its subtree")
def region_update(request, region_id: int, payload: RegionPatch):
    region = selectors.region_get(user=request.auth, pk=region_id)
    services.region_update(by=request.auth, region=region, data=_region_data(request.auth, payload))
    return selectors.region_get(user=request.auth, pk=region_id)


@router.put("/regions/{region_id}/populations/{year}", response=PopulationOut,
            summary="Record or correct a region's population for a year")
def region_population_set(request, region_id: int, year: int, payload: PopulationIn):
    region = selectors.region_get(user=request.auth, pk=region_id)
    return services.region_population_set(by=request.auth, region=region, year=year, population=payload.population)


@router.post("/regions/{region_id}/merge", response=RegionDetailOut,
             summary="Merge a region into another of the same level from a given day")
def region_merge(request, region_id: int, payload: MergeIn):
    region = selectors.region_get(user=request.auth, pk=region_id)
    into = _region(request.auth, payload.into, "into")
    services.region_merge(by=request.auth, region=region, into=into, on=payload.on)
    return selectors.region_get(user=request.auth, pk=region_id)


# ---------------------------------------------------------------- facilities


@router.get("/facilities", response=page_of(FacilityOut), summary="Facilities you can see, by name")
def facility_list(request, query: Query[FacilityQuery]):
    filters = selectors.FacilityFilters(
        q=query.q, region=query.region, level=query.level, kind=query.kind or "",
        ownership=query.ownership or "", ready_for=query.ready_for, organisation=query.organisation,
    )
    return paginate(selectors.facility_list_for_user(user=request.auth, filters=filters), query)


@router.get("/facilities/{facility_id}", response=FacilityDetailOut,
            summary="One facility with departments, equipment, languages and readiness")
def facility_detail(request, facility_id: int):
    return selectors.facility_get_for_user(user=request.auth, pk=facility_id)


@router.post("/facilities", response={201: FacilityDetailOut}, summary="Add a facility to an organisation you edit")
def facility_create(request, payload: FacilityIn):
    facility = services.facility_create(by=request.auth, data=_facility_data(request.auth, payload))
    return Status(201, selectors.facility_get_for_user(user=request.auth, pk=facility.pk))


@router.patch("/facilities/{facility_id}", response=FacilityDetailOut, summary="Change a facility")
def facility_update(request, facility_id: int, payload: FacilityPatch):
    facility = selectors.facility_get_for_user(user=request.auth, pk=facility_id)
    services.facility_update(by=request.auth, facility=facility, data=_facility_data(request.auth, payload))
    return selectors.facility_get_for_user(user=request.auth, pk=facility_id)


@router.post("/facilities/{facility_id}/departments", response={201: DepartmentOut},
             summary="Add a department to a facility")
def department_create(request, facility_id: int, payload: DepartmentIn):
    facility = selectors.facility_get_for_user(user=request.auth, pk=facility_id)
    data = payload.model_dump(exclude_unset=True)
    if data.get("specialty") is not None:
        data["specialty"] = _specialty(request.auth, data["specialty"], "specialty")
    return Status(201, services.department_create(by=request.auth, facility=facility, data=data))


@router.put("/facilities/{facility_id}/equipment/{equipment_code}", response=EquipmentLineOut,
            summary="Set how many of a kind of equipment a facility has (0 removes it)")
def facility_equipment_set(request, facility_id: int, equipment_code: str, payload: EquipmentQuantityIn):
    facility = selectors.facility_get_for_user(user=request.auth, pk=facility_id)
    equipment = _equipment(request.auth, [equipment_code], "equipment_code")[0]
    services.facility_equipment_set(by=request.auth, facility=facility, equipment=equipment, quantity=payload.quantity)
    return {"code": equipment.code, "label": equipment.label, "quantity": payload.quantity}


# ---------------------------------------------------------------- practitioners


@router.get("/practitioners", response=page_of(PractitionerOut), summary="Practitioners you can see, by Latin name")
def practitioner_list(request, query: Query[PractitionerQuery]):
    filters = selectors.PractitionerFilters(
        q=query.q, specialty=query.specialty, title=query.title or "", profession=query.profession or "",
        organisation=query.organisation, facility=query.facility,
    )
    practitioners = selectors.practitioner_list_for_user(user=request.auth, filters=filters).prefetch_related(
        Prefetch("specialties", queryset=selectors.specialty_list(user=request.auth))
    )
    return paginate(practitioners, query)


@router.get("/practitioners/{practitioner_id}", response=PractitionerDetailOut,
            summary="One practitioner with specialties and appointments")
def practitioner_detail(request, practitioner_id: int):
    return selectors.practitioner_get_for_user(user=request.auth, pk=practitioner_id)


@router.post("/practitioners", response={201: PractitionerDetailOut},
             summary="Register a practitioner with an organisation you edit")
def practitioner_create(request, payload: PractitionerIn):
    practitioner = services.practitioner_create(by=request.auth, data=_practitioner_data(request.auth, payload))
    return Status(201, selectors.practitioner_get_for_user(user=request.auth, pk=practitioner.pk))


@router.patch("/practitioners/{practitioner_id}", response=PractitionerDetailOut, summary="Change a practitioner")
def practitioner_update(request, practitioner_id: int, payload: PractitionerPatch):
    practitioner = selectors.practitioner_get_for_user(user=request.auth, pk=practitioner_id)
    services.practitioner_update(
        by=request.auth, practitioner=practitioner, data=_practitioner_data(request.auth, payload)
    )
    return selectors.practitioner_get_for_user(user=request.auth, pk=practitioner_id)


@router.post("/practitioners/{practitioner_id}/appointments", response={201: AppointmentOut},
             summary="Appoint a practitioner at a facility")
def appointment_create(request, practitioner_id: int, payload: AppointmentIn):
    practitioner = selectors.practitioner_get_for_user(user=request.auth, pk=practitioner_id)
    facility = _one(selectors.facility_list_for_user(user=request.auth), payload.facility, "facility",
                    _("Unknown facility."))
    department = None
    if payload.department is not None:
        try:
            department = selectors.department_get_for_user(user=request.auth, pk=payload.department)
        except NotFound:
            raise _unknown("department", _("Unknown department.")) from None
    data = {"department": department, "position": payload.position, "start": payload.start, "end": payload.end}
    appointment = services.appointment_create(by=request.auth, practitioner=practitioner, facility=facility, data=data)
    return Status(201, appointment)


# ---------------------------------------------------------------- reference lists and techniques


@router.get("/specialties", response=page_of(VocabularyOut), summary="The specialties of the controlled list")
def specialty_list(request, query: Query[PageQuery]):
    return paginate(selectors.specialty_list(user=request.auth), query)


@router.get("/equipment", response=page_of(VocabularyOut), summary="The kinds of equipment of the controlled list")
def equipment_list(request, query: Query[PageQuery]):
    return paginate(selectors.equipment_list(user=request.auth), query)


@router.get("/techniques", response=page_of(TechniqueOut), summary="Techniques of the national list, by code")
def technique_list(request, query: Query[TechniqueQuery]):
    techniques = selectors.technique_list(
        user=request.auth, q=query.q, specialty=query.specialty, min_level=query.min_level
    )
    return paginate(techniques, query)


@router.get("/techniques/{technique_id}", response=TechniqueDetailOut,
            summary="One technique with its prerequisites and equipment")
def technique_detail(request, technique_id: int):
    return selectors.technique_get(user=request.auth, pk=technique_id)


@router.post("/techniques", response={201: TechniqueDetailOut}, summary="Add a technique (administrators)")
def technique_create(request, payload: TechniqueIn):
    technique = services.technique_create(by=request.auth, data=_technique_data(request.auth, payload))
    return Status(201, selectors.technique_get(user=request.auth, pk=technique.pk))


@router.patch("/techniques/{technique_id}", response=TechniqueDetailOut, summary="Change a technique")
def technique_update(request, technique_id: int, payload: TechniquePatch):
    technique = selectors.technique_get(user=request.auth, pk=technique_id)
    services.technique_update(by=request.auth, technique=technique, data=_technique_data(request.auth, payload))
    return selectors.technique_get(user=request.auth, pk=technique_id)
