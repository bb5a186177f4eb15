"""Load the maintained list of sectors (pilotbook/partners/sectors.py); councils add their own later."""

from django.db import migrations

from pilotbook.partners.sectors import MAINTAINED_SECTORS


def load(apps, schema_editor):
    Sector = apps.get_model("partners", "Sector")
    for slug, name, colour, shape, groups, keywords in MAINTAINED_SECTORS:
        Sector.objects.update_or_create(
            council=None, slug=slug,
            defaults={"name": name, "colour": colour, "shape": shape, "typical_groups": groups, "keywords": keywords},
        )


def unload(apps, schema_editor):
    apps.get_model("partners", "Sector").objects.filter(council=None, partners__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("partners", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
