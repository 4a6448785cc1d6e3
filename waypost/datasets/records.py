"""Typed reading of one record of a data file, with errors that name the record and field."""

from __future__ import annotations

import datetime as dt
from typing import Any

from waypost.datasets.errors import DataFileError


class Record:
    def __init__(self, file: str, label: str, data: Any) -> None:
        self.file = file
        self.label = label
        if not isinstance(data, dict):
            raise DataFileError(file, label, None, "must be a JSON object")
        self.data: dict[str, Any] = data

    def error(self, field: str | None, reason: str) -> DataFileError:
        return DataFileError(self.file, self.label, field, reason)

    def has(self, field: str) -> bool:
        return self.data.get(field) not in (None, "", [])

    def text(self, field: str, *, required: bool = False, max_length: int = 0) -> str:
        value = self.data.get(field)
        if value is None or value == "":
            if required:
                raise self.error(field, "is missing")
            return ""
        if not isinstance(value, str):
            raise self.error(field, f"must be text, not {type(value).__name__}")
        value = value.strip()
        if max_length and len(value) > max_length:
            raise self.error(field, f"is longer than {max_length} characters")
        return value

    def date(self, field: str) -> dt.date | None:
        value = self.data.get(field)
        if value is None or value == "":
            return None
        if not isinstance(value, str):
            raise self.error(field, f"{value!r} is not a date (YYYY-MM-DD)")
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise self.error(field, f"{value!r} is not a date (YYYY-MM-DD)") from None

    def whole_number(self, field: str) -> int | None:
        value = self.data.get(field)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self.error(field, f"{value!r} is not a whole number of zero or more")
        return value

    def flag(self, field: str) -> bool:
        value = self.data.get(field, False)
        if not isinstance(value, bool):
            raise self.error(field, f"{value!r} is not true or false")
        return value

    def text_list(self, field: str, *, required: bool = False) -> list[str]:
        value = self.data.get(field)
        if value is None or value == []:
            if required:
                raise self.error(field, "is missing")
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise self.error(field, "must be a list of text")
        return [v.strip() for v in value]

    def records(self, field: str) -> list[Record]:
        value = self.data.get(field)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.error(field, "must be a list")
        return [
            Record(self.file, f"{self.label}.{field}[{i}]", item) for i, item in enumerate(value)
        ]

    def record(self, field: str) -> Record | None:
        """A nested object, checked as a record of its own (its errors name the path)."""
        value = self.data.get(field)
        if value is None:
            return None
        return Record(self.file, f"{self.label}.{field}", value)

    def choices(self, field: str, allowed: list[str]) -> list[str]:
        """A non-empty list, each value one of `allowed`."""
        values = self.text_list(field, required=True)
        for value in values:
            if value not in allowed:
                raise self.error(field, f"{value!r} is not one of {', '.join(allowed)}")
        return values

    def choice(self, field: str, allowed: list[str], *, default: str = "") -> str:
        value = self.text(field) or default
        if value not in allowed:
            raise self.error(field, f"{value!r} is not one of {', '.join(allowed)}")
        return value
