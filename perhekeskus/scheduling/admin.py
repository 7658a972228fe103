"""Django admin of the calendar: work types, shifts and workers. Appointments are client
data and are not in the admin (docs/access.md): they change only through the booking
services and are read only through the front door."""

from django.contrib import admin

from perhekeskus.people.models import Worker

from .models import Resource, Shift, WorkType


@admin.register(WorkType)
class WorkTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "service", "work_class", "default_unit_price", "is_active"]
    list_filter = ["work_class", "is_active", "service"]
    search_fields = ["name"]


@admin.register(Shift)
class ShiftAdmin(admin.ModelAdmin):
    list_display = ["worker", "start", "end"]
    date_hierarchy = "start"
    autocomplete_fields = ["worker"]
    list_select_related = ["worker"]


@admin.register(Worker)
class WorkerAdmin(admin.ModelAdmin):
    list_display = ["last_name", "first_name", "organisation", "unit", "profession", "is_active"]
    list_filter = ["organisation", "profession", "is_active"]
    search_fields = ["last_name", "first_name"]
    autocomplete_fields = ["user"]
    filter_horizontal = ["languages", "competences"]
    list_select_related = ["organisation", "unit"]

    def save_model(self, request, obj, form, change):
        name = f"{obj.first_name} {obj.last_name}"
        if not change:
            obj.resource = Resource.objects.create(kind=Resource.Kind.WORKER, name=name)
        elif obj.resource.name != name:
            obj.resource.name = name
            obj.resource.save(update_fields=["name"])
        super().save_model(request, obj, form, change)
