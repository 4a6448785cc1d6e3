from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from waypost.places.models import Place, PlaceAlias, ZipCode
from waypost.places.text import normalize_name


class AliasInline(admin.TabularInline):
    model = PlaceAlias
    extra = 0
    exclude = ["name_key"]


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "state_code", "path", "population"]
    list_filter = ["kind", "state_code"]
    search_fields = ["name", "path"]
    raw_id_fields = ["parent", "county"]
    inlines = [AliasInline]
    exclude = ["name_key"]

    def save_model(self, request: HttpRequest, obj: Place, form: Any, change: bool) -> None:
        obj.name_key = normalize_name(obj.name)
        super().save_model(request, obj, form, change)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        aliases = formset.save(commit=False)
        for alias in aliases:
            alias.name_key = normalize_name(alias.name)
            alias.save()
        for gone in formset.deleted_objects:
            gone.delete()


@admin.register(ZipCode)
class ZipCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "place"]
    search_fields = ["code"]
    raw_id_fields = ["place"]
