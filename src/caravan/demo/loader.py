"""Load (or refresh) the demo network through the registry's own services.

Every row is looked up by its natural key first (a code, or organisation +
Latin name for a person) and written only when it is missing or differs from
the programme module, so a second run changes nothing and writes no audit
event. The whole load is one transaction: it lands completely or not at all.
"""

import time
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models, transaction

from caravan.core import audit
from caravan.core import services as core_services
from caravan.core.models import AuditEvent, Membership, Network, Organisation, Profile
from caravan.registry import services as registry
from caravan.registry.models import (
    Appointment,
    Department,
    Equipment,
    Facility,
    FacilityEquipment,
    Practitioner,
    Region,
    RegionPopulation,
    Specialty,
    Technique,
)
from caravan.registry.vocab import seed_vocabularies

from . import bulk
from .accounts import DEMO_PASSWORD, NODE_ADMIN
from .programmes import PROGRAMMES, SHARED_REGIONS
from .spec import FacilitySpec, OrgSpec, PersonSpec, Programme, RegionSpec, TechniqueSpec, UserSpec

User = get_user_model()

# Modules built on the registry add their demo data after it, in this order. Each
# `<module>.demo.load(*, by, result)` is idempotent like the rest of the loader.
MODULE_DEMOS = [
    "caravan.partnerships", "caravan.training", "caravan.transfer",
    "caravan.deployments", "caravan.teleconsult", "caravan.referrals", "caravan.indicators",
]


class DemoError(Exception):
    """The database holds something the demo cannot work with; nothing was written."""


@dataclass
class LoadResult:
    seconds: float = 0.0
    audit_events: int = 0
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)


def _differs(instance: models.Model, data: dict) -> bool:
    """Whether any of `data` differs from the instance (foreign keys compared by id)."""
    for key, want in data.items():
        model_field = instance._meta.get_field(key)
        if isinstance(model_field, models.ForeignKey):
            if getattr(instance, model_field.attname) != (want.pk if want is not None else None):
                return True
        elif isinstance(want, list | tuple):
            if list(getattr(instance, key) or []) != list(want):
                return True
        elif getattr(instance, key) != want:
            return True
    return False


def _coordinate(value: Decimal | None) -> Decimal | None:
    """At the column's scale, so 22.4856 and the stored 22.485600 compare (and audit) as equal."""
    return None if value is None else value.quantize(Decimal("0.000001"))


class Loader:
    """Holds what exists already (a handful of queries) and brings it in line with the programmes."""

    def __init__(self, *, by):
        self.by = by
        self.result = LoadResult()
        self.regions = {r.code: r for r in Region.objects.all()}
        self.populations = {(p.region_id, p.year): p.population for p in RegionPopulation.objects.all()}
        self.orgs = {o.code: o for o in Organisation.objects.all()}
        self.org_networks: dict[int, set[int]] = {}
        for org_id, network_id in Organisation.networks.through.objects.values_list("organisation_id", "network_id"):
            self.org_networks.setdefault(org_id, set()).add(network_id)
        self.specialties = {s.code: s for s in Specialty.objects.all()}
        self.equipment = {e.code: e for e in Equipment.objects.all()}
        self.facilities = {f.code: f for f in Facility.objects.prefetch_related("foreign_patient_specialties")}
        self.facility_equipment = {
            (row.facility_id, row.equipment_id): row.quantity for row in FacilityEquipment.objects.all()
        }
        self.departments = {(d.facility_id, d.name): d for d in Department.objects.all()}
        self.people = {
            (p.organisation_id, p.name_latin): p for p in Practitioner.objects.prefetch_related("specialties")
        }
        self.appointments = {(a.practitioner_id, a.facility_id, a.start): a for a in Appointment.objects.all()}
        self.techniques = {
            t.code: t for t in Technique.objects.prefetch_related("prerequisites", "equipment_needed")
        }
        self.memberships = set(Membership.objects.values_list("user_id", "organisation_id", "role"))

    def _count(self, created: bool, kind: str) -> None:
        (self.result.created if created else self.result.updated)[kind] += 1

    # ------------------------------------------------------------ networks and organisations

    def network(self, programme: Programme) -> Network:
        wanted = {"name": programme.network_name, "description": programme.network_description}
        network = Network.objects.filter(code=programme.network_code).first()
        if network is None:
            network = Network.objects.create(code=programme.network_code, **wanted)
            audit.record(actor=self.by, action=audit.Action.CREATE, obj=network,
                         changes=audit.diff({}, audit.snapshot(network, ["code", "name", "description"])))
            self._count(True, "network")
        elif _differs(network, wanted):
            before = audit.snapshot(network, list(wanted))
            Network.objects.filter(pk=network.pk).update(**wanted)
            network.refresh_from_db()
            audit.record(actor=self.by, action=audit.Action.UPDATE, obj=network,
                         changes=audit.diff(before, audit.snapshot(network, list(wanted))))
            self._count(False, "network")
        return network

    def organisation(self, spec: OrgSpec, network: Network) -> Organisation:
        data = {
            "name": spec.name, "name_local": spec.name_local, "kind": spec.kind,
            "parent": self.orgs[spec.parent] if spec.parent else None,
            "country": self.regions[spec.country] if spec.country else None,
        }
        org = self.orgs.get(spec.code)
        if org is None or _differs(org, data) or network.pk not in self.org_networks.get(org.pk, set()):
            self._count(org is None, "organisation")
            org = core_services.organisation_upsert(by=self.by, code=spec.code, networks=[network], **data)
            self.orgs[spec.code] = org
            self.org_networks.setdefault(org.pk, set()).add(network.pk)
        return org

    # ------------------------------------------------------------ regions

    def region(self, spec: RegionSpec) -> Region:
        data = {
            "code": spec.code, "name": spec.name, "name_local": spec.name_local, "level": spec.level,
            "parent": self.regions[spec.parent] if spec.parent else None,
            "meets_commune_criteria": spec.meets_commune_criteria,
        }
        region = self.regions.get(spec.code)
        if region is None:
            region = registry.region_create(by=self.by, data=data)
            self._count(True, "region")
        elif _differs(region, data):
            region = registry.region_update(by=self.by, region=region, data=data)
            self._count(False, "region")
        self.regions[spec.code] = region
        for year, population in sorted(spec.populations.items()):
            # region_population_set audits even an unchanged figure, so only call it for a change.
            if self.populations.get((region.pk, year)) != population:
                registry.region_population_set(by=self.by, region=region, year=year, population=population)
                self.populations[(region.pk, year)] = population
                self._count(True, "population")
        return region

    # ------------------------------------------------------------ facilities

    def facility(self, spec: FacilitySpec) -> Facility:
        data = {
            "code": spec.code, "name": spec.name, "name_local": spec.name_local, "kind": spec.kind,
            "level": spec.level, "grade": spec.grade, "ownership": spec.ownership,
            "organisation": self.orgs[spec.organisation], "region": self.regions[spec.region], "beds": spec.beds,
            "latitude": _coordinate(spec.latitude), "longitude": _coordinate(spec.longitude), "has_emr": spec.has_emr,
            "has_his": spec.has_his, "has_pacs": spec.has_pacs, "languages": list(spec.languages),
        }
        ready_for = sorted(spec.ready_for)
        facility = self.facilities.get(spec.code)
        if facility is None:
            data["foreign_patient_specialties"] = [self.specialties[c] for c in ready_for]
            facility = registry.facility_create(by=self.by, data=data)
            self._count(True, "facility")
        else:
            have = sorted(s.code for s in facility.foreign_patient_specialties.all())
            if _differs(facility, data) or have != ready_for:
                data["foreign_patient_specialties"] = [self.specialties[c] for c in ready_for]
                facility = registry.facility_update(by=self.by, facility=facility, data=data)
                self._count(False, "facility")
        self.facilities[spec.code] = facility
        for code, quantity in spec.equipment:
            equipment = self.equipment[code]
            if self.facility_equipment.get((facility.pk, equipment.pk)) != quantity:
                registry.facility_equipment_set(by=self.by, facility=facility, equipment=equipment, quantity=quantity)
                self.facility_equipment[(facility.pk, equipment.pk)] = quantity
                self._count(True, "equipment line")
        for dept in spec.departments:
            wanted = {"name": dept.name, "name_local": dept.name_local, "beds": dept.beds,
                      "specialty": self.specialties[dept.specialty] if dept.specialty else None}
            existing = self.departments.get((facility.pk, dept.name))
            if existing is None:
                existing = registry.department_create(by=self.by, facility=facility, data=wanted)
                self._count(True, "department")
            elif _differs(existing, wanted):
                existing = registry.department_update(by=self.by, department=existing, data=wanted)
                self._count(False, "department")
            self.departments[(facility.pk, dept.name)] = existing
        return facility

    # ------------------------------------------------------------ people

    def person(self, spec: PersonSpec) -> Practitioner:
        org = self.orgs[spec.organisation]
        data = {
            "name": spec.name, "name_latin": spec.name_latin, "sex": spec.sex, "profession": spec.profession,
            "title": spec.title, "organisation": org, "languages": list(spec.languages),
            "qualifications": spec.qualifications,
        }
        specialties = sorted(spec.specialties)
        person = self.people.get((org.pk, spec.name_latin))
        if person is None:
            data["specialties"] = [self.specialties[c] for c in specialties]
            person = registry.practitioner_create(by=self.by, data=data)
            self._count(True, "practitioner")
        elif _differs(person, data) or sorted(s.code for s in person.specialties.all()) != specialties:
            data["specialties"] = [self.specialties[c] for c in specialties]
            person = registry.practitioner_update(by=self.by, practitioner=person, data=data)
            self._count(False, "practitioner")
        self.people[(org.pk, spec.name_latin)] = person
        for post in spec.appointments:
            facility = self.facilities[post.facility]
            existing = self.appointments.get((person.pk, facility.pk, post.start))
            if existing is None:
                department = self.departments[(facility.pk, post.department)] if post.department else None
                existing = registry.appointment_create(
                    by=self.by, practitioner=person, facility=facility,
                    data={"position": post.position, "start": post.start, "end": post.end, "department": department},
                )
                self.appointments[(person.pk, facility.pk, post.start)] = existing
                self._count(True, "appointment")
            elif post.end is not None and existing.end != post.end:
                registry.appointment_end(by=self.by, appointment=existing, end=post.end)
                self._count(False, "appointment")
        return person

    def people_in_bulk(self, specs: list[PersonSpec]) -> None:
        missing = [s for s in specs if (self.orgs[s.organisation].pk, s.name_latin) not in self.people]
        if not missing:
            return
        made = bulk.create_people(
            by=self.by, specs=missing, orgs=self.orgs, facilities=self.facilities, specialties=self.specialties
        )
        for person in made:
            self.people[(person.organisation_id, person.name_latin)] = person
        self.result.created["practitioner"] += len(made)
        self.result.created["appointment"] += sum(len(s.appointments) for s in missing)

    # ------------------------------------------------------------ techniques

    def technique(self, spec: TechniqueSpec) -> Technique:
        data = {
            "code": spec.code, "name": spec.name, "name_local": spec.name_local,
            "specialty": self.specialties[spec.specialty], "min_level": spec.min_level,
            "cases_for_independence": spec.cases_for_independence,
        }
        prerequisites = sorted(spec.prerequisites)
        equipment = sorted(spec.equipment)
        technique = self.techniques.get(spec.code)
        same_links = technique is not None and (
            sorted(t.code for t in technique.prerequisites.all()) == prerequisites
            and sorted(e.code for e in technique.equipment_needed.all()) == equipment
        )
        if technique is not None and same_links and not _differs(technique, data):
            return technique
        data["prerequisites"] = [self.techniques[c] for c in prerequisites]
        data["equipment_needed"] = [self.equipment[c] for c in equipment]
        if technique is None:
            technique = registry.technique_create(by=self.by, data=data)
        else:
            technique = registry.technique_update(by=self.by, technique=technique, data=data)
        self._count(spec.code not in self.techniques, "technique")
        self.techniques[spec.code] = technique
        return technique

    # ------------------------------------------------------------ logins

    def user(self, spec: UserSpec) -> None:
        user = User.objects.filter(username=spec.username).first()
        if user is None:
            user = core_services.user_create(
                by=self.by, username=spec.username, password=DEMO_PASSWORD,
                display_name=spec.display_name, language=spec.language,
            )
            Profile.objects.filter(user=user).update(time_zone=spec.time_zone)
            self._count(True, "user")
        for code in spec.organisations:
            org = self.orgs[code]
            if (user.pk, org.pk, spec.role) not in self.memberships:
                core_services.membership_grant(by=self.by, user=user, organisation=org, role=spec.role)
                self.memberships.add((user.pk, org.pk, spec.role))
                self._count(True, "membership")

    # ------------------------------------------------------------ one programme

    def programme(self, programme: Programme) -> None:
        network = self.network(programme)
        for spec in programme.regions:
            self.region(spec)
        for spec in programme.organisations:
            self.organisation(spec, network)
        for spec in programme.facilities:
            self.facility(spec)
        for spec in programme.techniques:
            self.technique(spec)
        for spec in programme.people:
            self.person(spec)
        if programme.bulk_people is not None:
            self.people_in_bulk(programme.bulk_people())
        for spec in programme.users:
            self.user(spec)


def ensure_node_admin():
    """The node administrator `admin` (a superuser): created once with the demo password, never reset."""
    user = User.objects.filter(username=NODE_ADMIN.username).first()
    if user is not None:
        if not user.is_superuser:
            raise DemoError(
                f"A user named {NODE_ADMIN.username!r} exists but is not a superuser; the demo loads as that "
                "user. Make it a superuser or rename it, then run the demo again."
            )
        return user
    user = core_services.user_create(
        by=None, username=NODE_ADMIN.username, password=DEMO_PASSWORD,
        display_name=NODE_ADMIN.display_name, language=NODE_ADMIN.language,
    )
    User.objects.filter(pk=user.pk).update(is_superuser=True, is_staff=True)
    user.refresh_from_db()
    audit.record(actor=None, action=audit.Action.SECURITY, obj=user,
                 changes={"is_superuser": [False, True], "is_staff": [False, True]})
    return user


def load_demo() -> LoadResult:
    """Bring the database in line with the five programmes; safe to run any number of times."""
    started = time.perf_counter()
    audit_before = AuditEvent.objects.count()
    with transaction.atomic():
        seed_vocabularies(Specialty, Equipment)
        admin = ensure_node_admin()
        loader = Loader(by=admin)
        for spec in SHARED_REGIONS:
            loader.region(spec)
        for programme in PROGRAMMES:
            loader.programme(programme)
        for module in MODULE_DEMOS:
            if apps.is_installed(module) and find_spec(f"{module}.demo") is not None:
                import_module(f"{module}.demo").load(by=admin, result=loader.result)
    loader.result.audit_events = AuditEvent.objects.count() - audit_before
    loader.result.seconds = time.perf_counter() - started
    return loader.result
