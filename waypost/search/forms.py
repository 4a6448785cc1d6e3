"""What the search form offers: categories (as a tree), attributes, languages."""

from __future__ import annotations

from dataclasses import dataclass

from waypost.directory.taxonomy import ATTRIBUTE_TAXONOMY, CATEGORY_TAXONOMY
from waypost.search.services import TermIndex

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


def filter_choices(terms: TermIndex) -> tuple[list[Choice], list[Choice]]:
    """The category tree (top categories with their children) and the attributes, by name:
    the form shows them on every search."""
    children: dict[int, list[Choice]] = {}
    for term in terms.rows:
        if term.taxonomy == CATEGORY_TAXONOMY and term.parent_id is not None:
            children.setdefault(term.parent_id, []).append(Choice(term.code, term.name))
    categories = [
        Choice(term.code, term.name, tuple(children.get(term.id, [])))
        for term in terms.rows
        if term.taxonomy == CATEGORY_TAXONOMY and term.parent_id is None
    ]
    attributes = [
        Choice(term.code, term.name) for term in terms.rows if term.taxonomy == ATTRIBUTE_TAXONOMY
    ]
    return categories, attributes
