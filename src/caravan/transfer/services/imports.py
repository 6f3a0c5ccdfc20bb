"""Importing a month's case log from CSV or Excel (.xlsx): check and preview, confirm, then the background run.

A workbook's first sheet is turned into CSV text (sheetfile) at upload, so both
formats share the checks, the preview, the stored content and the run.

Nothing reaches the log until the user confirms the preview; the run then
inserts the valid rows in batches, each batch committed with the progress
counter, so the page's progress bar moves and a run that stopped resumes
where it stopped instead of inserting a batch twice. The rows an import inserts
are audited as the import (its upload and its confirmation), not one by one.
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caravan.core import audit
from caravan.core.errors import ValidationFailed
from caravan.registry.models import Facility, Technique

from .. import csvfile, ledger, scope, sheetfile
from ..models import CaseImport, CaseLog
from .common import access_of, require

IMPORT_FIELDS = ["facility", "file_name", "status", "total_rows", "valid_rows", "error_rows"]
BATCH = 1000


def technique_codes() -> dict[str, int]:
    """Every technique of the catalogue by upper-case code (one query)."""
    return {code.upper(): pk for code, pk in Technique.objects.values_list("code", "pk")}


@transaction.atomic
def case_import_preview(*, by, facility: Facility, file_name: str, data: bytes) -> CaseImport:
    """Check an uploaded CSV or .xlsx for a facility whose staff the user is; keep it with its row errors for review."""
    access = access_of(by)
    require(scope.is_staff_of(access, facility))
    if not data:
        raise ValidationFailed.field("file", _("The file is empty."), code="empty_file")
    if len(data) > settings.CARAVAN_MAX_UPLOAD_BYTES:
        raise ValidationFailed.field("file", _("The file is too large."), code="too_large")
    to_check, content = _content(data, file_name)
    checked_on = timezone.localdate()
    result = csvfile.preview(to_check, techniques=technique_codes(), today=checked_on)
    case_import = CaseImport.objects.create(
        facility=facility, file_name=file_name[:255], content=content if result.valid else "",
        total_rows=result.total, valid_rows=result.valid, error_rows=result.error_rows,
        errors=[e.as_dict() for e in result.errors], uploaded_by=by, checked_on=checked_on,
    )
    audit.record(actor=by, action=audit.Action.CREATE, obj=case_import, organisation=facility.organisation,
                 changes=audit.diff({}, audit.snapshot(case_import, IMPORT_FIELDS)))
    return case_import


def _content(data: bytes, file_name: str) -> tuple[bytes | str, str]:
    """What to check and the CSV text to keep; a legacy .xls or a file that is not a readable workbook is refused.

    CSV bytes are checked as they came, so a file that is not UTF-8 is named as such in the preview.
    """
    kind = sheetfile.kind_of(data, file_name)
    if kind == sheetfile.Kind.LEGACY_XLS:
        raise ValidationFailed.field("file", _(
            "Old Excel files (.xls) cannot be read. Save the sheet as an Excel workbook (.xlsx) or as CSV UTF-8."
        ), code="legacy_xls")
    unreadable = ValidationFailed.field("file", _(
        "This file is not a valid Excel workbook (.xlsx). Save it again as .xlsx or as CSV UTF-8."
    ), code="bad_workbook")
    if kind == sheetfile.Kind.BROKEN_XLSX:
        raise unreadable
    if kind == sheetfile.Kind.XLSX:
        try:
            text = sheetfile.workbook_text(data)
        except sheetfile.UnreadableWorkbook:
            raise unreadable from None
        return text, text
    try:
        return data, data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data, ""


def _locked_import(case_import: CaseImport) -> CaseImport:
    return CaseImport.objects.select_for_update().select_related("facility__organisation").get(pk=case_import.pk)


@transaction.atomic
def case_import_confirm(*, by, case_import: CaseImport) -> CaseImport:
    """Accept the valid rows of a previewed file and queue their import (rows with errors are left out)."""
    access = access_of(by)
    case_import = _locked_import(case_import)
    require(scope.is_staff_of(access, case_import.facility))
    if case_import.status != CaseImport.Status.PREVIEWED:
        raise ValidationFailed(_("This import is no longer waiting for confirmation."), code="not_previewed")
    if not case_import.valid_rows:
        raise ValidationFailed(_("No row of this file can be imported; fix the file and upload it again."),
                               code="nothing_valid")
    case_import.status = CaseImport.Status.QUEUED
    case_import.save(update_fields=["status"])
    audit.record(actor=by, action=audit.Action.UPDATE, obj=case_import, organisation=case_import.facility.organisation,
                 changes={"status": [CaseImport.Status.PREVIEWED, CaseImport.Status.QUEUED]})
    from ..tasks import case_import_run  # the task module imports this one

    pk = case_import.pk
    transaction.on_commit(lambda: case_import_run.enqueue(pk))
    return case_import


@transaction.atomic
def case_import_discard(*, by, case_import: CaseImport) -> CaseImport:
    """Drop a previewed file without importing anything."""
    access = access_of(by)
    case_import = _locked_import(case_import)
    require(scope.is_staff_of(access, case_import.facility))
    if case_import.status != CaseImport.Status.PREVIEWED:
        raise ValidationFailed(_("This import is no longer waiting for confirmation."), code="not_previewed")
    case_import.status = CaseImport.Status.DISCARDED
    case_import.content = ""
    case_import.save(update_fields=["status", "content"])
    audit.record(actor=by, action=audit.Action.UPDATE, obj=case_import, organisation=case_import.facility.organisation,
                 changes={"status": [CaseImport.Status.PREVIEWED, CaseImport.Status.DISCARDED]})
    return case_import


def case_import_run(import_id: int) -> int:
    """Insert the valid rows of a confirmed import, then recompute the ledger of what they touched.

    Returns the rows inserted by this run. Idempotent: a finished import is left
    alone, and a run that stopped half-way (or failed) continues after the rows
    it had committed, so enqueueing it again is how an administrator retries it.
    """
    claimed = CaseImport.objects.filter(
        pk=import_id, status__in=[CaseImport.Status.QUEUED, CaseImport.Status.RUNNING, CaseImport.Status.FAILED]
    ).update(status=CaseImport.Status.RUNNING)
    if not claimed:
        return 0
    case_import = CaseImport.objects.select_related("facility").get(pk=import_id)
    try:
        inserted, pairs = _insert_rows(case_import)
        ledger.recompute(pairs)
    except Exception as exc:
        CaseImport.objects.filter(pk=import_id).update(
            status=CaseImport.Status.FAILED, failure=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
    CaseImport.objects.filter(pk=import_id).update(
        status=CaseImport.Status.DONE, content="", finished_at=timezone.now()
    )
    return inserted


def _insert_rows(case_import: CaseImport) -> tuple[int, set[tuple[int, int]]]:
    rows = csvfile.parse_rows(case_import.content, techniques=technique_codes(), today=case_import.checked_on)
    valid = (r for r in rows if isinstance(r, csvfile.CaseRow))
    done = case_import.imported_rows
    pairs: set[tuple[int, int]] = set()
    inserted = 0
    batch: list[CaseLog] = []
    position = 0
    facility_id = case_import.facility_id
    for row in valid:
        position += 1
        pairs.add((facility_id, row.technique_id))
        if position <= done:
            continue  # committed by an earlier run
        batch.append(CaseLog(
            facility_id=facility_id, technique_id=row.technique_id, performed_on=row.performed_on,
            performer=row.performer, supervision=row.supervision, outcome=row.outcome, source=case_import,
            logged_by_id=case_import.uploaded_by_id,
        ))
        if len(batch) == BATCH:
            inserted += _commit(case_import, batch, position)
            batch = []
    if batch:
        inserted += _commit(case_import, batch, position)
    return inserted, pairs


def _commit(case_import: CaseImport, batch: list[CaseLog], position: int) -> int:
    with transaction.atomic():
        CaseLog.objects.bulk_create(batch, batch_size=BATCH)
        CaseImport.objects.filter(pk=case_import.pk).update(imported_rows=position)
    return len(batch)
