"""Reader-facing pages. Thin: parse input, call a service, render."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from waypost import parsing
from waypost.comments.services import published_for
from waypost.directory.models import Service
from waypost.directory.services import hotlines_for
from waypost.guides.access import access_by_state
from waypost.guides.card import compose_card
from waypost.guides.coverage import (
    COVERAGE_TOPICS,
    compose_state_page,
    state_by_code,
    state_coverage,
)
from waypost.guides.services import compose_guide
from waypost.guides.structured_data import faq_json_ld_text
from waypost.params import error_response, message_response
from waypost.places.models import Place
from waypost.places.services import BadQuery, city_at, find_places, suggest_for_path
from waypost.site.pagecache import cached_page
from waypost.site.pdf import cached_pdf
from waypost.translations.services import localizer_for

# The JSON API answers in JSON even where none of its views does: an unknown address, a
# server error, a refused parameter.
API_PREFIX = "/api/"


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def bad_request(request: HttpRequest, message: str, field: str) -> HttpResponse:
    return render(request, "site/400.html", {"message": message, "field": field}, status=400)


def bad_parameter(request: HttpRequest, error: parsing.InvalidParameter) -> HttpResponse:
    if _is_api(request):
        return error_response(error.parameter, error.message)
    return bad_request(request, error.message, error.parameter)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return message_response(
            f"Nothing at this address: the API is described at {API_PREFIX}.", 404
        )
    suggestions = suggest_for_path(request.path)
    return render(request, "site/404.html", {"suggestions": suggestions}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """The page of an unexpected error. The database may be what failed, so nothing here
    reads it: the page needs the request and static files only. Its language comes from the
    path, as the error may have come before the language was chosen."""
    if _is_api(request):
        return message_response("Something went wrong on our side; please try again later.", 500)
    language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
    with translation.override(language):
        return render(request, "site/500.html", status=500)


@require_safe
@cached_page()
def home(request: HttpRequest) -> HttpResponse:
    country = Place.objects.filter(path="us").first()
    hotlines = hotlines_for([country]) if country else []
    loc = localizer_for(get_language(), [*hotlines, *(p for s in hotlines for p in s.phones.all())])
    return render(request, "site/home.html", {"hotlines": hotlines, "loc": loc})


@require_safe
def places(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    try:
        matches = find_places(query)
    except BadQuery as exc:
        return bad_request(request, str(exc), "q")
    if matches.zip_code is not None and len(matches.places) == 1:
        return HttpResponseRedirect(matches.places[0].get_absolute_url())
    status = 200 if matches.places else 404
    return render(request, "site/places.html", {"matches": matches, "query": query}, status=status)


def _guide_date(request: HttpRequest) -> dt.date:
    raw = request.GET.get("date", "")
    return parsing.date("date", raw) if raw else dt.date.today()


@require_safe
@cached_page("date")
def guide(request: HttpRequest, state: str, city: str) -> HttpResponse:
    place = city_at(f"us/{state}/{city}")
    if place is None:
        return not_found(request)
    try:
        on = _guide_date(request)
    except parsing.InvalidParameter as exc:
        return bad_request(request, exc.message, exc.parameter)
    composed = compose_guide(place, on, get_language())
    context: dict[str, Any] = {
        "guide": composed,
        "loc": composed.loc,
        "place": place,
        "is_today": on == dt.date.today(),
        "json_ld": faq_json_ld_text(composed),
        "comments": published_for(place),
    }
    return render(request, "site/guide.html", context)


def _card_context(request: HttpRequest, place: Place) -> dict[str, Any]:
    card = compose_card(place, get_language())
    guide_url = request.build_absolute_uri(place.get_absolute_url())
    short_url = guide_url.split("://", 1)[-1]
    return {"card": card, "place": place, "loc": card.loc, "short_url": short_url}


@require_safe
@cached_page()
def card(request: HttpRequest, state: str, city: str) -> HttpResponse:
    place = city_at(f"us/{state}/{city}")
    if place is None:
        return not_found(request)
    return render(request, "site/card.html", _card_context(request, place))


@require_safe
def card_pdf(request: HttpRequest, state: str, city: str) -> HttpResponse:
    place = city_at(f"us/{state}/{city}")
    if place is None:
        return not_found(request)
    language = get_language()
    # Rendered without the request, so that the PDF (kept in the cache, for everyone) holds
    # nothing of the reader: no user, cookie or query. The host, in the guide's address, is
    # one of ALLOWED_HOSTS.
    context = {**_card_context(request, place), "LANG": language}
    html = render_to_string("site/card_pdf.html", context)
    pdf = cached_pdf(html, "site/site.css", name=f"card:{place.pk}:{language}")
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"waypost-{place.slug}-{place.state_code.lower()}-{language}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@require_safe
@cached_page()
def browse_safely(request: HttpRequest) -> HttpResponse:
    return render(request, "site/browse_safely.html")


@require_safe
@cached_page()
def service_detail(request: HttpRequest, service_id: uuid.UUID) -> HttpResponse:
    service = get_object_or_404(
        Service.objects.select_related("organization", "fact").prefetch_related(
            "categories",
            "attributes",
            "languages",
            "schedules",
            "areas__place",
            "phones__fact__citations__source",
            "fact__citations__source",
            "at_locations__location__address",
            "at_locations__location__place",
        ),
        hsds_id=service_id,
    )
    texts = [a.name for a in service.attributes.all()] + [c.name for c in service.categories.all()]
    texts.append(service.languages_description)
    objects = [
        service,
        service.fact,
        *service.phones.all(),
        *(p.fact for p in service.phones.all()),
        *(link.location for link in service.at_locations.all()),
    ]
    loc = localizer_for(get_language(), objects, texts)
    context = {"service": service, "loc": loc, "title": loc.plain(service.name)}
    return render(request, "site/service.html", context)


@require_safe
@cached_page()
def state(request: HttpRequest, state: str) -> HttpResponse:
    place = state_by_code(state)
    if place is None:
        return not_found(request)
    page = compose_state_page(place, language=get_language())
    return render(request, "site/state.html", {"page": page, "place": place, "loc": page.loc})


@require_safe
@cached_page()
def states(request: HttpRequest) -> HttpResponse:
    return render(request, "site/states.html", {"coverage": state_coverage()})


@staff_member_required
@require_safe
def coverage(request: HttpRequest) -> HttpResponse:
    headings = [heading for _, heading in COVERAGE_TOPICS]
    access, country = access_by_state()
    context = {
        "coverage": state_coverage(),
        "headings": headings,
        "access": [*access, country],
        "access_headings": [heading for heading, _, _ in country.columns],
    }
    return render(request, "site/coverage.html", context)
