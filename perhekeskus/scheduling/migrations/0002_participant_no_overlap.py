"""On PostgreSQL the database itself refuses double bookings: no two active
participations of one resource may overlap. SQLite has no exclusion constraints; there the
booking service checks inside an IMMEDIATE transaction."""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE scheduling_participant ADD CONSTRAINT participant_no_overlap
    EXCLUDE USING gist (resource_id WITH =, tstzrange(start, "end", '[)') WITH &&)
    WHERE (active);
"""
DROP = "ALTER TABLE scheduling_participant DROP CONSTRAINT IF EXISTS participant_no_overlap;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
