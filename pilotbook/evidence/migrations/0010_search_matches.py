"""PostgreSQL: ``evidence_searchmatch``, the search index's match table: each document's pilot and its vector
without positions or weights (strip()), GIN-indexed. Every match is found here; the weighted vectors of
evidence_searchdocument are read only to rank the matches found, so their own GIN index (0002) goes.

Counting the matches of a broad word ("care", "council") and their facets reads the pilot id of every matching
document. Read from evidence_searchdocument, whose rows also hold the stored features of every field and the
weighted tsvector with positions, that is nearly the whole ~94 MB table at 100,000 pilots for every count; here it
is about a third of the pages. `strip(v) @@ q` is `v @@ q` for the plain OR queries search builds, so the same
documents match. One GIN index in all, so indexing a pilot (and the import's batches) costs no more than before.

Like evidence_fts on SQLite (0002), it is kept in step by triggers on evidence_searchdocument, so every writer
(search_index_pilot, the import's COPY batches, evidence_reindex) fills it in the same statement, a batch at a
time: statement-level triggers reading the statement's transition tables. A TRUNCATE of the documents (a test
database flushed) empties it too. SQLite has no such table: FTS5 (0002) serves both finding and counting there.
"""

from django.db import migrations

# Every statement below is built from the constants in this file only.
# ruff: noqa: S608

TABLE = "evidence_searchmatch"
DOCUMENTS = "evidence_searchdocument"

POSTGRES_CREATE = [
    f"CREATE TABLE {TABLE} (pilot_id bigint PRIMARY KEY, vector tsvector)",
    f"""CREATE FUNCTION {TABLE}_written() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO {TABLE} (pilot_id, vector) SELECT pilot_id, strip(vector) FROM written
            ON CONFLICT (pilot_id) DO UPDATE SET vector = excluded.vector
            WHERE {TABLE}.vector IS DISTINCT FROM excluded.vector;
            RETURN NULL;
        END $$""",
    f"""CREATE FUNCTION {TABLE}_removed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            DELETE FROM {TABLE} m USING removed r WHERE m.pilot_id = r.pilot_id;
            RETURN NULL;
        END $$""",
    f"""CREATE FUNCTION {TABLE}_emptied() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            TRUNCATE {TABLE};
            RETURN NULL;
        END $$""",
    f"CREATE TRIGGER {TABLE}_ai AFTER INSERT ON {DOCUMENTS} REFERENCING NEW TABLE AS written "
    f"FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_written()",
    f"CREATE TRIGGER {TABLE}_au AFTER UPDATE ON {DOCUMENTS} REFERENCING NEW TABLE AS written "
    f"FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_written()",
    f"CREATE TRIGGER {TABLE}_ad AFTER DELETE ON {DOCUMENTS} REFERENCING OLD TABLE AS removed "
    f"FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_removed()",
    f"CREATE TRIGGER {TABLE}_at AFTER TRUNCATE ON {DOCUMENTS} FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_emptied()",
    f"INSERT INTO {TABLE} (pilot_id, vector) SELECT pilot_id, strip(vector) FROM {DOCUMENTS}",
    f"CREATE INDEX {TABLE}_vector_gin ON {TABLE} USING gin (vector)",
    f"ANALYZE {TABLE}",
    f"DROP INDEX IF EXISTS {DOCUMENTS}_vector_gin",
]
POSTGRES_DROP = [
    f"CREATE INDEX IF NOT EXISTS {DOCUMENTS}_vector_gin ON {DOCUMENTS} USING gin (vector)",
    *(f"DROP TRIGGER IF EXISTS {TABLE}_{suffix} ON {DOCUMENTS}" for suffix in ("ai", "au", "ad", "at")),
    *(f"DROP FUNCTION IF EXISTS {TABLE}_{name}()" for name in ("written", "removed", "emptied")),
    f"DROP TABLE IF EXISTS {TABLE}",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)
    return run


class Migration(migrations.Migration):
    dependencies = [("evidence", "0009_facet_cell")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES_CREATE}),
            _run({"postgresql": POSTGRES_DROP}),
        ),
    ]
