"""HTML → PDF for printable pages, with WeasyPrint and Waypost's own files only."""

from __future__ import annotations

from pathlib import Path

from django.contrib.staticfiles import finders
from weasyprint import CSS, HTML


def _no_fetching(url: str, timeout: int = 10, ssl_context: object = None) -> dict[str, object]:
    # A PDF is built from what is in hand: no request leaves the server while making it.
    raise ValueError(f"not fetched: {url}")


def render_pdf(html: str, stylesheet: str) -> bytes:
    path = finders.find(stylesheet)
    if not isinstance(path, str):
        raise FileNotFoundError(stylesheet)
    css = CSS(string=Path(path).read_text(encoding="utf-8"))
    return bytes(HTML(string=html, url_fetcher=_no_fetching).write_pdf(stylesheets=[css]))
