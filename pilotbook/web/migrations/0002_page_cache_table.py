"""The table of the "shared_pages" cache (settings.CACHES, Django's DatabaseCache): cached parts of pages that every
web process and server shares (pilotbook.web.pagecache, ADR 0020). Made by `pilotbook migrate`, so no deployment
can forget `createcachetable`."""

from django.core.management import call_command
from django.db import migrations

TABLE = "pilotbook_page_cache"  # settings.CACHES["shared_pages"]["LOCATION"]


def create_table(apps, schema_editor):
    # createcachetable leaves an existing table alone, so this is safe where someone already made it by hand.
    call_command("createcachetable", TABLE, database=schema_editor.connection.alias, verbosity=0)


def drop_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("web", "0001_initial")]
    operations = [migrations.RunPython(create_table, drop_table)]
