"""The search page's result list and filter choices, written without template loops.

A result page lists up to a hundred services and the form some forty choices; as template
loops with a tag per translated name they were most of the page's server time.
"""

from __future__ import annotations

from collections.abc import Collection
from html import escape
from typing import Any

from django import template
from django.template.defaultfilters import floatformat
from django.utils.safestring import SafeString, mark_safe

from waypost.directory.models import PhoneType
from waypost.search.forms import Choice
from waypost.search.services import SearchResult
from waypost.translations.language import choice_label
from waypost.translations.language import gettext_memo as _
from waypost.translations.services import ENGLISH, Localizer

register = template.Library()


def _loc(context: Any) -> Localizer:
    return context.get("loc") or ENGLISH


def _where(result: SearchResult, loc: Localizer) -> str:
    location = result.location
    if location is None:
        return ""
    if location.area_only:
        if location.area_description:
            shown = loc.html(location.area_description)
        else:
            shown = escape(str(location.place))
        shown += " " + escape(_("(area only)"))
    else:
        address = getattr(location, "address", None)
        shown = escape(str(address if address else location))
    return f'<br><span class="where">{shown}</span>'


def result_item(result: SearchResult, loc: Localizer) -> str:
    service = result.service
    out = [f'<li class="svc"><a href="{escape(service.get_absolute_url())}">']
    out.append(f"{loc.html(service.name)}</a>")
    if service.organization.name != service.name:
        out.append(f' <span class="org">({escape(service.organization.name)})</span>')
    if result.distance_mi is not None:
        miles = escape(str(floatformat(result.distance_mi, 1)))
        distance = _("%(miles)s mi") % {"miles": miles}
        out.append(f' <span class="dist">{distance}</span>')
    out.append(f"\n{_where(result, loc)}\n")
    if result.categories or result.attributes:
        tags = "".join(f"<span>{loc.html(t.name)}</span>" for t in result.categories)
        tags += "".join(f"<span>{loc.html(t.name)}</span>" for t in result.attributes)
        out.append(f'<br><span class="tags">{tags}</span>')
    out.append("\n")
    if service.hours_description:
        label = escape(_("Hours:"))
        out.append(f"<br>{label} {loc.html(service.hours_description)}")
    out.append("\n")
    if result.phones:
        phones = "".join(
            f'<span class="phone"><a href="{escape(p.href)}">'
            f"{escape(choice_label(PhoneType, p.type))} {escape(p.number)}</a></span>"
            for p in result.phones
        )
        out.append(f"<br>{phones}")
    out.append("\n</li>\n")
    return "".join(out)


@register.simple_tag(takes_context=True)
def result_items(context: Any, results: list[SearchResult]) -> SafeString:
    loc = _loc(context)
    return mark_safe("".join(result_item(r, loc) for r in results))


def _box(name: str, code: str, chosen: Collection[str]) -> str:
    checked = " checked" if code in chosen else ""
    return f'<input type="checkbox" name="{name}" value="{escape(code)}"{checked}>'


@register.simple_tag(takes_context=True)
def category_boxes(context: Any, groups: list[Choice], chosen: Collection[str]) -> SafeString:
    """Each top category ("all" of it) with its sub-categories, as checkboxes."""
    loc = _loc(context)
    out = []
    every = escape(_("(all)"))
    for group in groups:
        out.append(
            f'<fieldset class="choices"><legend><label>{_box("category", group.code, chosen)} '
            f"{loc.html(group.name)} {every}</label></legend>\n"
        )
        out.extend(
            f"<label>{_box('category', c.code, chosen)} {loc.html(c.name)}</label>\n"
            for c in group.children
        )
        out.append("</fieldset>\n")
    return mark_safe("".join(out))


@register.simple_tag(takes_context=True)
def attribute_boxes(context: Any, choices: list[Choice], chosen: Collection[str]) -> SafeString:
    loc = _loc(context)
    return mark_safe(
        "".join(
            f"<label>{_box('attr', a.code, chosen)} {loc.html(a.name)}</label>\n" for a in choices
        )
    )


@register.simple_tag
def language_boxes(languages: list[tuple[str, str]], chosen: Collection[str]) -> SafeString:
    return mark_safe(
        "".join(
            f'<label>{_box("lang", code, chosen)} <span lang="{escape(code)}">{escape(name)}'
            "</span></label>\n"
            for code, name in languages
        )
    )
