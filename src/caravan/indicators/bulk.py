"""The write path of a rebuild: an indicator's materialised values replaced in one transaction.

A rebuild writes millions of rows that need no model logic (no signals, no audit: they are derived and
rebuilt, never edited), so they go in as plain tuples: `executemany` of one prepared INSERT on SQLite, and
on PostgreSQL one `INSERT … SELECT FROM unnest(arrays)` per batch. Either way one statement per
`BATCH` rows, so the number of queries grows with the rows only by their batches. Any other database gets
`bulk_create`.
"""

from contextlib import contextmanager

from django.db import connection, transaction

from .models import IndicatorValue

BATCH = 50_000
SQLITE_CACHE_KIB = 131_072  # 128 MB
FIELDS = ("indicator", "region", "network", "period", "period_kind", "period_end", "numerator", "denominator",
          "value")
# The array type of each column for PostgreSQL's unnest.
_PG_TYPES = ("bigint", "bigint", "bigint", "varchar", "varchar", "date", "double precision", "double precision",
             "double precision")


def _columns() -> list[str]:
    return [IndicatorValue._meta.get_field(f).column for f in FIELDS]


def replace_values(indicator_id: int, rows: list[tuple]) -> int:
    """Delete the indicator's values and write `rows` (tuples in FIELDS order); returns how many."""
    with transaction.atomic():
        IndicatorValue.objects.filter(indicator_id=indicator_id).delete()
        for start in range(0, len(rows), BATCH):
            _insert(rows[start:start + BATCH])
    return len(rows)


@contextmanager
def write_cache():
    """On SQLite, a larger page cache while a rebuild writes (the default 2 MB makes every index update of a
    large table read its pages again); back to what it was afterwards. Other databases manage their own."""
    if connection.vendor != "sqlite":
        yield
        return
    # A setting of the connection like the pragmas of the settings' init_command, so it goes to the driver's
    # connection directly and the query counts stay the same on every database.
    connection.ensure_connection()
    raw = connection.connection
    before = raw.execute("PRAGMA cache_size").fetchone()[0]
    raw.execute(f"PRAGMA cache_size = {-SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        raw.execute(f"PRAGMA cache_size = {int(before)}")


def _insert(rows: list[tuple]) -> None:
    # Table and column names come from the model's metadata and the values go as parameters: nothing typed
    # by a user reaches the statement text.
    table = connection.ops.quote_name(IndicatorValue._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in _columns())
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            marks = ", ".join(["%s"] * len(FIELDS))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)  # noqa: S608
        elif connection.vendor == "postgresql":
            arrays = ", ".join(f"%s::{t}[]" for t in _PG_TYPES)
            cursor.execute(f"INSERT INTO {table} ({columns}) SELECT * FROM unnest({arrays})",  # noqa: S608
                           [list(column) for column in zip(*rows, strict=True)])
        else:
            names = [f"{f}_id" if f in ("indicator", "region", "network") else f for f in FIELDS]
            IndicatorValue.objects.bulk_create([IndicatorValue(**dict(zip(names, r, strict=True))) for r in rows])
