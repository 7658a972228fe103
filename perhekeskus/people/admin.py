"""Django admin of the people app: reference lists only. Workers are administered with
the calendar (scheduling/admin.py: a worker is created with the resource it is booked
through). Families, persons, memberships and named workers are client data: they are
never in the admin (docs/access.md), only behind the front door."""

from django.contrib import admin

from .models import Competence, Language

admin.site.register(Language)
admin.site.register(Competence)
