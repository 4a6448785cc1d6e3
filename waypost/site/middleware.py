"""Privacy headers on every response (docs/PRODUCT.md, "Privacy and safety rules")."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.cache import add_never_cache_headers, patch_cache_control

from waypost import parsing
from waypost.site.views import bad_parameter

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
        elif _shareable(request, response):
            # The same for every reader: browsers keep it a few minutes, the proxy in front
            # (deploy/nginx/) a few seconds, and a reload asks with its ETag (304, no body).
            patch_cache_control(
                response,
                public=True,
                max_age=settings.READER_PAGE_MAX_AGE,
                s_maxage=settings.SHARED_CACHE_MAX_AGE,
            )
        return response


# A page, or the answer that the reader's copy of it is still current. Errors are never
# kept: a failure must not outlive its cause.
SHAREABLE_STATUSES = frozenset({200, 304})


def _shareable(request: HttpRequest, response: HttpResponse) -> bool:
    """A reader page a view has not marked itself (never_cache, say)."""
    return (
        request.method in ("GET", "HEAD")
        and response.status_code in SHAREABLE_STATUSES
        and not response.has_header("Cache-Control")
    )


def _personal(request: HttpRequest, response: HttpResponse) -> bool:
    """True for an answer that carries something of one person: a cookie it sets, a form
    token it shows (Django marks the request when a page asks for one), or a signed-in
    session."""
    return bool(
        response.cookies
        or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        or settings.SESSION_COOKIE_NAME in request.COOKIES
    )


class RefuseNulMiddleware:
    """No NUL character gets past the front door: PostgreSQL refuses it in text, so a NUL
    reaching any query would be a server error. A path holding one names no page (404); a
    parameter holding one, in its name or value, is a 400 naming it, before any view reads
    it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if parsing.NUL in request.path:
            raise Http404("A path cannot hold a NUL character.")
        try:
            parsing.refuse_nul_in(request.GET)
        except parsing.InvalidParameter as exc:
            return bad_parameter(request, exc)
        return self.get_response(request)
