from django.contrib import admin

from perhekeskus.scheduling.models import Resource

from .models import Competence, Family, Language, Membership, NamedWorker, Person, Worker

admin.site.register(Language)
admin.site.register(Competence)


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


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["person"]


@admin.register(Family)
class FamilyAdmin(admin.ModelAdmin):
    list_display = ["name", "key", "municipality"]
    search_fields = ["name", "key"]
    inlines = [MembershipInline]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["last_name", "first_name", "birth_date"]
    search_fields = ["last_name", "first_name"]


class NamedWorkerInline(admin.TabularInline):
    model = NamedWorker
    extra = 0
    autocomplete_fields = ["worker"]
    fields = ["role", "worker", "start_date", "end_date"]


FamilyAdmin.inlines = [MembershipInline, NamedWorkerInline]
