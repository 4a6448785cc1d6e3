"""Privacy headers on every response (docs/PRODUCT.md, "Privacy and safety rules")."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

# Everything comes from Waypost itself; no inline script can run.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)


EDITORS_PREFIX = "/editors/"


class PrivacyHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        # Editors' forms need their own origin on a POST (Django's CSRF check refuses the
        # "Origin: null" that no-referrer makes browsers send); nothing leaves the site either way.
        editors = request.path.startswith(EDITORS_PREFIX)
        response.headers["Referrer-Policy"] = "same-origin" if editors else "no-referrer"
        response.headers["Permissions-Policy"] = (
            "geolocation=(self), camera=(), microphone=(), interest-cohort=()"
        )
        response.headers["X-DNS-Prefetch-Control"] = "off"
        if editors or _personal(request, response):
            # A shared cache must never hand one person's form token or session to another.
            add_never_cache_headers(response)
        return response


def _personal(request: HttpRequest, response: HttpResponse) -> bool:
    """True for an answer that carries something of one person: a cookie it sets, a form
    token it shows (Django marks the request when a page asks for one), or a signed-in
    session."""
    return bool(
        response.cookies
        or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        or settings.SESSION_COOKIE_NAME in request.COOKIES
    )
