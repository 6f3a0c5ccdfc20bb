"""Background work of referrals (run by `caravan worker`). Tasks are idempotent."""

from django_tasks import task

from . import services


@task()
def referrals_erase_expired() -> int:
    """Erase the patient data of referrals ended longer ago than the retention period; run it nightly."""
    return services.erase_expired()
