from django.contrib import admin

from waypost.places.models import Place, PlaceAlias, ZipCode


class AliasInline(admin.TabularInline):
    model = PlaceAlias
    extra = 0


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "state_code", "path", "population"]
    list_filter = ["kind", "state_code"]
    search_fields = ["name", "path"]
    raw_id_fields = ["parent", "county"]
    inlines = [AliasInline]


@admin.register(ZipCode)
class ZipCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "place"]
    search_fields = ["code"]
    raw_id_fields = ["place"]
