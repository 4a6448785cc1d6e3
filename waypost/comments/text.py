"""Comments are plain text: everything is escaped, and web addresses become inert links."""

from __future__ import annotations

import re
from html import escape

import nh3
from django.utils.safestring import SafeString, mark_safe

# Only http(s) addresses become links; the text is escaped first, so no quote or angle
# bracket can be part of one.
_URL = re.compile(r"\bhttps?://(?:(?!&quot;|&#x27;|&lt;|&gt;)[^\s<>\"'])+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}"


def _link(match: re.Match[str]) -> str:
    url = match.group(0)
    tail = ""
    while url and url[-1] in _TRAILING:
        url, tail = url[:-1], url[-1] + tail
    return f'<a href="{url}">{url}</a>{tail}'


def render_plain_text(text: str) -> SafeString:
    """Paragraphs and line breaks kept; links made safe (nofollow, ugc, no referrer)."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if p.strip()]
    html = "".join(
        "<p>" + _URL.sub(_link, escape(p, quote=True)).replace("\n", "<br>") + "</p>"
        for p in paragraphs
    )
    # A second line of defence: whatever the steps above missed, only these survive.
    cleaned = nh3.clean(
        html,
        tags={"p", "br", "a"},
        attributes={"a": {"href"}},
        url_schemes={"http", "https"},
        link_rel="nofollow ugc noreferrer",
    )
    return mark_safe(cleaned)
