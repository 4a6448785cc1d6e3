"""The search page's result list and filter choices, written without template loops.

A result page lists up to a hundred services and the form some forty choices; as template
loops with a tag per translated name they were most of the page's server time. Results are
rendered by the same renderer as every other list of services (waypost/site/render.py).
"""

from __future__ import annotations

from collections.abc import Collection
from functools import lru_cache
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from waypost.search.forms import Choice
from waypost.search.listing import SearchResult
from waypost.site.render import entry_of_result, join, service_entry, text
from waypost.site.templatetags.evidence import page_loc
from waypost.translations.language import gettext_memo as _

register = template.Library()


@register.simple_tag(takes_context=True)
def result_items(context: Any, results: list[SearchResult]) -> SafeString:
    loc = page_loc(context)
    return join(service_entry(entry_of_result(r), loc, "search") for r in results)


def _box(name: str, code: str, chosen: Collection[str]) -> SafeString:
    return _checkbox(name, code, code in chosen)


@lru_cache(maxsize=1024)
def _checkbox(name: str, code: str, checked: bool) -> SafeString:
    # The form shows the same sixty-odd boxes on every search; escaping them again each time
    # was a tenth of the page's own time.
    mark = " checked" if checked else ""
    return format_html('<input type="checkbox" name="{}" value="{}"{}>', name, code, mark)


@register.simple_tag(takes_context=True)
def category_boxes(context: Any, groups: list[Choice], chosen: Collection[str]) -> SafeString:
    """Each top category ("all" of it) with its sub-categories, as checkboxes."""
    loc = page_loc(context)
    every = _("(all)")
    return join(
        format_html(
            '<fieldset class="choices"><legend><label>{} {} {}</label></legend>\n{}</fieldset>\n',
            _box("category", group.code, chosen),
            text(loc, group.name),
            every,
            join(
                format_html(
                    "<label>{} {}</label>\n", _box("category", c.code, chosen), text(loc, c.name)
                )
                for c in group.children
            ),
        )
        for group in groups
    )


@register.simple_tag(takes_context=True)
def attribute_boxes(context: Any, choices: list[Choice], chosen: Collection[str]) -> SafeString:
    loc = page_loc(context)
    return join(
        format_html("<label>{} {}</label>\n", _box("attr", a.code, chosen), text(loc, a.name))
        for a in choices
    )


@register.simple_tag
def language_boxes(languages: list[tuple[str, str]], chosen: Collection[str]) -> SafeString:
    return join(
        format_html(
            '<label>{} <span lang="{}">{}</span></label>\n', _box("lang", code, chosen), code, name
        )
        for code, name in languages
    )
