"""Editorial Markdown → safe HTML, with [[source-key]] markers as numbered references."""

from __future__ import annotations

import re

import markdown
import nh3

from waypost.evidence.models import Source

MARKER = re.compile(r"\[\[([a-z0-9][a-z0-9_-]*)\]\]")
ALLOWED_TAGS = {"p", "ul", "ol", "li", "strong", "em", "sup", "a", "br"}


def marker_keys(body: str) -> list[str]:
    return MARKER.findall(body)


def render(body: str, number_of: dict[str, int]) -> str:
    """Render Markdown; each marker becomes a link to its numbered source at the page foot."""

    def ref(match: re.Match[str]) -> str:
        n = number_of[match.group(1)]
        return f'<sup><a href="#source-{n}">[{n}]</a></sup>'

    html = markdown.markdown(MARKER.sub(ref, body), output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"https", "http"},
        link_rel="noreferrer",
    )


def sources_by_key(keys: list[str]) -> dict[str, Source]:
    return {s.key: s for s in Source.objects.filter(key__in=keys)}
