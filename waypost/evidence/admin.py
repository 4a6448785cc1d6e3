from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html

from waypost.evidence.models import Check, Citation, Source


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["key", "title", "publisher", "as_of", "facts_citing"]
    search_fields = ["key", "title", "publisher", "url"]

    @admin.display(description="Facts")
    def facts_citing(self, obj: Source) -> str:
        return format_html(
            '<a href="/editors/evidence/fact/?source={}">facts citing it</a>', obj.key
        )


class CitationInline(admin.TabularInline):
    model = Citation
    extra = 0
    raw_id_fields = ["source"]


class CheckInline(admin.TabularInline):
    model = Check
    extra = 0
    readonly_fields = [
        "checked_on",
        "checked_by",
        "method",
        "outcome",
        "note",
        "source",
        "source_date",
    ]
    fields = list(readonly_fields)

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        # Checks are recorded with "Record a check", which also updates the status.
        return False

    can_delete = False


# The fact admin is the editors' workspace: see waypost/editors/admin.py.
