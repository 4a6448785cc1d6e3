"""The re-check queue page for editors."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.http import require_safe

from waypost.editors.queue import UnknownPlace, due_queue

QUEUE_PAGE_LIMIT = 500


@staff_member_required
@permission_required("evidence.add_check", raise_exception=True)
@require_safe
def recheck_queue(request: HttpRequest) -> HttpResponse:
    place = request.GET.get("place", "").strip()[:200]
    error = ""
    try:
        entries = due_queue(place)
    except UnknownPlace as exc:
        entries, error = [], str(exc)
    context = {
        **admin.site.each_context(request),
        "title": "Re-check queue",
        "entries": entries[:QUEUE_PAGE_LIMIT],
        "total": len(entries),
        "place": place,
        "error": error,
    }
    return TemplateResponse(request, "editors/queue.html", context, status=400 if error else 200)
