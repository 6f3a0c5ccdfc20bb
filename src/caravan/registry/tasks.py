"""Background work for the registry (run by `caravan worker`)."""

from django.db import transaction
from django_tasks import task

from caravan.core.text import search_blob

from .models import Facility, Practitioner, Region, Technique

# Which names each searchable table folds into its search_text.
SEARCHABLE = {
    "facility": (Facility, ("name", "name_local", "code")),
    "practitioner": (Practitioner, ("name", "name_latin")),
    "region": (Region, ("name", "name_local", "code")),
    "technique": (Technique, ("name", "name_local", "code")),
}
BATCH = 2000


@task()
def registry_refold_search_text(table: str) -> int:
    """Recompute search_text for every row of one table; returns how many rows changed.

    Run after the folding rules in core.text change. Idempotent: a second run
    changes nothing. Works in id-ordered batches so memory stays flat at
    national scale.
    """
    model, fields = SEARCHABLE[table]
    changed = 0
    last_id = 0
    while True:
        rows = list(model.objects.filter(pk__gt=last_id).order_by("pk").only("pk", "search_text", *fields)[:BATCH])
        if not rows:
            return changed
        stale = []
        for row in rows:
            text = search_blob(*(getattr(row, f) for f in fields))
            if text != row.search_text:
                row.search_text = text
                stale.append(row)
        with transaction.atomic():
            model.objects.bulk_update(stale, ["search_text"], batch_size=500)
        changed += len(stale)
        last_id = rows[-1].pk
