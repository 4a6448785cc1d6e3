"""Name handling shared by the gazetteer, search and the data loaders."""

import re
import unicodedata

from django.utils.text import slugify

_NON_WORD = re.compile(r"[^a-z0-9]+")
_SAINT = re.compile(r"^(st|ste)\b\.?\s*", re.IGNORECASE)


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def normalize_name(name: str) -> str:
    """The key a place name is matched by: 'Cañon City' and 'canon city' share one.

    Apostrophes vanish rather than split words ("Coeur d'Alene" → "coeur dalene"),
    and "St." / "Saint" are the same word, as readers type either.
    """
    text = strip_accents(name).lower().replace("'", "").replace("\u2019", "")
    text = _SAINT.sub("saint ", text)
    return _NON_WORD.sub(" ", text).strip()


def place_slug(name: str) -> str:
    """URL slug for a place: ASCII, hyphenated, apostrophes dropped ('coeur-dalene')."""
    return slugify(strip_accents(name).replace("'", "").replace("\u2019", ""))
