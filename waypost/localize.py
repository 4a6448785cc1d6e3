"""URLs in the reader's language: English has no prefix, every other language has /<code>."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext

OTHER_LANGUAGES = [code for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def language_prefix(language: str | None = None) -> str:
    code = language or get_language() or settings.LANGUAGE_CODE
    return "" if code == settings.LANGUAGE_CODE else f"/{code}"


def unprefixed(path: str) -> str:
    """The English path of a page in any language: /es/us/ct/norwalk/ → /us/ct/norwalk/."""
    for code in OTHER_LANGUAGES:
        if path == f"/{code}" or path.startswith(f"/{code}/"):
            return path[len(code) + 1 :] or "/"
    return path


def in_language(path: str, language: str) -> str:
    return language_prefix(language) + unprefixed(path)


# A guide repeats the same few labels and check dates hundreds of times; catalogues are
# loaded once per process, so each (language, text) pair is translated or formatted once.
_MEMO_LIMIT = 20_000
_gettext_memo: dict[tuple[str, str], str] = {}
_day_memo: dict[tuple[str, dt.date], str] = {}


def gettext_memo(message: str) -> str:
    key = (get_language() or settings.LANGUAGE_CODE, message)
    found = _gettext_memo.get(key)
    if found is None:
        found = gettext(message)
        if len(_gettext_memo) < _MEMO_LIMIT:
            _gettext_memo[key] = found
    return found


def short_day(value: dt.date) -> str:
    """ "3 Nov 2026" in English, "3 nov 2026" in Spanish."""
    key = (get_language() or settings.LANGUAGE_CODE, value)
    found = _day_memo.get(key)
    if found is None:
        found = date_format(value, "j M Y")
        if len(_day_memo) < _MEMO_LIMIT:
            _day_memo[key] = found
    return found
