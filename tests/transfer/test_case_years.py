"""The per-year case counts the ledger keeps beside each capability stay exact through every kind of write."""

from datetime import date

import pytest
from django.db.models import Count
from django.db.models.functions import ExtractYear

from caravan.transfer import ledger, reports, services
from caravan.transfer.models import CaseLog, CaseYear
from caravan.transfer.tasks import case_import_run

from .conftest import add_cases, ago, run

pytestmark = pytest.mark.django_db


def stored() -> dict[tuple[int, int, int], int]:
    return {(f, t, y): n for f, t, y, n in CaseYear.objects.values_list("facility_id", "technique_id", "year", "cases")}


def counted() -> dict[tuple[int, int, int], int]:
    rows = (CaseLog.objects.annotate(year=ExtractYear("performed_on")).values_list("facility_id", "technique_id", "year")
            .annotate(n=Count("id")).order_by())
    return {(f, t, y): n for f, t, y, n in rows}


def test_case_writes_keep_the_counts_exact(cast, techs):
    log = services.case_log
    for day in [date(2021, 3, 1), date(2021, 4, 1), ago(3)]:
        log(by=cast.clinician_a, facility=cast.gangcha, technique=techs.epidural, performed_on=day)
    g, e = cast.gangcha.pk, techs.epidural.pk
    assert stored() == counted() == {(g, e, 2021): 2, (g, e, ago(3).year): 1}
    services.case_delete(by=cast.clinician_a, case=CaseLog.objects.get(performed_on=date(2021, 3, 1)))
    assert stored() == counted() == {(g, e, 2021): 1, (g, e, ago(3).year): 1}
    services.case_delete(by=cast.clinician_a, case=CaseLog.objects.get(performed_on=date(2021, 4, 1)))
    assert stored() == counted() == {(g, e, ago(3).year): 1}


def test_an_import_and_a_recompute_keep_the_counts_exact(cast, techs, django_capture_on_commit_callbacks):
    lines = ["date,technique,performer,supervision,outcome"] + [f"{d.isoformat()},EPI,,," for d in run(ago(30), 4)]
    case_import = services.case_import_preview(by=cast.clinician_a, facility=cast.gangcha, file_name="m.csv",
                                               data=("\n".join(lines) + "\n").encode())
    with django_capture_on_commit_callbacks():
        services.case_import_confirm(by=cast.clinician_a, case_import=case_import)
    case_import_run.call(case_import.pk)
    assert stored() == counted() and sum(stored().values()) == 4
    # Cases written behind the ledger's back (a bulk load) are counted once the ledger is recomputed.
    add_cases(cast.gangcha, techs.cataract, [date(2020, 1, 5), date(2022, 6, 1), date(2022, 7, 1)])
    CaseYear.objects.filter(technique=techs.epidural).update(cases=99)
    assert stored() != counted()
    ledger.recompute_facility_sweep()
    assert stored() == counted()
    assert stored()[(cast.gangcha.pk, techs.cataract.pk, 2022)] == 2
    ledger.recompute_facility_sweep()  # a second recompute changes nothing
    assert stored() == counted()


def test_the_cross_level_report_sums_the_counts_from_the_baseline_year(cast, techs):
    # Cataract surgery belongs to level 2, Gangcha is level 3: cross-level there.
    add_cases(cast.gangcha, techs.cataract, [date(2019, 5, 1), date(2020, 5, 1), date(2021, 5, 1), date(2021, 6, 1)])
    ledger.recompute_facility_sweep()
    report = reports.cross_level_report(user=cast.node_admin, filters=reports.CrossLevelFilters(baseline_year=2020))
    assert report.cases == 3
    report = reports.cross_level_report(user=cast.node_admin, filters=reports.CrossLevelFilters(baseline_year=2021))
    assert report.cases == 2
