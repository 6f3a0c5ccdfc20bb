"""The registry's pages: content, query budgets, search, filters, forms, refusals and the audit trail."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from caravan.core.models import AuditEvent
from caravan.core.text import search_blob
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
from caravan.registry.templatetags.registry_names import script_lang
from tests.helpers import assert_refused

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- helpers


def url(name: str, *args) -> str:
    return reverse(f"registry:{name}", args=args)


def settled(client):
    """One request first, so the session's start and last-seen times are written before measuring."""
    client.get(url("technique_list"))
    return client


def html(response) -> str:
    return response.content.decode()


def count_line(response) -> str:
    return re.search(r'data-testid="count">([^<]*)<', html(response)).group(1)


def listed(response) -> list[str]:
    return [str(row) for row in response.context["page"].object_list]


def field_errors(response) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name, message in re.findall(r'data-field-error="([^"]+)">([^<]*)<', html(response)):
        found.setdefault(name, []).append(message.replace("&#x27;", "'"))
    return found


def last_event_id() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def events_since(pk: int) -> list[tuple[str, str, str]]:
    return list(
        AuditEvent.objects.filter(pk__gt=pk).order_by("pk").values_list("action", "object_type", "object_id")
    )


def specialty(code: str) -> Specialty:
    return Specialty.objects.get(code=code)


def equipment(code: str) -> Equipment:
    return Equipment.objects.get(code=code)


def add_clinics(cast, n: int, *, start: int = 0) -> None:
    """`n` commune clinics in Gangcha, all found by the search "clinic" (and "卫生院")."""
    Facility.objects.bulk_create([
        Facility(code=f"CN-GC-C{i:03}", name=f"Gangcha Clinic {i:03}", name_local=f"刚察卫生院{i:03}",
                 organisation=cast.gangcha_org, region=cast.gangcha_county, level=4, kind=Facility.Kind.CLINIC,
                 search_text=search_blob(f"Gangcha Clinic {i:03}", f"刚察卫生院{i:03}", f"CN-GC-C{i:03}"))
        for i in range(start, start + n)
    ])


def add_doctors(cast, n: int, *, start: int = 0) -> None:
    Practitioner.objects.bulk_create([
        Practitioner(name=f"李医生{i:03}", name_latin=f"Li Yisheng {i:03}", sex="female", title="junior",
                     organisation=cast.gangcha_org, search_text=search_blob(f"李医生{i:03}", f"Li Yisheng {i:03}"))
        for i in range(start, start + n)
    ])


def add_communes(cast, n: int, *, start: int = 0) -> None:
    for i in range(start, start + n):
        region = Region.objects.create(
            code=f"CN-QH-HB-T{i:03}", name=f"Township {i:03}", level=Region.Level.COMMUNE,
            parent=cast.haibei_region, search_text=search_blob(f"Township {i:03}", f"CN-QH-HB-T{i:03}"),
        )
        Region.objects.filter(pk=region.pk).update(path=f"{cast.haibei_region.path}{region.pk}/")


def add_techniques(n: int, *, start: int = 0) -> None:
    surgery = specialty("general_surgery")
    Technique.objects.bulk_create([
        Technique(code=f"T-GS-{i:03}", name=f"Gastric resection {i:03}", specialty=surgery, min_level=2,
                  search_text=search_blob(f"Gastric resection {i:03}", f"T-GS-{i:03}"))
        for i in range(start, start + n)
    ])


@pytest.fixture
def ecmo(db) -> Technique:
    return Technique.objects.create(
        code="T-ECMO", name="ECMO", name_local="体外膜肺氧合", specialty=specialty("critical_care"), min_level=1,
        cases_for_independence=15, search_text=search_blob("ECMO", "体外膜肺氧合", "T-ECMO"),
    )


@pytest.fixture
def analgesia(ecmo) -> Technique:
    technique = Technique.objects.create(
        code="T-EPI", name="Epidural labour analgesia", name_local="分娩镇痛", specialty=specialty("anaesthesiology"),
        min_level=3, cases_for_independence=30, search_text=search_blob("Epidural labour analgesia", "分娩镇痛", "T-EPI"),
    )
    technique.equipment_needed.add(equipment("ultrasound"))
    return technique


@pytest.fixture
def local_doctor(cast) -> Practitioner:
    """A practitioner of Gangcha's hospital: the Haibei coordinator may edit them, Liaocheng's staff may not."""
    doctor = Practitioner.objects.create(
        name="才让卓玛", name_latin="Cairang Zhuoma", sex="female", title="intermediate", organisation=cast.gangcha_org,
        search_text=search_blob("才让卓玛", "Cairang Zhuoma"),
    )
    doctor.specialties.add(specialty("obstetrics_gynaecology"))
    return doctor


def nav_is(response, path: str) -> bool:
    return f'aria-current="page" href="{path}"' in html(response)


# ---------------------------------------------------------------- facility list


def test_facility_list_shows_what_the_user_may_see(cast, client_as):
    response = client_as(cast.coordinator).get(url("facility_list"))
    assert response.status_code == 200
    assert count_line(response) == "2 facilities"
    assert listed(response) == ["Gangcha County People's Hospital", "Liaocheng People's Hospital"]
    page = html(response)
    assert '<span class="name-local" dir="auto" lang="zh">刚察县人民医院</span>' in page
    assert "Imam Khomeini" not in page
    assert f'href="{url("facility_create")}"' in page  # the coordinator edits Haibei's records
    assert nav_is(response, "/registry/facilities/")
    assert response.context["breadcrumbs"] == [{"label": "Home", "url": "/"}, {"label": "Facilities", "url": None}]


def test_facility_list_offers_no_create_button_to_a_clinician(cast, client_as):
    response = client_as(cast.clinician_a).get(url("facility_list"))
    assert count_line(response) == "2 facilities"
    assert url("facility_create") not in html(response)


def test_facility_list_query_count_does_not_grow_with_the_rows(cast, client_as, django_assert_num_queries):
    client = settled(client_as(cast.coordinator))
    add_clinics(cast, 1)
    # session, user, profile (menu), memberships, networks, create-button check, COUNT, page, 3 choice lists
    with django_assert_num_queries(11):
        response = client.get(url("facility_list") + "?q=clinic")
    assert (count_line(response), len(listed(response))) == ("1 facility", 1)
    add_clinics(cast, 30, start=1)
    with django_assert_num_queries(11):
        response = client.get(url("facility_list") + "?q=clinic")
    assert (count_line(response), len(listed(response))) == ("31 facilities", 25)


def test_facility_search_folds_arabic_letters_for_a_user_who_sees_sari(cast, client_as):
    query = "امام خميني"  # typed with the Arabic yeh (ي), stored with the Persian one (ی)
    response = client_as(cast.outsider).get(url("facility_list"), {"q": query})
    assert count_line(response) == "1 facility"
    assert listed(response) == ["Imam Khomeini Hospital, Sari"]
    assert '<span class="name-local" dir="auto" lang="fa">بیمارستان امام خمینی ساری</span>' in html(response)
    # The same search by someone of the other network finds nothing: Sari is not theirs to see.
    response = client_as(cast.coordinator).get(url("facility_list"), {"q": query})
    assert (count_line(response), listed(response)) == ("0 facilities", [])


def test_facility_search_by_a_chinese_substring(cast, client_as):
    response = client_as(cast.coordinator).get(url("facility_list"), {"q": "人民医院"})
    assert count_line(response) == "2 facilities"
    assert listed(response) == ["Gangcha County People's Hospital", "Liaocheng People's Hospital"]
    response = client_as(cast.coordinator).get(url("facility_list"), {"q": "聊城"})
    assert listed(response) == ["Liaocheng People's Hospital"]


def test_facility_list_paginates_and_keeps_the_filters(cast, client_as):
    add_clinics(cast, 30)
    client = client_as(cast.coordinator)
    first = client.get(url("facility_list"), {"q": "clinic", "level": "4"})
    assert listed(first)[:2] == ["Gangcha Clinic 000", "Gangcha Clinic 001"]
    assert "Page 1 of 2" in html(first)
    assert 'href="?q=clinic&amp;level=4&amp;page=2" rel="next"' in html(first)
    second = client.get(url("facility_list"), {"q": "clinic", "level": "4", "page": "2"})
    assert listed(second) == [f"Gangcha Clinic {i:03}" for i in range(25, 30)]
    assert (count_line(second), "Page 2 of 2" in html(second)) == ("30 facilities", True)
    assert 'href="?q=clinic&amp;level=4&amp;page=1" rel="prev"' in html(second)


@pytest.mark.parametrize(("query", "expected"), [
    ({"level": "3"}, ["Gangcha County People's Hospital"]),
    ({"level": "2"}, ["Liaocheng People's Hospital"]),
    ({"kind": "specialty_hospital"}, ["Liaocheng People's Hospital"]),
    ({"ownership": "private"}, ["Liaocheng People's Hospital"]),
    ({"ready_for": "cardiology"}, ["Liaocheng People's Hospital"]),
    ({"region": "haibei"}, ["Gangcha County People's Hospital"]),  # the region's whole subtree
    ({"region": "qinghai"}, ["Gangcha County People's Hospital", "Liaocheng People's Hospital"]),
    ({"organisation": "gangcha_org"}, ["Gangcha County People's Hospital"]),
    ({"level": "9"}, ["Gangcha County People's Hospital", "Liaocheng People's Hospital"]),  # refused, ignored
])
def test_facility_list_filters(cast, client_as, query, expected):
    Facility.objects.filter(pk=cast.liaocheng.pk).update(kind="specialty_hospital", ownership="private")
    cast.liaocheng.foreign_patient_specialties.add(specialty("cardiology"))
    ids = {"haibei": cast.haibei_region.pk, "qinghai": cast.qinghai.pk, "gangcha_org": cast.gangcha_org.pk}
    params = {k: ids.get(v, v) for k, v in query.items()}
    response = client_as(cast.coordinator).get(url("facility_list"), params)
    assert response.status_code == 200
    assert listed(response) == expected


def test_facility_list_names_a_refused_filter(cast, client_as):
    response = client_as(cast.coordinator).get(url("facility_list"), {"level": "9"})
    assert "Select a valid choice. 9 is not one of the available choices." in html(response)


def test_facility_list_refuses_anonymous(cast, client):
    response = client.get(url("facility_list"))
    assert (response.status_code, response["Location"]) == (302, "/login/?next=/registry/facilities/")


# ---------------------------------------------------------------- facility detail


def test_facility_detail_shows_the_whole_record(cast, client_as, local_doctor):
    Facility.objects.filter(pk=cast.gangcha.pk).update(
        grade="II", has_emr=True, has_pacs=True, languages=["zh", "bo"], latitude="37.3264", longitude="100.1296",
    )
    cast.gangcha.foreign_patient_specialties.add(specialty("ophthalmology"))
    obstetrics = Department.objects.create(facility=cast.gangcha, name="Obstetrics", name_local="产科",
                                           specialty=specialty("obstetrics_gynaecology"), beds=24)
    FacilityEquipment.objects.create(facility=cast.gangcha, equipment=equipment("ultrasound"), quantity=3)
    today = timezone.localdate()
    Appointment.objects.create(practitioner=cast.doctor_b, facility=cast.gangcha, department=obstetrics,
                               position="Head of obstetrics", start=date(2024, 7, 1))
    Appointment.objects.create(practitioner=local_doctor, facility=cast.gangcha, position="Midwife",
                               start=date(2020, 1, 1), end=today - timedelta(days=1))  # no longer here

    response = client_as(cast.coordinator).get(url("facility_detail", cast.gangcha.pk))
    assert response.status_code == 200
    page = html(response)
    assert "<h1 class=\"h3 mb-1\">Gangcha County People&#x27;s Hospital</h1>" in page
    assert '<span class="name-local" dir="auto" lang="zh">刚察县人民医院</span>' in page
    assert "<code>CN-GC-01</code>" in page
    for label, value in [("Kind", "General hospital"), ("Technical level", "District"), ("Grade", "Grade II"),
                         ("Ownership", "Public"), ("Organisation", "Gangcha County People&#x27;s Hospital"),
                         ("Beds", "120")]:
        assert f'<dt class="col-sm-5">{label}</dt><dd class="col-sm-7">{value}</dd>' in page
    trail = re.search(r'data-testid="region-trail">(.*?)</dd>', page).group(1)
    assert re.sub(r"<[^>]+>", "", trail) == "China › Qinghai › Haibei › Gangcha"
    assert '<span dir="ltr">37.3264, 100.1296</span>' in page
    assert "Chinese, Tibetan" in page
    assert re.findall(r"<span>([^<]+)</span><span class=\"badge [^\"]+\">(\w+)</span>", page) == [
        ("Electronic medical records (EMR)", "Yes"), ("Hospital information system (HIS)", "No"),
        ("Imaging archive (RIS-PACS)", "Yes"),
    ]
    assert '<li class="list-inline-item badge text-bg-info">Ophthalmology</li>' in page
    assert [str(d) for d in response.context["facility"].departments.all()] == ["Obstetrics"]
    assert '<td class="text-end">24</td>' in page and "Obstetrics and gynaecology" in page
    assert '<tr><td>Ultrasound machine</td><td class="text-end">3</td></tr>' in page
    assert [a.position for a in response.context["staff"]] == ["Head of obstetrics"]
    assert "since Jul 1, 2024" in page and "Midwife" not in page
    assert f'href="{url("facility_edit", cast.gangcha.pk)}"' in page
    assert f'href="{url("department_edit", obstetrics.pk)}"' in page
    assert f'action="{url("facility_equipment", cast.gangcha.pk)}"' in page
    assert nav_is(response, "/registry/facilities/")
    assert response.context["breadcrumbs"][-1] == {"label": "Gangcha County People's Hospital", "url": None}


def test_facility_detail_query_count_does_not_grow_with_staff(cast, client_as, django_assert_num_queries,
                                                              local_doctor):
    client = settled(client_as(cast.coordinator))
    Appointment.objects.create(practitioner=cast.doctor_b, facility=cast.gangcha, position="Director",
                               start=date(2024, 1, 1))
    # session, user, profile, memberships, networks, facility + 3 prefetches, ancestors, staff, equipment choices
    with django_assert_num_queries(12):
        client.get(url("facility_detail", cast.gangcha.pk))
    Appointment.objects.create(practitioner=local_doctor, facility=cast.gangcha, position="Midwife",
                               start=date(2024, 1, 1))
    with django_assert_num_queries(12):
        response = client.get(url("facility_detail", cast.gangcha.pk))
    assert len(response.context["staff"]) == 2


def test_facility_detail_hides_edit_controls_from_a_clinician(cast, client_as):
    response = client_as(cast.clinician_a).get(url("facility_detail", cast.gangcha.pk))
    assert response.status_code == 200
    page = html(response)
    assert url("facility_edit", cast.gangcha.pk) not in page
    assert url("department_create", cast.gangcha.pk) not in page
    assert url("facility_equipment", cast.gangcha.pk) not in page


def test_facility_detail_is_404_for_another_network_and_missing_rows(cast, client_as):
    assert client_as(cast.outsider).get(url("facility_detail", cast.gangcha.pk)).status_code == 404
    assert client_as(cast.coordinator).get(url("facility_detail", cast.sari.pk)).status_code == 404
    assert client_as(cast.coordinator).get(url("facility_detail", 999999)).status_code == 404
    response = client_as(None).get(url("facility_detail", cast.gangcha.pk))
    assert (response.status_code, response["Location"]) == (302, f"/login/?next=/registry/facilities/{cast.gangcha.pk}/")


def test_facility_detail_in_persian_is_right_to_left_with_jalali_dates_and_persian_digits(cast, client_as):
    Appointment.objects.create(practitioner=cast.doctor_b, facility=cast.gangcha, position="Director",
                               start=date(2024, 7, 1))
    client = client_as(cast.coordinator)
    client.cookies["caravan_language"] = "fa"
    page = html(client.get(url("facility_detail", cast.gangcha.pk)))
    assert '<html lang="fa" dir="rtl">' in page
    assert "۱۴۰۳/۰۴/۱۱" in page  # 1 July 2024 in the Jalali calendar
    assert '<dd class="col-sm-7">۱۲۰</dd>' in page  # 120 beds
    assert '<span class="name-local" dir="auto" lang="zh">刚察县人民医院</span>' in page


@pytest.mark.parametrize(("name", "lang"), [
    ("刚察县人民医院", "zh"), ("بیمارستان امام خمینی ساری", "fa"), ("अखिल भारतीय आयुर्विज्ञान संस्थान", "hi"),
    ("Ұлттық онкология орталығы", "kk"), ("Үндэсний хавдар судлалын төв", "mn"), ("Городская больница", "ru"),
    ("Bệnh viện Đa khoa tỉnh Lào Cai", "vi"), ("St Mary's Hospital", ""), ("", ""),
])
def test_local_names_are_marked_with_the_language_of_their_script(name, lang):
    assert script_lang(name) == lang


# ---------------------------------------------------------------- facility create and edit


def facility_data(cast, **changes) -> dict:
    data = {
        "code": "CN-HB-TH", "name": "Haibei Tibetan Medicine Hospital", "name_local": "海北州藏医院",
        "kind": "specialty_hospital", "level": "3", "grade": "II", "ownership": "public",
        "organisation": cast.gangcha_org.pk, "region": cast.haibei_region.pk, "beds": "80", "latitude": "36.95",
        "longitude": "100.9", "has_emr": "on", "languages": ["zh", "bo"],
        "foreign_patient_specialties": [specialty("rehabilitation").pk],
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def gangcha_data(cast, **changes) -> dict:
    """Gangcha's hospital as its edit form shows it, with some fields changed."""
    return facility_data(cast, **{
        "code": "CN-GC-01", "name": "Gangcha County People's Hospital", "name_local": "刚察县人民医院",
        "kind": "general_hospital", "grade": "none", "region": cast.gangcha_county.pk, "beds": "120",
        "latitude": "", "longitude": "", "has_emr": None, "languages": [], "foreign_patient_specialties": [],
        **changes,
    })


def test_facility_create_form_offers_only_editable_organisations(cast, client_as):
    response = client_as(cast.coordinator).get(url("facility_create"))
    assert response.status_code == 200
    organisations = [str(o) for o in response.context["form"].fields["organisation"].queryset]
    assert organisations == ["Gangcha County People's Hospital", "Haibei Health Commission"]
    assert "<h1 class=\"h3 mb-3\">Add a facility</h1>" in html(response)
    assert nav_is(response, "/registry/facilities/")


def test_facility_create_saves_and_audits(cast, client_as):
    since = last_event_id()
    client = client_as(cast.coordinator)
    response = client.post(url("facility_create"), facility_data(cast))
    facility = Facility.objects.get(code="CN-HB-TH")
    assert (response.status_code, response["Location"]) == (302, url("facility_detail", facility.pk))
    assert (facility.name_local, facility.level, facility.beds, facility.languages, facility.has_emr) == (
        "海北州藏医院", 3, 80, ["zh", "bo"], True)
    assert list(facility.foreign_patient_specialties.values_list("code", flat=True)) == ["rehabilitation"]
    assert facility.search_text == "haibei tibetan medicine hospital | 海北州藏医院 | cn-hb-th"
    assert events_since(since) == [("create", "registry.facility", str(facility.pk))]
    assert "The facility was added." in html(client.get(response["Location"]))


@pytest.mark.parametrize(("changes", "errors"), [
    ({"code": "CN-LC-01"}, {"code": ["A facility with this code already exists."]}),
    ({"beds": "-1"}, {"beds": ["Ensure this value is greater than or equal to 0."]}),
    ({"level": "9"}, {"level": ["Select a valid choice. 9 is not one of the available choices."]}),
    ({"languages": ["zh", "xx"]}, {"languages": ["Select a valid choice. xx is not one of the available choices."]}),
    ({"latitude": "91"}, {"latitude": ["Ensure this value is less than or equal to 90."]}),
    ({"name": ""}, {"name": ["This field is required."]}),
])
def test_facility_create_bad_input_shows_the_field_error_and_saves_nothing(cast, client_as, changes, errors):
    since, count = last_event_id(), Facility.objects.count()
    response = client_as(cast.coordinator).post(url("facility_create"), facility_data(cast, **changes))
    assert response.status_code == 400
    assert field_errors(response) == errors
    assert (Facility.objects.count(), events_since(since)) == (count, [])


def test_facility_create_for_an_organisation_the_user_does_not_edit_saves_nothing(cast, client_as):
    response = client_as(cast.outsider).post(url("facility_create"), facility_data(cast))
    assert response.status_code == 400
    assert field_errors(response) == {
        "organisation": ["Select a valid choice. That choice is not one of the available choices."]
    }
    assert not Facility.objects.filter(code="CN-HB-TH").exists()


def test_facility_create_refuses_other_roles(cast, client_as):
    count = Facility.objects.count()
    assert_refused(client_as, [None, cast.clinician_a, cast.analyst, cast.consultant_b], "get", url("facility_create"),
                   statuses=(403,))
    assert_refused(client_as, [None, cast.clinician_a, cast.analyst, cast.consultant_b], "post",
                   url("facility_create"), facility_data(cast), statuses=(403,))
    assert Facility.objects.count() == count


def test_facility_edit_saves_and_audits(cast, client_as):
    client = client_as(cast.coordinator)
    form = client.get(url("facility_edit", cast.gangcha.pk))
    assert form.status_code == 200
    assert form.context["form"]["name_local"].value() == "刚察县人民医院"
    since = last_event_id()
    response = client.post(url("facility_edit", cast.gangcha.pk), gangcha_data(cast, beds="150", has_his="on"))
    assert (response.status_code, response["Location"]) == (302, url("facility_detail", cast.gangcha.pk))
    cast.gangcha.refresh_from_db()
    assert (cast.gangcha.beds, cast.gangcha.has_his) == (150, True)
    assert events_since(since) == [("update", "registry.facility", str(cast.gangcha.pk))]
    assert AuditEvent.objects.get(pk__gt=since).changes == {"beds": [120, 150], "has_his": [False, True]}


@pytest.mark.parametrize(("changes", "errors"), [
    ({"code": "CN-LC-01"}, {"code": ["A facility with this code already exists."]}),
    ({"beds": "-1"}, {"beds": ["Ensure this value is greater than or equal to 0."]}),
    ({"level": "9"}, {"level": ["Select a valid choice. 9 is not one of the available choices."]}),
])
def test_facility_edit_bad_input_changes_nothing(cast, client_as, changes, errors):
    since = last_event_id()
    response = client_as(cast.coordinator).post(url("facility_edit", cast.gangcha.pk), gangcha_data(cast, **changes))
    assert response.status_code == 400
    assert field_errors(response) == errors
    cast.gangcha.refresh_from_db()
    assert (cast.gangcha.code, cast.gangcha.beds, cast.gangcha.level, events_since(since)) == ("CN-GC-01", 120, 3, [])


def test_facility_edit_refusals(cast, client_as):
    edit = url("facility_edit", cast.gangcha.pk)
    data = gangcha_data(cast, beds="999")
    assert_refused(client_as, [None, cast.clinician_a, cast.analyst, cast.consultant_b], "get", edit, statuses=(403,))
    assert_refused(client_as, [None, cast.clinician_a, cast.analyst, cast.consultant_b], "post", edit, data,
                   statuses=(403,))
    assert_refused(client_as, [cast.outsider], "get", edit, statuses=(404,))
    assert_refused(client_as, [cast.outsider], "post", edit, data, statuses=(404,))
    # Haibei's coordinator sees Liaocheng's hospital but does not edit it.
    assert_refused(client_as, [cast.coordinator], "post", url("facility_edit", cast.liaocheng.pk),
                   facility_data(cast, code="CN-LC-01", organisation=cast.liaocheng_org.pk), statuses=(403,))
    cast.gangcha.refresh_from_db()
    assert cast.gangcha.beds == 120


# ---------------------------------------------------------------- departments and equipment


def test_department_create_saves_and_audits(cast, client_as):
    client = client_as(cast.coordinator)
    assert client.get(url("department_create", cast.gangcha.pk)).status_code == 200
    since = last_event_id()
    response = client.post(url("department_create", cast.gangcha.pk), {
        "name": "Anaesthesia", "name_local": "麻醉科", "specialty": specialty("anaesthesiology").pk, "beds": "6",
    })
    department = Department.objects.get(facility=cast.gangcha)
    assert (response.status_code, response["Location"]) == (
        302, url("facility_detail", cast.gangcha.pk) + "#departments")
    assert (department.name, department.name_local, department.specialty.code, department.beds) == (
        "Anaesthesia", "麻醉科", "anaesthesiology", 6)
    assert events_since(since) == [("create", "registry.department", str(department.pk))]


def test_department_create_bad_input_saves_nothing(cast, client_as):
    Department.objects.create(facility=cast.gangcha, name="Anaesthesia")
    since = last_event_id()
    client = client_as(cast.coordinator)
    response = client.post(url("department_create", cast.gangcha.pk), {"name": "Anaesthesia", "beds": "2"})
    assert (response.status_code, field_errors(response)) == (
        400, {"name": ["This facility already has a department with this name."]})
    response = client.post(url("department_create", cast.gangcha.pk), {"name": "Surgery", "beds": "-1"})
    assert (response.status_code, field_errors(response)) == (
        400, {"beds": ["Ensure this value is greater than or equal to 0."]})
    assert (Department.objects.filter(facility=cast.gangcha).count(), events_since(since)) == (1, [])


def test_department_create_refusals(cast, client_as):
    create = url("department_create", cast.gangcha.pk)
    assert_refused(client_as, [None, cast.clinician_a, cast.analyst], "post", create, {"name": "ICU"},
                   statuses=(403,))
    assert_refused(client_as, [cast.outsider], "post", create, {"name": "ICU"}, statuses=(404,))
    assert not Department.objects.exists()


def test_department_edit_saves_and_audits(cast, client_as):
    department = Department.objects.create(facility=cast.gangcha, name="Eye clinic", beds=4)
    client = client_as(cast.coordinator)
    form = client.get(url("department_edit", department.pk))
    assert (form.status_code, form.context["form"]["name"].value()) == (200, "Eye clinic")
    since = last_event_id()
    response = client.post(url("department_edit", department.pk), {
        "name": "Ophthalmology", "specialty": specialty("ophthalmology").pk, "beds": "10",
    })
    assert (response.status_code, response["Location"]) == (
        302, url("facility_detail", cast.gangcha.pk) + "#departments")
    department.refresh_from_db()
    assert (department.name, department.beds) == ("Ophthalmology", 10)
    assert events_since(since) == [("update", "registry.department", str(department.pk))]


def test_department_edit_refusals(cast, client_as):
    department = Department.objects.create(facility=cast.gangcha, name="Eye clinic", beds=4)
    edit = url("department_edit", department.pk)
    data = {"name": "Renamed", "beds": "1"}
    assert_refused(client_as, [None, cast.clinician_a, cast.analyst], "post", edit, data, statuses=(403,))
    assert_refused(client_as, [cast.outsider], "get", edit, statuses=(404,))
    assert_refused(client_as, [cast.outsider], "post", edit, data, statuses=(404,))
    department.refresh_from_db()
    assert (department.name, department.beds) == ("Eye clinic", 4)


def test_equipment_quantity_is_set_changed_and_removed_with_audit(cast, client_as):
    client = client_as(cast.coordinator)
    target = url("facility_equipment", cast.gangcha.pk)
    ct = equipment("ct")
    since = last_event_id()
    response = client.post(target, {"equipment": ct.pk, "quantity": "2"})
    assert (response.status_code, response["Location"]) == (302, url("facility_detail", cast.gangcha.pk) + "#equipment")
    assert list(FacilityEquipment.objects.values_list("equipment__code", "quantity")) == [("ct", 2)]
    client.post(target, {"equipment": ct.pk, "quantity": "0"})
    assert FacilityEquipment.objects.count() == 0
    assert [e.changes for e in AuditEvent.objects.filter(pk__gt=since).order_by("pk")] == [
        {"equipment.ct": [0, 2]}, {"equipment.ct": [2, 0]}]
    assert events_since(since) == [("update", "registry.facility", str(cast.gangcha.pk))] * 2


def test_equipment_quantity_below_zero_is_shown_on_the_detail_page(cast, client_as):
    since = last_event_id()
    response = client_as(cast.coordinator).post(url("facility_equipment", cast.gangcha.pk),
                                                 {"equipment": equipment("ct").pk, "quantity": "-1"})
    assert response.status_code == 400
    assert field_errors(response) == {"quantity": ["A quantity cannot be below zero."]}
    assert "<h1 class=\"h3 mb-1\">Gangcha County People&#x27;s Hospital</h1>" in html(response)
    assert (FacilityEquipment.objects.count(), events_since(since)) == (0, [])


def test_equipment_refusals(cast, client_as):
    target = url("facility_equipment", cast.gangcha.pk)
    data = {"equipment": equipment("ct").pk, "quantity": "5"}
    assert_refused(client_as, [None, cast.clinician_a, cast.analyst], "post", target, data, statuses=(403,))
    assert_refused(client_as, [cast.outsider], "post", target, data, statuses=(404,))
    assert client_as(cast.coordinator).get(target).status_code == 405
    assert FacilityEquipment.objects.count() == 0


# ---------------------------------------------------------------- practitioners


def test_practitioner_list_shows_what_the_user_may_see(cast, client_as, local_doctor):
    response = client_as(cast.coordinator).get(url("practitioner_list"))
    assert response.status_code == 200
    assert count_line(response) == "2 practitioners"
    assert listed(response) == ["才让卓玛 (Cairang Zhuoma)", "王建华 (Wang Jianhua)"]
    assert '<span class="name-local" dir="auto" lang="zh">王建华</span>' in html(response)
    assert "Maryam" not in html(response)
    assert nav_is(response, "/registry/practitioners/")


def test_practitioner_list_query_count_does_not_grow_with_the_rows(cast, client_as, django_assert_num_queries):
    client = settled(client_as(cast.coordinator))
    add_doctors(cast, 1)
    # session, user, profile, memberships, networks, create-button check, COUNT, page, 2 choice lists
    with django_assert_num_queries(10):
        response = client.get(url("practitioner_list") + "?q=yisheng")
    assert (count_line(response), len(listed(response))) == ("1 practitioner", 1)
    add_doctors(cast, 30, start=1)
    with django_assert_num_queries(10):
        response = client.get(url("practitioner_list") + "?q=yisheng")
    assert (count_line(response), len(listed(response))) == ("31 practitioners", 25)


@pytest.mark.parametrize(("user", "query", "expected"), [
    ("coordinator", "王建", ["王建华 (Wang Jianhua)"]),
    ("coordinator", "wang jian", ["王建华 (Wang Jianhua)"]),
    ("outsider", "مريم", ["مریم رضایی (Maryam Rezaei)"]),  # Arabic yeh typed, Persian yeh stored
    ("coordinator", "مريم", []),
])
def test_practitioner_search_in_either_script(cast, client_as, user, query, expected):
    response = client_as(getattr(cast, user)).get(url("practitioner_list"), {"q": query})
    assert listed(response) == expected


@pytest.mark.parametrize(("query", "expected"), [
    ({"specialty": "cardiology"}, ["王建华 (Wang Jianhua)"]),
    ({"specialty": "obstetrics_gynaecology"}, ["才让卓玛 (Cairang Zhuoma)"]),
    ({"title": "senior"}, ["王建华 (Wang Jianhua)"]),
    ({"profession": "nurse"}, ["才让卓玛 (Cairang Zhuoma)"]),
    ({"organisation": "gangcha_org"}, ["才让卓玛 (Cairang Zhuoma)"]),
])
def test_practitioner_list_filters(cast, client_as, local_doctor, query, expected):
    Practitioner.objects.filter(pk=local_doctor.pk).update(profession="nurse")
    params = {k: cast.gangcha_org.pk if v == "gangcha_org" else v for k, v in query.items()}
    assert listed(client_as(cast.coordinator).get(url("practitioner_list"), params)) == expected


def test_practitioner_list_paginates(cast, client_as):
    add_doctors(cast, 27)
    client = client_as(cast.coordinator)
    response = client.get(url("practitioner_list"), {"q": "yisheng", "page": "2"})
    assert listed(response) == ["李医生025 (Li Yisheng 025)", "李医生026 (Li Yisheng 026)"]
    assert "Page 2 of 2" in html(response)
    assert 'href="?q=yisheng&amp;page=1" rel="prev"' in html(response)


def test_practitioner_detail_shows_the_record(cast, client_as):
    Practitioner.objects.filter(pk=cast.doctor_b.pk).update(languages=["zh", "en"], qualifications="MD, Shandong University")
    Appointment.objects.create(practitioner=cast.doctor_b, facility=cast.gangcha, position="Vice director",
                               start=date(2024, 7, 1), end=date(2025, 6, 30))
    Appointment.objects.create(practitioner=cast.doctor_b, facility=cast.liaocheng, position="Cardiologist",
                               start=date(2010, 9, 1))
    response = client_as(cast.coordinator).get(url("practitioner_detail", cast.doctor_b.pk))
    assert response.status_code == 200
    page = html(response)
    assert '<h1 class="h3 mb-1">Wang Jianhua</h1>' in page
    assert '<span class="name-local" dir="auto" lang="zh">王建华</span>' in page
    for label, value in [("Sex", "Male"), ("Profession", "Doctor"), ("Professional title", "Senior"),
                         ("Home organisation", "Liaocheng People&#x27;s Hospital"), ("Languages spoken", "Chinese, English"),
                         ("Qualifications", "MD, Shandong University")]:
        assert f'<dt class="col-sm-4">{label}</dt><dd class="col-sm-8">{value}</dd>' in page
    assert '<span class="badge text-bg-info me-1">Cardiology</span>' in page
    assert [a.position for a in response.context["practitioner"].appointments.all()] == ["Vice director", "Cardiologist"]
    assert "Jul 1, 2024 to Jun 30, 2025" in page and "since Sep 1, 2010" in page
    # Haibei's coordinator may post Liaocheng's doctor to a Haibei facility, not edit the doctor's record.
    assert url("practitioner_edit", cast.doctor_b.pk) not in page
    assert f'href="{url("appointment_create", cast.doctor_b.pk)}"' in page
    assert nav_is(response, "/registry/practitioners/")


def test_practitioner_detail_refusals(cast, client_as):
    assert client_as(cast.outsider).get(url("practitioner_detail", cast.doctor_b.pk)).status_code == 404
    assert client_as(cast.coordinator).get(url("practitioner_detail", cast.doctor_outside.pk)).status_code == 404
    response = client_as(cast.clinician_a).get(url("practitioner_detail", cast.doctor_b.pk))
    assert response.status_code == 200
    assert url("appointment_create", cast.doctor_b.pk) not in html(response)
    assert client_as(None).get(url("practitioner_detail", cast.doctor_b.pk)).status_code == 302


def practitioner_data(cast, **changes) -> dict:
    data = {
        "name": "才让卓玛", "name_latin": "Cairang Zhuoma", "sex": "female", "profession": "doctor",
        "title": "intermediate", "organisation": cast.gangcha_org.pk, "languages": ["zh", "bo"],
        "specialties": [specialty("obstetrics_gynaecology").pk], "qualifications": "",
    }
    data.update(changes)
    return data


def test_practitioner_create_saves_and_audits(cast, client_as):
    client = client_as(cast.coordinator)
    assert client.get(url("practitioner_create")).status_code == 200
    since = last_event_id()
    response = client.post(url("practitioner_create"), practitioner_data(cast))
    doctor = Practitioner.objects.get(name_latin="Cairang Zhuoma")
    assert (response.status_code, response["Location"]) == (302, url("practitioner_detail", doctor.pk))
    assert (doctor.name, doctor.languages, doctor.organisation_id) == ("才让卓玛", ["zh", "bo"], cast.gangcha_org.pk)
    assert list(doctor.specialties.values_list("code", flat=True)) == ["obstetrics_gynaecology"]
    assert events_since(since) == [("create", "registry.practitioner", str(doctor.pk))]


@pytest.mark.parametrize(("changes", "errors"), [
    ({"title": "professor"}, {"title": ["Select a valid choice. professor is not one of the available choices."]}),
    ({"name_latin": ""}, {"name_latin": ["This field is required."]}),
    ({"organisation": "liaocheng_org"},
     {"organisation": ["Select a valid choice. That choice is not one of the available choices."]}),
])
def test_practitioner_create_bad_input_saves_nothing(cast, client_as, changes, errors):
    if changes.get("organisation") == "liaocheng_org":
        changes = {"organisation": cast.liaocheng_org.pk}
    since, count = last_event_id(), Practitioner.objects.count()
    response = client_as(cast.coordinator).post(url("practitioner_create"), practitioner_data(cast, **changes))
    assert (response.status_code, field_errors(response)) == (400, errors)
    assert (Practitioner.objects.count(), events_since(since)) == (count, [])


def test_practitioner_create_refuses_other_roles(cast, client_as):
    count = Practitioner.objects.count()
    users = [None, cast.clinician_a, cast.analyst, cast.consultant_b]
    assert_refused(client_as, users, "get", url("practitioner_create"), statuses=(403,))
    assert_refused(client_as, users, "post", url("practitioner_create"), practitioner_data(cast), statuses=(403,))
    assert Practitioner.objects.count() == count


def test_practitioner_edit_saves_and_audits(cast, client_as, local_doctor):
    client = client_as(cast.coordinator)
    form = client.get(url("practitioner_edit", local_doctor.pk))
    assert (form.status_code, form.context["form"]["name"].value()) == (200, "才让卓玛")
    since = last_event_id()
    response = client.post(url("practitioner_edit", local_doctor.pk), practitioner_data(cast, title="senior"))
    assert (response.status_code, response["Location"]) == (302, url("practitioner_detail", local_doctor.pk))
    local_doctor.refresh_from_db()
    assert (local_doctor.title, local_doctor.languages) == ("senior", ["zh", "bo"])
    assert events_since(since) == [("update", "registry.practitioner", str(local_doctor.pk))]
    assert AuditEvent.objects.get(pk__gt=since).changes == {
        "title": ["intermediate", "senior"], "languages": [[], ["zh", "bo"]]}


def test_practitioner_edit_refusals(cast, client_as, local_doctor):
    edit = url("practitioner_edit", local_doctor.pk)
    data = practitioner_data(cast, title="senior")
    assert_refused(client_as, [None, cast.clinician_a, cast.analyst, cast.consultant_b], "post", edit, data,
                   statuses=(403,))
    assert_refused(client_as, [cast.outsider], "post", edit, data, statuses=(404,))
    assert_refused(client_as, [cast.coordinator], "get", url("practitioner_edit", cast.doctor_b.pk), statuses=(403,))
    local_doctor.refresh_from_db()
    assert local_doctor.title == "intermediate"


# ---------------------------------------------------------------- appointments


def appointment_data(cast, **changes) -> dict:
    data = {"facility": cast.gangcha.pk, "department": "", "position": "Head of anaesthesia",
            "start": "2024-07-01", "end": ""}
    data.update(changes)
    return data


def test_appointment_create_posts_a_doctor_to_a_haibei_facility(cast, client_as):
    anaesthesia = Department.objects.create(facility=cast.gangcha, name="Anaesthesia")
    client = client_as(cast.coordinator)
    form = client.get(url("appointment_create", cast.doctor_b.pk))
    assert form.status_code == 200
    assert [str(f) for f in form.context["form"].fields["facility"].queryset] == [
        "Gangcha County People's Hospital", "Liaocheng People's Hospital"]
    since = last_event_id()
    response = client.post(url("appointment_create", cast.doctor_b.pk),
                           appointment_data(cast, department=anaesthesia.pk, end="2025-06-30"))
    assert (response.status_code, response["Location"]) == (
        302, url("practitioner_detail", cast.doctor_b.pk) + "#appointments")
    appointment = Appointment.objects.get()
    assert (appointment.facility, appointment.department, appointment.start, appointment.end) == (
        cast.gangcha, anaesthesia, date(2024, 7, 1), date(2025, 6, 30))
    assert events_since(since) == [("create", "registry.appointment", str(appointment.pk))]


def test_appointment_form_lists_the_chosen_facility_departments(cast, client_as):
    Department.objects.create(facility=cast.gangcha, name="Anaesthesia")
    Department.objects.create(facility=cast.liaocheng, name="Cardiology")
    client = client_as(cast.coordinator)
    blank = client.get(url("appointment_create", cast.doctor_b.pk))
    assert list(blank.context["form"].fields["department"].queryset) == []
    assert f'hx-get="{url("appointment_create", cast.doctor_b.pk)}"' in html(blank)
    chosen = client.get(url("appointment_create", cast.doctor_b.pk), {"facility": cast.gangcha.pk})
    assert [str(d) for d in chosen.context["form"].fields["department"].queryset] == ["Anaesthesia"]
    assert f'<option value="{cast.gangcha.pk}" selected>' in html(chosen)


@pytest.mark.parametrize(("changes", "errors"), [
    ({"end": "2024-06-30"}, {"end": ["The end date is before the start date."]}),
    ({"start": ""}, {"start": ["This field is required."]}),
    ({"department": "other"}, {"department": ["Select a valid choice. That choice is not one of the available choices."]}),
])
def test_appointment_create_bad_input_saves_nothing(cast, client_as, changes, errors):
    cardiology = Department.objects.create(facility=cast.liaocheng, name="Cardiology")
    if changes.get("department") == "other":
        changes = {"department": cardiology.pk}  # a department of another facility
    since = last_event_id()
    response = client_as(cast.coordinator).post(url("appointment_create", cast.doctor_b.pk),
                                                appointment_data(cast, **changes))
    assert (response.status_code, field_errors(response)) == (400, errors)
    assert (Appointment.objects.count(), events_since(since)) == (0, [])


def test_appointment_at_a_facility_neither_side_edits_is_403_with_a_message(cast, client_as):
    since = last_event_id()
    response = client_as(cast.coordinator).post(url("appointment_create", cast.doctor_b.pk),
                                                appointment_data(cast, facility=cast.liaocheng.pk))
    assert (response.status_code, field_errors(response)) == (
        403, {"facility": ["You may not appoint staff at this facility."]})
    assert (Appointment.objects.count(), events_since(since)) == (0, [])


def test_appointment_create_refusals(cast, client_as):
    create = url("appointment_create", cast.doctor_b.pk)
    assert_refused(client_as, [None, cast.clinician_a, cast.analyst, cast.consultant_b], "post", create,
                   appointment_data(cast), statuses=(403,))
    assert_refused(client_as, [cast.outsider], "get", create, statuses=(404,))
    assert_refused(client_as, [cast.outsider], "post", create, appointment_data(cast, facility=cast.sari.pk),
                   statuses=(404,))
    assert Appointment.objects.count() == 0


# ---------------------------------------------------------------- regions


def test_region_list_shows_the_shared_regions(cast, client_as):
    response = client_as(cast.outsider).get(url("region_list"))
    assert response.status_code == 200
    assert count_line(response) == "6 regions"
    assert listed(response) == ["China", "Iran", "Mazandaran", "Qinghai", "Haibei", "Gangcha"]
    assert '<span class="name-local" dir="auto" lang="fa">مازندران</span>' in html(response)
    assert url("region_create") not in html(response)  # only reference-data editors add regions
    assert f'href="{url("region_create")}"' in html(client_as(cast.admin_a).get(url("region_list")))
    assert nav_is(response, "/registry/regions/")


@pytest.mark.parametrize(("query", "expected"), [
    ({"q": "海北"}, ["Haibei"]),
    ({"q": "مازندران"}, ["Mazandaran"]),
    ({"level": "0"}, ["China", "Iran"]),
    ({"level": "1"}, ["Mazandaran", "Qinghai"]),
    ({"parent": "qinghai"}, ["Haibei"]),
])
def test_region_list_filters(cast, client_as, query, expected):
    params = {k: cast.qinghai.pk if v == "qinghai" else v for k, v in query.items()}
    assert listed(client_as(cast.coordinator).get(url("region_list"), params)) == expected


def test_region_list_shows_parent_validity_and_merge(cast, client_as):
    old = Region.objects.create(code="CN-QH-HB-OLD", name="Old Township", level=3, parent=cast.haibei_region,
                                valid_from=date(1990, 1, 1), valid_to=date(2020, 1, 1), merged_into=cast.gangcha_county,
                                search_text=search_blob("Old Township", "CN-QH-HB-OLD"))
    response = client_as(cast.coordinator).get(url("region_list"), {"q": "old township"})
    page = html(response)
    assert '<td class="d-none d-sm-table-cell">Haibei</td>' in page
    assert '<td class="d-none d-md-table-cell">Jan 1, 1990 to Jan 1, 2020</td>' in page
    assert f'<a href="{url("region_detail", cast.gangcha_county.pk)}">Gangcha</a>' in page
    assert listed(response) == [str(old)]


def test_region_list_query_count_does_not_grow_with_the_rows(cast, client_as, django_assert_num_queries):
    client = settled(client_as(cast.coordinator))
    add_communes(cast, 1)
    # session, user, profile, memberships (menu and create button), COUNT, page, parent choice list
    with django_assert_num_queries(7):
        response = client.get(url("region_list") + "?q=township")
    assert (count_line(response), len(listed(response))) == ("1 region", 1)
    add_communes(cast, 30, start=1)
    with django_assert_num_queries(7):
        response = client.get(url("region_list") + "?q=township")
    assert (count_line(response), len(listed(response))) == ("31 regions", 25)
    assert "Page 1 of 2" in html(response)


def test_region_detail_shows_children_population_facilities_and_merges(cast, client_as):
    RegionPopulation.objects.create(region=cast.haibei_region, year=2020, population=265000)
    RegionPopulation.objects.create(region=cast.haibei_region, year=2023, population=273000)
    old = Region.objects.create(code="CN-QH-HB-OLD", name="Old Township", level=2, parent=cast.qinghai,
                                valid_to=date(2020, 1, 1), merged_into=cast.haibei_region)
    response = client_as(cast.coordinator).get(url("region_detail", cast.haibei_region.pk))
    assert response.status_code == 200
    page = html(response)
    assert '<span class="name-local" dir="auto" lang="zh">海北藏族自治州</span>' in page
    assert re.sub(r"<[^>]+>", "", re.search(r'data-testid="ancestors">(.*?)</dd>', page).group(1)) == "China › Qinghai"
    assert [str(c) for c in response.context["children"]] == ["Gangcha"]
    assert re.findall(r"<tr><td>(\d+)</td><td class=\"text-end\">([^<]+)</td></tr>", page) == [
        ("2023", "273,000"), ("2020", "265,000")]
    assert re.search(r'data-testid="facility-count">([^<]+)<', page).group(1) == "1 facility you can see"
    assert f'<td><a href="{url("region_detail", old.pk)}">Old Township</a></td><td>Jan 1, 2020</td>' in page
    assert '<dt class="col-sm-5">Valid</dt><dd class="col-sm-7">Current</dd>' in page
    assert url("region_edit", cast.haibei_region.pk) not in page  # the coordinator does not edit reference data
    assert nav_is(response, "/registry/regions/")
    # Another network's user counts only the facilities they can see.
    outsider = html(client_as(cast.outsider).get(url("region_detail", cast.haibei_region.pk)))
    assert re.search(r'data-testid="facility-count">([^<]+)<', outsider).group(1) == "0 facilities you can see"


def test_region_detail_of_a_merged_region_says_where_it_went(cast, client_as):
    old = Region.objects.create(code="CN-QH-HB-OLD", name="Old Township", level=3, parent=cast.haibei_region,
                                valid_to=date(2020, 1, 1), merged_into=cast.gangcha_county)
    page = html(client_as(cast.admin_a).get(url("region_detail", old.pk)))
    assert f'Merged on Jan 1, 2020 into <a href="{url("region_detail", cast.gangcha_county.pk)}">Gangcha</a>.' in page
    assert url("region_merge", old.pk) not in page and url("region_edit", old.pk) in page


def test_region_detail_missing_is_404_and_anonymous_goes_to_login(cast, client_as):
    assert client_as(cast.coordinator).get(url("region_detail", 999999)).status_code == 404
    assert client_as(None).get(url("region_detail", cast.qinghai.pk)).status_code == 302


def region_data(**changes) -> dict:
    data = {"code": "CN-QH-HB-MY", "name": "Menyuan", "name_local": "门源回族自治县", "level": "3", "parent": "",
            "valid_from": "1900-01-01", "meets_commune_criteria": "true"}
    data.update(changes)
    return data


def test_region_create_saves_and_audits(cast, client_as):
    client = client_as(cast.admin_a)
    assert client.get(url("region_create")).status_code == 200
    since = last_event_id()
    response = client.post(url("region_create"), region_data(parent=cast.haibei_region.pk))
    region = Region.objects.get(code="CN-QH-HB-MY")
    assert (response.status_code, response["Location"]) == (302, url("region_detail", region.pk))
    assert (region.parent, region.level, region.path, region.meets_commune_criteria) == (
        cast.haibei_region, 3, f"{cast.haibei_region.path}{region.pk}/", True)
    assert events_since(since) == [("create", "registry.region", str(region.pk))]


@pytest.mark.parametrize(("changes", "errors"), [
    ({"code": "CN-QH"}, {"code": ["A region with this code already exists."]}),
    ({"level": "1", "parent": "qinghai"}, {"parent": ["The parent region must be at a higher level than the region."]}),
    ({"parent": ""}, {"parent": ["Only a country may have no parent region."]}),
    ({"level": "9"}, {"level": ["Select a valid choice. 9 is not one of the available choices."]}),
])
def test_region_create_bad_input_saves_nothing(cast, client_as, changes, errors):
    changes = {"parent": cast.haibei_region.pk, **changes}
    if changes["parent"] == "qinghai":
        changes["parent"] = cast.qinghai.pk
    since, count = last_event_id(), Region.objects.count()
    response = client_as(cast.admin_a).post(url("region_create"), region_data(**changes))
    assert (response.status_code, field_errors(response)) == (400, errors)
    assert (Region.objects.count(), events_since(since)) == (count, [])


def test_region_create_refuses_users_who_do_not_edit_reference_data(cast, client_as):
    count = Region.objects.count()
    users = [None, cast.coordinator, cast.clinician_a, cast.analyst, cast.outsider]
    assert_refused(client_as, users, "get", url("region_create"), statuses=(403,))
    assert_refused(client_as, users, "post", url("region_create"), region_data(parent=cast.haibei_region.pk),
                   statuses=(403,))
    assert Region.objects.count() == count


def test_region_edit_renames_and_audits(cast, client_as):
    client = client_as(cast.admin_a)
    form = client.get(url("region_edit", cast.haibei_region.pk))
    assert (form.status_code, form.context["form"]["name_local"].value()) == (200, "海北藏族自治州")
    since = last_event_id()
    response = client.post(url("region_edit", cast.haibei_region.pk), region_data(
        code="CN-QH-HB", name="Haibei Prefecture", name_local="海北藏族自治州", level="2", parent=cast.qinghai.pk,
        meets_commune_criteria="unknown"))
    assert (response.status_code, response["Location"]) == (302, url("region_detail", cast.haibei_region.pk))
    cast.haibei_region.refresh_from_db()
    assert cast.haibei_region.name == "Haibei Prefecture"
    assert events_since(since) == [("update", "registry.region", str(cast.haibei_region.pk))]


def test_region_edit_refuses_a_cycle_and_changes_nothing(cast, client_as):
    since = last_event_id()
    response = client_as(cast.admin_a).post(url("region_edit", cast.qinghai.pk), region_data(
        code="CN-QH", name="Qinghai", name_local="青海省", level="1", parent=cast.haibei_region.pk))
    assert (response.status_code, field_errors(response)) == (
        400, {"parent": ["This would make a cycle: a node cannot sit below itself."]})
    cast.qinghai.refresh_from_db()
    assert (cast.qinghai.parent_id, events_since(since)) == (cast.china.pk, [])


def test_region_edit_refusals(cast, client_as):
    edit = url("region_edit", cast.qinghai.pk)
    data = region_data(code="CN-QH", name="Renamed", level="1", parent=cast.china.pk)
    assert_refused(client_as, [None, cast.coordinator, cast.analyst, cast.outsider], "post", edit, data,
                   statuses=(403,))
    assert client_as(cast.admin_a).get(url("region_edit", 999999)).status_code == 404
    cast.qinghai.refresh_from_db()
    assert cast.qinghai.name == "Qinghai"


def test_region_population_is_recorded_and_audited(cast, client_as):
    since = last_event_id()
    response = client_as(cast.admin_a).post(url("region_population", cast.haibei_region.pk),
                                            {"year": "2023", "population": "273000"})
    assert (response.status_code, response["Location"]) == (
        302, url("region_detail", cast.haibei_region.pk) + "#population")
    row = RegionPopulation.objects.get()
    assert (row.region, row.year, row.population) == (cast.haibei_region, 2023, 273000)
    assert events_since(since) == [("create", "registry.regionpopulation", str(row.pk))]


@pytest.mark.parametrize(("data", "errors"), [
    ({"year": "2023", "population": "-5"}, {"population": ["A population cannot be below zero."]}),
    ({"year": "1800", "population": "5"}, {"year": ["Enter a year between 1900 and 2200."]}),
    ({"year": "2023", "population": "many"}, {"population": ["Enter a whole number."]}),
])
def test_region_population_bad_input_is_shown_on_the_detail_page(cast, client_as, data, errors):
    since = last_event_id()
    response = client_as(cast.admin_a).post(url("region_population", cast.haibei_region.pk), data)
    assert (response.status_code, field_errors(response)) == (400, errors)
    assert '<h1 class="h3 mb-1">Haibei</h1>' in html(response)
    assert (RegionPopulation.objects.count(), events_since(since)) == (0, [])


def test_region_population_refusals(cast, client_as):
    target = url("region_population", cast.haibei_region.pk)
    assert_refused(client_as, [None, cast.coordinator, cast.analyst, cast.outsider], "post", target,
                   {"year": "2023", "population": "1"}, statuses=(403,))
    assert client_as(cast.admin_a).get(target).status_code == 405
    assert RegionPopulation.objects.count() == 0


@pytest.fixture
def township(cast) -> Region:
    region = Region.objects.create(code="CN-QH-HB-SX", name="Shaliu Township", level=3, parent=cast.haibei_region,
                                   valid_from=date(2000, 1, 1), search_text=search_blob("Shaliu Township"))
    Region.objects.filter(pk=region.pk).update(path=f"{cast.haibei_region.path}{region.pk}/")
    region.refresh_from_db()
    return region


def test_region_merge_records_the_merge_and_shows_it_on_the_successor(cast, client_as, township):
    client = client_as(cast.admin_a)
    form = client.get(url("region_merge", township.pk))
    assert form.status_code == 200
    assert [str(r) for r in form.context["form"].fields["into"].queryset] == ["Gangcha"]  # same level, not itself
    since = last_event_id()
    response = client.post(url("region_merge", township.pk), {"into": cast.gangcha_county.pk, "on": "2020-01-01"})
    assert (response.status_code, response["Location"]) == (302, url("region_detail", township.pk))
    township.refresh_from_db()
    assert (township.merged_into, township.valid_to) == (cast.gangcha_county, date(2020, 1, 1))
    assert events_since(since) == [("update", "registry.region", str(township.pk))]
    successor = html(client.get(url("region_detail", cast.gangcha_county.pk)))
    assert f'<td><a href="{url("region_detail", township.pk)}">Shaliu Township</a></td><td>Jan 1, 2020</td>' in successor


@pytest.mark.parametrize(("data", "errors"), [
    ({"into": "gangcha", "on": "1999-01-01"}, {"on": ["The merge date must be after the region's start."]}),
    ({"into": "haibei", "on": "2020-01-01"},
     {"into": ["Select a valid choice. That choice is not one of the available choices."]}),
    ({"into": "gangcha", "on": "someday"}, {"on": ["Enter a valid date."]}),
])
def test_region_merge_bad_input_changes_nothing(cast, client_as, township, data, errors):
    targets = {"gangcha": cast.gangcha_county.pk, "haibei": cast.haibei_region.pk}
    since = last_event_id()
    response = client_as(cast.admin_a).post(url("region_merge", township.pk), {**data, "into": targets[data["into"]]})
    assert (response.status_code, field_errors(response)) == (400, errors)
    township.refresh_from_db()
    assert (township.merged_into, township.valid_to, events_since(since)) == (None, None, [])


def test_region_merge_refusals(cast, client_as, township):
    target = url("region_merge", township.pk)
    data = {"into": cast.gangcha_county.pk, "on": "2020-01-01"}
    assert_refused(client_as, [None, cast.coordinator, cast.analyst, cast.outsider], "post", target, data,
                   statuses=(403,))
    township.refresh_from_db()
    assert township.merged_into is None


# ---------------------------------------------------------------- techniques


def test_technique_list_shows_the_national_list(cast, client_as, analgesia):
    response = client_as(cast.clinician_a).get(url("technique_list"))
    assert response.status_code == 200
    assert count_line(response) == "2 techniques"
    assert listed(response) == ["ECMO", "Epidural labour analgesia"]  # by code
    assert url("technique_create") not in html(response)
    assert nav_is(response, "/registry/techniques/")


@pytest.mark.parametrize(("query", "expected"), [
    ({"q": "镇痛"}, ["Epidural labour analgesia"]),
    ({"q": "ecmo"}, ["ECMO"]),
    ({"specialty": "critical_care"}, ["ECMO"]),
    ({"min_level": "3"}, ["Epidural labour analgesia"]),
    ({"min_level": "4"}, []),
])
def test_technique_list_filters(cast, client_as, analgesia, query, expected):
    assert listed(client_as(cast.coordinator).get(url("technique_list"), query)) == expected


def test_technique_list_query_count_does_not_grow_with_the_rows(cast, client_as, django_assert_num_queries):
    client = settled(client_as(cast.coordinator))
    add_techniques(1)
    # session, user, profile, memberships (menu and create button), COUNT, page, specialty choice list
    with django_assert_num_queries(7):
        response = client.get(url("technique_list") + "?q=gastric")
    assert (count_line(response), len(listed(response))) == ("1 technique", 1)
    add_techniques(30, start=1)
    with django_assert_num_queries(7):
        response = client.get(url("technique_list") + "?q=gastric")
    assert (count_line(response), len(listed(response))) == ("31 techniques", 25)
    page2 = client.get(url("technique_list") + "?q=gastric&page=2")
    assert len(listed(page2)) == 6 and "Page 2 of 2" in html(page2)


def test_technique_detail_shows_the_record(cast, client_as, ecmo, analgesia):
    analgesia.prerequisites.add(ecmo)
    response = client_as(cast.coordinator).get(url("technique_detail", analgesia.pk))
    assert response.status_code == 200
    page = html(response)
    assert '<span class="name-local" dir="auto" lang="zh">分娩镇痛</span>' in page
    for label, value in [("Code", "<code>T-EPI</code>"), ("Specialty", "Anaesthesiology"),
                         ("Lowest level assigned by the national list", "District"),
                         ("Successful cases needed for independence", "30"),
                         ("Prerequisite techniques", f'<a href="{url("technique_detail", ecmo.pk)}">ECMO</a>'),
                         ("Equipment needed", "Ultrasound machine")]:
        assert f'<dt class="col-sm-5">{label}</dt><dd class="col-sm-7">{value}</dd>' in page
    assert url("technique_edit", analgesia.pk) not in page
    assert url("technique_edit", analgesia.pk) in html(client_as(cast.admin_a).get(url("technique_detail", analgesia.pk)))
    assert client_as(cast.coordinator).get(url("technique_detail", 999999)).status_code == 404
    assert client_as(None).get(url("technique_detail", analgesia.pk)).status_code == 302


def technique_data(**changes) -> dict:
    data = {"code": "T-HIP", "name": "Hip replacement", "name_local": "髋关节置换术",
            "specialty": specialty("orthopaedics").pk, "min_level": "2", "cases_for_independence": "20",
            "prerequisites": [], "equipment_needed": [equipment("xray").pk]}
    data.update(changes)
    return data


def test_technique_create_saves_and_audits(cast, client_as, ecmo):
    client = client_as(cast.admin_a)
    assert client.get(url("technique_create")).status_code == 200
    since = last_event_id()
    response = client.post(url("technique_create"), technique_data(prerequisites=[ecmo.pk]))
    technique = Technique.objects.get(code="T-HIP")
    assert (response.status_code, response["Location"]) == (302, url("technique_detail", technique.pk))
    assert (technique.min_level, technique.cases_for_independence, technique.specialty.code) == (2, 20, "orthopaedics")
    assert list(technique.prerequisites.all()) == [ecmo]
    assert list(technique.equipment_needed.values_list("code", flat=True)) == ["xray"]
    assert events_since(since) == [("create", "registry.technique", str(technique.pk))]


@pytest.mark.parametrize(("changes", "errors"), [
    ({"code": "T-ECMO"}, {"code": ["A technique with this code already exists."]}),
    ({"min_level": "9"}, {"min_level": ["Select a valid choice. 9 is not one of the available choices."]}),
    ({"cases_for_independence": "0"}, {"cases_for_independence": ["Ensure this value is greater than or equal to 1."]}),
])
def test_technique_create_bad_input_saves_nothing(cast, client_as, ecmo, changes, errors):
    since, count = last_event_id(), Technique.objects.count()
    response = client_as(cast.admin_a).post(url("technique_create"), technique_data(**changes))
    assert (response.status_code, field_errors(response)) == (400, errors)
    assert (Technique.objects.count(), events_since(since)) == (count, [])


def test_technique_create_refuses_users_who_do_not_edit_reference_data(cast, client_as):
    users = [None, cast.coordinator, cast.clinician_a, cast.analyst, cast.outsider]
    assert_refused(client_as, users, "get", url("technique_create"), statuses=(403,))
    assert_refused(client_as, users, "post", url("technique_create"), technique_data(), statuses=(403,))
    assert Technique.objects.count() == 0


def test_technique_edit_saves_and_audits(cast, client_as, ecmo):
    client = client_as(cast.admin_a)
    form = client.get(url("technique_edit", ecmo.pk))
    assert form.status_code == 200
    assert list(form.context["form"].fields["prerequisites"].queryset) == []  # never itself
    since = last_event_id()
    response = client.post(url("technique_edit", ecmo.pk), technique_data(
        code="T-ECMO", name="ECMO", name_local="体外膜肺氧合", specialty=specialty("critical_care").pk, min_level="2",
        cases_for_independence="15", equipment_needed=[equipment("ecmo").pk]))
    assert (response.status_code, response["Location"]) == (302, url("technique_detail", ecmo.pk))
    ecmo.refresh_from_db()
    assert ecmo.min_level == 2
    assert events_since(since) == [("update", "registry.technique", str(ecmo.pk))]
    assert AuditEvent.objects.get(pk__gt=since).changes == {"min_level": [1, 2], "equipment_needed": [[], ["ecmo"]]}


def test_technique_edit_refusals(cast, client_as, ecmo):
    edit = url("technique_edit", ecmo.pk)
    data = technique_data(code="T-ECMO", min_level="4")
    assert_refused(client_as, [None, cast.coordinator, cast.clinician_a, cast.analyst, cast.outsider], "post", edit,
                   data, statuses=(403,))
    assert client_as(cast.admin_a).get(url("technique_edit", 999999)).status_code == 404
    ecmo.refresh_from_db()
    assert ecmo.min_level == 1


# ================================================================ national-scale menus


def _options(html: str, select_name: str) -> list[str]:
    block = re.search(rf'<select name="{select_name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return re.findall(r'<option value="([^"]*)"', block)


def test_facility_filters_offer_the_top_of_the_trees_and_drill_down(cast, client_as):
    client = client_as(cast.coordinator)
    html = client.get(reverse("registry:facility_list")).content.decode()
    # Countries and provinces only (a national node has 700 districts and 10,000 communes) ...
    assert _options(html, "region") == ["", str(cast.china.pk), str(cast.iran.pk), str(cast.mazandaran_region.pk),
                                        str(cast.qinghai.pk)]
    # ... and choosing a province adds its districts to the menu.
    html = client.get(reverse("registry:facility_list") + f"?region={cast.qinghai.pk}").content.decode()
    assert _options(html, "region") == ["", str(cast.china.pk), str(cast.iran.pk), str(cast.mazandaran_region.pk),
                                        str(cast.qinghai.pk), str(cast.haibei_region.pk)]
    # ... and only organisations with others below them: the useful "within" filters.
    assert _options(html, "organisation") == ["", str(cast.haibei.pk), str(cast.shandong.pk)]


def test_a_link_may_still_filter_by_a_commune_and_it_is_then_offered(cast, client_as):
    url = reverse("registry:facility_list") + f"?region={cast.gangcha_county.pk}"
    response = client_as(cast.coordinator).get(url)
    html = response.content.decode()
    assert _options(html, "region")[1] == str(cast.gangcha_county.pk)
    assert [f.code for f in response.context["page"].object_list] == ["CN-GC-01"]


def test_organisation_filter_includes_the_organisations_below(cast, client_as):
    url = reverse("registry:facility_list") + f"?organisation={cast.shandong.pk}"
    page = client_as(cast.coordinator).get(url).context["page"]
    assert [f.code for f in page.object_list] == ["CN-LC-01"]


def test_facility_page_shows_fifty_staff_and_links_to_all(cast, client_as):
    people = Practitioner.objects.bulk_create([
        Practitioner(name=f"Staff {i:02d}", name_latin=f"Staff {i:02d}", sex="female", title="junior",
                     organisation=cast.gangcha_org, search_text=search_blob(f"Staff {i:02d}"))
        for i in range(51)
    ])
    Appointment.objects.bulk_create([
        Appointment(practitioner=p, facility=cast.gangcha, position="Nurse", start=date(2024, 1, 1)) for p in people
    ])
    client = client_as(cast.coordinator)
    response = client.get(reverse("registry:facility_detail", args=[cast.gangcha.pk]))
    assert len(response.context["staff"]) == 50
    link = f'{reverse("registry:practitioner_list")}?facility={cast.gangcha.pk}'
    assert link in response.content.decode()
    listed = client.get(link).context["page"]
    assert listed.paginator.count == 51
