"""The database's own full-text index over SearchDocument: FTS5 on SQLite, a GIN index on PostgreSQL.

SQLite: ``evidence_fts`` is an external-content FTS5 table over evidence_searchdocument, kept in step by the
three triggers below, so nothing in Python writes to it. PostgreSQL: pilotbook.evidence.index fills the
``vector`` column (setweight of to_tsvector('simple', ...)) and this GIN index serves the @@ match.
Features are stemmed by the ranking core before they are stored, hence the 'simple' configuration.
"""

from django.db import migrations

# Every statement below is built from the constants in this file only.
# ruff: noqa: S608

COLUMNS = "title, problem, change, lessons, partners, council, facets"
NEW = ", ".join(f"new.{c}" for c in COLUMNS.split(", "))
OLD = ", ".join(f"old.{c}" for c in COLUMNS.split(", "))

SQLITE_CREATE = [
    f"CREATE VIRTUAL TABLE evidence_fts USING fts5({COLUMNS}, content='evidence_searchdocument', "
    "content_rowid='id', tokenize='unicode61')",
    f"CREATE TRIGGER evidence_fts_ai AFTER INSERT ON evidence_searchdocument BEGIN "
    f"INSERT INTO evidence_fts(rowid, {COLUMNS}) VALUES (new.id, {NEW}); END",
    f"CREATE TRIGGER evidence_fts_ad AFTER DELETE ON evidence_searchdocument BEGIN "
    f"INSERT INTO evidence_fts(evidence_fts, rowid, {COLUMNS}) VALUES ('delete', old.id, {OLD}); END",
    f"CREATE TRIGGER evidence_fts_au AFTER UPDATE ON evidence_searchdocument BEGIN "
    f"INSERT INTO evidence_fts(evidence_fts, rowid, {COLUMNS}) VALUES ('delete', old.id, {OLD}); "
    f"INSERT INTO evidence_fts(rowid, {COLUMNS}) VALUES (new.id, {NEW}); END",
    "INSERT INTO evidence_fts(evidence_fts) VALUES ('rebuild')",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS evidence_fts_ai", "DROP TRIGGER IF EXISTS evidence_fts_ad",
    "DROP TRIGGER IF EXISTS evidence_fts_au", "DROP TABLE IF EXISTS evidence_fts",
]
POSTGRES_CREATE = ["CREATE INDEX evidence_searchdocument_vector_gin ON evidence_searchdocument USING gin (vector)"]
POSTGRES_DROP = ["DROP INDEX IF EXISTS evidence_searchdocument_vector_gin"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)
    return run


class Migration(migrations.Migration):
    dependencies = [("evidence", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_CREATE, "postgresql": POSTGRES_CREATE}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
        ),
    ]
