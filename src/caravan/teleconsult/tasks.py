"""Background work of teleconsultation (run by `caravan worker`). Tasks take ids and are idempotent."""

from django_tasks import task

from . import services


@task()
def escalate_case(case_id: int) -> str:
    """Take the next escalation step of one case (backup consultant, then coordinators)."""
    return services.escalate(case_id=case_id)


@task()
def escalation_sweep() -> int:
    """Find cases whose clock is about to run out and escalate each; run it every minute."""
    ids = services.cases_to_escalate()
    for case_id in ids:
        services.escalate(case_id=case_id)
    return len(ids)
