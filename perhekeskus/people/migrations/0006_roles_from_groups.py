"""Roles used to be Django groups of the role's name; they become region-wide role
assignments. The groups themselves are left for the administrator to remove."""

from django.db import migrations

ROLES = ("worker", "resource_coordinator", "service_guidance", "manager", "network_coordinator", "administrator")


def forwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    RoleAssignment = apps.get_model("people", "RoleAssignment")
    for group in Group.objects.filter(name__in=ROLES):
        for user in group.user_set.all():
            RoleAssignment.objects.get_or_create(user=user, role=group.name, organisation=None, unit=None)


class Migration(migrations.Migration):
    dependencies = [("people", "0005_roles_and_disclosure"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
