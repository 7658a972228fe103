from django.contrib import admin

from .models import Appointment, Shift, WorkType


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


@admin.register(Appointment)
class AppointmentAdmin(admin.ModelAdmin):
    """Read-only: bookings change only through the booking services (conflict checks,
    history), i.e. the pages and the API."""

    list_display = ["planned_start", "work_type", "status"]
    list_filter = ["status", "work_type__work_class"]
    date_hierarchy = "planned_start"
    list_select_related = ["work_type"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
