"""URLs in the reader's language: English has no prefix, every other language has /<code>."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import Choices
from django.urls import get_script_prefix, get_urlconf, reverse
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
_label_memo: dict[tuple[str, type[Choices], Any], str] = {}
# Addresses are more varied (a report link per fact, a page per service): a larger limit.
_URL_MEMO_LIMIT = 100_000
_url_memo: dict[tuple[Any, ...], str] = {}


def gettext_memo(message: str) -> str:
    key = (get_language() or settings.LANGUAGE_CODE, message)
    found = _gettext_memo.get(key)
    if found is None:
        found = gettext(message)
        if len(_gettext_memo) < _MEMO_LIMIT:
            _gettext_memo[key] = found
    return found


def short_day(value: dt.date) -> str:
    """ "3 Jan 2026" in English, "3 Ene 2026" in Spanish."""
    key = (get_language() or settings.LANGUAGE_CODE, value)
    found = _day_memo.get(key)
    if found is None:
        found = date_format(value, "j M Y")
        if len(_day_memo) < _MEMO_LIMIT:
            _day_memo[key] = found
    return found


def choice_label(choices: type[Choices], value: Any) -> str:
    """A choice's label in the reader's language ("Monday", "lunes"): what get_FOO_display
    gives, without building and hashing the whole list of choices for every call."""
    key = (get_language() or settings.LANGUAGE_CODE, choices, value)
    found = _label_memo.get(key)
    if found is None:
        try:
            found = str(choices(value).label)
        except ValueError:
            found = str(value)
        if len(_label_memo) < _MEMO_LIMIT:
            _label_memo[key] = found
    return found


def address(viewname: str, *args: Any, **kwargs: Any) -> str:
    """reverse(), in the active language, remembered: a guide names a hundred addresses (a
    report link beside each fact, its services' pages), most of them on every guide of its
    state, and resolving each anew was a large part of a page's time."""
    key = (
        get_language(),
        get_script_prefix(),
        get_urlconf() or settings.ROOT_URLCONF,
        viewname,
        args,
        tuple(sorted(kwargs.items())),
    )
    found = _url_memo.get(key)
    if found is None:
        found = reverse(viewname, args=args or None, kwargs=kwargs or None)
        if len(_url_memo) < _URL_MEMO_LIMIT:
            _url_memo[key] = found
    return found
