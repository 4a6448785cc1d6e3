"""Reading API query parameters: every bad value is a 400 naming its parameter (the JSON API
and the HSDS API; the reader pages answer a bad value with their own page)."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterable, Iterator
from typing import Any

from django.http import HttpRequest, JsonResponse, StreamingHttpResponse
from django.utils import timezone

from waypost import parsing

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 1000


class BadParameter(parsing.InvalidParameter):
    """A bad parameter found by an API view itself (its messages are English, as the API's)."""


def error_response(parameter: str, message: str, status: int = 400) -> JsonResponse:
    body = {"error": {"parameter": parameter, "message": message}}
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def message_response(message: str, status: int) -> JsonResponse:
    """An error that is no parameter's: an unknown record or address, a server error."""
    return JsonResponse({"error": {"message": message}}, status=status)


def not_found(what: str) -> JsonResponse:
    return message_response(f"No {what} with that id.", 404)


def json_response(body: Any) -> JsonResponse:
    return JsonResponse(body, safe=False, json_dumps_params={"ensure_ascii": False})


class Params:
    """The request's query string, read one typed parameter at a time."""

    def __init__(self, request: HttpRequest, known: Iterable[str]) -> None:
        self.request = request
        self.query = request.GET
        unknown = sorted(set(self.query) - set(known))
        if unknown:
            raise BadParameter(unknown[0], f"Unknown parameter; use {', '.join(sorted(known))}.")

    def text(self, name: str, max_length: int = 200) -> str | None:
        return parsing.single_text(name, self.query.getlist(name), max_length)

    def _typed(self, name: str) -> str | None:
        """A typed value: absent is None, but present and empty is an error."""
        if name in self.query and not self.query.get(name, "").strip():
            raise BadParameter(name, "Give a value, or leave the parameter out.")
        return self.text(name)

    def integer(self, name: str, default: int, low: int, high: int) -> int:
        raw = self._typed(name)
        return default if raw is None else parsing.whole_number(name, raw, low, high)

    def number(self, name: str) -> float | None:
        raw = self._typed(name)
        return None if raw is None else parsing.decimal(name, raw)

    def boolean(self, name: str) -> bool:
        raw = self._typed(name)
        if raw is None or raw == "false":
            return False
        if raw == "true":
            return True
        raise BadParameter(name, f"{raw!r}: use true or false.")

    def uuid(self, name: str) -> uuid.UUID | None:
        raw = self._typed(name)
        return None if raw is None else parsing.identifier(name, raw)

    def date(self, name: str) -> dt.date | None:
        raw = self._typed(name)
        return None if raw is None else parsing.date(name, raw)

    def datetime(self, name: str) -> dt.datetime | None:
        """An instant: a date and time without an offset is read as UTC."""
        raw = self._typed(name)
        if raw is None:
            return None
        value = parsing.date_time(name, raw)
        return value if timezone.is_aware(value) else value.replace(tzinfo=dt.UTC)

    def choice(self, name: str, choices: tuple[str, ...], default: str) -> str:
        raw = self._typed(name)
        if raw is None:
            return default
        if raw not in choices:
            raise BadParameter(name, f"Use one of {', '.join(choices)}.")
        return raw

    def url(self, **changes: Any) -> str:
        """This request's absolute URL with some parameters changed."""
        query = self.query.copy()
        for name, value in changes.items():
            query[name] = str(value)
        return self.request.build_absolute_uri(f"{self.request.path}?{query.urlencode()}")


def ndjson_response(rows: Iterator[Any]) -> StreamingHttpResponse:
    """Results, one JSON document per line, written as they are read."""
    lines = (json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    return StreamingHttpResponse(lines, content_type="application/x-ndjson")
