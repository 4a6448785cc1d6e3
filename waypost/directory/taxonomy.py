"""Waypost's category tree and attribute list (HSDS taxonomy terms).

Data files name categories and attributes in words ("STI testing", "no ID required");
the loader turns each into a code with `term_code` and refuses names not listed here.
"""

from __future__ import annotations

from django.db import transaction

from waypost.directory.models import Taxonomy, TaxonomyTerm
from waypost.places.text import place_slug

CATEGORY_TAXONOMY = "waypost-categories"
ATTRIBUTE_TAXONOMY = "waypost-attributes"

# (code, name, children)
CATEGORY_TREE: list[tuple[str, str, list[tuple[str, str]]]] = [
    (
        "health",
        "Health care",
        [
            ("sti-testing", "STI testing"),
            ("hiv-testing", "HIV testing"),
            ("primary-care", "Primary care"),
            ("gender-affirming-care", "Gender-affirming care"),
            ("mental-health", "Mental health"),
        ],
    ),
    (
        "harm-reduction-and-substance-use",
        "Harm reduction and substance use",
        [
            ("harm-reduction", "Harm reduction"),
            ("syringe-services", "Syringe services"),
            ("naloxone", "Naloxone"),
            ("substance-use-treatment", "Substance use treatment"),
            ("substance-use", "Substance use help"),
        ],
    ),
    (
        "safety-and-crisis",
        "Safety and crisis",
        [
            ("crisis", "Crisis support"),
            ("sexual-assault", "Sexual assault support"),
            ("domestic-violence", "Domestic violence support"),
            ("shelter", "Shelter"),
            ("counselling", "Counselling"),
            ("child-advocacy", "Child advocacy"),
            ("victim-compensation", "Crime victim compensation"),
        ],
    ),
    (
        "support-and-leaving",
        "Support and leaving sex work",
        [
            ("case-management", "Case management"),
            ("information-and-referral", "Information and referral (211)"),
            ("housing-help", "Housing help"),
            ("education-and-job-training", "Education and job training"),
            ("exit-services", "Exit services"),
            ("outreach", "Outreach"),
            ("peer-support", "Peer support"),
            ("trafficking-survivor-services", "Trafficking survivor services"),
            ("trafficking", "Trafficking help"),
        ],
    ),
    (
        "lgbtq-services",
        "LGBTQ+ services",
        [
            ("lgbtq-support", "LGBTQ+ support"),
            ("lgbtq", "LGBTQ+ help"),
        ],
    ),
    (
        "legal",
        "Legal help",
        [
            ("legal-help", "Legal help"),
            ("immigration-legal-help", "Immigration legal help"),
        ],
    ),
]

ATTRIBUTES: list[tuple[str, str]] = [
    ("free", "Free"),
    ("low-cost", "Low cost"),
    ("no-id-required", "No ID required"),
    ("confidential", "Confidential"),
    ("anonymous", "Anonymous"),
    ("no-police-involvement", "No police involvement"),
    ("walk-in", "Walk-in"),
    ("lgbtq-affirming", "LGBTQ+ affirming"),
    ("serves-minors", "Serves minors"),
    ("immigrant-safe", "Immigrant-safe"),
]


def term_code(name: str) -> str:
    """'LGBTQ+ support' → 'lgbtq-support': how data files' words find a term."""
    return place_slug(name)


@transaction.atomic
def ensure_taxonomies() -> None:
    """Create or update the category tree and the attributes (idempotent)."""
    categories, _ = Taxonomy.objects.get_or_create(
        name=CATEGORY_TAXONOMY, defaults={"description": "Waypost service categories"}
    )
    for code, name, children in CATEGORY_TREE:
        parent, _ = TaxonomyTerm.objects.update_or_create(
            taxonomy=categories, code=code, defaults={"name": name, "parent": None}
        )
        for child_code, child_name in children:
            TaxonomyTerm.objects.update_or_create(
                taxonomy=categories,
                code=child_code,
                defaults={"name": child_name, "parent": parent},
            )
    attributes, _ = Taxonomy.objects.get_or_create(
        name=ATTRIBUTE_TAXONOMY, defaults={"description": "What readers filter services on"}
    )
    for code, name in ATTRIBUTES:
        TaxonomyTerm.objects.update_or_create(
            taxonomy=attributes, code=code, defaults={"name": name}
        )


def category_codes_with_descendants(codes: list[str]) -> set[str]:
    """A category stands for itself and everything under it."""
    wanted = set(codes)
    for code, _name, children in CATEGORY_TREE:
        if code in wanted:
            wanted.update(child for child, _ in children)
    return wanted
