"""The comment page of a guide. The form lives on its own page so that reading a guide
never sets a cookie: only this page, which carries the CSRF-protected form, does."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from waypost import parsing
from waypost.comments.forms import CommentForm
from waypost.comments.services import published_page, submit
from waypost.places.models import Place, PlaceKind
from waypost.safeguards.decorators import limit_body
from waypost.safeguards.ratelimit import allow
from waypost.safeguards.views import too_many

MAX_PAGE = 100_000


def _guide_place(state: str, city: str) -> Place:
    place = (
        Place.objects.filter(kind=PlaceKind.CITY, path=f"us/{state}/{city}")
        .select_related("parent")
        .first()
    )
    if place is None:
        raise Http404("No such guide")
    return place


@require_http_methods(["GET", "HEAD", "POST"])
@limit_body
def comment(request: HttpRequest, state: str, city: str) -> HttpResponse:
    place = _guide_place(state, city)
    form = CommentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not allow(request, "comment", settings.COMMENTS_PER_HOUR):
            return too_many(request)
        if form.is_valid():
            if not form.is_robot:
                data = form.cleaned_data
                submit(place, name=data["name"], email=data["email"], body=data["body"])
            return render(request, "comments/thanks.html", {"place": place})
    status = 400 if form.errors else 200
    return render(request, "comments/comment.html", {"place": place, "form": form}, status=status)


@require_safe
def comments(request: HttpRequest, state: str, city: str) -> HttpResponse:
    """Every approved comment of a guide, a page at a time (no form, so no cookie)."""
    raw = request.GET.get("page", "1")
    try:
        page = parsing.whole_number("page", raw, 1, MAX_PAGE)
    except parsing.InvalidParameter:
        message = _("“%(page)s” is not a page number: use 1, 2, 3…") % {"page": raw[:20]}
        return render(request, "site/400.html", {"message": message, "field": "page"}, status=400)
    place = _guide_place(state, city)
    rows, pages = published_page(place, page)
    if page > pages:
        raise Http404("No such page")
    context = {"place": place, "comments": rows, "page": page, "pages": pages}
    return render(request, "comments/all.html", context)
