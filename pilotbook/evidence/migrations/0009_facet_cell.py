"""Facet cells (pilotbook.evidence.facetcells, docs/adr/0018): each combination of facet values a published pilot
has, named by the pilot's facet_cell, so the search's facets are counted by grouping on one number. The released
pilots' index (0007) also holds facet_cell on PostgreSQL, so counting reads the index alone; the cells of the
pilots already published are made here.
"""

from django.db import migrations, models

# Built from constants only.
# ruff: noqa: S608

NAME = "evidence_released_newest_first"
WITH_CELL = (f"CREATE INDEX {NAME} ON pilots_pilot (published_at DESC, id DESC) "
             "INCLUDE (visibility, council_id, facet_cell) WHERE status = 'published'")
WITHOUT_CELL = (f"CREATE INDEX {NAME} ON pilots_pilot (published_at DESC, id DESC) "
                "INCLUDE (visibility, council_id) WHERE status = 'published'")


def _forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")
    schema_editor.execute(WITH_CELL)
    from pilotbook.evidence import facetcells

    facetcells.refresh()


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
