"""Indexes for national-scale lists and searches (measured by bench/run.py).

- (name, id) on facilities and (name_latin, id) on practitioners: the lists are
  ordered that way, so a page is read off the index instead of sorting every row.
- On PostgreSQL only, trigram GIN indexes on search_text: the registry searches by
  substring (LIKE '%word%', any script), which a b-tree cannot serve. SQLite has
  no such index; it scans, which is fast enough at the size a SQLite node holds.
"""

from django.db import migrations, models

# (model, index name) of the searchable tables whose search_text gets a trigram index.
TRIGRAM_INDEXES = [
    ("facility", "facility_search_trgm_idx"),
    ("practitioner", "practitioner_search_trgm_idx"),
]


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    # pg_trgm is a trusted extension: the database owner may create it.
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for model_name, index_name in TRIGRAM_INDEXES:
        table = apps.get_model("registry", model_name)._meta.db_table
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {quote(index_name)} ON {quote(table)} USING gin (search_text gin_trgm_ops)"
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for _model_name, index_name in TRIGRAM_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(index_name)}")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_audit_append_only"),
        ("registry", "0002_seed_vocabularies"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="facility",
            index=models.Index(fields=["name", "id"], name="facility_name_id_idx"),
        ),
        migrations.AddIndex(
            model_name="practitioner",
            index=models.Index(fields=["name_latin", "id"], name="practitioner_name_latin_id_idx"),
        ),
        migrations.RunPython(create_trigram_indexes, drop_trigram_indexes),
    ]
