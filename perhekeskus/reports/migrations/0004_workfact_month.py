from django.db import migrations, models


def fill(apps, schema_editor):
    # Every worker-hour row rebuilt from the calendar (one DELETE, one INSERT ... SELECT)
    # with the current code, which writes the new column too. A later migration that
    # changes the table's columns takes this fill over (see 0003).
    from perhekeskus.reports.services import work_facts_refresh

    work_facts_refresh()
    if schema_editor.connection.vendor == "postgresql":
        # check the new rows' deferred foreign keys now: PostgreSQL does not alter a table
        # with trigger events pending in the same transaction
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0003_work_facts"),
    ]

    operations = [
        migrations.AddField(model_name="workfact", name="month", field=models.DateField(null=True)),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(model_name="workfact", name="month", field=models.DateField()),
    ]
