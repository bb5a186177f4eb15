"""PostgreSQL: the search documents' own GIN index again, for ranking the candidates (search._candidates_postgres).

Every match is still found and counted in evidence_searchmatch (0010). The candidates, the best few hundred of the
matches of a query's rarest features (at most about MATCH_BUDGET documents), are ranked on the documents' weighted
vectors; found through the match table, each matched document was then fetched by its pilot, one index descent per
match, where a bitmap scan of this index reads each document's page once: one idea's candidates query (3,797
matches) read 12,865 buffers before and 3,710 after, and PostgreSQL's CPU per candidates query over the bench's 60
ideas about halved. Indexing costs a little more: two GIN indexes are kept up to date (ADR 0018, "Before you start
for a new idea"). SQLite is unchanged: FTS5 (0002) serves both there.
"""

from django.db import migrations

DOCUMENTS = "evidence_searchdocument"

POSTGRES_CREATE = [f"CREATE INDEX IF NOT EXISTS {DOCUMENTS}_vector_gin ON {DOCUMENTS} USING gin (vector)"]
POSTGRES_DROP = [f"DROP INDEX IF EXISTS {DOCUMENTS}_vector_gin"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)
    return run


class Migration(migrations.Migration):
    dependencies = [("evidence", "0010_search_matches")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES_CREATE}),
            _run({"postgresql": POSTGRES_DROP}),
        ),
    ]
