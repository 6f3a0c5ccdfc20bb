"""Telling an Excel workbook from a CSV by its bytes, and reading its first sheet as the CSV the importer checks.

The file name is not trusted: an .xlsx is a ZIP archive holding
xl/workbook.xml, a legacy .xls is an OLE2 compound file. A workbook is turned
into CSV text row for row — empty rows in the middle are kept as empty lines so
that every error names the row number the spreadsheet shows — and then goes
through the same checks, preview and import as an uploaded CSV (csvfile).
"""

import csv
import io
import zipfile
from datetime import date, datetime
from enum import StrEnum

from .csvfile import MAX_ROWS

ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class Kind(StrEnum):
    XLSX = "xlsx"
    LEGACY_XLS = "xls"
    BROKEN_XLSX = "broken"  # claims to be a workbook (ZIP bytes or an .xlsx name) but is not one
    TEXT = "text"


class UnreadableWorkbook(Exception):
    """The bytes looked like a workbook but openpyxl could not read them."""


def kind_of(data: bytes, file_name: str = "") -> Kind:
    """What the upload is, from its bytes; the name only tells which refusal a non-workbook gets."""
    name = file_name.lower()
    if data.startswith(ZIP_MAGIC):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                if "xl/workbook.xml" in archive.namelist():
                    return Kind.XLSX
        except (zipfile.BadZipFile, OSError):
            pass
        return Kind.BROKEN_XLSX
    if data.startswith(OLE2_MAGIC) or name.endswith(".xls"):
        return Kind.LEGACY_XLS
    if name.endswith((".xlsx", ".xlsm")):
        return Kind.BROKEN_XLSX
    return Kind.TEXT


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):  # before date: a datetime is a date too
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a code or count typed as 12 is stored as 12.0
    return str(value)


def workbook_text(data: bytes) -> str:
    """The first worksheet as CSV text (comma-separated), its first row the header; trailing empty rows dropped."""
    from openpyxl import load_workbook  # only the import of a workbook needs it

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # a broken archive fails in many ways (zip, XML, KeyError, ValueError)
        raise UnreadableWorkbook(str(exc)) from exc
    try:
        if not book.worksheets:
            return ""
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # some writers store wrong dimensions; read every row there is
        blank_run = 0
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [_text(v) for v in values]
            if not any(c.strip() for c in cells):
                blank_run += 1  # written only if a filled row follows, so row numbers stay the sheet's
                continue
            for _ in range(blank_run):
                writer.writerow([])
            blank_run = 0
            writer.writerow(cells)
            if number > MAX_ROWS + 1:
                break  # one row past the limit is enough for the checks to refuse the file
    except Exception as exc:  # the XML of a sheet can be broken past the first rows
        raise UnreadableWorkbook(str(exc)) from exc
    finally:
        book.close()
    return out.getvalue()
