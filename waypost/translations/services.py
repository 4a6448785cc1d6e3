"""Show data-driven text in the reader's language, or in English marked as such."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString
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

    def html(self, value: str) -> SafeString:
        """Escaped HTML of the value in the page's language; English left marked lang="en"."""
        if not value:
            return SafeString("")
        translated = self.text(value)
        if translated is not None:
            return escape(translated)
        note = gettext("(in English)")
        return format_html('<span lang="en">{}</span> <span class="in-en">{}</span>', value, note)

    def plain(self, value: str) -> str:
        """Plain text for attributes and titles: the translation or the English as is."""
        translated = self.text(value)
        return value if translated is None else translated


ENGLISH = Localizer(settings.LANGUAGE_CODE)


# The fields of each record shown in the reader's language. Citations, bill numbers,
# addresses, phone numbers and the names of organisations and places stay as on file; the
# plain-language text around them is translated.
TRANSLATED_FIELDS: dict[str, tuple[str, ...]] = {
    "LawStatement": ("title", "summary", "classification", "max_jail", "penalty_note"),
    "Law": ("title",),
    "LawChange": ("name", "change"),
    "Program": ("title", "summary"),
    "PlaceFact": ("text",),
    "Service": ("name", "description", "fees_description", "hours_description"),
    "Phone": ("description",),
    "Location": ("area_description",),
    "Fact": ("caveat",),
}
# Records shown with a record: the law a statement is about, the fact carrying the sources.
# Pages read them with the record (select_related), so following them asks nothing more.
SHOWN_WITH: dict[str, tuple[str, ...]] = {
    "LawStatement": ("law", "fact"),
    "LawChange": ("fact",),
    "Program": ("fact",),
    "PlaceFact": ("fact",),
    "EditorialAnswer": ("fact",),
    "Service": ("fact",),
    "Phone": ("fact",),
}


def texts_of(obj: Any, *, shown_with: bool = True) -> list[str]:
    """The translatable text of a record and (`shown_with`) of the records shown with it."""
    name = type(obj).__name__
    out = [getattr(obj, f, "") or "" for f in TRANSLATED_FIELDS.get(name, ())]
    if shown_with:
        for related in SHOWN_WITH.get(name, ()):
            out.extend(texts_of(getattr(obj, related)))
    return out


def localizer_for(
    language: str, objects: Iterable[Any], extra: Iterable[str] = (), *, shown_with: bool = True
) -> Localizer:
    """One query for the translations of everything the records show. A page that shows
    records without their law or fact (the search) passes `shown_with=False`."""
    if language == settings.LANGUAGE_CODE:
        # English pages show the data as written: nothing to gather.
        return Localizer(language)
    texts: list[str] = list(extra)
    for obj in objects:
        texts.extend(texts_of(obj, shown_with=shown_with))
    return Localizer.load(language, texts)
