"""The reader's "Report a problem" page, one per fact."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from waypost.directory.models import Phone
from waypost.evidence.models import Fact
from waypost.guides.owners import describe, with_owners
from waypost.reports.forms import ReportForm
from waypost.reports.services import file_report
from waypost.safeguards.decorators import limit_body
from waypost.safeguards.ratelimit import allow
from waypost.safeguards.views import too_many


@require_http_methods(["GET", "HEAD", "POST"])
@limit_body
def report(request: HttpRequest, fact_id: int) -> HttpResponse:
    fact = (
        with_owners(Fact.objects.filter(pk=fact_id)).prefetch_related("citations__source").first()
    )
    # A fact without a source is never shown, so there is nothing a reader could report.
    if fact is None or not fact.citations.all():
        raise Http404("No such fact")
    form = ReportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not allow(request, "report", settings.REPORTS_PER_HOUR):
            return too_many(request)
        if form.is_valid():
            if not form.is_robot:
                data = form.cleaned_data
                file_report(
                    fact,
                    what_is_wrong=data["what_is_wrong"],
                    correction=data["correction"],
                    contact=data["contact"],
                )
            return render(request, "reports/thanks.html", {"fact": fact})
    status = 400 if form.errors else 200
    context = {
        "fact": fact,
        "described": describe(fact),
        "form": form,
        "phones": _phones_of(fact),
    }
    return render(request, "reports/report.html", context, status=status)


def _phones_of(fact: Fact) -> list[Phone]:
    """A service's numbers, each with its own report page (a guide links the service only)."""
    return list(Phone.objects.filter(service__fact=fact).select_related("fact"))
