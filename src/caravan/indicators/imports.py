"""Bulk import of data values from CSV: a preview with row-level errors, then all rows or none."""

import csv
import io
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from caravan.core import audit
from caravan.core.audit import Action
from caravan.core.errors import PermissionDenied, ValidationFailed
from caravan.registry.models import Region

from . import periods, sources
from .models import DataValue
from .scope import DEFINERS, scope_for
from .services import parse_value

COLUMNS = ("element", "region", "period", "value")
MAX_ROWS = 50_000


@dataclass
class ImportRow:
    line: int
    element: str
    region_code: str
    period: str
    raw_value: str
    value: float | None = None
    region_id: int | None = None
    errors: list[str] = field(default_factory=list)
    replaces: float | None = None  # the value already recorded for this region and period

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class Preview:
    rows: list[ImportRow]
    file_errors: list[str] = field(default_factory=list)

    @property
    def error_count(self) -> int:
        return len(self.file_errors) + sum(1 for r in self.rows if r.errors)

    @property
    def duplicates(self) -> int:
        return sum(1 for r in self.rows if r.replaces is not None)


def read_csv(text: str) -> tuple[list[ImportRow], list[str]]:
    """The rows of a CSV with the columns element, region, period, value (pure: no database)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        return [], [_("The file needs the columns %(columns)s; missing: %(missing)s.")
                    % {"columns": ", ".join(COLUMNS), "missing": ", ".join(missing)}]
    rows = []
    for n, raw in enumerate(reader, start=2):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items() if k is not None}
        if not any(row.values()):
            continue
        rows.append(ImportRow(n, row["element"], row["region"], row["period"], row["value"]))
        if len(rows) > MAX_ROWS:
            return [], [_("The file has more than %(n)s rows; split it.") % {"n": MAX_ROWS}]
    if not rows:
        return [], [_("The file has no rows.")]
    return rows, []


def preview(*, by, text: str) -> Preview:
    """Check every row (four queries whatever the size): what would be imported, replaced or refused."""
    scope = scope_for(by)
    if not scope.may(DEFINERS):
        raise PermissionDenied()
    rows, file_errors = read_csv(text)
    if file_errors:
        return Preview([], file_errors)
    codes = {r.region_code for r in rows}
    regions = {r.code: r for r in Region.objects.filter(scope.regions_q(), code__in=codes)}
    seen: dict[tuple, int] = {}
    for row in rows:
        if row.element not in sources.DATA_ELEMENTS:
            row.errors.append(_("There is no data element called “%(code)s”.") % {"code": row.element})
        region = regions.get(row.region_code)
        if region is None:
            row.errors.append(_("There is no region with the code “%(code)s”.") % {"code": row.region_code})
        try:
            period = periods.parse(row.period)
            row.period = period.code
        except ValueError:
            period = None
            row.errors.append(_("“%(period)s” is not a period: write 2024, 2024-Q2 or 2024-03.")
                              % {"period": row.period})
        if region is not None and period is not None:
            row.region_id = region.pk
            if not (region.is_valid_on(period.end) or region.is_valid_on(period.start)):
                row.errors.append(_("%(region)s did not exist in %(period)s.")
                                  % {"region": region.name, "period": period.code})
        try:
            row.value = parse_value(row.raw_value)
        except (TypeError, ValueError):
            row.errors.append(_("“%(value)s” is not a number.") % {"value": row.raw_value})
        key = (row.element, row.region_code, row.period)
        if key in seen:
            row.errors.append(_("Line %(line)s already gives this region and period.") % {"line": seen[key]})
        else:
            seen[key] = row.line
    keyed = {(r.element, r.region_id, r.period): r for r in rows if r.region_id}
    if keyed:
        existing = DataValue.objects.filter(
            element__in={k[0] for k in keyed}, region_id__in={k[1] for k in keyed}, period__in={k[2] for k in keyed}
        ).values_list("element", "region_id", "period", "value")
        for element, region_id, period, value in existing:
            row = keyed.get((element, region_id, period))
            if row is not None:
                row.replaces = value
    return Preview(rows)


def run(*, by, text: str, replace: bool) -> int:
    """Import every row or none: refused while any row has an error, or replaces a value unasked."""
    result = preview(by=by, text=text)
    if result.error_count:
        raise ValidationFailed.field(
            "file", _("%(n)s rows have errors; nothing was imported.") % {"n": result.error_count}, code="rows")
    if result.duplicates and not replace:
        raise ValidationFailed.field(
            "replace", _("%(n)s rows already have a value for that region and period: replace them?")
            % {"n": result.duplicates}, code="duplicate")
    with transaction.atomic():
        replaced = [r for r in result.rows if r.replaces is not None]
        for r in replaced:
            DataValue.objects.filter(element=r.element, region_id=r.region_id, period=r.period).update(
                value=r.value, status=DataValue.Status.PENDING, entered_by=by, approved_by=None)
        DataValue.objects.bulk_create([
            DataValue(element=r.element, region_id=r.region_id, period=r.period, value=r.value, entered_by=by)
            for r in result.rows if r.replaces is None
        ])
        audit.record(actor=by, action=Action.CREATE, object_type="indicators.datavalue_import",
                     object_repr=_("Import of %(n)s data values") % {"n": len(result.rows)},
                     changes={"rows": [None, len(result.rows)], "replaced": [None, len(replaced)]})
    return len(result.rows)
