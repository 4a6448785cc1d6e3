"""What the search form offers: categories (as a tree), attributes, languages."""

from __future__ import annotations

from dataclasses import dataclass

from waypost.directory.models import TaxonomyTerm
from waypost.directory.taxonomy import ATTRIBUTE_TAXONOMY, CATEGORY_TAXONOMY

# Languages most spoken in US homes after English (Census ACS), by their BCP 47 codes.
LANGUAGES = [
    ("en", "English"),
    ("es", "Español (Spanish)"),
    ("zh", "中文 (Chinese)"),
    ("tl", "Tagalog"),
    ("vi", "Tiếng Việt (Vietnamese)"),
    ("ar", "العربية (Arabic)"),
    ("fr", "Français (French)"),
    ("ko", "한국어 (Korean)"),
    ("ru", "Русский (Russian)"),
    ("ht", "Kreyòl ayisyen (Haitian Creole)"),
    ("pt", "Português (Portuguese)"),
    ("ase", "American Sign Language"),
]


@dataclass(frozen=True)
class Choice:
    code: str
    name: str
    children: tuple[Choice, ...] = ()


def category_choices() -> list[Choice]:
    terms = list(
        TaxonomyTerm.objects.filter(taxonomy__name=CATEGORY_TAXONOMY).values_list(
            "id", "code", "name", "parent_id"
        )
    )
    children: dict[int, list[Choice]] = {}
    for _id, code, name, parent_id in terms:
        if parent_id is not None:
            children.setdefault(parent_id, []).append(Choice(code, name))
    return [
        Choice(code, name, tuple(children.get(term_id, [])))
        for term_id, code, name, parent_id in terms
        if parent_id is None
    ]


def attribute_choices() -> list[Choice]:
    rows = TaxonomyTerm.objects.filter(taxonomy__name=ATTRIBUTE_TAXONOMY).values_list(
        "code", "name"
    )
    return [Choice(code, name) for code, name in rows]
