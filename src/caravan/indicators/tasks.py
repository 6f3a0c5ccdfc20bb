"""Background work of the indicators (run by `caravan worker`). Tasks take ids and are idempotent."""

from django_tasks import task

from . import rebuild


@task()
def indicators_rebuild(job_id: int) -> int:
    """Rebuild every materialised value from scratch; returns how many were written."""
    return rebuild.run_job(job_id)
