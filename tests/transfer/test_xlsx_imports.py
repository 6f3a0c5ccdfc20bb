"""Importing a month from an Excel workbook: read from its bytes, checked and previewed exactly as a CSV."""

import io
import zipfile
from datetime import datetime, time, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from caravan.core.errors import ValidationFailed
from caravan.transfer import services, sheetfile
from caravan.transfer.models import CaseImport, CaseLog
from caravan.transfer.tasks import case_import_run
from tests.helpers import assert_refused, audit_count

from .conftest import ago

pytestmark = pytest.mark.django_db

HEADER = ["date", "technique", "performer", "supervision", "outcome"]
NOT_A_WORKBOOK = "This file is not a valid Excel workbook (.xlsx). Save it again as .xlsx or as CSV UTF-8."
LEGACY = "Old Excel files (.xls) cannot be read. Save the sheet as an Excel workbook (.xlsx) or as CSV UTF-8."


def workbook(*rows, header=HEADER, first_sheet_rows=None) -> bytes:
    """An .xlsx whose first sheet holds the header then the rows (None: an empty row)."""
    book = Workbook()
    sheet = book.active
    for row in first_sheet_rows if first_sheet_rows is not None else [header, *rows]:
        sheet.append(row or [])
    book.create_sheet("Notes").append(["date", "technique"])  # only the first sheet is read
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def preview(cast):
    """Check a file as Gangcha's clinician would upload it."""
    def check(data: bytes, file_name="may.xlsx") -> CaseImport:
        return services.case_import_preview(by=cast.clinician_a, facility=cast.gangcha, file_name=file_name,
                                            data=data)
    return check


def test_a_valid_month_with_date_cells_and_text_dates_is_imported(cast, techs, preview, django_assert_num_queries):
    data = workbook(
        [ago(20), "EPI", "local", "independent", "success"],                    # a date cell
        [datetime.combine(ago(19), time(14, 30)), "epi", None, None, None],    # a date-time cell, defaults
        None,                                                                   # an empty row in the middle
        [ago(18).isoformat(), "MV", "Visiting expert", "", "success"],         # a date written as text
        [" ", None],                                                            # trailing rows with nothing in them
        [None, None, None],
    )
    # The savepoint and its release, the staff check, the catalogue, the import and its audit event.
    with django_assert_num_queries(6):
        case_import = preview(data)
    assert (case_import.status, case_import.total_rows, case_import.valid_rows, case_import.error_rows,
            case_import.errors) == ("previewed", 3, 3, 0, [])
    assert case_import.content == (
        f"date,technique,performer,supervision,outcome\n{ago(20)},EPI,local,independent,success\n"
        f"{ago(19)},epi\n\n{ago(18)},MV,Visiting expert,,success\n"
    )
    services.case_import_confirm(by=cast.clinician_a, case_import=case_import)
    assert case_import_run.call(case_import.pk) == 3
    assert sorted(CaseLog.objects.values_list("performed_on", "technique__code", "performer", "supervision",
                                              "outcome", "source_id")) == [
        (ago(20), "EPI", "local", "independent", "success", case_import.pk),
        (ago(19), "EPI", "local", "independent", "success", case_import.pk),
        (ago(18), "MV", "visiting", "observed", "success", case_import.pk),
    ]
    assert (CaseImport.objects.get().status, CaseImport.objects.get().content) == ("done", "")


def test_a_bad_row_is_named_by_its_spreadsheet_row_and_column_and_nothing_is_imported(cast, techs, preview):
    future = timezone.localdate() + timedelta(days=3)
    data = workbook(
        [ago(5), "EPI"],
        None,
        None,
        [ago(4), 12.0, "local", "remote"],  # row 5: a number where the code goes, an unknown supervision
        [future, "EPI"],                    # row 6: a date cell in the future
        [45000, "EPI"],                     # row 7: a serial number that is not a date cell
        [ago(3).isoformat(), "MV"],
    )
    before = audit_count()
    case_import = preview(data)
    assert (case_import.total_rows, case_import.valid_rows, case_import.error_rows) == (5, 2, 3)
    assert case_import.errors == [
        {"row": 5, "column": "technique", "message": "“12” is not in the technique catalogue."},
        {"row": 5, "column": "supervision",
         "message": "“remote” is not allowed here; use one of: observed, assisted, supervised, independent."},
        {"row": 6, "column": "date", "message": "The date is in the future."},
        {"row": 7, "column": "date", "message": "“45000” is not a date; write it as YYYY-MM-DD."},
    ]
    assert (CaseLog.objects.count(), audit_count() - before) == (0, 1)


def test_a_header_problem_in_a_workbook_is_reported_like_a_csv_one(cast, techs, preview):
    case_import = preview(workbook([ago(2), "EPI", "Someone"], header=["Date", "Technique", "patient_name"]))
    assert (case_import.valid_rows, case_import.errors) == (0, [{
        "row": 1, "column": "patient_name",
        "message": "The column “patient_name” is not one Caravan reads. Use only: date, technique, performer, "
                   "supervision, outcome. Patient details are never imported.",
    }])
    empty = preview(workbook(first_sheet_rows=[]))
    assert (empty.total_rows, empty.errors) == (0, [{"row": 1, "column": "", "message": "The file is empty."}])


def test_the_bytes_decide_the_format_not_the_name(cast, techs, preview):
    as_csv = preview(workbook([ago(2), "EPI"]), file_name="may.csv")
    assert (as_csv.valid_rows, as_csv.errors) == (1, [])
    as_text = preview(f"date,technique\n{ago(2)},EPI\n".encode(), file_name="may.txt")
    assert (as_text.valid_rows, as_text.errors) == (1, [])


def _zip(name: str, content: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(name, content)
    return out.getvalue()


@pytest.mark.parametrize(("file_name", "data", "message"), [
    ("may.xlsx", b"PK\x03\x04 this is not an archive", NOT_A_WORKBOOK),
    ("may.xlsx", _zip("xl/workbook.xml", b"<not a workbook"), NOT_A_WORKBOOK),
    ("may.csv", _zip("word/document.xml", b"<w/>"), NOT_A_WORKBOOK),
    ("may.xlsx", b"date,technique\n2024-01-01,EPI\n", NOT_A_WORKBOOK),
    ("may.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, LEGACY),
    ("may.xls", b"date,technique\n2024-01-01,EPI\n", LEGACY),
    ("export.bin", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, LEGACY),
])
def test_a_file_that_is_not_a_readable_workbook_is_refused_at_the_file_field(techs, preview, file_name, data, message):
    before = audit_count()
    with pytest.raises(ValidationFailed) as caught:
        preview(data, file_name=file_name)
    assert caught.value.fields == {"file": [message]}
    assert (CaseImport.objects.count(), audit_count() - before) == (0, 0)


def test_workbook_text_reads_only_the_first_sheet_and_keeps_row_numbers():
    data = workbook(first_sheet_rows=[["date", "technique"], None, [1.5, True], ["a,b", "line\nbreak"]])
    assert sheetfile.kind_of(data, "anything") == sheetfile.Kind.XLSX
    assert sheetfile.workbook_text(data) == 'date,technique\n\n1.5,True\n"a,b","line\nbreak"\n'


def test_the_upload_page_reads_an_xlsx_and_refuses_a_broken_one_beside_the_field(cast, techs, client_as):
    client = client_as(cast.clinician_a)
    response = client.post(reverse("transfer:import_upload"), {
        "facility": cast.gangcha.pk, "file": SimpleUploadedFile("may.xlsx", workbook([ago(2), "EPI"], [ago(1), "NOPE"])),
    })
    case_import = CaseImport.objects.get()
    assert (response.status_code, response["Location"]) == (302, reverse("transfer:import_detail",
                                                                         args=[case_import.pk]))
    page = client.get(response["Location"]).content.decode()
    assert "<td>3</td><td><code>technique</code></td>" in page
    response = client.post(reverse("transfer:import_upload"), {
        "facility": cast.gangcha.pk, "file": SimpleUploadedFile("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"),
    })
    assert response.status_code == 400
    assert f'data-field-error="file">{LEGACY}<' in response.content.decode()
    assert CaseImport.objects.count() == 1


def test_the_api_accepts_an_xlsx(cast, techs, client_as):
    client = client_as(cast.clinician_a)
    data = workbook([ago(3), "EPI"], None, [ago(2), "NOPE"])
    response = client.post("/api/v1/transfer/imports", {"facility": cast.gangcha.pk,
                                                       "file": SimpleUploadedFile("may.xlsx", data)})
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["total_rows"], body["valid_rows"], body["errors"]) == (
        "previewed", 2, 1, [{"row": 4, "column": "technique", "message": "“NOPE” is not in the technique catalogue."}],
    )
    response = client.post("/api/v1/transfer/imports", {"facility": cast.gangcha.pk,
                                                       "file": SimpleUploadedFile("may.xlsx", b"PK\x03\x04")})
    assert (response.status_code, response.json()) == (400, {
        "code": "bad_workbook", "message": "Some fields are not valid.", "fields": {"file": [NOT_A_WORKBOOK]}})
    assert CaseImport.objects.count() == 1
    assert_refused(client_as, [None, cast.analyst, cast.outsider], "post", "/api/v1/transfer/imports",
                   {"facility": cast.gangcha.pk, "file": SimpleUploadedFile("may.xlsx", data)},
                   anonymous_redirects=False, statuses=(400,))
    assert CaseImport.objects.count() == 1
