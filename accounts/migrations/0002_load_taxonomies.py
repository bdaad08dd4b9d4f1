from django.db import migrations


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    from accounts.taxonomies import load_taxonomies

    load_taxonomies(apps)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
