"""What the search form offers: categories (as a tree), attributes, languages."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection

from waypost.directory.taxonomy import ATTRIBUTE_TAXONOMY, CATEGORY_TAXONOMY
from waypost.search import tables

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


def filter_choices() -> tuple[list[Choice], list[Choice]]:
    """The category tree (top categories with their children) and the attributes, by name,
    in one plain read: the form shows them on every search."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT t.id, t.code, t.name, t.parent_id, x.name FROM {tables.TAXONOMY_TERM} t "
            f"JOIN {tables.TAXONOMY} x ON x.id = t.taxonomy_id WHERE x.name IN (%s, %s) "
            "ORDER BY t.name, t.id",
            [CATEGORY_TAXONOMY, ATTRIBUTE_TAXONOMY],
        )
        terms = cursor.fetchall()
    children: dict[int, list[Choice]] = {}
    for _id, code, name, parent_id, taxonomy in terms:
        if taxonomy == CATEGORY_TAXONOMY and parent_id is not None:
            children.setdefault(parent_id, []).append(Choice(code, name))
    categories = [
        Choice(code, name, tuple(children.get(term_id, [])))
        for term_id, code, name, parent_id, taxonomy in terms
        if taxonomy == CATEGORY_TAXONOMY and parent_id is None
    ]
    attributes = [
        Choice(code, name)
        for _id, code, name, _p, taxonomy in terms
        if taxonomy == ATTRIBUTE_TAXONOMY
    ]
    return categories, attributes
