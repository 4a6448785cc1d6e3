"""Law-change feeds and the "What changed" pages. Thin: find the place, compose, render."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import condition, require_safe

from waypost.guides.coverage import state_by_code
from waypost.guides.feeds import (
    ATOM_TYPE,
    JSON_FEED_TYPE,
    AtomLawFeed,
    LawFeed,
    feed_for,
    json_feed,
)
from waypost.places.models import Place
from waypost.places.services import city_at


def _place(state: str | None = None, city: str | None = None) -> Place:
    if state is None:
        place = Place.objects.filter(path="us").first()
    elif city is None:
        place = state_by_code(state)
    else:
        place = city_at(f"us/{state}/{city}")
    if place is None:
        raise Http404("no such place")
    return place


def _feed(request: HttpRequest, **kwargs: str) -> LawFeed:
    """The feed of the address, composed once per request (the conditional check and the
    answer both need it)."""
    cached: LawFeed | None = getattr(request, "law_feed", None)
    if cached is None:
        cached = feed_for(_place(**kwargs), get_language())
        request.law_feed = cached  # type: ignore[attr-defined]
    return cached


def _etag(request: HttpRequest, **kwargs: str) -> str:
    return _feed(request, **kwargs).etag


def _last_modified(request: HttpRequest, **kwargs: str) -> dt.datetime:
    return _feed(request, **kwargs).updated


def _conditional(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Feed readers poll: an unchanged feed answers 304 Not Modified."""
    return require_safe(condition(etag_func=_etag, last_modified_func=_last_modified)(view))


@_conditional
def atom(request: HttpRequest, **kwargs: str) -> HttpResponse:
    feed = _feed(request, **kwargs)
    generator = AtomLawFeed().get_feed(feed, request)
    response = HttpResponse(content_type=f"{ATOM_TYPE}; charset=utf-8")
    generator.write(response, "utf-8")
    return response


@_conditional
def json_feed_view(request: HttpRequest, **kwargs: str) -> HttpResponse:
    document: dict[str, Any] = json_feed(_feed(request, **kwargs), request)
    body = json.dumps(document, ensure_ascii=False, indent=1)
    return HttpResponse(body, content_type=f"{JSON_FEED_TYPE}; charset=utf-8")


@require_safe
def what_changed(request: HttpRequest, **kwargs: str) -> HttpResponse:
    feed = _feed(request, **kwargs)
    return render(request, "site/what_changed.html", {"feed": feed, "place": feed.place})
