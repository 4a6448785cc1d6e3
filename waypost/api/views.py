"""Waypost's JSON API (public, read-only): search, places, guides, laws; the OpenAPI document
and its docs page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from waypost import parsing
from waypost.api import openapi
from waypost.api import serialize as out
from waypost.evidence.models import Citation, Source
from waypost.guides.services import compose_guide
from waypost.hsds.api import NDJSON_MAX_ITEMS
from waypost.laws.models import LawStatement
from waypost.params import BadParameter, Params, error_response, json_response, not_found
from waypost.places.models import Place, PlaceKind
from waypost.places.services import BadQuery, find_places
from waypost.search.services import SearchQuery, search

SEARCH_PARAMS = ("near", "radius", "category", "attr", "lang", "open", "q", "page", "per_page")


def api_view(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """GET and HEAD only; a bad parameter becomes a JSON 400 that names it."""

    # Read-only and cookie-free: refuse other methods with 405, not a CSRF failure.
    @csrf_exempt
    @require_safe
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except parsing.InvalidParameter as exc:
            return error_response(exc.parameter, exc.message)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


@api_view
def search_api(request: HttpRequest) -> HttpResponseBase:
    Params(request, SEARCH_PARAMS)
    page = search(SearchQuery.from_params(request.GET))
    return json_response(out.search_page(page, request.path))


@api_view
def places_api(request: HttpRequest) -> HttpResponseBase:
    params = Params(request, ("q",))
    query = params.text("q", max_length=100)
    if query is None:
        raise BadParameter("q", "Give a city name or a 5-digit ZIP code.")
    try:
        matches = find_places(query)
    except BadQuery as exc:
        raise BadParameter("q", str(exc)) from None
    body: dict[str, Any] = {"query": query, "results": [out.place(p) for p in matches.places]}
    if matches.zip_code is not None:
        body["zip_code"] = {
            "code": matches.zip_code.code,
            "latitude": matches.zip_code.latitude,
            "longitude": matches.zip_code.longitude,
        }
    return json_response(body)


def _place(path: str) -> Place | None:
    return Place.objects.filter(path=path.strip("/").lower()).first()


@api_view
def place_api(request: HttpRequest, path: str) -> HttpResponseBase:
    Params(request, ())
    found = _place(path)
    if found is None:
        return not_found("place")
    body = out.place(found)
    body["children"] = (
        [out.place(p) for p in found.children.order_by("path")[:500]]
        if found.kind != PlaceKind.CITY
        else []
    )
    return json_response(body)


@api_view
def guide_api(request: HttpRequest, path: str) -> HttpResponseBase:
    day = Params(request, ("date",)).date("date") or dt.date.today()
    found = _place(path)
    if found is None or found.kind != PlaceKind.CITY:
        return not_found("city guide")
    return json_response(out.guide(compose_guide(found, day)))


@api_view
def laws_api(request: HttpRequest) -> HttpResponseBase:
    """Laws of one jurisdiction (not those above it), each statement with its sources."""
    params = Params(request, ("jurisdiction",))
    path = params.text("jurisdiction")
    if path is None:
        raise BadParameter("jurisdiction", "Give a place path, like us or us/ct.")
    place = _place(path)
    if place is None:
        raise BadParameter("jurisdiction", f"We do not know the place {path!r}.")
    statements = list(
        LawStatement.objects.filter(law__jurisdiction=place)
        .select_related("law__jurisdiction", "fact")
        .order_by("law__citation", "law__title", "id")
    )
    sources: dict[int, list[Source]] = {}
    fact_ids = [st.fact_id for st in statements]
    for citation in Citation.objects.filter(fact_id__in=fact_ids).select_related("source"):
        sources.setdefault(citation.fact_id, []).append(citation.source)
    laws: dict[int, Any] = {}
    grouped: dict[int, list[Any]] = {}
    today = dt.date.today()
    for st in statements:
        cited = sources.get(st.fact_id, [])
        if not cited:
            continue  # a fact with no source is never published
        laws[st.law_id] = st.law
        grouped.setdefault(st.law_id, []).append((st, cited, str(st.fact.status(today))))
    return json_response(
        {
            "jurisdiction": out.place(place),
            "laws": [out.law(laws[i], grouped[i]) for i in laws],
            "notice": "Information, not legal advice.",
        }
    )


@api_view
def openapi_json(request: HttpRequest) -> HttpResponseBase:
    Params(request, ())
    return json_response(openapi.document())


@require_safe
def docs(request: HttpRequest) -> HttpResponse:
    context = {"operations": openapi.operations(), "ndjson_max_items": f"{NDJSON_MAX_ITEMS:,}"}
    return render(request, "api/docs.html", context)
