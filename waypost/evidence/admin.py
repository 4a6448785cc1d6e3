from django.contrib import admin

from waypost.evidence.models import Check, Citation, Fact, Source


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["key", "title", "publisher", "as_of"]
    search_fields = ["key", "title", "publisher", "url"]


class CitationInline(admin.TabularInline):
    model = Citation
    extra = 0
    raw_id_fields = ["source"]


class CheckInline(admin.TabularInline):
    model = Check
    extra = 0
    readonly_fields = ["checked_on", "checked_by", "method", "outcome", "note"]
    can_delete = False


@admin.register(Fact)
class FactAdmin(admin.ModelAdmin):
    list_display = ["label", "last_checked_on", "last_outcome", "open_disputes"]
    list_filter = ["last_outcome"]
    search_fields = ["label"]
    readonly_fields = ["last_checked_on", "last_outcome"]
    inlines = [CitationInline, CheckInline]
