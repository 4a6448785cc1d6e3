"""Template tags for what pages show of facts and services; the markup is in
waypost/site/render.py, one renderer per thing."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import template
from django.utils.safestring import SafeString

from waypost.directory.models import Location, Phone, Service
from waypost.evidence.models import Fact, Source
from waypost.guides.services import Item
from waypost.places.models import Place
from waypost.site import render
from waypost.translations.services import ENGLISH, Localizer

register = template.Library()


def page_loc(context: Any) -> Localizer:
    return context.get("loc") or ENGLISH


def page_fragments(context: Any) -> dict[tuple[int, bool], str] | None:
    guide = context.get("guide")
    return getattr(guide, "fragments", None)


@register.simple_tag
def source_items(sources: Sequence[Source], numbered: bool = True) -> SafeString:
    """The sources of a page, in citation order (a guide cites forty or more)."""
    return render.source_items(sources, numbered=numbered)


@register.simple_tag
def fact_sources(fact: Fact) -> SafeString:
    """A fact's sources, unnumbered (its citations prefetched with their sources)."""
    return render.source_items([c.source for c in fact.citations.all()], numbered=False)


@register.simple_tag(takes_context=True)
def hotline(context: Any, service: Service) -> SafeString:
    """A hotline on the home page: as a guide lists it, its sources on its own page."""
    phones = tuple(render.PhoneEntry(p) for p in service.phones.all())
    entry = render.ServiceEntry(service, phones=phones)
    return render.service_entry(entry, page_loc(context), "compact")


@register.simple_tag(takes_context=True)
def fact_mark(context: Any, fact: Fact, ages: bool = False, report: bool = True) -> SafeString:
    """A fact's evidence mark on a page listing its sources unnumbered (`ages`: contact
    details, which go out of date with their sources)."""
    ev = render.fact_evidence(fact, ages_with_sources=ages)
    return render.evidence_mark(ev, page_loc(context), report=report)


@register.simple_tag(takes_context=True)
def tr(context: Any, value: str) -> SafeString:
    """Data-driven text in the page's language, or in English marked as such."""
    return render.text(page_loc(context), value)


@register.simple_tag(takes_context=True)
def service_link(context: Any, service: Service) -> SafeString:
    return render.service_link(service, page_loc(context))


@register.simple_tag(takes_context=True)
def phone_link(context: Any, number: Phone) -> SafeString:
    return render.phone_link(number, page_loc(context))


@register.simple_tag(takes_context=True)
def where(context: Any, location: Location) -> SafeString:
    return render.where(location, page_loc(context))


def service_html(
    item: Item,
    place: Place,
    loc: Localizer,
    compact: bool = False,
    fragments: dict[tuple[int, bool], str] | None = None,
) -> SafeString:
    """A guide's service, rendered once per page however many questions list it."""
    key = (id(item), compact)
    found = fragments.get(key) if fragments is not None else None
    if found is None:
        style: render.Style = "compact" if compact else "listing"
        found = render.service_entry(render.entry_of_item(item, place), loc, style)
        if fragments is not None:
            fragments[key] = found
    return SafeString(found)


@register.simple_tag(takes_context=True)
def service_item(context: Any, item: Item, place: Place, compact: bool = False) -> SafeString:
    return service_html(item, place, page_loc(context), compact, page_fragments(context))


@register.simple_tag(takes_context=True)
def card_item(context: Any, item: Item) -> SafeString:
    entry = render.entry_of_item(item, context["place"])
    return render.service_entry(entry, page_loc(context), "card")
