"""Facet cells (pilotbook.evidence.facetcells, docs/adr/0018): each combination of facet values a published pilot
has, named by the pilot's facet_cell, so the search's facets are counted by grouping on one number. The released
pilots' index (0007) also holds facet_cell on PostgreSQL, so counting reads the index alone; the cells of the
pilots already published are made here.
"""

from django.conf import settings
from django.db import migrations, models

# Built from constants only.
# ruff: noqa: S608

NAME = "evidence_released_newest_first"
WITH_CELL = (f"CREATE INDEX {NAME} ON pilots_pilot (published_at DESC, id DESC) "
             "INCLUDE (visibility, council_id, facet_cell) WHERE status = 'published'")
WITHOUT_CELL = (f"CREATE INDEX {NAME} ON pilots_pilot (published_at DESC, id DESC) "
                "INCLUDE (visibility, council_id) WHERE status = 'published'")

# The cell of every published pilot, as pilotbook.evidence.facetcells.refresh() made it when this migration was
# written: a copy, so that the migration keeps doing what it did whatever that module becomes.
VALUES = {
    "service_area": "p.service_area",
    "intervention_type": "p.intervention_type",
    "verdict": "r.verdict",
    "design": "p.design",
    "organisation": "p.organisation",
    "country": "p.country",
    "year": "EXTRACT(YEAR FROM p.published_at AT TIME ZONE %(zone)s)::integer",
    "nation": "c.nation",
    "council_type": "c.authority_type_name",
    "anonymous": "p.visibility = 'public_anonymous'",
}
KEY = "concat_ws(chr(31), " + ", ".join(f"coalesce(({sql})::text, chr(30))" for sql in VALUES.values()) + ")"
FROM = ("pilots_pilot p LEFT JOIN pilots_result r ON r.pilot_id = p.id "
        "LEFT JOIN councils_council c ON c.code = p.council_id WHERE p.status = 'published'")
CELLS = [
    f"INSERT INTO evidence_facetcell (key, {', '.join(VALUES)}) SELECT DISTINCT {KEY}, "
    + ", ".join(VALUES.values()) + f" FROM {FROM} ON CONFLICT (key) DO NOTHING",
    f"UPDATE pilots_pilot SET facet_cell = f.id FROM (SELECT p.id, {KEY} AS key FROM {FROM}) v "
    "JOIN evidence_facetcell f ON f.key = v.key "
    "WHERE pilots_pilot.id = v.id AND pilots_pilot.facet_cell IS DISTINCT FROM f.id",
]


def _forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")
    schema_editor.execute(WITH_CELL)
    for sql in CELLS:
        schema_editor.execute(sql, {"zone": settings.TIME_ZONE})


def _backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")
    schema_editor.execute(WITHOUT_CELL)


class Migration(migrations.Migration):

    dependencies = [
        ('evidence', '0008_kept_counts'),
        ('pilots', '0011_facet_cell'),
    ]

    operations = [
        migrations.CreateModel(
            name='FacetCell',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.TextField(unique=True)),
                ('service_area', models.CharField(max_length=30, null=True)),
                ('intervention_type', models.CharField(max_length=30, null=True)),
                ('verdict', models.CharField(max_length=25, null=True)),
                ('design', models.CharField(max_length=30, null=True)),
                ('organisation', models.CharField(max_length=200, null=True)),
                ('country', models.CharField(max_length=2, null=True)),
                ('year', models.IntegerField(null=True)),
                ('nation', models.CharField(max_length=50, null=True)),
                ('council_type', models.CharField(max_length=200, null=True)),
                ('anonymous', models.BooleanField()),
            ],
        ),
        migrations.RunPython(_forwards, _backwards),
    ]
