"""Problem reports as editors' tasks: resolve one with a check, or dismiss it."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from waypost.evidence.forms import CheckForm
from waypost.evidence.models import Source
from waypost.reports.models import ProblemReport, State
from waypost.reports.services import dismiss, resolve


class OpenFirstFilter(admin.SimpleListFilter):
    """The list opens on the open reports: the editors' tasks."""

    title = "state"
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(s.value, str(s.label)) for s in State] + [("all", "All")]

    def choices(self, changelist: Any) -> Any:
        for lookup, title in self.lookup_choices:
            yield {
                "selected": (self.value() or State.OPEN) == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request: HttpRequest, queryset: QuerySet[ProblemReport]) -> Any:
        value = self.value() or State.OPEN
        return queryset if value == "all" else queryset.filter(state=value)


@admin.register(ProblemReport)
class ProblemReportAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "state", "fact_link", "what_is_wrong_short"]
    list_filter = [OpenFirstFilter, "kind"]
    search_fields = ["what_is_wrong", "correction", "fact__label"]
    list_select_related = ["fact"]
    readonly_fields = [
        "fact_link",
        "kind",
        "state",
        "what_is_wrong",
        "correction",
        "contact",
        "source",
        "disputes",
        "created_at",
        "closed_at",
        "closed_by",
        "resolution",
    ]
    fields = list(readonly_fields)
    actions = ["resolve_with_check", "dismiss_reports"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # reports come from readers and the link checker

    @admin.display(description="fact")
    def fact_link(self, obj: ProblemReport) -> SafeString:
        url = reverse("admin:evidence_fact_change", args=[obj.fact_id])
        return format_html('<a href="{}">{}</a>', url, obj.fact.label)

    @admin.display(description="what is wrong")
    def what_is_wrong_short(self, obj: ProblemReport) -> str:
        text = obj.what_is_wrong
        return text if len(text) <= 120 else text[:119] + "…"

    def has_resolve_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("reports.change_problemreport") and request.user.has_perm(
            "evidence.add_check"
        )

    @admin.action(description="Resolve: record a check of the facts", permissions=["resolve"])
    def resolve_with_check(
        self, request: HttpRequest, queryset: QuerySet[ProblemReport]
    ) -> HttpResponse | None:
        reports = list(queryset.filter(state=State.OPEN).select_related("fact"))
        if not reports:
            self.message_user(request, "None of the selected reports is open.", messages.WARNING)
            return None
        facts = list({r.fact_id: r.fact for r in reports}.values())
        sources = Source.objects.filter(facts__in=facts).distinct()
        form = CheckForm(request.POST if "apply" in request.POST else None, sources=sources)
        if "apply" in request.POST and form.is_valid():
            data = form.cleaned_data
            count = resolve(
                reports,
                by=request.user.get_username(),
                checked_on=data["checked_on"],
                method=data["method"],
                outcome=data["outcome"],
                note=data["note"],
                source=data["source"],
                source_date=data["source_date"],
            )
            self.message_user(
                request,
                f"{len(reports)} reports resolved; {count} facts checked.",
                messages.SUCCESS,
            )
            return HttpResponseRedirect(request.get_full_path())
        context = {
            **self.admin_site.each_context(request),
            "title": "Resolve reports: record a check",
            "facts": facts,
            "form": form,
            "action": "resolve_with_check",
            "selected": [r.pk for r in reports],
            "opts": self.model._meta,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "reports/resolve.html", context)

    @admin.action(description="Dismiss (wrong or abusive; no check)", permissions=["change"])
    def dismiss_reports(self, request: HttpRequest, queryset: QuerySet[ProblemReport]) -> None:
        count = dismiss(list(queryset.select_related("fact")), by=request.user.get_username())
        self.message_user(request, f"{count} reports dismissed.", messages.SUCCESS)
