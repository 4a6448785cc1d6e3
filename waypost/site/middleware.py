"""Privacy headers on every response (docs/PRODUCT.md, "Privacy and safety rules")."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

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
        return response
