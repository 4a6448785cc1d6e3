"""HSDS field values: each column's kind, and the conversion of CSV text or JSON values to Python.

One set of rules serves the JSON documents and the tabular package, so both forms accept and
refuse the same values with the same words.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import uuid
from collections.abc import Callable
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
    # The longest text the model field keeps (see `tables`), and a number's range.
    max_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None

    def check_text(self, text: str) -> str:
        """Text a database keeps as it is: PostgreSQL refuses NUL and text past the length
        of its column, and SQLite would keep what PostgreSQL refuses."""
        if "\x00" in text:
            raise BadValue("contains a NUL character")
        if self.max_length is not None and len(text) > self.max_length:
            raise BadValue(f"is {len(text)} characters long; at most {self.max_length} are kept")
        return text

    def check_number(self, value: float) -> float:
        if (self.minimum is not None and value < self.minimum) or (
            self.maximum is not None and value > self.maximum
        ):
            raise BadValue(f"{value:g} is not between {self.minimum:g} and {self.maximum:g}")
        return value


_email = EmailValidator()
_url = URLValidator(schemes=["http", "https", "ftp", "ftps", "mailto", "tel"])
_TIME = re.compile(r"^(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")
_HEX32 = re.compile(r"[0-9a-fA-F]{32}")

# HSDS ids are kept as 32 lowercase hex digits (what SQLite stores): building a uuid.UUID
# for each of the millions of ids a national import reads cost more than the rest of a row.
HsdsId = str


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
        text = column.check_text(str(raw).strip() if kind != "text" else str(raw))
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
        return parse_id(raw)
    if kind in ("int", "number"):
        return column.check_number(_number(raw, integer=kind == "int"))
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


def parse_id(raw: Any) -> HsdsId:
    """A UUID in any form uuid.UUID reads, as 32 lowercase hex digits."""
    if isinstance(raw, str):
        plain = raw.replace("-", "")
        if len(plain) == 32 and _HEX32.fullmatch(plain):
            return plain.lower()
    try:
        return uuid.UUID(str(raw)).hex
    except ValueError:
        raise BadValue(f"{raw!r} is not a UUID") from None


def show_id(hsds_id: Any) -> str:
    """An id as people write it (with hyphens), for messages."""
    try:
        return str(uuid.UUID(str(hsds_id)))
    except ValueError:
        return str(hsds_id)


def not_found(what: str, hsds_id: Any) -> str:
    """The refusal of a reference that names no record: the same words from every reader."""
    return f"names {what} {show_id(hsds_id)}, which is neither in this import nor in the database"


def cell_converter(column: Column) -> Callable[[str], Any]:
    """The conversion of one CSV cell of this column, chosen once per column: the same
    values and refusals as `convert`, without deciding the column's kind for every cell."""
    kind, required, choices = column.kind, column.required, column.choices

    def empty(cell: str) -> bool:
        return not cell or cell.isspace()

    if kind == "text" and not choices:
        check = column.check_text

        def text(cell: str) -> Any:
            if empty(cell):
                if required:
                    raise BadValue("is required")
                return None
            return check(cell)

        return text
    if kind == "uuid":

        def hsds_id(cell: str) -> Any:
            plain = cell.replace("-", "")
            if len(plain) == 32 and _HEX32.fullmatch(plain):
                return plain.lower()
            if empty(cell):
                if required:
                    raise BadValue("is required")
                return None
            return parse_id(cell)

        return hsds_id

    if kind == "text":  # with choices
        allowed = frozenset(choices)

        def choice(cell: str) -> Any:
            if cell in allowed:
                return cell
            if not required and empty(cell):
                return None
            return convert(column, cell)  # the refusal, in convert's words

        return choice
    if kind in ("int", "number"):
        integer = kind == "int"

        def number(cell: str) -> Any:
            if not required and empty(cell):
                return None
            return column.check_number(_number(cell, integer=integer))

        return number
    # Dates and times repeat (opening hours, a file's one modification time): each distinct
    # text is read once. The memory is bounded: past MEMO_SIZE texts, new ones are not kept.
    memo: dict[str, Any] = {}

    def general(cell: str) -> Any:
        if not required and empty(cell):
            return None
        found = memo.get(cell)
        if found is None:
            found = convert(column, cell)
            if len(memo) < MEMO_SIZE and kind in ("date", "datetime", "time"):
                memo[cell] = found
        return found

    return general


MEMO_SIZE = 4096
_HEX32_LINES = re.compile(r"(?:[0-9a-fA-F]{32}\n)*[0-9a-fA-F]{32}")


def column_converter(column: Column) -> Callable[[list[str]], list[Any]]:
    """The conversion of a whole column of CSV cells (one batch of rows): the values
    `cell_converter` gives cell by cell, with the common cases done in a few calls for the
    column rather than one per cell. Raises BadValue when some cell is refused; the caller
    then asks `cell_converter` which one, and why."""
    kind, choices = column.kind, column.choices
    cell = cell_converter(column)

    def each(cells: list[str]) -> list[Any]:
        return list(map(cell, cells))

    def distinct(cells: list[str]) -> list[Any]:
        # Dates, times, e-mails and URLs repeat within a batch: each text is read once.
        read = {text: cell(text) for text in set(cells)}
        return list(map(read.__getitem__, cells))

    def blank(cells: list[str]) -> list[Any] | None:
        """The values of a column empty throughout (common: optional columns); None when
        some cell has text."""
        if any(cells):
            return None
        return each(cells) if column.required else [None] * len(cells)

    if kind == "uuid":

        def ids(cells: list[str]) -> list[Any]:
            found = blank(cells)
            if found is not None:
                return found
            # One pass over the batch's ids joined: each line must be 32 hex digits once the
            # hyphens are gone (what `cell_converter` checks of each).
            plain = "\n".join(cells).replace("-", "")
            if _HEX32_LINES.fullmatch(plain):
                found = plain.lower().split("\n")
                if len(found) == len(cells):
                    return found
            return each(cells)

        return ids
    if kind == "text" and not choices:
        longest = column.max_length

        def text(cells: list[str]) -> list[Any]:
            found = blank(cells)
            if found is not None:
                return found
            if (
                any(map(str.isspace, cells))
                or (column.required and "" in cells)
                or (longest is not None and max(map(len, cells)) > longest)
                or "\x00" in "".join(cells)
            ):
                return each(cells)
            return [text or None for text in cells] if "" in cells else cells

        return text
    if kind == "text":
        allowed = frozenset(choices)

        def choice(cells: list[str]) -> list[Any]:
            return cells if allowed.issuperset(cells) else each(cells)

        return choice
    if kind == "number":

        def number(cells: list[str]) -> list[Any]:
            found = blank(cells)
            if found is not None:
                return found
            try:
                values = list(map(float, cells))
            except ValueError:
                return each(cells)
            if not all(map(math.isfinite, values)):
                return each(cells)
            low, high = column.minimum, column.maximum
            if (low is not None and min(values) < low) or (high is not None and max(values) > high):
                return each(cells)
            return values

        return number
    if kind == "int":

        def integer(cells: list[str]) -> list[Any]:
            found = blank(cells)
            return each(cells) if found is None else found

        return integer
    return distinct


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
