"""The directory search page: a GET form whose URL holds every filter."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from waypost.search.forms import LANGUAGES, filter_choices
from waypost.search.services import (
    DEFAULT_RADIUS_MI,
    BadSearch,
    SearchQuery,
    TermIndex,
    search,
)
from waypost.translations.services import localizer_for

FIELDS = ("near", "radius", "category", "attr", "lang", "open", "q", "page", "per_page")
PAGE_WINDOW = 3


def _page_links(current: int, pages: int) -> list[int | None]:
    """Page numbers to link: the first, the last, and a few either side (None: a gap)."""
    shown = sorted(
        {1, pages, *range(max(1, current - PAGE_WINDOW), min(pages, current + PAGE_WINDOW) + 1)}
    )
    out: list[int | None] = []
    for number in shown:
        if out and out[-1] is not None and number - out[-1] > 1:
            out.append(None)
        out.append(number)
    return out


@require_safe
def search_page(request: HttpRequest) -> HttpResponse:
    params = request.GET
    values: dict[str, Any] = {
        "near": params.get("near", ""),
        "radius": params.get("radius", "") or f"{DEFAULT_RADIUS_MI:g}",
        "open": params.get("open", ""),
        "q": params.get("q", ""),
        "categories": {c.strip() for v in params.getlist("category") for c in v.split(",")},
        "attrs": {a.strip() for v in params.getlist("attr") for a in v.split(",")},
        "langs": {la.strip().lower() for v in params.getlist("lang") for la in v.split(",")},
    }
    # One read of the taxonomy for the form and the filters: all of it when the search filters.
    terms = TermIndex.read(every_taxonomy=bool(values["categories"] or values["attrs"]))
    categories, attributes = filter_choices(terms)
    context: dict[str, Any] = {
        "values": values,
        "category_choices": categories,
        "attribute_choices": attributes,
        "languages": LANGUAGES,
    }
    # Names of the choices, and of what the results show, in the reader's language.
    texts = [c.name for g in categories for c in (g, *g.children)] + [a.name for a in attributes]
    objects: list[Any] = []
    if not any(params.get(name) for name in FIELDS):
        context["loc"] = localizer_for(get_language(), objects, texts)
        return render(request, "search/search.html", context)
    status = 200
    try:
        query = SearchQuery.from_params(params)
        result = search(query, terms=terms)
    except BadSearch as exc:
        context["error"] = exc
        status = 400
    else:
        context["result"] = result
        context["first_number"] = (result.page - 1) * result.per_page + 1
        numbers = _page_links(result.page, result.pages)
        context["page_links"] = [(n, query.query_string(page=n) if n else "") for n in numbers]
        if result.has_previous:
            context["previous_url"] = query.query_string(page=result.page - 1)
        if result.has_next:
            context["next_url"] = query.query_string(page=result.page + 1)
        for r in result.results:
            objects += [r.service, *([r.location] if r.location else []), *r.phones]
            texts += [c.name for c in r.categories] + [a.name for a in r.attributes]
    # Results show no sources: their facts are not read.
    context["loc"] = localizer_for(get_language(), objects, texts, shown_with=False)
    return render(request, "search/search.html", context, status=status)
