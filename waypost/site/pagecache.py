"""Reader pages kept in Django's cache, never served after a change to what they show.

A page is stored under its full address (scheme, host and path with its query: the page
names them in its language links and alternates), the language, the day (a fact falls due
as days pass), the data version (waypost/dataversion: any write moves it on) and the code's
version (templates and translations change with a deploy). Only complete 200 answers that
set no cookie are kept, and only for addresses whose query holds nothing but the
parameters the page reads, so made-up parameters cannot fill the cache.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language

from waypost.dataversion.services import code_version, read_once

View = Callable[..., HttpResponse]


def page_key(request: HttpRequest, version: str) -> str:
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    parts = [
        code_version(),
        version,
        dt.date.today().isoformat(),
        get_language() or "",
        hashlib.sha256(address.encode()).hexdigest(),
    ]
    return "page:" + ":".join(parts)


def cached_page(*params: str) -> Callable[[View], View]:
    """Keep the view's pages in the cache; `params` are the query parameters it reads."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in ("GET", "HEAD") or not set(request.GET) <= set(params):
                return view(request, *args, **kwargs)
            pages = caches["default"]
            with read_once() as version:
                key = page_key(request, version)
                found = pages.get(key)
                if found is not None:
                    content, content_type = found
                    return HttpResponse(content, content_type=content_type)
                response = view(request, *args, **kwargs)
            if response.status_code == 200 and not response.streaming and not response.cookies:
                pages.set(key, (response.content, response["Content-Type"]))
            return response

        return wrapper

    return decorate
