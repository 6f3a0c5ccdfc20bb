"""Plain descriptions of demo records, kept apart from the code that loads them.

Every record names the others by code (a region code, an organisation code, a
facility code), so the programme modules read like the articles they come from
and the loader can look each row up by its natural key when it runs again.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class RegionSpec:
    code: str
    name: str
    level: int  # caravan.registry.models.Region.Level
    parent: str | None = None
    name_local: str = ""
    meets_commune_criteria: bool | None = None
    populations: dict[int, int] = field(default_factory=dict)


@dataclass(frozen=True)
class OrgSpec:
    code: str
    name: str
    kind: str  # caravan.core.models.Organisation.Kind
    parent: str | None = None
    name_local: str = ""
    country: str | None = None  # region code of a country


@dataclass(frozen=True)
class DepartmentSpec:
    name: str
    name_local: str = ""
    specialty: str | None = None
    beds: int = 0


@dataclass(frozen=True)
class FacilitySpec:
    code: str
    name: str
    name_local: str
    kind: str  # Facility.Kind
    level: int  # TechnicalLevel
    organisation: str
    region: str
    grade: str = "none"
    ownership: str = "public"
    beds: int = 0
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    has_emr: bool = False
    has_his: bool = False
    has_pacs: bool = False
    languages: tuple[str, ...] = ()
    ready_for: tuple[str, ...] = ()  # specialty codes: ready to admit foreign patients in
    equipment: tuple[tuple[str, int], ...] = ()  # (equipment code, quantity)
    departments: tuple[DepartmentSpec, ...] = ()


@dataclass(frozen=True)
class AppointmentSpec:
    facility: str
    position: str
    start: date
    end: date | None = None
    department: str | None = None  # department name at that facility


@dataclass(frozen=True)
class PersonSpec:
    """A practitioner; `name` in their own script, `name_latin` in Latin letters.

    (organisation, name_latin) is the natural key: the programme modules keep
    it unique so a second run finds the same person.
    """

    name: str
    name_latin: str
    sex: str
    title: str
    organisation: str
    profession: str = "doctor"
    languages: tuple[str, ...] = ()
    specialties: tuple[str, ...] = ()
    qualifications: str = ""
    appointments: tuple[AppointmentSpec, ...] = ()


@dataclass(frozen=True)
class TechniqueSpec:
    code: str
    name: str
    name_local: str
    specialty: str
    min_level: int
    cases_for_independence: int
    prerequisites: tuple[str, ...] = ()  # technique codes, listed earlier
    equipment: tuple[str, ...] = ()  # equipment codes


@dataclass(frozen=True)
class UserSpec:
    """One demo login: a role held in one or more organisations of the network."""

    username: str
    role: str
    organisations: tuple[str, ...]
    display_name: str
    language: str
    time_zone: str


@dataclass(frozen=True)
class Programme:
    """One of the five programmes of DOMAIN.md: a network and everything in it."""

    key: str
    network_code: str
    network_name: str
    network_description: str
    regions: tuple[RegionSpec, ...]
    organisations: tuple[OrgSpec, ...]
    facilities: tuple[FacilitySpec, ...]
    people: tuple[PersonSpec, ...]
    users: tuple[UserSpec, ...]
    techniques: tuple[TechniqueSpec, ...] = ()
    # Written in bulk (the thousand Lao Cai doctors): built on demand, same shape as `people`.
    bulk_people: Callable[[], list[PersonSpec]] | None = None
