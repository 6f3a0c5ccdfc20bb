"""Background work of technique transfer (run by `caravan worker`). Tasks take ids and are idempotent."""

from django_tasks import task

from . import ledger
from .services import imports


@task()
def case_import_run(import_id: int) -> int:
    """Import the confirmed rows of an uploaded file and recompute the ledger they touch; returns the rows inserted."""
    return imports.case_import_run(import_id)


@task()
def ledger_recompute(pairs: list[list[int]]) -> int:
    """Recompute the capabilities of [facility id, technique id] pairs; returns how many changed."""
    return ledger.recompute([(f, t) for f, t in pairs])


@task()
def ledger_sweep() -> int:
    """Recompute the whole ledger: run it nightly so capabilities lapse when their months without a case pass."""
    return ledger.recompute_facility_sweep()
