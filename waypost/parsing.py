"""Strict readers for values typed into URLs: one rule per kind of value, shared by the pages,
the JSON API and the HSDS API.

Python is generous where a URL must not be: `str.isdigit()` and `int()` accept "²" and "١٢",
`fromisoformat()` accepts year 1 with an offset that cannot be moved to UTC, and PostgreSQL
refuses a NUL character in text. Each reader here accepts ASCII digits only, bounds dates to
years a reader could mean, and refuses NUL, raising `InvalidParameter` that names the
parameter, so that what it lets through can be converted and queried on any database.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.http import QueryDict
from django.utils.translation import get_language
from django.utils.translation import gettext as _

NUL = "\x00"
MIN_YEAR = 1900
MAX_YEAR = 2100
# As many characters of a bad value as a message repeats.
SHOWN_LENGTH = 40

_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


class InvalidParameter(ValueError):
    """A parameter whose value cannot be used: `parameter` names it, `message` says why, in
    `language` (messages made here follow the active language; others may be English)."""

    def __init__(self, parameter: str, message: str, language: str | None = None) -> None:
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter
        self.message = message
        self.language = language or settings.LANGUAGE_CODE


def _invalid(parameter: str, message: str) -> InvalidParameter:
    return InvalidParameter(parameter, message, get_language())


def _shown(raw: str) -> str:
    return raw if len(raw) <= SHOWN_LENGTH else raw[:SHOWN_LENGTH] + "…"


def is_digits(raw: str) -> bool:
    """ASCII digits only: "²" and "١٢" are digits to `str.isdigit()`, but not numbers a URL
    may carry."""
    return raw.isascii() and raw.isdigit()


def shown_name(name: str) -> str:
    """A parameter's name as it can be repeated in an answer (a NUL as it was typed)."""
    return name.replace(NUL, "%00")


def refuse_nul(parameter: str, raw: str) -> str:
    if NUL in raw:
        raise _invalid(
            shown_name(parameter),
            _("Remove the NUL character (%(code)s): no value can hold it.") % {"code": "%00"},
        )
    return raw


def refuse_nul_in(query: QueryDict) -> None:
    """Every parameter's name and values, before any of them is read."""
    for name, values in query.lists():
        refuse_nul(name, name)
        for value in values:
            refuse_nul(name, value)


def single_text(parameter: str, values: Iterable[str], max_length: int) -> str | None:
    """One value, stripped: None when absent or blank."""
    given = [refuse_nul(parameter, str(v)).strip() for v in values]
    given = [v for v in given if v]
    if not given:
        return None
    if len(given) > 1:
        raise _invalid(parameter, _("Give this parameter once."))
    if len(given[0]) > max_length:
        raise _invalid(parameter, _("Use at most %(count)d characters.") % {"count": max_length})
    return given[0]


def whole_number(parameter: str, raw: str, low: int, high: int) -> int:
    if not is_digits(raw):
        raise _invalid(
            parameter,
            _("'%(value)s' is not a whole number: use the digits 0 to 9.") % {"value": _shown(raw)},
        )
    # Compared as text first: int() of thousands of digits is slow, or refused.
    if len(raw.lstrip("0")) > len(str(high)) or not low <= int(raw) <= high:
        raise _invalid(
            parameter, _("Use a number from %(low)d to %(high)d.") % {"low": low, "high": high}
        )
    return int(raw)


def decimal(parameter: str, raw: str) -> float:
    """A finite number written with ASCII digits (float() also takes "١٢", "1_0", "nan")."""
    value = float(raw) if _DECIMAL.fullmatch(raw) else math.nan
    if not math.isfinite(value):
        raise _invalid(
            parameter,
            _("'%(value)s' is not a number: use the digits 0 to 9 and a point, like 2.5.")
            % {"value": _shown(raw)},
        )
    return value


def date(parameter: str, raw: str) -> dt.date:
    try:
        value = dt.date.fromisoformat(raw) if raw.isascii() else None
    except ValueError:
        value = None
    if value is None:
        raise _invalid(
            parameter,
            _("'%(value)s' is not a date: use YYYY-MM-DD, like 2023-01-01.")
            % {"value": _shown(raw)},
        )
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise _invalid(
            parameter,
            _("Choose a date between %(first)d and %(last)d.")
            % {"first": MIN_YEAR, "last": MAX_YEAR},
        )
    return value


def date_time(parameter: str, raw: str, malformed: str | None = None) -> dt.datetime:
    """An ISO 8601 date and time, naive or with an offset, as given.

    Bounded to years MIN_YEAR..MAX_YEAR, so that moving it to any time zone stays within the
    years Python can hold (year 1 at +14:00 is before year 1 in UTC). `malformed`: the
    message for a value that is no date and time, in the active language.
    """
    try:
        value = dt.datetime.fromisoformat(raw) if raw.isascii() else None
    except ValueError:
        value = None
    if value is None:
        raise _invalid(
            parameter,
            malformed
            or (
                _("'%(value)s' is not a date and time: use ISO 8601, like 2026-01-31T12:00:00Z.")
                % {"value": _shown(raw)}
            ),
        )
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise _invalid(
            parameter,
            _("Choose a date and time between %(first)d and %(last)d.")
            % {"first": MIN_YEAR, "last": MAX_YEAR},
        )
    return value


def identifier(parameter: str, raw: str) -> uuid.UUID:
    """A UUID in hexadecimal ASCII (uuid.UUID() reads "١" as a hexadecimal digit)."""
    if raw.isascii():
        try:
            return uuid.UUID(raw)
        except ValueError:
            pass
    raise _invalid(parameter, _("'%(value)s' is not an id (a UUID).") % {"value": _shown(raw)})
