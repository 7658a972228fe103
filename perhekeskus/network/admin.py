from django.contrib import admin
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from .models import MeetingPlace, Organisation, ProgrammeChange, ProgrammeItem, Service, Unit, VisitorCount


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "business_id"]
    list_filter = ["kind"]
    search_fields = ["name"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "address"]
    list_filter = ["organisation"]
    search_fields = ["name"]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "level", "sector"]
    list_filter = ["level", "sector", "organisation"]
    search_fields = ["name"]


class ProgrammeItemInline(TranslationTabularInline):
    model = ProgrammeItem
    extra = 0
    fields = ["kind", "title", "rule", "first_date", "last_date", "start_time", "end_time"]


@admin.register(MeetingPlace)
class MeetingPlaceAdmin(TranslationAdmin):
    list_display = ["name", "municipality", "organiser", "is_active"]
    list_filter = ["municipality", "is_active"]
    search_fields = ["name", "address"]
    inlines = [ProgrammeItemInline]


class ProgrammeChangeInline(admin.TabularInline):
    model = ProgrammeChange
    extra = 0


class VisitorCountInline(admin.TabularInline):
    model = VisitorCount
    extra = 0


@admin.register(ProgrammeItem)
class ProgrammeItemAdmin(TranslationAdmin):
    list_display = ["title", "place", "rule", "start_time", "end_time"]
    list_filter = ["kind", "place__municipality"]
    inlines = [ProgrammeChangeInline, VisitorCountInline]
