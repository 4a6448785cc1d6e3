"""Show data-driven text in the reader's language, or in English marked as such."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from django.conf import settings
from django.utils.translation import gettext

from waypost.translations.models import Translation, text_key


class Localizer:
    """The translations one page needs, read in one query."""

    def __init__(self, language: str, table: dict[str, str] | None = None) -> None:
        self.language = language
        self.table = table or {}

    @property
    def is_source_language(self) -> bool:
        return self.language == settings.LANGUAGE_CODE

    @classmethod
    def load(cls, language: str, texts: Iterable[str]) -> Localizer:
        if language == settings.LANGUAGE_CODE:
            return cls(language)
        wanted = {text_key(t): t for t in texts if t}
        rows = Translation.objects.filter(language=language, source_key__in=list(wanted))
        return cls(language, {row.source: row.text for row in rows.only("source", "text")})

    def text(self, value: str) -> str | None:
        """The translation, or None when the page must show the English."""
        if self.is_source_language or not value:
            return value
        return self.table.get(value)

    def html(self, value: str) -> str:
        """Escaped HTML of the value in the page's language; English left marked lang="en"."""
        if not value:
            return ""
        translated = self.text(value)
        if translated is not None:
            return escape(translated)
        note = escape(gettext("(in English)"))
        return f'<span lang="en">{escape(value)}</span> <span class="in-en">{note}</span>'

    def plain(self, value: str) -> str:
        """Plain text for attributes and titles: the translation or the English as is."""
        translated = self.text(value)
        return value if translated is None else translated


ENGLISH = Localizer(settings.LANGUAGE_CODE)
