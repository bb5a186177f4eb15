"""Partners keep the licence notice their data came with (ADR 0012): places already imported from OpenStreetMap
get OpenStreetMap's ODbL notice. Charity numbers stored with leading zeros are written as the Charity Commission
writes them (GB-CHC-0279417 -> GB-CHC-279417), so an import that writes them so finds them."""

import re

from django.db import migrations, models

OSM_NOTICE = ("The data included in this document is from www.openstreetmap.org. The data is made available "
              "under ODbL.")


def forwards(apps, schema_editor):
    Partner = apps.get_model("partners", "Partner")
    Partner.objects.exclude(osm_id="").update(attribution=OSM_NOTICE)
    for partner in Partner.objects.filter(identifier__startswith="GB-CHC-0"):
        match = re.fullmatch(r"GB-CHC-0+([1-9]\d*)", partner.identifier)
        if not match:
            continue
        written = f"GB-CHC-{match[1]}"
        if not Partner.objects.filter(council_id=partner.council_id, identifier=written).exists():
            Partner.objects.filter(pk=partner.pk).update(identifier=written)


class Migration(migrations.Migration):
    dependencies = [("partners", "0002_maintained_sectors")]
    operations = [
        migrations.AddField(
            model_name="partner",
            name="attribution",
            field=models.CharField(
                blank=True, editable=False, max_length=500, verbose_name="licence notice",
                help_text="The notice the data's licence requires wherever it is shown, such as OpenStreetMap's "
                          "ODbL notice for places imported from OpenStreetMap."),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
