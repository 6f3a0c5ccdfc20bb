"""What the registry API reads and writes.

Choices travel as string codes (kind, ownership, title, sex, profession) and
levels as integers; answers carry the translated label beside each code
("kind_label"). Related rows are sent as ids (or codes for specialties and
equipment) and come back as small objects with their names.
"""

from datetime import date
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema
from pydantic import ConfigDict, create_model
from pydantic.fields import FieldInfo

from caravan.core.api_pagination import PageQuery

from . import selectors
from .models import SPOKEN_LANGUAGES, Facility, Practitioner, TechnicalLevel

LANGUAGE_LABELS = dict(SPOKEN_LANGUAGES)

# Literal types put the allowed codes in the OpenAPI document and give a 422 naming the field.
KindCode = Literal[tuple(Facility.Kind.values)]
GradeCode = Literal[tuple(Facility.Grade.values)]
OwnershipCode = Literal[tuple(Facility.Ownership.values)]
SexCode = Literal[tuple(Practitioner.Sex.values)]
TitleCode = Literal[tuple(Practitioner.Title.values)]
ProfessionCode = Literal[tuple(Practitioner.Profession.values)]


class InputSchema(Schema):
    """A request body: an unknown field is an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


def patch_of(schema: type[Schema], name: str) -> type[Schema]:
    """The fields of `schema`, each optional: a PATCH changes only the fields it sends.

    The types stay as they are, so sending null for a field that cannot be empty is a 422.
    """
    fields = {
        field: (info.annotation, FieldInfo.merge_field_infos(info, default=None, default_factory=None))
        for field, info in schema.model_fields.items()
    }
    return create_model(name, __base__=InputSchema, __doc__=f"Any of the fields of {schema.__name__}.", **fields)


# ---------------------------------------------------------------- small shared shapes


class RegionRef(Schema):
    id: int
    code: str
    name: str


class OrganisationRef(Schema):
    id: int
    name: str


class FacilityRef(Schema):
    id: int
    code: str
    name: str


class DepartmentRef(Schema):
    id: int
    name: str


class TechniqueRef(Schema):
    id: int
    code: str
    name: str


class CodeLabel(Schema):
    """A controlled-list entry (specialty, equipment, language): its code and label in the request's language."""

    code: str
    label: str

    @staticmethod
    def resolve_label(obj) -> str:
        return str(obj["label"] if isinstance(obj, dict) else obj.label)


def _languages(codes: list[str]) -> list[dict]:
    return [{"code": code, "label": str(LANGUAGE_LABELS.get(code, code))} for code in codes]


# ---------------------------------------------------------------- regions


class RegionQuery(PageQuery):
    q: str = Field("", description="Part of the name, local name or code.")
    level: int | None = Field(None, description="0 country, 1 province, 2 district, 3 commune.")
    parent: int | None = Field(None, description="Only the direct children of this region.")


class RegionOut(Schema):
    id: int
    code: str
    name: str
    name_local: str
    level: int
    level_label: str
    parent: RegionRef | None
    valid_from: date
    valid_to: date | None
    merged_into: int | None
    meets_commune_criteria: bool | None

    @staticmethod
    def resolve_level_label(obj) -> str:
        return obj.get_level_display()

    @staticmethod
    def resolve_merged_into(obj) -> int | None:
        return obj.merged_into_id


class PopulationOut(Schema):
    year: int
    population: int


class RegionDetailOut(RegionOut):
    merged_into: RegionRef | None  # type: ignore[assignment]
    populations: list[PopulationOut]

    @staticmethod
    def resolve_merged_into(obj):
        return obj.merged_into


class RegionIn(InputSchema):
    code: str = Field(..., min_length=1, max_length=32)
    name: str = Field(..., min_length=1, max_length=200)
    name_local: str = Field("", max_length=200)
    level: int = Field(..., description="0 country, 1 province, 2 district, 3 commune.")
    parent: int | None = Field(None, description="Id of the region above; none for a country.")
    valid_from: date = Field(date(1900, 1, 1), description="The day the region came into being.")
    meets_commune_criteria: bool | None = None


RegionPatch = patch_of(RegionIn, "RegionPatch")


class PopulationIn(InputSchema):
    population: int = Field(..., ge=0)


class MergeIn(InputSchema):
    into: int = Field(..., description="Id of the region that absorbs this one.")
    on: date = Field(..., description="The first day the region counts toward `into`.")


# ---------------------------------------------------------------- facilities


class FacilityQuery(PageQuery):
    q: str = Field("", description="Part of the name, local name or code.")
    region: int | None = Field(None, description="Facilities in this region or any region below it.")
    level: int | None = Field(None, description="Technical level, 1 (central) to 4 (commune).")
    kind: KindCode | None = None
    ownership: OwnershipCode | None = None
    ready_for: str = Field("", description="Specialty code the facility accepts foreign patients in.")
    organisation: int | None = None


class FacilityOut(Schema):
    id: int
    code: str
    name: str
    name_local: str
    kind: str
    kind_label: str
    level: int
    level_label: str
    grade: str
    grade_label: str
    ownership: str
    ownership_label: str
    beds: int
    organisation: OrganisationRef
    region: RegionRef

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_level_label(obj) -> str:
        return obj.get_level_display()

    @staticmethod
    def resolve_grade_label(obj) -> str:
        return obj.get_grade_display()

    @staticmethod
    def resolve_ownership_label(obj) -> str:
        return obj.get_ownership_display()


class DepartmentOut(Schema):
    id: int
    name: str
    name_local: str
    specialty: CodeLabel | None
    beds: int


class EquipmentLineOut(Schema):
    code: str
    label: str
    quantity: int

    @staticmethod
    def resolve_code(obj) -> str:
        return obj["code"] if isinstance(obj, dict) else obj.equipment.code

    @staticmethod
    def resolve_label(obj) -> str:
        return str(obj["label"] if isinstance(obj, dict) else obj.equipment.label)


class FacilityDetailOut(FacilityOut):
    latitude: float | None
    longitude: float | None
    has_emr: bool
    has_his: bool
    has_pacs: bool
    languages: list[CodeLabel]
    departments: list[DepartmentOut]
    equipment: list[EquipmentLineOut]
    foreign_patient_specialties: list[CodeLabel]
    can_edit: bool = Field(..., description="Whether the caller may change this facility.")

    @staticmethod
    def resolve_languages(obj) -> list[dict]:
        return _languages(obj.languages)

    @staticmethod
    def resolve_can_edit(obj, context) -> bool:
        return selectors.facility_editable_by(user=context["request"].auth, facility=obj)


class FacilityIn(InputSchema):
    code: str = Field(..., min_length=1, max_length=32)
    name: str = Field(..., min_length=1, max_length=200)
    name_local: str = Field("", max_length=200)
    kind: KindCode
    level: int = Field(..., description="Technical level, 1 (central) to 4 (commune).")
    grade: GradeCode = "none"
    ownership: OwnershipCode = "public"
    organisation: int = Field(..., description="Id of the organisation that runs the facility.")
    region: int = Field(..., description="Id of the region the facility is in.")
    beds: int = Field(0, ge=0)
    latitude: Decimal | None = Field(None, ge=-90, le=90)
    longitude: Decimal | None = Field(None, ge=-180, le=180)
    has_emr: bool = False
    has_his: bool = False
    has_pacs: bool = False
    languages: list[str] = Field(default_factory=list, description="Language codes, e.g. \"zh\", \"fa\".")
    foreign_patient_specialties: list[str] = Field(default_factory=list, description="Specialty codes.")


FacilityPatch = patch_of(FacilityIn, "FacilityPatch")


class DepartmentIn(InputSchema):
    name: str = Field(..., min_length=1, max_length=200)
    name_local: str = Field("", max_length=200)
    specialty: str | None = Field(None, description="Specialty code.")
    beds: int = Field(0, ge=0)


class EquipmentQuantityIn(InputSchema):
    quantity: int = Field(..., ge=0, description="How many the facility has; 0 removes the line.")


# ---------------------------------------------------------------- practitioners


class PractitionerQuery(PageQuery):
    q: str = Field("", description="Part of the name, in its own script or in Latin letters.")
    specialty: str = Field("", description="Specialty code.")
    title: TitleCode | None = None
    profession: ProfessionCode | None = None
    organisation: int | None = None
    facility: int | None = Field(None, description="Practitioners ever appointed at this facility.")


class PractitionerOut(Schema):
    id: int
    name: str
    name_latin: str
    sex: str
    sex_label: str
    profession: str
    profession_label: str
    title: str
    title_label: str
    organisation: OrganisationRef
    specialties: list[CodeLabel]

    @staticmethod
    def resolve_sex_label(obj) -> str:
        return obj.get_sex_display()

    @staticmethod
    def resolve_profession_label(obj) -> str:
        return obj.get_profession_display()

    @staticmethod
    def resolve_title_label(obj) -> str:
        return obj.get_title_display()


class AppointmentOut(Schema):
    id: int
    facility: FacilityRef
    department: DepartmentRef | None
    position: str
    start: date
    end: date | None


class PractitionerDetailOut(PractitionerOut):
    languages: list[CodeLabel]
    qualifications: str
    appointments: list[AppointmentOut]
    can_edit: bool = Field(..., description="Whether the caller may change this record.")

    @staticmethod
    def resolve_languages(obj) -> list[dict]:
        return _languages(obj.languages)

    @staticmethod
    def resolve_can_edit(obj, context) -> bool:
        return selectors.practitioner_editable_by(user=context["request"].auth, practitioner=obj)


class PractitionerIn(InputSchema):
    name: str = Field(..., min_length=1, max_length=200, description="The name in its own script.")
    name_latin: str = Field(..., min_length=1, max_length=200)
    sex: SexCode
    profession: ProfessionCode = "doctor"
    title: TitleCode
    organisation: int = Field(..., description="Id of the home organisation.")
    languages: list[str] = Field(default_factory=list, description="Language codes, e.g. \"zh\", \"fa\".")
    specialties: list[str] = Field(default_factory=list, description="Specialty codes.")
    qualifications: str = ""


PractitionerPatch = patch_of(PractitionerIn, "PractitionerPatch")


class AppointmentIn(InputSchema):
    facility: int
    department: int | None = Field(None, description="Id of a department of that facility.")
    position: str = Field(..., min_length=1, max_length=200)
    start: date
    end: date | None = None


# ---------------------------------------------------------------- reference lists and techniques


class VocabularyOut(Schema):
    """A specialty or a kind of equipment: code, label in the request's language, stored English name."""

    code: str
    label: str
    name: str

    @staticmethod
    def resolve_label(obj) -> str:
        return str(obj.label)


class TechniqueQuery(PageQuery):
    q: str = Field("", description="Part of the name, local name or code.")
    specialty: str = Field("", description="Specialty code.")
    min_level: int | None = Field(None, description="Technical level, 1 (central) to 4 (commune).")


class TechniqueOut(Schema):
    id: int
    code: str
    name: str
    name_local: str
    specialty: CodeLabel
    min_level: int
    min_level_label: str
    cases_for_independence: int

    @staticmethod
    def resolve_min_level_label(obj) -> str:
        return str(TechnicalLevel(obj.min_level).label)


class TechniqueDetailOut(TechniqueOut):
    prerequisites: list[TechniqueRef]
    equipment_needed: list[CodeLabel]


class TechniqueIn(InputSchema):
    code: str = Field(..., min_length=1, max_length=32)
    name: str = Field(..., min_length=1, max_length=200)
    name_local: str = Field("", max_length=200)
    specialty: str = Field(..., description="Specialty code.")
    min_level: int = Field(..., description="Lowest technical level allowed to perform it, 1 to 4.")
    cases_for_independence: int = Field(10, ge=1)
    prerequisites: list[int] = Field(default_factory=list, description="Ids of techniques mastered first.")
    equipment_needed: list[str] = Field(default_factory=list, description="Equipment codes.")


TechniquePatch = patch_of(TechniqueIn, "TechniquePatch")
