"""HTML → PDF for printable pages, with WeasyPrint and Waypost's own files only.

Making a PDF costs about 160 ms of CPU, a page about 10: uncached, a few dozen requests for a
card would slow every guide. A PDF is therefore kept in Django's cache (settings.CACHES), under
a digest of the HTML and stylesheet it is made from. That digest is the data version: the HTML
holds everything the card shows (each name, number, check date and translation, the day it
is printed, the guide's address), so any change to any of them, however it was written (an
editor's save, a bulk import's SQL, a fact falling due as days pass, a new template or
stylesheet), asks for a new PDF, and an unchanged card is never made twice.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.contrib.staticfiles import finders
from django.core.cache import caches
from weasyprint import CSS, HTML

# Bumped when what is stored under a key changes shape.
CACHE_VERSION = 1


def _no_fetching(url: str, timeout: int = 10, ssl_context: object = None) -> dict[str, object]:
    # A PDF is built from what is in hand: no request leaves the server while making it.
    raise ValueError(f"not fetched: {url}")


def _stylesheet(stylesheet: str) -> str:
    path = finders.find(stylesheet)
    if not isinstance(path, str):
        raise FileNotFoundError(stylesheet)
    return Path(path).read_text(encoding="utf-8")


def render_pdf(html: str, stylesheet: str) -> bytes:
    css = CSS(string=_stylesheet(stylesheet))
    return bytes(HTML(string=html, url_fetcher=_no_fetching).write_pdf(stylesheets=[css]))


def cached_pdf(html: str, stylesheet: str, *, name: str) -> bytes:
    """The PDF of `html`, made once per content. `name` (what the PDF is of: a place and a
    language) keeps keys readable; the HTML must hold nothing of the reader asking for it."""
    digest = hashlib.sha256(f"{html}\0{_stylesheet(stylesheet)}".encode()).hexdigest()
    key = f"pdf:{name}:{digest}"
    found = caches["pdf"].get(key, version=CACHE_VERSION)
    if isinstance(found, bytes):
        return found
    pdf = render_pdf(html, stylesheet)
    caches["pdf"].set(key, pdf, version=CACHE_VERSION)
    return pdf
