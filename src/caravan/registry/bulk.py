"""Loading many registry rows at once, with the columns the services would derive.

The services write one row at a time, each validated and audited: right for
people, far too slow for importing a national registry (hundreds of thousands of
practitioners). A `BulkLoad` takes unsaved model instances, fills in what the
services would have filled (the materialised `path` of regions and organisations,
the folded `search_text` of searchable rows) and inserts them with `bulk_create`
in batches.

It neither validates nor audits: the caller vouches for the data (an import
script, the benchmark). Ids may be reserved up front so that trees and links can
be built in memory; that assumes no other writer inserts into the same tables
during the load, which is how an import into a fresh or quiet node runs.
"""

import gc
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from time import perf_counter

from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.models import Max

from caravan.core.text import search_blob
from caravan.core.tree import TreeNode

from .models import Facility, Practitioner, Region, Technique

# The same names the services fold into each row's search column (see services.py).
SEARCH_TEXT: dict[type[models.Model], Callable[[models.Model], str]] = {
    Region: lambda r: search_blob(r.name, r.name_local, r.code),
    Facility: lambda f: search_blob(f.name, f.name_local, f.code),
    Practitioner: lambda p: search_blob(p.name, p.name_latin),
    Technique: lambda t: search_blob(t.name, t.name_local, t.code),
}

DEFAULT_BATCH_SIZE = 2000


@dataclass
class TableLoad:
    """What one table received: rows inserted and the seconds spent inserting them."""

    rows: int = 0
    seconds: float = 0.0

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


def _batches(objs: Iterable, size: int) -> Iterator[list]:
    it = iter(objs)
    while batch := list(islice(it, size)):
        yield batch


@contextmanager
def _cyclic_gc_paused():
    """Pause Python's cycle collector: a load makes millions of short-lived objects that refcounting
    frees, and every full collection would walk all of them and whatever the caller holds (a 40% cost)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class BulkLoad:
    """One bulk load into one database: reserve ids, `add` rows table by table, then `finish`.

    Parents must be added before their children (regions before facilities,
    practitioners before their appointments); a tree node's parent may come in
    the same call or in an earlier one, or already be in the database.
    """

    def __init__(self, *, batch_size: int = DEFAULT_BATCH_SIZE, using: str = DEFAULT_DB_ALIAS):
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self.batch_size = batch_size
        self.using = using
        self.tables: dict[str, TableLoad] = {}
        self._next_ids: dict[type[models.Model], int] = {}
        self._paths: dict[type[models.Model], dict[int, str]] = {}
        self._models: list[type[models.Model]] = []

    # ------------------------------------------------------------- ids

    def reserve_ids(self, model: type[models.Model], count: int) -> range:
        """`count` primary keys no row of `model` uses yet and no earlier reservation handed out."""
        if model not in self._next_ids:
            top = model._base_manager.using(self.using).aggregate(top=Max("pk"))["top"] or 0
            self._next_ids[model] = top + 1
        first = self._next_ids[model]
        self._next_ids[model] = first + count
        return range(first, first + count)

    # ------------------------------------------------------------- rows

    def add(self, model: type[models.Model], objs: Iterable[models.Model]) -> int:
        """Insert `objs` (unsaved instances of `model`) in batches, in one transaction; return how many.

        Tree nodes get `path` from their parent's path and their own id (so they
        need an id: see `reserve_ids`), whatever order they come in; searchable
        rows get `search_text`.
        """
        started = perf_counter()
        manager = model._base_manager.db_manager(self.using)
        count = 0
        paths: dict[int, str] = {}
        if issubclass(model, TreeNode):
            # Trees are small (regions, organisations) and may list children before parents.
            objs = list(objs)
            paths = self._assign_paths(model, objs)
        blob = SEARCH_TEXT.get(model)
        with _cyclic_gc_paused(), transaction.atomic(using=self.using):
            for batch in _batches(objs, self.batch_size):
                if blob is not None:
                    for obj in batch:
                        obj.search_text = blob(obj)
                manager.bulk_create(batch, batch_size=self.batch_size)
                count += len(batch)
        # Remembered only once the rows are in, so a failed call leaves no phantom parents.
        self._paths.setdefault(model, {}).update(paths)
        load = self.tables.setdefault(model._meta.db_table, TableLoad())
        load.rows += count
        load.seconds += perf_counter() - started
        if model not in self._models:
            self._models.append(model)
        return count

    def _assign_paths(self, model: type[TreeNode], nodes: list[TreeNode]) -> dict[int, str]:
        """Set each node's path; return the new paths by id."""
        known = self._paths.setdefault(model, {})
        in_call = {}
        for node in nodes:
            if node.pk is None:
                raise ValueError(f"{model.__name__} rows need an id before a bulk load (use reserve_ids).")
            in_call[node.pk] = node
        # Parents already in the database but not loaded by this BulkLoad: one query for all of them.
        outside = {n.parent_id for n in nodes if n.parent_id and n.parent_id not in known and n.parent_id not in in_call}
        if outside:
            rows = model._base_manager.using(self.using).filter(pk__in=outside).values_list("pk", "path")
            known.update(rows)
            if missing := outside - known.keys():
                raise ValueError(f"{model.__name__} parents not found: {sorted(missing)[:10]}")
        paths: dict[int, str] = {}

        def path_of(node: TreeNode, seen: frozenset = frozenset()) -> str:
            if node.pk in paths:
                return paths[node.pk]
            if node.pk in seen:
                raise ValueError(f"{model.__name__} {node.pk} sits below itself.")
            parent_path = "/"
            if node.parent_id:
                parent = in_call.get(node.parent_id)
                parent_path = path_of(parent, seen | {node.pk}) if parent is not None else known[node.parent_id]
            paths[node.pk] = f"{parent_path}{node.pk}/"
            return paths[node.pk]

        for node in nodes:
            node.path = path_of(node)
        return paths

    # ------------------------------------------------------------- the end

    def finish(self) -> float:
        """Move id sequences past the inserted ids and refresh the planner's statistics; return seconds.

        Without fresh statistics the first queries after a big load plan as if the
        tables were still small.
        """
        started = perf_counter()
        self.reset_sequences()
        self.analyze()
        return perf_counter() - started

    def reset_sequences(self) -> None:
        """Make the next ordinary insert take an id above the reserved ones (PostgreSQL sequences)."""
        connection = connections[self.using]
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), self._models):
                cursor.execute(sql)

    def analyze(self) -> None:
        """Refresh the planner's statistics of the tables this load wrote to."""
        connection = connections[self.using]
        names = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in self._models)
        if not names:
            return
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("ANALYZE")
            elif connection.vendor == "postgresql" and not connection.in_atomic_block:
                # VACUUM also sets the visibility map, which index-only scans (counts) rely on;
                # it cannot run inside a transaction.
                cursor.execute(f"VACUUM (ANALYZE) {names}")
            else:
                cursor.execute(f"ANALYZE {names}")

    @property
    def total(self) -> TableLoad:
        return TableLoad(
            rows=sum(t.rows for t in self.tables.values()),
            seconds=sum(t.seconds for t in self.tables.values()),
        )

