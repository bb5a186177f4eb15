"""An index for the evidence base's listing of released results, newest first (docs/adr/0018).

/evidence/ with no words lists published pilots by publication date, newest first, a page at a time, and counts
them. Without an index on the order the database sorts every published pilot for each page (366 ms at 100,000).
This partial index holds only published pilots, in the listing's order, with the columns the access rules read
(visibility, council), so a page reads 20 entries and the count reads the index alone.

It is the evidence listing's index, so it is made here, on the pilots table, with the SQL each database takes.
"""

from django.db import migrations

# Built from constants only.
# ruff: noqa: S608

NAME = "evidence_released_newest_first"
POSTGRES = (f"CREATE INDEX IF NOT EXISTS {NAME} ON pilots_pilot (published_at DESC, id DESC) "
            "INCLUDE (visibility, council_id) WHERE status = 'published'")
SQLITE = f"CREATE INDEX IF NOT EXISTS {NAME} ON pilots_pilot (published_at DESC, id DESC) WHERE status = 'published'"
DROP = f"DROP INDEX IF EXISTS {NAME}"


def _create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor in ("postgresql", "sqlite"):
        schema_editor.execute(POSTGRES if vendor == "postgresql" else SQLITE)


def _drop(apps, schema_editor):
    if schema_editor.connection.vendor in ("postgresql", "sqlite"):
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("evidence", "0006_pooled_group_choices"), ("pilots", "0009_case_study_records")]

    operations = [migrations.RunPython(_create, _drop)]
