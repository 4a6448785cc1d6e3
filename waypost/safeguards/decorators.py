from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse

from waypost.safeguards.views import too_large

# A comment or report is at most a few thousand characters; anything far larger is refused
# before it is read.
MAX_FORM_BYTES = 32 * 1024


def body_larger_than(request: HttpRequest, limit: int) -> bool:
    """Whether the request says its body is over `limit` bytes (an unreadable length is)."""
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) > limit
    except ValueError:
        return True


def limit_body(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if body_larger_than(request, MAX_FORM_BYTES):
            return too_large(request)
        return view(request, *args, **kwargs)

    return wrapped
