"""The database refuses UPDATE, DELETE and REPLACE of scheduling_appointmentchange (access/db.py)."""

from django.db import migrations

TABLE = "scheduling_appointmentchange"


def forwards(apps, schema_editor):
    from perhekeskus.access import db

    db.install_table(schema_editor.connection, TABLE)


def backwards(apps, schema_editor):
    from perhekeskus.access import db

    db.remove_table(schema_editor.connection, TABLE)


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0003_window_indexes")]
    operations = [migrations.RunPython(forwards, backwards)]
