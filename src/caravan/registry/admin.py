"""Django admin for node operators: reading the registry. Changes go through the app's
pages and API, whose services validate, keep search text and tree paths, and audit."""

from django.contrib import admin

from .models import Department, Equipment, Facility, Practitioner, Region, Specialty, Technique


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Region)
class RegionAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "name_local", "level", "parent", "valid_from", "valid_to", "merged_into"]
    list_filter = ["level"]
    search_fields = ["code", "name", "name_local"]


@admin.register(Facility)
class FacilityAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "name_local", "kind", "level", "grade", "ownership", "region", "beds"]
    list_filter = ["kind", "level", "ownership", "has_emr", "has_his", "has_pacs"]
    search_fields = ["code", "name", "name_local"]
    list_select_related = ["region"]


@admin.register(Department)
class DepartmentAdmin(ReadOnlyAdmin):
    list_display = ["name", "facility", "specialty", "beds"]
    list_select_related = ["facility", "specialty"]


@admin.register(Practitioner)
class PractitionerAdmin(ReadOnlyAdmin):
    list_display = ["name", "name_latin", "profession", "title", "organisation"]
    list_filter = ["profession", "title", "sex"]
    search_fields = ["name", "name_latin"]
    list_select_related = ["organisation"]


@admin.register(Technique)
class TechniqueAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "specialty", "min_level", "cases_for_independence"]
    list_filter = ["min_level", "specialty"]
    search_fields = ["code", "name", "name_local"]


@admin.register(Specialty)
class SpecialtyAdmin(ReadOnlyAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Equipment)
class EquipmentAdmin(ReadOnlyAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]
