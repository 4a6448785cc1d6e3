from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse

from waypost.safeguards.views import too_large

# A comment or report is at most a few thousand characters; anything far larger is refused
# before it is read.
MAX_FORM_BYTES = 32 * 1024


def limit_body(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = MAX_FORM_BYTES + 1
        if length > MAX_FORM_BYTES:
            return too_large(request)
        return view(request, *args, **kwargs)

    return wrapped
