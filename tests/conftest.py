"""The fixed cast every test uses.

Two networks: Shandong–Haibei (the aid programme) and Mazandaran (another
network, whose coordinator is the `outsider`). Within Shandong–Haibei:
`admin_a` and `coordinator` at Haibei's health commission, `clinician_a` at
Gangcha County People's Hospital, `consultant_b` at Liaocheng People's Hospital,
`analyst` at the Haibei commission. `node_admin` runs the node.
"""

from dataclasses import dataclass
from datetime import date

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import translation

from caravan.core.models import Membership, Network, Organisation, Profile
from caravan.core.roles import Role
from caravan.core.text import search_blob
from caravan.core.tree import tree_save_path
from caravan.registry.models import Equipment, Facility, Practitioner, Region, Specialty
from caravan.registry.vocab import seed_vocabularies

PASSWORD = "correct-horse-battery-9"


@dataclass
class Cast:
    network: Network
    other_network: Network
    shandong: Organisation
    liaocheng_org: Organisation
    haibei: Organisation
    gangcha_org: Organisation
    mazandaran: Organisation
    china: Region
    qinghai: Region
    haibei_region: Region
    gangcha_county: Region
    iran: Region
    mazandaran_region: Region
    gangcha: Facility
    liaocheng: Facility
    sari: Facility
    doctor_b: Practitioner
    doctor_outside: Practitioner
    node_admin: object
    admin_a: object
    coordinator: object
    clinician_a: object
    consultant_b: object
    analyst: object
    outsider: object


def _org(code, name, kind, parent=None, networks=(), name_local=""):
    org = Organisation.objects.create(code=code, name=name, kind=kind, parent=parent, name_local=name_local)
    tree_save_path(org)
    org.networks.add(*networks)
    return org


def _region(code, name, level, parent=None, name_local="", valid_from=date(1900, 1, 1)):
    region = Region.objects.create(code=code, name=name, level=level, parent=parent, name_local=name_local,
                                   valid_from=valid_from, search_text=search_blob(name, name_local, code))
    tree_save_path(region)
    return region


def _facility(code, name, org, region, level, name_local="", **extra):
    return Facility.objects.create(code=code, name=name, name_local=name_local, organisation=org, region=region,
                                   level=level, kind=extra.pop("kind", Facility.Kind.GENERAL_HOSPITAL),
                                   search_text=search_blob(name, name_local, code), **extra)


def _user(username, org=None, role=None, **flags):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD, **flags)
    Profile.objects.create(user=user, display_name=username.replace("_", " ").title())
    if org is not None:
        Membership.objects.create(user=user, organisation=org, role=role)
    return user


@pytest.fixture(autouse=True)
def _english_by_default():
    """Each test starts in English: a request in another language must not leak into the next test."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _quick_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["tests.hashers.QuickArgon2PasswordHasher"]


@pytest.fixture
def cast(db) -> Cast:
    # Transactional tests (the browser ones) flush the seeded lists; put them back.
    seed_vocabularies(Specialty, Equipment)
    network = Network.objects.create(code="shandong-haibei", name="Shandong–Haibei")
    other = Network.objects.create(code="mazandaran", name="Mazandaran international")
    L = Region.Level
    china = _region("CN", "China", L.COUNTRY, name_local="中国")
    qinghai = _region("CN-QH", "Qinghai", L.PROVINCE, china, "青海省")
    haibei_region = _region("CN-QH-HB", "Haibei", L.DISTRICT, qinghai, "海北藏族自治州")
    gangcha_county = _region("CN-QH-HB-GC", "Gangcha", L.COMMUNE, haibei_region, "刚察县")
    iran = _region("IR", "Iran", L.COUNTRY, name_local="ایران")
    mazandaran_region = _region("IR-MZ", "Mazandaran", L.PROVINCE, iran, "مازندران")

    K = Organisation.Kind
    shandong = _org("shandong-hc", "Shandong Provincial Health Commission", K.HEALTH_DEPARTMENT, networks=[network])
    liaocheng_org = _org("liaocheng-ph", "Liaocheng People's Hospital", K.HOSPITAL, shandong, [network])
    haibei = _org("haibei-hc", "Haibei Health Commission", K.HEALTH_DEPARTMENT, networks=[network])
    gangcha_org = _org("gangcha-cph", "Gangcha County People's Hospital", K.HOSPITAL, haibei, [network])
    mazandaran = _org("mazums", "Mazandaran University of Medical Sciences", K.UNIVERSITY, networks=[other])

    gangcha = _facility("CN-GC-01", "Gangcha County People's Hospital", gangcha_org, gangcha_county, 3,
                        name_local="刚察县人民医院", beds=120)
    liaocheng = _facility("CN-LC-01", "Liaocheng People's Hospital", liaocheng_org, qinghai, 2,
                          name_local="聊城市人民医院", beds=3000)
    sari = _facility("IR-MZ-IK", "Imam Khomeini Hospital, Sari", mazandaran, mazandaran_region, 2,
                     name_local="بیمارستان امام خمینی ساری", beds=450)

    doctor_b = Practitioner.objects.create(
        name="王建华", name_latin="Wang Jianhua", sex="male", title="senior", organisation=liaocheng_org,
        search_text=search_blob("王建华", "Wang Jianhua"),
    )
    doctor_b.specialties.add(Specialty.objects.get(code="cardiology"))
    doctor_outside = Practitioner.objects.create(
        name="مریم رضایی", name_latin="Maryam Rezaei", sex="female", title="associate_senior", organisation=mazandaran,
        search_text=search_blob("مریم رضایی", "Maryam Rezaei"),
    )
    return Cast(
        network=network, other_network=other, shandong=shandong, liaocheng_org=liaocheng_org, haibei=haibei,
        gangcha_org=gangcha_org, mazandaran=mazandaran, china=china, qinghai=qinghai, haibei_region=haibei_region,
        gangcha_county=gangcha_county, iran=iran, mazandaran_region=mazandaran_region, gangcha=gangcha,
        liaocheng=liaocheng, sari=sari, doctor_b=doctor_b, doctor_outside=doctor_outside,
        node_admin=_user("node_admin", is_superuser=True, is_staff=True),
        admin_a=_user("admin_a", haibei, Role.ADMIN),
        coordinator=_user("coordinator", haibei, Role.COORDINATOR),
        clinician_a=_user("clinician_a", gangcha_org, Role.CLINICIAN),
        consultant_b=_user("consultant_b", liaocheng_org, Role.CONSULTANT),
        analyst=_user("analyst", haibei, Role.ANALYST),
        outsider=_user("outsider", mazandaran, Role.COORDINATOR),
    )


@pytest.fixture
def client_as(client):
    """`client_as(user)` logs the test client in as that user (None stays anonymous)."""

    def login(user):
        client.logout()
        if user is not None:
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return login
