"""Editorial Markdown → safe HTML, with [[source-key]] markers as numbered references."""

from __future__ import annotations

import re

import markdown
import nh3
from django.utils.html import format_html

MARKER = re.compile(r"\[\[([a-z0-9][a-z0-9_-]*)\]\]")
ALLOWED_TAGS = {"p", "ul", "ol", "li", "strong", "em", "sup", "a", "br"}


def marker_keys(body: str) -> list[str]:
    return MARKER.findall(body)


def to_html(body: str) -> str:
    """Markdown → sanitized HTML, citation markers left in place for `number_markers`."""
    html = markdown.markdown(body, output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"https", "http"},
        link_rel="noreferrer",
    )


def number_markers(html: str, number_of: dict[str, int]) -> str:
    """Each [[key]] becomes a link to its numbered source at the foot of the page."""

    def ref(match: re.Match[str]) -> str:
        n = number_of.get(match.group(1))
        # A marker whose citation an editor removed shows nothing rather than failing.
        return format_html('<sup><a href="#source-{}">[{}]</a></sup>', n, n) if n else ""

    return MARKER.sub(ref, html)
