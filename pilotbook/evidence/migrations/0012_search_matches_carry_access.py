"""PostgreSQL: each row of evidence_searchmatch (0010) also carries its pilot's status, visibility, council, release
date and facet cell, so counting a search's matches and their facets reads the match table alone
(pilotbook.evidence.selectors, SearchMatch).

Before, every match's pilot was looked up among the released pilots: for a broad query (36,832 matches at 100,000
pilots) PostgreSQL read all 100,000 released pilots from their index and hash-joined them to the matches, about half
of the count's time. The access rules (Pilot.objects.visible_to, results_released, withheld_from) read only these
five columns of a pilot, so the same rules apply to the copies.

The copies are kept by triggers, as the match rows themselves are, so every writer keeps them right:
- a search document written (0010's trigger) takes its pilot's columns as they are then;
- a pilot whose status, visibility, council, release date or facet cell changes passes them to its match row in the
  same statement (a row trigger that fires only when one of them changed; an upsert, so that a match row a full
  reindex wrote again meanwhile is the one updated).
SQLite is unchanged: it counts from FTS5 (0002) and the pilots.
"""

from django.contrib.postgres.search import SearchVectorField
from django.db import migrations, models

# Every statement below is built from the constants in this file only.
# ruff: noqa: S608

TABLE = "evidence_searchmatch"
DOCUMENTS = "evidence_searchdocument"
COLUMNS = ("status", "visibility", "council_id", "published_at", "facet_cell")
TYPES = ("varchar(20)", "varchar(20)", "varchar(5)", "timestamptz", "integer")


NAMES = ", ".join(COLUMNS)


def _of(row: str) -> str:
    """The columns of `row` (a table alias, NEW, OLD or excluded), in COLUMNS' order."""
    return ", ".join(f"{row}.{column}" for column in COLUMNS)


POSTGRES_CREATE = [
    f"ALTER TABLE {TABLE} " + ", ".join(f"ADD COLUMN {c} {t}" for c, t in zip(COLUMNS, TYPES, strict=True)),
    f"UPDATE {TABLE} m SET ({NAMES}) = ({_of('p')}) FROM pilots_pilot p WHERE p.id = m.pilot_id",
    f"ALTER TABLE {TABLE} ALTER COLUMN status SET NOT NULL, ALTER COLUMN visibility SET NOT NULL",
    f"""CREATE OR REPLACE FUNCTION {TABLE}_written() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO {TABLE} (pilot_id, vector, {NAMES})
            SELECT w.pilot_id, strip(w.vector), {_of('p')} FROM written w JOIN pilots_pilot p ON p.id = w.pilot_id
            ON CONFLICT (pilot_id) DO UPDATE SET (vector, {NAMES}) = (excluded.vector, {_of('excluded')})
            WHERE ({TABLE}.vector, {_of(TABLE)}) IS DISTINCT FROM (excluded.vector, {_of('excluded')});
            RETURN NULL;
        END $$""",
    # An upsert, not an UPDATE: a full reindex deletes and writes the match row again in its own transaction, and an
    # UPDATE waiting for it would find the row it waited for deleted (and miss the new one, written after its
    # snapshot); ON CONFLICT finds the row committed meanwhile and updates it. A pilot without a document gets none.
    f"""CREATE FUNCTION {TABLE}_pilot_changed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO {TABLE} (pilot_id, vector, {NAMES})
            SELECT d.pilot_id, strip(d.vector), {_of('NEW')} FROM {DOCUMENTS} d WHERE d.pilot_id = NEW.id
            ON CONFLICT (pilot_id) DO UPDATE SET ({NAMES}) = ({_of('excluded')});
            RETURN NULL;
        END $$""",
    f"CREATE TRIGGER {TABLE}_pilot_au AFTER UPDATE ON pilots_pilot FOR EACH ROW "
    f"WHEN (({_of('OLD')}) IS DISTINCT FROM ({_of('NEW')})) EXECUTE FUNCTION {TABLE}_pilot_changed()",
    f"ANALYZE {TABLE}",
]
POSTGRES_DROP = [
    f"DROP TRIGGER IF EXISTS {TABLE}_pilot_au ON pilots_pilot",
    f"DROP FUNCTION IF EXISTS {TABLE}_pilot_changed()",
    f"""CREATE OR REPLACE FUNCTION {TABLE}_written() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO {TABLE} (pilot_id, vector) SELECT pilot_id, strip(vector) FROM written
            ON CONFLICT (pilot_id) DO UPDATE SET vector = excluded.vector
            WHERE {TABLE}.vector IS DISTINCT FROM excluded.vector;
            RETURN NULL;
        END $$""",
    f"ALTER TABLE {TABLE} " + ", ".join(f"DROP COLUMN IF EXISTS {c}" for c in COLUMNS),
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)
    return run


class Migration(migrations.Migration):
    dependencies = [
        ("councils", "0001_initial"),
        ("evidence", "0011_documents_gin_for_candidates"),
        ("pilots", "0011_facet_cell"),
    ]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES_CREATE}),
            _run({"postgresql": POSTGRES_DROP}),
        ),
        # The table is made above on PostgreSQL only (and by 0010), so Django never creates or alters it.
        migrations.CreateModel(
            name="SearchMatch",
            fields=[
                ("pilot", models.OneToOneField(db_constraint=False, on_delete=models.DO_NOTHING, primary_key=True,
                                               related_name="+", serialize=False, to="pilots.pilot")),
                ("vector", SearchVectorField(null=True)),
                ("status", models.CharField(max_length=20)),
                ("visibility", models.CharField(max_length=20)),
                ("council", models.ForeignKey(db_constraint=False, null=True, on_delete=models.DO_NOTHING,
                                              related_name="+", to="councils.council")),
                ("published_at", models.DateTimeField(null=True)),
                ("facet_cell", models.IntegerField(null=True)),
            ],
            options={"db_table": "evidence_searchmatch", "managed": False},
        ),
    ]
