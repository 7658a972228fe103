"""Varkaus population by age group 2020-2023 (seeds/000, "Väestörakenne"): the
denominator of the rates per 1,000 children. More municipalities and years are added in
Django admin (Reports > Population)."""

from django.db import migrations

# year, total, 0-6, 7-12, 13-15, 16-18
VARKAUS = [
    (2020, 20288, 949, 1056, 594, 603),
    (2021, 20041, 904, 1032, 572, 596),
    (2022, 19806, 859, 995, 567, 610),
    (2023, 19581, 841, 926, 573, 593),
]


def load(apps, schema_editor):
    PopulationYear = apps.get_model("reports", "PopulationYear")
    for year, total, a, b, c, d in VARKAUS:
        PopulationYear.objects.update_or_create(
            municipality="Varkaus",
            year=year,
            defaults={"total": total, "age_0_6": a, "age_7_12": b, "age_13_15": c, "age_16_18": d},
        )


def unload(apps, schema_editor):
    apps.get_model("reports", "PopulationYear").objects.filter(
        municipality="Varkaus", year__in=[r[0] for r in VARKAUS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
