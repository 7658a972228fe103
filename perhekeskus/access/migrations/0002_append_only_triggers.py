"""The access log refuses UPDATE and DELETE in the database itself (see access/db.py)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from perhekeskus.access import db

    db.install_table(schema_editor.connection, "access_accessevent")


def backwards(apps, schema_editor):
    from perhekeskus.access import db

    db.remove_table(schema_editor.connection, "access_accessevent")


class Migration(migrations.Migration):
    dependencies = [("access", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
