"""The table of Django's database cache (the default CACHES): the help button's rate limit
is shared by every server process through it. A no-op when CACHE_URL names Redis."""

from django.core.management import call_command
from django.db import migrations


def forwards(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("access", "0004_append_only")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
