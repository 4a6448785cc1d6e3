"""URLs in the reader's language: English has no prefix, every other language has /<code>."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import get_language

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
