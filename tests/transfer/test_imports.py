"""Importing a month's log from CSV (workbooks: test_xlsx_imports): the preview names row and column, nothing lands before confirmation."""

from datetime import timedelta

import pytest
from django.utils import timezone

from caravan.core.errors import PermissionDenied, ValidationFailed
from caravan.transfer import csvfile, services
from caravan.transfer.models import Capability, CaseImport, CaseLog
from caravan.transfer.tasks import case_import_run
from tests.helpers import audit_count

from .conftest import ago

pytestmark = pytest.mark.django_db


def csv_text(*rows: str, header: str = "date,technique,performer,supervision,outcome") -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def month(days_back=20) -> list[str]:
    return [f"{ago(days_back - i).isoformat()},EPI,local,independent,success" for i in range(3)]


def test_a_file_with_one_bad_row_is_previewed_and_nothing_is_imported(cast, techs):
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    data = csv_text(*month(), f"{future},EPI,local,independent,success", f"{ago(5)},XYZ,local,remote,success",
                    f"{ago(4)},MV,visiting,independent,success")
    before = audit_count()
    case_import = services.case_import_preview(by=cast.clinician_a, facility=cast.gangcha, file_name="may.csv",
                                               data=data)
    assert (case_import.status, case_import.total_rows, case_import.valid_rows, case_import.error_rows) == (
        "previewed", 6, 3, 3,
    )
    assert case_import.errors == [
        {"row": 5, "column": "date", "message": "The date is in the future."},
        {"row": 6, "column": "technique", "message": "“XYZ” is not in the technique catalogue."},
        {"row": 6, "column": "supervision",
         "message": "“remote” is not allowed here; use one of: observed, assisted, supervised, independent."},
        {"row": 7, "column": "supervision",
         "message": "A case performed by a visiting expert cannot be independent: choose observed, assisted or supervised."},
    ]
    assert (CaseLog.objects.count(), Capability.objects.count(), audit_count() - before) == (0, 0, 1)


def test_confirming_imports_the_valid_rows_through_the_task_and_the_ledger_follows(
        cast, techs, django_capture_on_commit_callbacks):
    data = csv_text(*month(), "not a date,EPI,,,")
    case_import = services.case_import_preview(by=cast.clinician_a, facility=cast.gangcha, file_name="may.csv",
                                               data=data)
    with django_capture_on_commit_callbacks() as callbacks:
        services.case_import_confirm(by=cast.clinician_a, case_import=case_import)
    assert (len(callbacks), CaseImport.objects.get().status, CaseLog.objects.count()) == (1, "queued", 0)

    assert case_import_run.call(case_import.pk) == 3
    done = CaseImport.objects.get()
    assert (done.status, done.imported_rows, done.percent, done.content, done.finished_at is not None) == (
        "done", 3, 100, "", True,
    )
    assert sorted(CaseLog.objects.values_list("performed_on", "source_id", "logged_by__username")) == [
        (ago(20), done.pk, "clinician_a"), (ago(19), done.pk, "clinician_a"), (ago(18), done.pk, "clinician_a"),
    ]
    capability = Capability.objects.get()
    assert (capability.facility_id, capability.technique_id, capability.status, capability.cases) == (
        cast.gangcha.pk, techs.epidural.pk, "independent", 3,
    )
    # Running the task again changes nothing.
    assert case_import_run.call(case_import.pk) == 0
    assert CaseLog.objects.count() == 3


def test_a_run_that_stopped_resumes_after_the_committed_rows(cast, techs, monkeypatch):
    monkeypatch.setattr("caravan.transfer.services.imports.BATCH", 2)
    case_import = services.case_import_preview(by=cast.clinician_a, facility=cast.gangcha, file_name="may.csv",
                                               data=csv_text(*month(), *month(10)))
    services.case_import_confirm(by=cast.clinician_a, case_import=case_import)
    # A worker died after committing the first batch of two.
    CaseImport.objects.filter(pk=case_import.pk).update(status="running", imported_rows=2)
    case_import_run.call(case_import.pk)
    assert (CaseLog.objects.count(), CaseImport.objects.get().imported_rows) == (4, 6)


def test_defaults_fill_empty_optional_columns_and_labels_are_read(cast, techs):
    data = csv_text(f"{ago(3)},epi", f"{ago(2)},MV", header="date,technique")
    case_import = services.case_import_preview(by=cast.clinician_a, facility=cast.gangcha, file_name="x.csv", data=data)
    services.case_import_confirm(by=cast.clinician_a, case_import=case_import)
    case_import_run.call(case_import.pk)
    assert sorted(CaseLog.objects.values_list("technique__code", "performer", "supervision", "outcome")) == [
        ("EPI", "local", "independent", "success"), ("MV", "local", "independent", "success"),
    ]
    rows = list(csvfile.parse_rows(f"date;technique;performer\n{ago(1)};EPI;Visiting expert\n",
                                   techniques={"EPI": 7}, today=ago(0)))
    assert rows == [csvfile.CaseRow(2, ago(1), 7, "visiting", "observed", "success")]


@pytest.mark.parametrize(("data", "error"), [
    (b"", None),
    (b"date,technique,patient_name\n2024-01-01,EPI,Someone\n",
     {"row": 1, "column": "patient_name",
      "message": "The column “patient_name” is not one Caravan reads. Use only: date, technique, performer, "
                 "supervision, outcome. Patient details are never imported."}),
    (b"date,performer\n2024-01-01,local\n", {"row": 1, "column": "technique", "message": "The header has no “technique” column."}),
    (b"date,technique,date\n", {"row": 1, "column": "date", "message": "The column “date” appears twice."}),
    ("date,technique\n2024-01-01,ÉPI\n".encode("latin-1"),
     {"row": 1, "column": "", "message": "The file is not UTF-8 text; save it as CSV UTF-8."}),
])
def test_a_file_that_cannot_be_read_is_refused_as_a_whole(cast, techs, data, error):
    if error is None:
        with pytest.raises(ValidationFailed) as caught:
            services.case_import_preview(by=cast.clinician_a, facility=cast.gangcha, file_name="x.csv", data=data)
        assert caught.value.fields == {"file": ["The file is empty."]}
        return
    case_import = services.case_import_preview(by=cast.clinician_a, facility=cast.gangcha, file_name="x.csv", data=data)
    assert (case_import.valid_rows, case_import.errors) == (0, [error])
    with pytest.raises(ValidationFailed) as caught:
        services.case_import_confirm(by=cast.clinician_a, case_import=case_import)
    assert caught.value.message == "No row of this file can be imported; fix the file and upload it again."
    assert CaseImport.objects.get().status == "previewed"


def test_a_file_named_xlsx_that_is_not_a_workbook_is_refused_at_the_file_field(cast, techs):
    with pytest.raises(ValidationFailed) as caught:
        services.case_import_preview(by=cast.clinician_a, facility=cast.gangcha, file_name="may.xlsx", data=b"PK\x03")
    assert caught.value.fields == {"file": [
        "This file is not a valid Excel workbook (.xlsx). Save it again as .xlsx or as CSV UTF-8."
    ]}
    assert CaseImport.objects.count() == 0


def test_a_discarded_preview_cannot_be_confirmed(cast, techs):
    case_import = services.case_import_preview(by=cast.clinician_a, facility=cast.gangcha, file_name="x.csv",
                                               data=csv_text(*month()))
    services.case_import_discard(by=cast.clinician_a, case_import=case_import)
    assert (CaseImport.objects.get().status, CaseImport.objects.get().content) == ("discarded", "")
    with pytest.raises(ValidationFailed) as caught:
        services.case_import_confirm(by=cast.clinician_a, case_import=case_import)
    assert caught.value.message == "This import is no longer waiting for confirmation."
    assert case_import_run.call(case_import.pk) == 0
    assert CaseLog.objects.count() == 0


@pytest.mark.parametrize("who", ["analyst", "consultant_b", "outsider"])
def test_only_the_facility_staff_import(cast, techs, who):
    with pytest.raises(PermissionDenied):
        services.case_import_preview(by=getattr(cast, who), facility=cast.gangcha, file_name="x.csv",
                                     data=csv_text(*month()))
    case_import = services.case_import_preview(by=cast.clinician_a, facility=cast.gangcha, file_name="x.csv",
                                               data=csv_text(*month()))
    for action in (services.case_import_confirm, services.case_import_discard):
        with pytest.raises(PermissionDenied):
            action(by=getattr(cast, who), case_import=case_import)
    assert CaseImport.objects.get().status == "previewed"


def test_a_failed_run_can_be_run_again(cast, techs, monkeypatch):
    case_import = services.case_import_preview(by=cast.clinician_a, facility=cast.gangcha, file_name="x.csv",
                                               data=csv_text(*month()))
    services.case_import_confirm(by=cast.clinician_a, case_import=case_import)

    def broken(pairs, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr("caravan.transfer.services.imports.ledger.recompute", broken)
    with pytest.raises(RuntimeError):
        case_import_run.call(case_import.pk)
    failed = CaseImport.objects.get()
    assert (failed.status, failed.failure, failed.imported_rows) == ("failed", "the disk is full", 3)
    monkeypatch.undo()
    assert case_import_run.call(case_import.pk) == 0  # the rows were committed; only the ledger is left to do
    assert (CaseImport.objects.get().status, CaseLog.objects.count(), Capability.objects.get().status) == (
        "done", 3, "independent")
