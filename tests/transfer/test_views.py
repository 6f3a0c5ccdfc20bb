"""The transfer pages: content, query budgets, bad input beside its field, and refusals."""

import re
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from caravan.registry.models import Department
from caravan.transfer import ledger, services
from caravan.transfer.models import (
    Capability,
    CaseImport,
    CaseLog,
    PlanItem,
    SpecialtyCentre,
    Studio,
    TransferPlan,
)
from caravan.transfer.tasks import case_import_run
from tests.helpers import assert_refused, audit_count

from .conftest import add_cases, ago, run

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"transfer:{name}", args=args)


def html(response) -> str:
    return response.content.decode()


def field_errors(response) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name, message in re.findall(r'data-field-error="([^"]+)">([^<]*)<', html(response)):
        found.setdefault(name, []).append(message.replace("&#x27;", "'").replace("&quot;", '"'))
    return found


def settled(client):
    client.get(url("home"))
    return client


@pytest.fixture
def plan(cast, techs):
    plan = services.plan_create(by=cast.coordinator, data={
        "title": "Liaocheng to Gangcha", "mentor": cast.liaocheng, "recipient": cast.gangcha,
        "targets": {1: date(2026, 6, 30)},
    })
    services.plan_item_add(by=cast.coordinator, plan=plan, technique=techs.ventilation, phase=1)
    return plan


@pytest.fixture
def independent(cast, techs):
    """Gangcha became independent in labour analgesia with a Liaocheng anaesthetist's help."""
    add_cases(cast.gangcha, techs.epidural, [ago(200)], performer="visiting", supervision="observed")
    add_cases(cast.gangcha, techs.epidural, run(ago(60), 3))
    ledger.recompute([(cast.gangcha.pk, techs.epidural.pk)])
    return Capability.objects.get(facility=cast.gangcha, technique=techs.epidural)


# ================================================================ home


def test_home_offers_what_each_role_does(cast, techs, plan, client_as):
    page = html(client_as(cast.clinician_a).get(url("home")))
    assert "Log a case" in page and "Transfer plans" not in page
    page = html(client_as(cast.coordinator).get(url("home")))
    assert "Liaocheng to Gangcha" in page and "0 of 1 techniques transferred" in page
    page = html(client_as(cast.analyst).get(url("home")))
    assert "Log a case" not in page and "New cross-level techniques since a baseline year" in page


def test_home_refuses_anonymous(client_as):
    response = client_as(None).get(url("home"))
    assert (response.status_code, response["Location"]) == (302, "/login/?next=/transfer/")


# ================================================================ the fast entry form


def test_a_clinician_logs_a_case_in_one_post_and_the_next_form_remembers(cast, techs, client_as):
    client = settled(client_as(cast.clinician_a))
    form = client.get(url("case_new"))
    assert form.status_code == 200
    assert form.context["facility"] == cast.gangcha
    assert form.context["form"]["technique"].field.widget.attrs["autofocus"] is True
    response = client.post(url("case_new"), {
        "facility": cast.gangcha.pk, "technique": "EPI — Epidural labour analgesia",
        "performed_on": ago(1).isoformat(), "performer": "visiting", "supervision": "assisted", "outcome": "success",
    })
    assert (response.status_code, response["Location"]) == (302, f"{url('case_new')}?facility={cast.gangcha.pk}")
    case = CaseLog.objects.get()
    assert (case.facility_id, case.technique_id, case.performed_on, case.performer, case.supervision) == (
        cast.gangcha.pk, techs.epidural.pk, ago(1), "visiting", "assisted",
    )
    follow = client.get(response["Location"])
    assert "is now training in it." in html(follow)
    initial = follow.context["form"].initial
    assert (initial["performer"], initial["supervision"], initial["outcome"], initial["performed_on"]) == (
        "visiting", "assisted", "success", timezone.localdate(),
    )


def test_the_entry_form_costs_a_fixed_number_of_queries(cast, techs, client_as, django_assert_num_queries):
    client = settled(client_as(cast.clinician_a))
    add_cases(cast.gangcha, techs.epidural, run(ago(30), 3))
    with django_assert_num_queries(9):
        client.get(url("case_new"))
    add_cases(cast.gangcha, techs.cataract, run(ago(20), 15))
    with django_assert_num_queries(9):
        client.get(url("case_new"))


@pytest.mark.parametrize(("changes", "errors"), [
    ({"performed_on": (timezone.localdate() + timedelta(days=2)).isoformat()},
     {"performed_on": ["The date is in the future."]}),
    ({"technique": "XYZ"}, {"technique": ["“XYZ” is not in the technique catalogue."]}),
    ({"supervision": "remote"}, {"supervision": [
        "There is no supervision level “remote”; choose observed, assisted, supervised or independent."]}),
    ({"performer": "visiting"}, {"supervision": [
        "A case performed by a visiting expert cannot be independent: choose observed, assisted or supervised."]}),
])
def test_bad_cases_are_shown_beside_their_field_and_nothing_is_saved(cast, techs, client_as, changes, errors):
    data = {"facility": cast.gangcha.pk, "technique": "EPI", "performed_on": ago(1).isoformat(),
            "performer": "local", "supervision": "independent", "outcome": "success", **changes}
    before = audit_count()
    response = client_as(cast.clinician_a).post(url("case_new"), data)
    assert response.status_code == 400
    assert field_errors(response) == errors
    assert (CaseLog.objects.count(), audit_count()) == (0, before)


def test_the_entry_form_refuses_those_who_log_nowhere(cast, techs, client_as):
    assert_refused(client_as, [None, cast.analyst], "get", url("case_new"))
    assert_refused(client_as, [cast.analyst], "post", url("case_new"),
                   {"facility": cast.gangcha.pk, "technique": "EPI", "performed_on": ago(1).isoformat(),
                    "performer": "local", "supervision": "independent", "outcome": "success"})
    # Another network's coordinator logs for Sari, never for Gangcha.
    response = client_as(cast.outsider).post(url("case_new"), {
        "facility": cast.gangcha.pk, "technique": "EPI", "performed_on": ago(1).isoformat(),
        "performer": "local", "supervision": "independent", "outcome": "success",
    })
    assert (response.status_code, response.context["facility"], CaseLog.objects.count()) == (400, cast.sari, 0)
    assert "Select a valid choice." in html(response)


# ================================================================ the case log


def test_the_case_log_lists_the_staff_facilities_with_a_fixed_query_count(cast, techs, client_as,
                                                                          django_assert_num_queries):
    add_cases(cast.gangcha, techs.epidural, run(ago(40), 3))
    add_cases(cast.sari, techs.epidural, run(ago(40), 2))
    client = settled(client_as(cast.clinician_a))
    with django_assert_num_queries(8):
        response = client.get(url("case_list"))
    assert [c.facility_id for c in response.context["page"].object_list] == [cast.gangcha.pk] * 3
    add_cases(cast.gangcha, techs.cataract, run(ago(40), 30))
    with django_assert_num_queries(8):
        response = client.get(url("case_list"))
    assert re.search(r'data-testid="count">([^<]*)<', html(response)).group(1) == "33 cases"
    response = client.get(url("case_list"), {"technique": "PHACO", "since": ago(14).isoformat()})
    assert response.context["page"].paginator.count == 4


def test_removing_a_case(cast, techs, client_as):
    case = services.case_log(by=cast.clinician_a, facility=cast.gangcha, technique=techs.epidural,
                             performed_on=ago(2))
    assert_refused(client_as, [None, cast.analyst, cast.consultant_b, cast.outsider], "post",
                   url("case_delete", case.pk))
    response = client_as(cast.clinician_a).post(url("case_delete", case.pk), {"next": url("case_list")})
    assert (response.status_code, response["Location"], CaseLog.objects.count()) == (302, url("case_list"), 0)


def test_the_case_log_refuses_analysts_and_anonymous(cast, client_as):
    assert_refused(client_as, [None, cast.analyst], "get", url("case_list"))


# ================================================================ import


def test_an_import_is_previewed_with_row_errors_then_confirmed_and_run(cast, techs, client_as):
    client = client_as(cast.clinician_a)
    content = (f"date,technique,performer,supervision,outcome\n{ago(3)},EPI,local,independent,success\n"
               f"{ago(2)},EPI,local,remote,success\n").encode()
    response = client.post(url("import_upload"), {
        "facility": cast.gangcha.pk, "file": SimpleUploadedFile("may.csv", content, content_type="text/csv"),
    })
    case_import = CaseImport.objects.get()
    assert (response.status_code, response["Location"]) == (302, url("import_detail", case_import.pk))
    page = html(client.get(response["Location"]))
    assert re.search(r'data-testid="valid-rows">([^<]*)<', page).group(1) == "1"
    assert "<td>3</td><td><code>supervision</code></td>" in page
    assert "Import the 1 valid row" in page
    assert CaseLog.objects.count() == 0

    response = client.post(url("import_confirm", case_import.pk))
    assert response.status_code == 302
    progress = html(client.get(url("import_progress", case_import.pk)))
    assert 'hx-trigger="every 1s"' in progress and 'data-status="queued"' in progress
    case_import_run.call(case_import.pk)
    progress = html(client.get(url("import_progress", case_import.pk)))
    assert 'hx-trigger' not in progress and 'data-status="done"' in progress and "1 case imported." in progress
    assert CaseLog.objects.count() == 1


def test_a_broken_excel_upload_is_refused_beside_the_file_field(cast, techs, client_as):
    response = client_as(cast.clinician_a).post(url("import_upload"), {
        "facility": cast.gangcha.pk, "file": SimpleUploadedFile("may.xlsx", b"PK\x03\x04"),
    })
    assert response.status_code == 400
    assert field_errors(response) == {"file": [
        "This file is not a valid Excel workbook (.xlsx). Save it again as .xlsx or as CSV UTF-8."]}


def test_imports_refuse_outsiders_and_other_roles(cast, techs, client_as):
    case_import = services.case_import_preview(by=cast.clinician_a, facility=cast.gangcha, file_name="x.csv",
                                               data=f"date,technique\n{ago(1)},EPI\n".encode())
    assert_refused(client_as, [None, cast.analyst], "get", url("import_upload"))
    for name in ("import_detail", "import_progress"):
        assert_refused(client_as, [None, cast.analyst, cast.consultant_b, cast.outsider], "get",
                       url(name, case_import.pk))
    for name in ("import_confirm", "import_discard"):
        assert_refused(client_as, [None, cast.analyst, cast.consultant_b, cast.outsider], "post",
                       url(name, case_import.pk))
    assert CaseImport.objects.get().status == "previewed"


# ================================================================ the ledger


def test_a_facility_matrix_shows_statuses_by_specialty(cast, techs, independent, client_as,
                                                       django_assert_num_queries):
    services.capability_set_status(by=cast.coordinator, facility=cast.gangcha, technique=techs.cataract,
                                   status="training")
    client = settled(client_as(cast.analyst))
    with django_assert_num_queries(7):
        response = client.get(url("facility_matrix", cast.gangcha.pk))
    cells = re.findall(r'data-technique="([^"]+)" data-status="([^"]*)"', html(response))
    assert cells == [("EPI", "independent"), ("PHACO", "training")]
    assert response.context["matrix"].counts == {"planned": 0, "training": 1, "supervised": 0, "independent": 1,
                                                 "lapsed": 0}
    assert response.context["status_form"] is None
    whole = client.get(url("facility_matrix", cast.gangcha.pk), {"all": "1"})
    assert re.findall(r'data-technique="([^"]+)" data-status="([^"]*)"', html(whole)) == [
        ("EPI", "independent"), ("ECMO", ""), ("MV", ""), ("PHACO", "training"),
    ]


def test_a_coordinator_sets_a_status_by_hand_and_bad_input_lands_on_its_field(cast, techs, client_as):
    client = client_as(cast.coordinator)
    response = client.post(url("capability_set", cast.gangcha.pk), {"technique": "PHACO", "status": "planned"})
    capability = Capability.objects.get(technique=techs.cataract)
    assert (response.status_code, response["Location"]) == (302, url("capability_detail", capability.pk))
    response = client.post(url("capability_set", cast.gangcha.pk), {"technique": "PHACO", "status": "planned"})
    assert response.status_code == 400
    assert field_errors(response) == {"status": ["The facility is already at this step or further: Planned."]}
    response = client.post(url("capability_set", cast.gangcha.pk), {"technique": "NOPE", "status": "planned"})
    assert field_errors(response) == {"technique": ["“NOPE” is not in the technique catalogue."]}


def test_setting_a_status_refuses_everyone_but_coordinators(cast, techs, client_as):
    assert_refused(client_as, [None, cast.clinician_a, cast.analyst, cast.consultant_b, cast.outsider], "post",
                   url("capability_set", cast.gangcha.pk), {"technique": "PHACO", "status": "planned"})
    assert Capability.objects.count() == 0


def test_a_capability_page_tells_its_history_with_evidence(cast, techs, independent, client_as):
    page = html(client_as(cast.analyst).get(url("capability_detail", independent.pk)))
    assert "First case where local staff observed or assisted a visiting expert." in page
    assert "3 successful cases by local staff alone within 24 months; complication rate 0.0%." in page
    assert "cross-level here" in page


def test_ledger_pages_refuse_anonymous_and_outsiders(cast, techs, independent, client_as):
    for target in (url("facility_matrix", cast.gangcha.pk), url("capability_detail", independent.pk),
                   url("region_matrix", cast.haibei_region.pk)):
        assert_refused(client_as, [None], "get", target)
    assert_refused(client_as, [cast.outsider], "get", url("facility_matrix", cast.gangcha.pk))
    assert_refused(client_as, [cast.outsider], "get", url("capability_detail", independent.pk))
    # A region is shared reference data, but the outsider sees none of its facilities.
    response = client_as(cast.outsider).get(url("region_matrix", cast.haibei_region.pk))
    assert (response.status_code, response.context["rows"]) == (200, [])


def test_a_region_matrix_pages_facilities_with_a_fixed_query_count(cast, techs, independent, client_as,
                                                                   django_assert_num_queries):
    add_cases(cast.liaocheng, techs.cataract, run(ago(10), 3))
    ledger.recompute_facility_sweep()
    client = settled(client_as(cast.analyst))
    with django_assert_num_queries(11):
        response = client.get(url("region_matrix", cast.china.pk))
    assert [(f.code, cells) for f, cells in response.context["rows"]] == [
        ("CN-GC-01", ["independent", ""]), ("CN-LC-01", ["", "independent"]),
    ]
    assert [t.code for t in response.context["matrix"].techniques] == ["EPI", "PHACO"]


# ================================================================ plans


def test_plan_pages_for_the_owner(cast, techs, plan, client_as, django_assert_num_queries):
    client = settled(client_as(cast.coordinator))
    response = client.get(url("plan_list"))
    assert [p.title for p in response.context["page"].object_list] == ["Liaocheng to Gangcha"]
    with django_assert_num_queries(14):
        response = client.get(url("plan_detail", plan.pk))
    assert re.findall(r'<tr data-technique="([^"]+)">', html(response)) == ["MV"]
    assert [(p.number, len(p.items), p.percent) for p in response.context["view"].phases] == [
        (1, 1, 0), (2, 0, 0), (3, 0, 0)]


def test_creating_a_plan_and_scheduling_ecmo_too_early(cast, techs, client_as):
    client = client_as(cast.coordinator)
    response = client.post(url("plan_create"), {
        "title": "Critical care", "mentor": cast.liaocheng.pk, "recipient": cast.gangcha.pk,
        "phase_1_target": "2026-12-31", "phase_2_target": "2026-01-01",
    })
    assert response.status_code == 400
    assert field_errors(response) == {"phase_2_target": ["The target date of phase 2 is before that of phase 1."]}
    response = client.post(url("plan_create"), {"title": "Critical care", "mentor": cast.liaocheng.pk,
                                                "recipient": cast.gangcha.pk})
    plan = TransferPlan.objects.get()
    assert response["Location"] == url("plan_detail", plan.pk)
    response = client.post(url("item_add", plan.pk), {"technique": "ECMO", "phase": "1", "priority": "1"})
    assert response.status_code == 400
    assert field_errors(response) == {"phase": [
        "ECMO cannot be scheduled in phase 1 yet: first the recipient must be independent in Invasive mechanical "
        "ventilation, or an earlier phase of this plan must schedule it."]}
    client.post(url("item_add", plan.pk), {"technique": "MV", "phase": "1", "priority": "1"})
    response = client.post(url("item_add", plan.pk), {"technique": "ECMO", "phase": "2", "priority": "1"})
    assert field_errors(response) == {"technique": ["ECMO needs equipment the recipient does not have: ECMO machine."]}
    assert list(PlanItem.objects.values_list("technique__code", "phase")) == [("MV", 1)]


def test_editing_and_removing_a_plan_item(cast, techs, plan, client_as):
    item = PlanItem.objects.get()
    client = client_as(cast.coordinator)
    response = client.post(url("item_edit", item.pk), {"phase": "2", "priority": "3", "note": "Later"})
    assert response.status_code == 302
    assert PlanItem.objects.values_list("phase", "priority", "note").get() == (2, 3, "Later")
    client.post(url("item_remove", item.pk))
    assert PlanItem.objects.count() == 0


def test_plan_pages_refuse_whoever_does_not_own_the_plan(cast, techs, plan, client_as):
    item = PlanItem.objects.get()
    assert_refused(client_as, [None, cast.clinician_a, cast.analyst, cast.consultant_b], "get", url("plan_list"))
    for target in (url("plan_detail", plan.pk), url("plan_edit", plan.pk), url("item_edit", item.pk)):
        assert_refused(client_as, [None, cast.clinician_a, cast.analyst, cast.consultant_b, cast.outsider], "get",
                       target)
    for target in (url("item_add", plan.pk), url("item_remove", item.pk), url("plan_edit", plan.pk)):
        assert_refused(client_as, [None, cast.clinician_a, cast.analyst, cast.outsider], "post", target,
                       {"technique": "EPI", "phase": "1", "priority": "1", "title": "Mine"})
    assert (TransferPlan.objects.get().title, PlanItem.objects.count()) == ("Liaocheng to Gangcha", 1)


# ================================================================ reports


def test_the_cross_level_report_answers_on_one_page(cast, techs, independent, client_as, django_assert_num_queries):
    client = settled(client_as(cast.analyst))
    with django_assert_num_queries(14):
        response = client.get(url("report_cross_level"), {"region": cast.qinghai.pk, "baseline": "2020"})
    report = response.context["report"]
    # Every case of the technique counts as performed, the visiting expert's too.
    assert (report.total, report.cases) == (1, 4)
    assert [(lv, str(label), added, cases) for lv, label, added, cases in report.by_level] == [
        (3, "District", 1, 4)]
    assert [(r.code, n) for r, n in report.by_region] == [("CN-QH-HB", 1)]
    assert [(str(label), n) for label, n in report.by_specialty] == [("Anaesthesiology", 1)]
    assert re.search(r'data-testid="total">([^<]*)<', html(response)).group(1) == (
        "1 cross-level technique added since 2020 (Qinghai).")
    csv = b"".join(client.get(url("report_cross_level"), {"format": "csv"}).streaming_content).decode("utf-8-sig")
    assert csv.splitlines()[1] == (
        f"CN-GC-01,Gangcha County People's Hospital,3,Gangcha,EPI,Epidural labour analgesia,anaesthesiology,2,"
        f"{ago(58).isoformat()},independent"
    )
    # The outsider's network holds none of it.
    assert client_as(cast.outsider).get(url("report_cross_level")).context["report"].total == 0


def test_cases_by_period_and_its_csv(cast, techs, independent, client_as):
    client = client_as(cast.analyst)
    rows = client.get(url("report_cases"), {"granularity": "year", "since": "2020-01-01"}).context["rows"]
    by_year = {}
    for row in rows:
        by_year[row["label"]] = (row["total"], row["local"], row["visiting"])
    assert sum(v[0] for v in by_year.values()) == 4
    assert sum(v[2] for v in by_year.values()) == 1
    csv = b"".join(client.get(url("report_cases"), {"format": "csv"}).streaming_content).decode("utf-8-sig")
    assert csv.splitlines()[0] == "period,cases,local,visiting,complications"


def test_techniques_transferred_per_plan(cast, techs, plan, independent, client_as):
    services.plan_item_add(by=cast.coordinator, plan=plan, technique=techs.epidural, phase=1)
    response = client_as(cast.analyst).get(url("report_transferred"))
    assert [(r["plan__title"], r["items"], r["transferred"]) for r in response.context["per_plan"]] == [
        ("Liaocheng to Gangcha", 2, 1)]
    assert response.context["per_agreement"] == []


def test_sustainability_per_programme(cast, techs, independent, client_as):
    response = client_as(cast.analyst).get(url("report_sustainability"), {"programme": cast.network.pk})
    report = response.context["report"]
    assert [(r.technique_code, r.standing.departed_on, r.standing.performed) for r in report.rows] == [
        ("EPI", ago(200), {6: True, 12: None}),
    ]
    assert [(i.months, i.sustained, i.eligible) for i in report.index] == [(6, 1, 1), (12, 0, 0)]
    # Another network's programme is not offered to the outsider, and asking for it shows the outsider's own.
    response = client_as(cast.outsider).get(url("report_sustainability"), {"programme": cast.network.pk})
    assert response.context["report"].network == cast.other_network
    assert response.context["report"].rows == []


def test_reports_refuse_anonymous(cast, client_as):
    for name in ("report_cross_level", "report_cases", "report_transferred", "report_sustainability"):
        assert_refused(client_as, [None], "get", url(name))


# ================================================================ centres and studios


@pytest.fixture
def studio(cast, techs):
    department = Department.objects.create(facility=cast.gangcha, name="Anaesthesiology")
    return services.studio_create(by=cast.coordinator, data={
        "name": "Obstetric anaesthesia studio", "department": department, "founder": cast.doctor_b,
        "founded_on": date(2021, 1, 1), "techniques": [techs.epidural],
    })


def test_centres_and_studios_are_listed_and_recorded(cast, techs, studio, client_as):
    client = client_as(cast.coordinator)
    response = client.post(url("centre_create"), {
        "kind": "centre", "name": "Plateau Health Check Centre", "facility": cast.gangcha.pk,
        "opened_on": "2023-06-01", "people_served": "6100",
    })
    assert response.status_code == 400
    assert field_errors(response) == {"served_as_of": ["Say on which day the number of people served was counted."]}
    response = client.post(url("centre_create"), {
        "kind": "centre", "name": "Plateau Health Check Centre", "facility": cast.gangcha.pk,
        "opened_on": "2023-06-01", "people_served": "6100", "served_as_of": "2024-05-31",
    })
    assert response.status_code == 302
    page = html(client_as(cast.analyst).get(url("centre_list")))
    assert "Plateau Health Check Centre" in page and "6,100" in page and "Obstetric anaesthesia studio" in page
    client = client_as(cast.coordinator)
    response = client.post(url("studio_lead", studio.pk), {"lead-practitioner": cast.doctor_b.pk,
                                                            "lead-start": "2022-01-01"})
    assert field_errors(response) == {"lead-practitioner": ["This practitioner already leads the studio."]}
    assert client.post(url("studio_trainee", studio.pk), {"trainee-practitioner": cast.doctor_b.pk,
                                                           "trainee-start": "2022-01-01"}).status_code == 302
    page = html(client_as(cast.analyst).get(url("studio_detail", studio.pk)))
    assert "Wang Jianhua · since" in page


def test_centre_and_studio_pages_refuse(cast, techs, studio, client_as):
    centre = services.centre_create(by=cast.coordinator, data={"kind": "centre", "name": "C", "facility": cast.gangcha})
    assert_refused(client_as, [None], "get", url("centre_list"))
    assert_refused(client_as, [None, cast.outsider], "get", url("studio_detail", studio.pk))
    for target in (url("centre_create"), url("studio_create")):
        assert_refused(client_as, [None, cast.clinician_a, cast.analyst], "get", target)
    assert_refused(client_as, [None, cast.clinician_a, cast.analyst, cast.outsider], "get", url("centre_edit", centre.pk))
    assert_refused(client_as, [None, cast.clinician_a, cast.analyst, cast.outsider], "post",
                   url("studio_trainee", studio.pk), {"trainee-practitioner": cast.doctor_b.pk,
                                                      "trainee-start": "2022-01-01"})
    assert (SpecialtyCentre.objects.count(), Studio.objects.get().trainees.count()) == (1, 0)


def test_removing_a_case_never_redirects_off_the_site(cast, techs, client_as):
    case = services.case_log(by=cast.clinician_a, facility=cast.gangcha, technique=techs.epidural,
                             performed_on=ago(2))
    response = client_as(cast.clinician_a).post(url("case_delete", case.pk), {"next": "https://example.org/"})
    assert response["Location"] == url("case_list")


def test_csv_cells_that_look_like_formulas_stay_text(cast, techs, independent, client_as):
    from caravan.registry.models import Facility

    Facility.objects.filter(pk=cast.gangcha.pk).update(name="=HYPERLINK(1)")
    body = b"".join(client_as(cast.analyst).get(url("report_cross_level"), {"format": "csv"}).streaming_content)
    assert body.decode("utf-8-sig").splitlines()[1].startswith("CN-GC-01,'=HYPERLINK(1),3,")
