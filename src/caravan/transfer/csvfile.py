"""Reading a month's case log from CSV text, row by row, with every problem named by row and column.

An uploaded .xlsx reaches here as CSV text made by sheetfile, so both formats get the same checks.

The file has a header row. `date` (YYYY-MM-DD) and `technique` (a code of the
national list) are required; `performer` (local, visiting), `supervision`
(observed, assisted, supervised, independent) and `outcome` (success,
complication, death) may be left out or empty, which means local, independent
(observed when a visiting expert performed) and success. Any other column is refused: patient identity is never stored, so
a file that carries more than these columns is sent back to be fixed.
Rows are numbered as a spreadsheet shows them: the header is row 1.
"""

import csv
import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from .models import Outcome, Performer, Supervision

COLUMNS = ("date", "technique", "performer", "supervision", "outcome")
REQUIRED = ("date", "technique")
DEFAULTS = {"performer": Performer.LOCAL, "supervision": Supervision.INDEPENDENT, "outcome": Outcome.SUCCESS}
CHOICES = {"performer": Performer, "supervision": Supervision, "outcome": Outcome}
# The codes, read once: a choices class builds its `values` list anew on every access, which was a fifth
# of a 50,000-row import.
CODES = {column: frozenset(choices.values) for column, choices in CHOICES.items()}
MAX_ROWS = 100_000
MAX_ERRORS_KEPT = 200


@dataclass(frozen=True)
class CaseRow:
    row: int
    performed_on: date
    technique_id: int
    performer: str
    supervision: str
    outcome: str


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


class FileRefused(Exception):
    """The file as a whole cannot be read (not text, no header, unknown columns, too long)."""

    def __init__(self, error: RowError):
        self.error = error
        super().__init__(error.message)


def _decode(data: bytes | str) -> str:
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRefused(RowError(1, "", _("The file is not UTF-8 text; save it as CSV UTF-8."))) from None


def _reader(text: str) -> csv.reader:
    first_line = text.split("\n", 1)[0]
    # Spreadsheets in many locales save with semicolons; tabs come from copying a sheet.
    delimiter = max(",;\t", key=first_line.count) if first_line else ","
    return csv.reader(io.StringIO(text), delimiter=delimiter)


def _header(row: list[str]) -> dict[str, int]:
    names = [cell.strip().lower() for cell in row]
    unknown = [n for n in names if n and n not in COLUMNS]
    if unknown:
        raise FileRefused(RowError(1, unknown[0], _(
            "The column “%(column)s” is not one Caravan reads. Use only: %(columns)s. "
            "Patient details are never imported."
        ) % {"column": unknown[0], "columns": ", ".join(COLUMNS)}))
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise FileRefused(RowError(1, missing[0], _("The header has no “%(column)s” column.") % {"column": missing[0]}))
    seen = set()
    for name in names:
        if name and name in seen:
            raise FileRefused(RowError(1, name, _("The column “%(column)s” appears twice.") % {"column": name}))
        seen.add(name)
    return {name: i for i, name in enumerate(names) if name}


def _choice(column: str, raw: str, row: int) -> tuple[str | None, RowError | None]:
    value = raw.strip().lower()
    if not value:
        return DEFAULTS[column], None
    if value in CODES[column]:
        return value, None
    choices = CHOICES[column]
    labels = {str(label).lower(): code for code, label in choices.choices}
    if value in labels:
        return labels[value], None
    return None, RowError(row, column, _("“%(value)s” is not allowed here; use one of: %(choices)s.") % {
        "value": raw.strip(), "choices": ", ".join(choices.values),
    })


def parse_rows(data: bytes | str, *, techniques: Mapping[str, int], today: date
               ) -> Iterator[CaseRow | list[RowError]]:
    """Each data row of the file, as a CaseRow or the list of its errors. Raises FileRefused for the file."""
    reader = _reader(_decode(data))
    try:
        header = next(reader)
    except StopIteration:
        raise FileRefused(RowError(1, "", _("The file is empty."))) from None
    except csv.Error:
        raise FileRefused(RowError(1, "", _("The file is not a CSV file."))) from None
    columns = _header(header)
    row = 1
    try:
        for cells in reader:
            row += 1
            if row - 1 > MAX_ROWS:
                raise FileRefused(RowError(row, "", _("The file has more than %(limit)s rows; split it.") % {
                    "limit": f"{MAX_ROWS:,}"}))
            if not any(c.strip() for c in cells):
                continue
            yield _row(cells, columns, row, techniques, today)
    except csv.Error:
        raise FileRefused(RowError(row, "", _("Row %(row)s cannot be read as CSV.") % {"row": row})) from None


def _cell(cells: list[str], columns: dict[str, int], name: str) -> str:
    index = columns.get(name)
    return cells[index] if index is not None and index < len(cells) else ""


def _row(cells, columns, row, techniques, today) -> CaseRow | list[RowError]:
    errors: list[RowError] = []
    raw_date = _cell(cells, columns, "date").strip()
    performed_on = None
    if not raw_date:
        errors.append(RowError(row, "date", _("Enter the date of the case.")))
    else:
        try:
            performed_on = date.fromisoformat(raw_date)
        except ValueError:
            errors.append(RowError(row, "date", _("“%(value)s” is not a date; write it as YYYY-MM-DD.") % {
                "value": raw_date}))
        else:
            if performed_on > today:
                errors.append(RowError(row, "date", _("The date is in the future.")))
    code = _cell(cells, columns, "technique").strip()
    technique_id = techniques.get(code.upper()) if code else None
    if not code:
        errors.append(RowError(row, "technique", _("Enter the code of the technique.")))
    elif technique_id is None:
        errors.append(RowError(row, "technique", _("“%(code)s” is not in the technique catalogue.") % {"code": code}))
    values = {}
    for column in ("performer", "supervision", "outcome"):
        values[column], error = _choice(column, _cell(cells, columns, column), row)
        if error:
            errors.append(error)
    if values["performer"] == Performer.VISITING and not _cell(cells, columns, "supervision").strip():
        values["supervision"] = Supervision.OBSERVED  # a visiting expert's case: the local staff watched
    if not errors and values["performer"] == Performer.VISITING and values["supervision"] == Supervision.INDEPENDENT:
        errors.append(RowError(row, "supervision", _(
            "A case performed by a visiting expert cannot be independent: choose observed, assisted or supervised."
        )))
    if errors:
        return errors
    return CaseRow(row, performed_on, technique_id, values["performer"], values["supervision"], values["outcome"])


@dataclass(frozen=True)
class Preview:
    total: int
    valid: int
    error_rows: int
    errors: tuple[RowError, ...]  # the first MAX_ERRORS_KEPT


def preview(data: bytes | str, *, techniques: Mapping[str, int], today: date) -> Preview:
    """Count the rows and collect the errors (the file-level refusal comes through as one error)."""
    total = valid = error_rows = 0
    kept: list[RowError] = []
    try:
        for result in parse_rows(data, techniques=techniques, today=today):
            total += 1
            if isinstance(result, CaseRow):
                valid += 1
                continue
            error_rows += 1
            kept.extend(result[: max(0, MAX_ERRORS_KEPT - len(kept))])
    except FileRefused as refused:
        return Preview(total=total, valid=0, error_rows=total, errors=(refused.error,))
    return Preview(total=total, valid=valid, error_rows=error_rows, errors=tuple(kept))
