from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from waypost.directory.models import (
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    TaxonomyTerm,
)
from waypost.evidence.admin import OptionalFactInline, OwnsFactAdmin


class PhoneInline(OptionalFactInline, admin.TabularInline):
    model = Phone
    extra = 0
    raw_id_fields = ["fact"]


class ScheduleInline(admin.TabularInline):
    model = Schedule
    extra = 0
    raw_id_fields = ["location"]


class AreaInline(admin.TabularInline):
    model = ServiceArea
    extra = 0
    raw_id_fields = ["place"]


class AtLocationInline(admin.TabularInline):
    model = ServiceAtLocation
    extra = 0
    raw_id_fields = ["location"]


class DatasetFilter(admin.SimpleListFilter):
    """Records of each national data set, or those typed in here; every choice has a name
    (Django's own filter would list the empty value as a link with no text)."""

    title = "data set"
    parameter_name = "dataset"
    NONE = "none"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        found = Service.objects.exclude(dataset="").values_list("dataset", flat=True)
        return [(self.NONE, "none (typed by editors)")] + [
            (name, name) for name in sorted(set(found))
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Service]) -> QuerySet[Service]:
        value = self.value()
        if value is None:
            return queryset
        return queryset.filter(dataset="" if value == self.NONE else value)


@admin.register(Service)
class ServiceAdmin(OwnsFactAdmin):
    list_display = ["name", "organization", "status", "dataset"]
    # Records imported from a national data set are told apart (and found) by it; their key
    # there is shown, never edited, so a newer file still finds them.
    list_filter = ["status", DatasetFilter, "categories"]
    readonly_fields = ["dataset", "dataset_key"]
    search_fields = ["name", "description", "organization__name"]
    raw_id_fields = ["organization", "fact"]
    filter_horizontal = ["categories", "attributes"]
    inlines = [AtLocationInline, PhoneInline, ScheduleInline, AreaInline]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ["__str__", "place", "area_only"]
    raw_id_fields = ["place", "organization"]


@admin.register(TaxonomyTerm)
class TaxonomyTermAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "taxonomy", "parent"]
    list_filter = ["taxonomy"]
