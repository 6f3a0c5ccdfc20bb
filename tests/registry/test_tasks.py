"""The registry's background tasks, run by the real database task backend and worker."""

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from caravan.registry.models import Facility, Practitioner
from caravan.registry.tasks import registry_refold_search_text


def test_refold_rewrites_stale_search_text_and_is_idempotent(cast):
    Facility.objects.filter(pk=cast.sari.pk).update(search_text="stale")
    Practitioner.objects.filter(pk=cast.doctor_b.pk).update(search_text="")

    assert registry_refold_search_text.call("facility") == 1
    assert Facility.objects.get(pk=cast.sari.pk).search_text == (
        "imam khomeini hospital, sari | بیمارستان امام خمینی ساری | ir-mz-ik"
    )
    assert registry_refold_search_text.call("practitioner") == 1
    assert Practitioner.objects.get(pk=cast.doctor_b.pk).search_text == "王建华 | wang jianhua"
    assert registry_refold_search_text.call("facility") == 0


# The worker closes its database connection when it finishes, as a real worker process does;
# only a transactional test survives that on PostgreSQL.
@pytest.mark.django_db(transaction=True)
def test_refold_runs_through_the_database_queue_and_a_worker(cast):
    Facility.objects.filter(pk=cast.gangcha.pk).update(search_text="")
    result = registry_refold_search_text.enqueue("facility")
    assert DBTaskResult.objects.filter(status="READY").count() == 1

    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)

    result.refresh()
    assert result.status == "SUCCESSFUL"
    assert result.return_value == 1
    assert Facility.objects.get(pk=cast.gangcha.pk).search_text == (
        "gangcha county people's hospital | 刚察县人民医院 | cn-gc-01"
    )
