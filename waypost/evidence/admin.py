from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html

from waypost.evidence.models import Check, Citation, Fact, Source


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["key", "title", "publisher", "as_of", "official", "facts_citing"]
    list_filter = ["official"]
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


def _give_fact(obj: Any) -> None:
    if getattr(obj, "fact_id", 0) is None:
        obj.fact = Fact.objects.create(label=str(obj)[:300])


class OwnsFactAdmin(admin.ModelAdmin):
    """For a record that owns a fact (a law statement, a service, an answer…): left
    empty, its fact is created on save, so an editor never has to make one by hand. The
    fact's sources and checks are then kept on the fact's page."""

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        field = form.base_fields.get("fact")
        if field is not None:
            field.required = False
            field.help_text = "Leave empty for a new record: its fact is created when saved."
        return form

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        _give_fact(obj)
        super().save_model(request, obj, form, change)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        # Inline records (a service's phones, a law's statements) get their facts too.
        for inline_form in formset.forms:
            field = inline_form.fields.get("fact")
            if field is not None:
                field.required = False
        instances = formset.save(commit=False)
        for instance in instances:
            _give_fact(instance)
            instance.save()
        for gone in formset.deleted_objects:
            gone.delete()
        formset.save_m2m()


class OptionalFactInline:
    """Inline forms whose fact may be left empty (created by OwnsFactAdmin.save_formset)."""

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)  # type: ignore[misc]
        field = formset.form.base_fields.get("fact")
        if field is not None:
            field.required = False
        return formset
