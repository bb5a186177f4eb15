"""The table of the "throttle" cache (settings.CACHES, Django's DatabaseCache), made by `pilotbook migrate` so no
deployment can forget `createcachetable`: sign-in and password-reset counts live in it (ADR 0008)."""

from django.core.management import call_command
from django.db import migrations

TABLE = "pilotbook_cache"  # settings.CACHES["throttle"]["LOCATION"]


def create_table(apps, schema_editor):
    # createcachetable leaves an existing table alone, so this is safe where someone already made it by hand.
    call_command("createcachetable", TABLE, database=schema_editor.connection.alias, verbosity=0)


def drop_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = []
    operations = [migrations.RunPython(create_table, drop_table)]
