"""Which fields of the records on a page are shown in the reader's language.

Citations, bill numbers, addresses, phone numbers and the names of organisations and places
stay as they are on file; the plain-language text around them is translated.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from waypost.translations.services import Localizer

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


def texts_of(obj: Any) -> list[str]:
    """The translatable text of a record, of the law it states and of its fact."""
    out = [getattr(obj, f, "") or "" for f in TRANSLATED_FIELDS.get(type(obj).__name__, ())]
    # Only relations already loaded: reading one here would cost a query per item.
    cache = getattr(getattr(obj, "_state", None), "fields_cache", {})
    for related in ("law", "fact"):
        if cache.get(related) is not None:
            out.extend(texts_of(cache[related]))
    return out


def localizer_for(language: str, objects: Iterable[Any], extra: Iterable[str] = ()) -> Localizer:
    texts: list[str] = list(extra)
    for obj in objects:
        texts.extend(texts_of(obj))
    return Localizer.load(language, texts)
