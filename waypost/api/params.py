"""Reading API query parameters: every bad value is a 400 naming its parameter."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterable, Iterator
from typing import Any

from django.http import HttpRequest, JsonResponse, StreamingHttpResponse
from django.utils import timezone

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 1000


class BadParameter(ValueError):
    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter
        self.message = message


def error_response(parameter: str, message: str, status: int = 400) -> JsonResponse:
    body = {"error": {"parameter": parameter, "message": message}}
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def not_found(what: str) -> JsonResponse:
    return JsonResponse({"error": {"message": f"No {what} with that id."}}, status=404)


def json_response(body: Any) -> JsonResponse:
    return JsonResponse(body, safe=False, json_dumps_params={"ensure_ascii": False})


class Params:
    """The request's query string, read one typed parameter at a time."""

    def __init__(self, request: HttpRequest, known: Iterable[str]) -> None:
        self.query = request.GET
        unknown = sorted(set(self.query) - set(known))
        if unknown:
            raise BadParameter(unknown[0], f"Unknown parameter; use {', '.join(sorted(known))}.")

    def text(self, name: str, max_length: int = 200) -> str | None:
        values = [v.strip() for v in self.query.getlist(name) if v.strip()]
        if not values:
            return None
        if len(values) > 1:
            raise BadParameter(name, "Give this parameter once.")
        if len(values[0]) > max_length:
            raise BadParameter(name, f"Use at most {max_length} characters.")
        return values[0]

    def _typed(self, name: str) -> str | None:
        """A typed value: absent is None, but present and empty is an error."""
        if name in self.query and not self.query.get(name, "").strip():
            raise BadParameter(name, "Give a value, or leave the parameter out.")
        return self.text(name)

    def integer(self, name: str, default: int, low: int, high: int) -> int:
        raw = self._typed(name)
        if raw is None:
            return default
        if not raw.isdigit() or len(raw) > 9:
            raise BadParameter(name, f"{raw!r} is not a whole number.")
        value = int(raw)
        if not low <= value <= high:
            raise BadParameter(name, f"Use a number from {low} to {high}.")
        return value

    def boolean(self, name: str) -> bool:
        raw = self._typed(name)
        if raw is None or raw == "false":
            return False
        if raw == "true":
            return True
        raise BadParameter(name, f"{raw!r}: use true or false.")

    def uuid(self, name: str) -> uuid.UUID | None:
        raw = self._typed(name)
        if raw is None:
            return None
        try:
            return uuid.UUID(raw)
        except ValueError:
            raise BadParameter(name, f"{raw!r} is not an id (a UUID).") from None

    def datetime(self, name: str) -> dt.datetime | None:
        raw = self._typed(name)
        if raw is None:
            return None
        try:
            value = dt.datetime.fromisoformat(raw)
        except ValueError:
            raise BadParameter(
                name, f"{raw!r} is not a date and time: use ISO 8601, like 2026-01-31T12:00:00Z."
            ) from None
        return value if timezone.is_aware(value) else value.replace(tzinfo=dt.UTC)

    def choice(self, name: str, choices: tuple[str, ...], default: str) -> str:
        raw = self._typed(name)
        if raw is None:
            return default
        if raw not in choices:
            raise BadParameter(name, f"Use one of {', '.join(choices)}.")
        return raw


def ndjson_response(rows: Iterator[Any]) -> StreamingHttpResponse:
    """Every result, one JSON document per line, written as it is read."""
    lines = (json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    return StreamingHttpResponse(lines, content_type="application/x-ndjson")
