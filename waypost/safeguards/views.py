from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A forged or expired form: say what to do, change nothing."""
    return render(request, "safeguards/403_csrf.html", status=403)


def too_large(request: HttpRequest) -> HttpResponse:
    return render(request, "safeguards/413.html", status=413)


def too_many(request: HttpRequest) -> HttpResponse:
    return render(request, "safeguards/429.html", status=429)
