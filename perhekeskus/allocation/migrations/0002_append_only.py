"""The database refuses UPDATE, DELETE and REPLACE of allocation_proposalevent (access/db.py)."""

from django.db import migrations

TABLE = "allocation_proposalevent"


def forwards(apps, schema_editor):
    from perhekeskus.access import db

    db.install_table(schema_editor.connection, TABLE)


def backwards(apps, schema_editor):
    from perhekeskus.access import db

    db.remove_table(schema_editor.connection, TABLE)


class Migration(migrations.Migration):
    dependencies = [("allocation", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
