"""The transfer API at /api/v1/transfer/: values, query budgets, refusals and bad input."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from caravan.registry.models import Department
from caravan.transfer import ledger, services
from caravan.transfer.models import Capability, CaseImport, CaseLog, PlanItem, TransferPlan
from tests.helpers import assert_refused, audit_count

from .conftest import add_cases, ago, run

T = "/api/v1/transfer"
JSON = "application/json"
NOT_FOUND = {"code": "not_found", "message": "Not found.", "fields": {}}
FORBIDDEN = {"code": "forbidden", "message": "You do not have permission to do this.", "fields": {}}

pytestmark = pytest.mark.django_db


def invalid(code: str, **fields) -> dict:
    return {"code": code, "message": "Some fields are not valid.", "fields": fields}


def post(client, path, data):
    return client.post(T + path, data, content_type=JSON)


def settled(client_as, user):
    client = client_as(user)
    client.get(f"{T}/cases?page_size=1")
    return client


def gangcha_ref(cast):
    return {"id": cast.gangcha.pk, "code": "CN-GC-01", "name": "Gangcha County People's Hospital"}


# ================================================================ the case log


def test_logging_a_case_over_the_api(cast, techs, client_as):
    response = post(client_as(cast.clinician_a), "/cases", {
        "facility": cast.gangcha.pk, "technique": "epi", "performed_on": ago(2).isoformat(),
        "performer": "visiting", "supervision": "observed", "visiting_practitioner": cast.doctor_b.pk,
    })
    assert response.status_code == 201
    case = CaseLog.objects.get()
    assert response.json() == {
        "id": case.pk, "facility": gangcha_ref(cast),
        "technique": {"id": techs.epidural.pk, "code": "EPI", "name": "Epidural labour analgesia"},
        "performed_on": ago(2).isoformat(), "performer": "visiting", "supervision": "observed", "outcome": "success",
        "visiting_practitioner": cast.doctor_b.pk, "imported_from": None,
    }


@pytest.mark.parametrize(("changes", "status", "body"), [
    ({"technique": "XYZ"}, 400,
     invalid("unknown_reference", technique=["“XYZ” is not in the technique catalogue."])),
    ({"supervision": "remote"}, 422, invalid("invalid", supervision=[
        "Choose one of: 'observed', 'assisted', 'supervised' or 'independent'."])),
    ({"performed_on": (timezone.localdate() + timedelta(days=2)).isoformat()}, 400,
     invalid("future_date", performed_on=["The date is in the future."])),
    ({"performer": "visiting"}, 400, invalid("visiting_independent", supervision=[
        "A case performed by a visiting expert cannot be independent: choose observed, assisted or supervised."])),
    ({"patient_name": "Someone"}, 422, invalid("invalid", patient_name=["This field is not known."])),
])
def test_bad_cases_are_refused_naming_the_field(cast, techs, client_as, changes, status, body):
    data = {"facility": cast.gangcha.pk, "technique": "EPI", "performed_on": ago(2).isoformat(), **changes}
    before = audit_count()
    response = post(client_as(cast.clinician_a), "/cases", data)
    assert (response.status_code, response.json()) == (status, body)
    assert (CaseLog.objects.count(), audit_count()) == (0, before)


def test_only_the_staff_log_and_read_a_facility_cases(cast, techs, client_as):
    data = {"facility": cast.gangcha.pk, "technique": "EPI", "performed_on": ago(2).isoformat()}
    for user in (cast.analyst, cast.consultant_b, cast.outsider):
        response = post(client_as(user), "/cases", data)
        assert (response.status_code, response.json()) == (400, invalid(
            "unknown_reference", facility=["You do not log cases for this facility."]))
    assert_refused(client_as, [None], "post", f"{T}/cases", data, anonymous_redirects=False, content_type=JSON)
    case = services.case_log(by=cast.clinician_a, facility=cast.gangcha, technique=techs.epidural, performed_on=ago(2))
    for user in (cast.analyst, cast.consultant_b, cast.outsider):
        assert client_as(user).get(f"{T}/cases").json()["count"] == 0
    assert_refused(client_as, [None, cast.analyst, cast.consultant_b, cast.outsider], "delete",
                   f"{T}/cases/{case.pk}", anonymous_redirects=False)
    response = client_as(cast.clinician_a).delete(f"{T}/cases/{case.pk}")
    assert (response.status_code, CaseLog.objects.count()) == (204, 0)


def test_the_case_list_pages_with_a_fixed_query_count(cast, techs, client_as, django_assert_num_queries):
    add_cases(cast.gangcha, techs.epidural, run(ago(50), 40))
    client = settled(client_as, cast.clinician_a)
    # Session, user, the technique code, the user's memberships, the count, the page.
    with django_assert_num_queries(6):
        body = client.get(f"{T}/cases?page_size=30&technique=EPI").json()
    assert (body["count"], len(body["items"]), body["items"][0]["performed_on"]) == (40, 30, ago(11).isoformat())
    with django_assert_num_queries(5):
        client.get(f"{T}/cases?page_size=5")


def test_an_import_over_the_api(cast, techs, client_as):
    client = client_as(cast.clinician_a)
    content = f"date,technique\n{ago(3)},EPI\n{ago(2)},NOPE\n".encode()
    response = client.post(f"{T}/imports", {"facility": cast.gangcha.pk,
                                            "file": SimpleUploadedFile("may.csv", content, "text/csv")})
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["total_rows"], body["valid_rows"], body["errors"]) == (
        "previewed", 2, 1, [{"row": 3, "column": "technique", "message": "“NOPE” is not in the technique catalogue."}],
    )
    response = client.post(f"{T}/imports/{body['id']}/confirm")
    assert (response.status_code, response.json()["status"]) == (200, "queued")
    response = client.post(f"{T}/imports/{body['id']}/confirm")
    assert response.json() == {"code": "not_previewed", "message": "This import is no longer waiting for confirmation.",
                               "fields": {}}
    assert_refused(client_as, [None, cast.analyst, cast.outsider], "get", f"{T}/imports/{body['id']}",
                   anonymous_redirects=False)


def test_an_import_for_someone_elses_facility_is_refused(cast, techs, client_as):
    response = client_as(cast.outsider).post(f"{T}/imports", {
        "facility": cast.gangcha.pk, "file": SimpleUploadedFile("may.csv", b"date,technique\n", "text/csv")})
    assert (response.status_code, response.json()["fields"]) == (
        400, {"facility": ["You do not log cases for this facility."]})
    assert CaseImport.objects.count() == 0


# ================================================================ the ledger


@pytest.fixture
def independent(cast, techs):
    add_cases(cast.gangcha, techs.epidural, [ago(200)], performer="visiting", supervision="observed")
    add_cases(cast.gangcha, techs.epidural, run(ago(60), 3))
    ledger.recompute([(cast.gangcha.pk, techs.epidural.pk)])
    return Capability.objects.get()


def test_the_ledger_reads_with_its_evidence(cast, techs, independent, client_as, django_assert_num_queries):
    client = settled(client_as, cast.analyst)
    # Session, user, the technique code, memberships, networks, the count, the page.
    with django_assert_num_queries(7):
        body = client.get(f"{T}/capabilities?technique=EPI").json()
    assert body["items"] == [{
        "id": independent.pk, "facility": gangcha_ref(cast),
        "technique": {"id": techs.epidural.pk, "code": "EPI", "name": "Epidural labour analgesia"},
        "status": "independent", "status_label": "Independent", "status_on": ago(58).isoformat(),
        "first_independent_on": ago(58).isoformat(), "first_case_on": ago(200).isoformat(),
        "last_case_on": ago(58).isoformat(), "cases": 4, "visiting_help": True, "held_back_rate": None,
        "cross_level": True,
    }]
    detail = client.get(f"{T}/capabilities/{independent.pk}").json()
    assert [(e["status"], e["reason"], e["details"]) for e in detail["events"]] == [
        ("training", "first_observed", {}), ("supervised", "first_local", {}),
        ("independent", "independence", {"cases": 3, "window_months": 24, "rate": 0.0}),
    ]
    matrix = client.get(f"{T}/facilities/{cast.gangcha.pk}/matrix").json()
    assert matrix["specialties"] == [{"specialty": "anaesthesiology", "label": "Anaesthesiology", "techniques": [
        {"code": "EPI", "name": "Epidural labour analgesia", "status": "independent", "cross_level": True,
         "capability": independent.pk}]}]
    assert_refused(client_as, [None, cast.outsider], "get", f"{T}/capabilities/{independent.pk}",
                   anonymous_redirects=False)
    assert_refused(client_as, [None, cast.outsider], "get", f"{T}/facilities/{cast.gangcha.pk}/matrix",
                   anonymous_redirects=False)


def test_setting_a_status_over_the_api(cast, techs, client_as):
    data = {"facility": cast.gangcha.pk, "technique": "PHACO", "status": "training", "note": "Two nurses started."}
    for user in (cast.clinician_a, cast.analyst):
        response = post(client_as(user), "/capabilities", data)
        assert (response.status_code, response.json()) == (403, FORBIDDEN)
    response = post(client_as(cast.outsider), "/capabilities", data)
    assert response.json()["fields"] == {"facility": ["Unknown facility."]}
    response = post(client_as(cast.coordinator), "/capabilities", {**data, "status": "independent"})
    assert response.status_code == 422
    response = post(client_as(cast.coordinator), "/capabilities", data)
    assert (response.status_code, response.json()["status"]) == (200, "training")


# ================================================================ plans


def test_a_plan_over_the_api(cast, techs, client_as):
    client = client_as(cast.coordinator)
    response = post(client, "/plans", {"title": "Critical care", "mentor": cast.liaocheng.pk,
                                       "recipient": cast.gangcha.pk, "phase_1_target": "2026-12-31"})
    assert response.status_code == 201
    plan = TransferPlan.objects.get()
    assert [(p["number"], p["target_date"], p["items"]) for p in response.json()["phases"]] == [
        (1, "2026-12-31", []), (2, None, []), (3, None, []),
    ]
    response = post(client, f"/plans/{plan.pk}/items", {"technique": "ECMO", "phase": 1})
    assert (response.status_code, response.json()) == (400, invalid("prerequisite_missing", phase=[
        "ECMO cannot be scheduled in phase 1 yet: first the recipient must be independent in Invasive mechanical "
        "ventilation, or an earlier phase of this plan must schedule it."]))
    response = post(client, f"/plans/{plan.pk}/items", {"technique": "MV", "phase": 1, "mentors": [cast.doctor_b.pk]})
    assert response.status_code == 201
    item = response.json()
    assert (item["technique"]["code"], item["phase"], item["status"], [m["id"] for m in item["mentors"]]) == (
        "MV", 1, "planned", [cast.doctor_b.pk])
    response = client.patch(f"{T}/items/{item['id']}", {"phase": 2}, content_type=JSON)
    assert (response.status_code, response.json()["phase"]) == (200, 2)
    response = client.patch(f"{T}/plans/{plan.pk}", {"title": "Intensive care"}, content_type=JSON)
    assert response.json()["title"] == "Intensive care"
    assert client.delete(f"{T}/items/{item['id']}").status_code == 204


def test_plans_refuse_who_does_not_own_them(cast, techs, client_as):
    plan = services.plan_create(by=cast.coordinator, data={"title": "P", "mentor": cast.liaocheng,
                                                           "recipient": cast.gangcha})
    item = services.plan_item_add(by=cast.coordinator, plan=plan, technique=techs.epidural, phase=1)
    others = [None, cast.clinician_a, cast.analyst, cast.consultant_b, cast.outsider]
    assert_refused(client_as, others, "get", f"{T}/plans/{plan.pk}", anonymous_redirects=False)
    assert_refused(client_as, others, "patch", f"{T}/plans/{plan.pk}", {"title": "Mine"}, anonymous_redirects=False,
                   content_type=JSON)
    assert_refused(client_as, others, "post", f"{T}/plans/{plan.pk}/items", {"technique": "MV", "phase": 1},
                   anonymous_redirects=False, content_type=JSON)
    assert_refused(client_as, others, "delete", f"{T}/items/{item.pk}", anonymous_redirects=False)
    for user in others[1:]:
        assert client_as(user).get(f"{T}/plans").json()["count"] == 0
    response = post(client_as(cast.clinician_a), "/plans", {"title": "x", "mentor": cast.liaocheng.pk,
                                                            "recipient": cast.gangcha.pk})
    assert (response.status_code, response.json()) == (403, FORBIDDEN)
    assert (TransferPlan.objects.get().title, PlanItem.objects.count()) == ("P", 1)


# ================================================================ reports


def test_reports_over_the_api(cast, techs, independent, client_as):
    client = client_as(cast.analyst)
    body = client.get(f"{T}/reports/cross-level?region={cast.qinghai.pk}&baseline=2020").json()
    assert body == {
        "baseline": "2020-01-01", "total": 1, "cases_performed": 4,
        "by_level": [{"level": 3, "label": "District", "techniques_added": 1, "cases_performed": 4}],
        "by_year": {str(ago(58).year): {"3": 1}},
        "by_facility": [{"id": cast.gangcha.pk, "name": "Gangcha County People's Hospital", "count": 1}],
        "by_region": [{"id": cast.haibei_region.pk, "name": "Haibei", "count": 1}],
        "by_specialty": [{"id": None, "name": "Anaesthesiology", "count": 1}],
    }
    periods = client.get(f"{T}/reports/cases?granularity=year&since=2020-01-01").json()
    assert sum(p["cases"] for p in periods) == 4
    assert client.get(f"{T}/reports/transferred").json() == {"per_plan": [], "per_agreement": []}
    body = client.get(f"{T}/reports/sustainability?programme={cast.network.pk}").json()
    assert (body["programme"], body["index"], [s["performed"] for s in body["services"]]) == (
        "Shandong–Haibei",
        [{"months": 6, "sustained": 1, "eligible": 1, "share": 1.0},
         {"months": 12, "sustained": 0, "eligible": 0, "share": None}],
        [{"6": True, "12": None}],
    )
    response = client_as(cast.outsider).get(f"{T}/reports/sustainability?programme={cast.network.pk}")
    assert (response.status_code, response.json()) == (404, NOT_FOUND)
    assert client_as(cast.outsider).get(f"{T}/reports/cross-level").json()["total"] == 0
    for path in ("/reports/cross-level", "/reports/cases", "/reports/transferred",
                 f"/reports/sustainability?programme={cast.network.pk}"):
        assert_refused(client_as, [None], "get", T + path, anonymous_redirects=False)


# ================================================================ centres and studios


def test_centres_and_studios_over_the_api(cast, techs, client_as):
    client = client_as(cast.coordinator)
    response = post(client, "/centres", {"name": "Labour Analgesia Centre", "facility": cast.gangcha.pk,
                                         "specialty": "anaesthesiology", "partner": cast.liaocheng_org.pk})
    assert response.status_code == 201
    assert (response.json()["specialty"], response.json()["partner"]) == ("anaesthesiology", cast.liaocheng_org.pk)
    response = post(client, "/centres", {"name": "X", "facility": cast.gangcha.pk, "specialty": "alchemy"})
    assert response.json()["fields"] == {"specialty": ["Unknown specialty: alchemy."]}
    department = Department.objects.create(facility=cast.gangcha, name="Anaesthesiology")
    response = post(client, "/studios", {"name": "Studio", "department": department.pk, "founder": cast.doctor_b.pk,
                                         "founded_on": "2021-01-01", "techniques": ["EPI"]})
    assert response.status_code == 201
    studio = response.json()
    assert ([lead["practitioner"]["id"] for lead in studio["leads"]], studio["techniques"]) == (
        [cast.doctor_b.pk], ["EPI"])
    response = post(client, f"/studios/{studio['id']}/trainees", {"practitioner": cast.doctor_b.pk,
                                                                  "start": "2022-01-01"})
    assert [t["practitioner"]["id"] for t in response.json()["trainees"]] == [cast.doctor_b.pk]
    for user in (cast.clinician_a, cast.analyst):
        response = post(client_as(user), "/centres", {"name": "Mine", "facility": cast.gangcha.pk})
        assert (response.status_code, response.json()) == (403, FORBIDDEN)
    assert_refused(client_as, [None, cast.outsider], "get", f"{T}/studios/{studio['id']}", anonymous_redirects=False)
    assert client_as(cast.outsider).get(f"{T}/centres").json()["count"] == 0
    assert client_as(cast.analyst).get(f"{T}/studios").json()["count"] == 1
    assert date.fromisoformat(studio["founded_on"]) == date(2021, 1, 1)
