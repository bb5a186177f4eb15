"""A pooled group made before slugs were checked may have the slug "new", which the make-a-group page's address
hides; it moves to "new-group" (or "new-group-2"... if that is taken)."""

from django.db import migrations


def rename_reserved(apps, schema_editor):
    PooledGroup = apps.get_model("evidence", "PooledGroup")
    for group in PooledGroup.objects.filter(slug="new"):
        slug, n = "new-group", 1
        while PooledGroup.objects.filter(slug=slug).exists():
            n += 1
            slug = f"new-group-{n}"
        group.slug = slug
        group.save(update_fields=["slug"])


class Migration(migrations.Migration):

    dependencies = [
        ("evidence", "0003_pooled_groups"),
    ]

    operations = [
        migrations.RunPython(rename_reserved, migrations.RunPython.noop),
    ]
