"""Consents and emergency accesses become append-only: a withdrawal and a review are rows
of their own (ConsentWithdrawal, BreakGlassReview), the existing ones are copied there,
and the database refuses UPDATE, DELETE and REPLACE of the access app's records
(access/db.py)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

TABLES = [
    "access_accessevent",
    "access_consent",
    "access_consentwithdrawal",
    "access_breakglass",
    "access_breakglassreview",
]


def copy_forwards(apps, schema_editor):
    Consent = apps.get_model("access", "Consent")
    ConsentWithdrawal = apps.get_model("access", "ConsentWithdrawal")
    BreakGlass = apps.get_model("access", "BreakGlass")
    BreakGlassReview = apps.get_model("access", "BreakGlassReview")
    ConsentWithdrawal.objects.bulk_create(
        ConsentWithdrawal(consent_id=c.pk, withdrawn_at=c.withdrawn_at, recorded_by_id=c.withdrawn_recorded_by_id)
        for c in Consent.objects.filter(withdrawn_at__isnull=False, withdrawn_recorded_by__isnull=False)
    )
    BreakGlassReview.objects.bulk_create(
        BreakGlassReview(grant_id=g.pk, reviewed_by_id=g.reviewed_by_id, reviewed_at=g.reviewed_at, note=g.review_note)
        for g in BreakGlass.objects.filter(reviewed_at__isnull=False, reviewed_by__isnull=False)
    )


def triggers_forwards(apps, schema_editor):
    from perhekeskus.access import db

    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for sql in db.LEGACY_SQLITE if connection.vendor == "sqlite" else db.LEGACY_PG:
            cursor.execute(sql)
    for table in TABLES:
        db.install_table(connection, table)


def triggers_backwards(apps, schema_editor):
    from perhekeskus.access import db

    for table in TABLES:
        db.remove_table(schema_editor.connection, table)


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0003_disclosure_consent_break_glass"),
        ("network", "0002_organisation_answers_for_municipalities_and_more"),
        ("people", "0006_roles_from_groups"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="BreakGlassReview",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "reviewed_at",
                    models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name="reviewed"),
                ),
                ("note", models.CharField(blank=True, max_length=500, verbose_name="review note")),
                (
                    "grant",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT, related_name="review", to="access.breakglass"
                    ),
                ),
                (
                    "reviewed_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
            ],
            options={
                "verbose_name": "review of an emergency access",
                "verbose_name_plural": "reviews of emergency accesses",
            },
        ),
        migrations.CreateModel(
            name="ConsentWithdrawal",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("withdrawn_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="withdrawn")),
                (
                    "consent",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT, related_name="withdrawal", to="access.consent"
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
            ],
            options={
                "verbose_name": "withdrawal of consent",
                "verbose_name_plural": "withdrawals of consent",
            },
        ),
        migrations.RunPython(copy_forwards, migrations.RunPython.noop),
        migrations.RemoveIndex(model_name="breakglass", name="access_brea_reviewe_c20fac_idx"),
        migrations.RemoveIndex(model_name="consent", name="access_cons_person__bf5788_idx"),
        migrations.RemoveField(model_name="breakglass", name="review_note"),
        migrations.RemoveField(model_name="breakglass", name="reviewed_at"),
        migrations.RemoveField(model_name="breakglass", name="reviewed_by"),
        migrations.RemoveField(model_name="consent", name="withdrawn_at"),
        migrations.RemoveField(model_name="consent", name="withdrawn_recorded_by"),
        migrations.AlterField(
            model_name="consent",
            name="person",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="consents",
                to="people.person",
                verbose_name="whose data",
            ),
        ),
        migrations.AddIndex(
            model_name="consent",
            index=models.Index(fields=["person", "valid_from"], name="access_cons_person__ba39ba_idx"),
        ),
        migrations.RunPython(triggers_forwards, triggers_backwards),
    ]
