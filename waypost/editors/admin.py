"""The editors' workspace on Django admin: facts by status, place, kind, category and
source; record a check (one fact or many); each fact's history, on the record and as CSV."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from waypost.directory.models import TaxonomyTerm
from waypost.directory.taxonomy import CATEGORY_TAXONOMY
from waypost.editors.facts import category_q, kind_q, place_q
from waypost.editors.history import fact_history, history_csv
from waypost.evidence.admin import CheckInline, CitationInline
from waypost.evidence.forms import CheckForm
from waypost.evidence.models import Fact, Source, Status
from waypost.evidence.services import record_check
from waypost.guides.owners import KINDS, OWNER_RELATED, owner_of
from waypost.places.models import Place, PlaceKind
from waypost.reports.models import State
from waypost.reports.services import resolve


class StatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(s.value, str(s.label)) for s in Status]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Fact]) -> QuerySet[Fact]:
        value = self.value()
        if value in Status.values:
            return queryset.with_status(value)  # type: ignore[attr-defined]
        return queryset


class KindFilter(admin.SimpleListFilter):
    title = "kind of fact"
    parameter_name = "kind"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return list(KINDS.items())

    def queryset(self, request: HttpRequest, queryset: QuerySet[Fact]) -> QuerySet[Fact]:
        value = self.value()
        return queryset.filter(kind_q(value)) if value in KINDS else queryset


class PlaceFilter(admin.SimpleListFilter):
    """A state from the list, or any place path in the address (?place=us/ct/norwalk)."""

    title = "place"
    parameter_name = "place"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        states = list(
            Place.objects.filter(kind=PlaceKind.STATE).order_by("name").values_list("path", "name")
        )
        value = self.value()
        if value and value not in dict(states):
            states.insert(0, (value, value))
        return states

    def queryset(self, request: HttpRequest, queryset: QuerySet[Fact]) -> QuerySet[Fact]:
        value = self.value()
        return queryset.filter(place_q(value)).distinct() if value else queryset


class CategoryFilter(admin.SimpleListFilter):
    title = "service category"
    parameter_name = "category"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return list(
            TaxonomyTerm.objects.filter(taxonomy__name=CATEGORY_TAXONOMY, parent__isnull=True)
            .order_by("name")
            .values_list("code", "name")
        )

    def queryset(self, request: HttpRequest, queryset: QuerySet[Fact]) -> QuerySet[Fact]:
        value = self.value()
        return queryset.filter(category_q(value)).distinct() if value else queryset


class SourceFilter(admin.SimpleListFilter):
    """Facts citing one source (linked from each source: ?source=<key>)."""

    title = "source"
    parameter_name = "source"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        value = self.value()
        return [(value, value)] if value else []

    def has_output(self) -> bool:
        return bool(self.value())

    def queryset(self, request: HttpRequest, queryset: QuerySet[Fact]) -> QuerySet[Fact]:
        value = self.value()
        return queryset.filter(sources__key=value).distinct() if value else queryset


def _can_check(request: HttpRequest) -> bool:
    return request.user.has_perm("evidence.add_check")


@transaction.atomic
def apply_check(request: HttpRequest, facts: list[Fact], form: CheckForm) -> int:
    """Record the check on each fact (all or none); open problems on a fact are closed by
    it when asked."""
    data = form.cleaned_data
    by = request.user.get_username()
    common: dict[str, Any] = {
        "by": by,
        "checked_on": data["checked_on"],
        "method": data["method"],
        "outcome": data["outcome"],
        "note": data["note"],
        "source": data["source"],
        "source_date": data["source_date"],
    }
    for fact in facts:
        problems = list(fact.problems.filter(state=State.OPEN))
        if problems and data.get("close_problems"):
            resolve(problems, **common)
            continue
        cited = (
            data["source"]
            if data["source"] and fact.sources.filter(pk=data["source"].pk).exists()
            else None
        )
        record_check(
            fact,
            checked_on=data["checked_on"],
            checked_by=by,
            method=data["method"],
            outcome=data["outcome"],
            note=data["note"],
            source=cited,
            source_date=data["source_date"] if cited else "",
        )
    return len(facts)


class FactCheckForm(CheckForm):
    close_problems = forms.BooleanField(
        label="Close the open problem reports on these facts",
        required=False,
        initial=True,
        help_text="Each closed reader's report stops showing the fact as disputed.",
    )


def check_page(
    request: HttpRequest,
    model_admin: admin.ModelAdmin,
    facts: list[Fact],
    form: CheckForm,
    *,
    action: str = "",
    title: str = "Record a check",
) -> TemplateResponse:
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "facts": facts,
        "form": form,
        "action": action,
        "opts": model_admin.model._meta,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "editors/record_check.html", context)


@admin.register(Fact)
class FactAdmin(admin.ModelAdmin):
    list_display = [
        "label",
        "kind",
        "status_mark",
        "last_checked_on",
        "open_disputes",
        "problems_open",
    ]
    list_filter = [
        StatusFilter,
        KindFilter,
        PlaceFilter,
        CategoryFilter,
        SourceFilter,
        "sources__publisher",
    ]
    search_fields = ["label", "sources__key", "sources__url", "sources__title"]
    list_select_related = OWNER_RELATED
    readonly_fields = [
        "status_mark",
        "last_checked_on",
        "last_outcome",
        "open_disputes",
        "shown_as",
        "history_table",
    ]
    fields = [
        "label",
        "note",
        "status_mark",
        "last_checked_on",
        "last_outcome",
        "open_disputes",
        "shown_as",
        "history_table",
    ]
    inlines = [CitationInline, CheckInline]
    actions = ["record_check", "export_history"]
    change_form_template = "editors/fact_change_form.html"
    list_per_page = 50

    def get_queryset(self, request: HttpRequest) -> QuerySet[Fact]:
        return (
            super()
            .get_queryset(request)
            .annotate(n_open=Count("problems", filter=Q(problems__state=State.OPEN), distinct=True))
        )

    @admin.display(description="kind")
    def kind(self, obj: Fact) -> str:
        owner = owner_of(obj)
        return owner.label if owner else "—"

    @admin.display(description="status")
    def status_mark(self, obj: Fact) -> str:
        return str(obj.status().label)

    @admin.display(description="open problems", ordering="n_open")
    def problems_open(self, obj: Fact) -> int:
        return int(getattr(obj, "n_open", 0))

    @admin.display(description="shown as")
    def shown_as(self, obj: Fact) -> SafeString | str:
        owner = owner_of(obj)
        if owner is None:
            return "—"
        # A law statement is edited on its law's page; a phone on its service's.
        target = {"law_statement": "law", "phone": "service"}.get(owner.kind)
        record = getattr(owner.obj, target) if target else owner.obj
        meta = record._meta
        try:
            url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[record.pk])
        except NoReverseMatch:
            return f"{owner.label}: {owner.obj}"
        return format_html('{}: <a href="{}">{}</a>', owner.label, url, str(owner.obj))

    @admin.display(description="history (newest first)")
    def history_table(self, obj: Fact) -> SafeString:
        rows = fact_history(obj)
        if not rows:
            return format_html("{}", "No recorded change yet.")
        body = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
            "<td>{}</td><td>{}</td></tr>",
            (
                (
                    c.when.strftime("%Y-%m-%d %H:%M"),
                    c.who,
                    c.record,
                    c.action,
                    c.field,
                    c.old,
                    c.new,
                    c.reason,
                )
                for c in rows
            ),
        )
        return format_html(
            '<table class="fact-history"><thead><tr><th>when (UTC)</th><th>who</th>'
            "<th>record</th><th>what</th><th>field</th><th>old</th><th>new</th><th>note</th>"
            "</tr></thead><tbody>{}</tbody></table>",
            body,
        )

    # -- record a check -----------------------------------------------------------------
    def has_record_check_permission(self, request: HttpRequest) -> bool:
        return _can_check(request)

    @admin.action(description="Record a check of the selected facts", permissions=["record_check"])
    def record_check(self, request: HttpRequest, queryset: QuerySet[Fact]) -> HttpResponse | None:
        facts = list(queryset)
        sources = Source.objects.filter(facts__in=facts).distinct()
        if "apply" in request.POST:
            form = FactCheckForm(request.POST, sources=sources)
            if form.is_valid():
                count = apply_check(request, facts, form)
                self.message_user(request, f"Check recorded on {count} facts.", messages.SUCCESS)
                return None
        else:
            form = FactCheckForm(sources=sources)
        return check_page(request, self, facts, form, action="record_check")

    @admin.action(description="Export the history of the selected facts (CSV)")
    def export_history(self, request: HttpRequest, queryset: QuerySet[Fact]) -> HttpResponse:
        return _csv_response(history_csv(queryset.order_by("pk")), "fact-history.csv")

    def get_urls(self) -> list[URLPattern]:
        own = [
            path(
                "<int:fact_id>/check/",
                self.admin_site.admin_view(self.check_one),
                name="evidence_fact_check",
            ),
            path(
                "<int:fact_id>/history.csv",
                self.admin_site.admin_view(self.history_one),
                name="evidence_fact_history_csv",
            ),
        ]
        return own + super().get_urls()

    def check_one(self, request: HttpRequest, fact_id: int) -> HttpResponse:
        if not _can_check(request):
            raise PermissionDenied
        fact = get_object_or_404(Fact, pk=fact_id)
        sources = fact.sources.all()
        form = FactCheckForm(request.POST or None, sources=sources)
        if request.method == "POST" and form.is_valid():
            apply_check(request, [fact], form)
            self.message_user(request, "Check recorded.", messages.SUCCESS)
            return HttpResponseRedirect(reverse("admin:evidence_fact_change", args=[fact.pk]))
        return check_page(request, self, [fact], form)

    def history_one(self, request: HttpRequest, fact_id: int) -> HttpResponse:
        fact = get_object_or_404(Fact, pk=fact_id)
        if not self.has_view_permission(request, fact):
            raise PermissionDenied
        return _csv_response(history_csv([fact]), f"fact-{fact.pk}-history.csv")


def _csv_response(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
