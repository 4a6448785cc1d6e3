"""HSDS field values: each column's kind, and the conversion of CSV text or JSON values to Python.

One set of rules serves the JSON documents and the tabular package, so both forms accept and
refuse the same values with the same words.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import uuid
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator


class BadValue(ValueError):
    """A value that cannot be read; the message says why, the caller says where."""


@dataclass(frozen=True)
class Column:
    name: str
    kind: str = "text"  # text, uuid, int, number, date, datetime, time, email, uri
    required: bool = False
    choices: tuple[str, ...] = ()


_email = EmailValidator()
_url = URLValidator(schemes=["http", "https", "ftp", "ftps", "mailto", "tel"])
_TIME = re.compile(r"^(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")


def is_empty(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and raw.strip() == "")


def convert(column: Column, raw: Any) -> Any:
    """The Python value of one field, or None when it is empty (BadValue when unreadable)."""
    if is_empty(raw):
        if column.required:
            raise BadValue("is required")
        return None
    kind = column.kind
    if kind in ("text", "email", "uri"):
        if not isinstance(raw, str | int | float) or isinstance(raw, bool):
            raise BadValue(f"must be text, not {type(raw).__name__}")
        text = str(raw).strip() if kind != "text" else str(raw)
        if column.choices and text not in column.choices:
            raise BadValue(f"{text!r} is not one of {', '.join(column.choices)}")
        try:
            if kind == "email":
                _email(text)
            elif kind == "uri":
                _url(text)
        except ValidationError:
            raise BadValue(
                f"{text!r} is not a valid {'e-mail address' if kind == 'email' else 'URL'}"
            ) from None
        return text
    if kind == "uuid":
        try:
            return uuid.UUID(str(raw))
        except ValueError:
            raise BadValue(f"{raw!r} is not a UUID") from None
    if kind in ("int", "number"):
        return _number(raw, integer=kind == "int")
    if kind == "date":
        try:
            return dt.date.fromisoformat(str(raw).strip())
        except ValueError:
            raise BadValue(f"{raw!r} is not a date (YYYY-MM-DD)") from None
    if kind == "datetime":
        text = str(raw).strip()
        try:
            value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise BadValue(f"{raw!r} is not a date and time (ISO 8601)") from None
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    if kind == "time":
        match = _TIME.match(str(raw).strip())
        if not match or int(match[1]) > 23 or int(match[2]) > 59 or int(match[3] or 0) > 59:
            raise BadValue(f"{raw!r} is not a time (HH:MM or HH:MM:SS)")
        return dt.time(int(match[1]), int(match[2]), int(match[3] or 0))
    raise AssertionError(f"unknown column kind {kind}")


def _number(raw: Any, *, integer: bool) -> float | int:
    if isinstance(raw, bool):
        raise BadValue(f"{raw!r} is not a number")
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise BadValue(f"{raw!r} is not a number") from None
    if not math.isfinite(value):
        raise BadValue(f"{raw!r} is not a number")
    if integer:
        if value != int(value):
            raise BadValue(f"{raw!r} is not a whole number")
        if value < 0:
            raise BadValue(f"{raw!r} must not be negative")
        return int(value)
    return value


def iso_time(value: dt.time) -> str:
    return value.strftime("%H:%M:%S")
