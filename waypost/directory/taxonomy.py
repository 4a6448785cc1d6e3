"""Waypost's category tree and attribute list (HSDS taxonomy terms).

Data files name categories and attributes in words ("STI testing", "no ID required");
the loader turns each into a code with `term_code` and refuses names not listed here.
"""

from __future__ import annotations

import uuid

from django.db import transaction

from waypost.directory.models import Taxonomy, TaxonomyTerm
from waypost.places.text import place_slug

CATEGORY_TAXONOMY = "waypost-categories"
ATTRIBUTE_TAXONOMY = "waypost-attributes"
# Waypost's own taxonomies and terms carry the same HSDS ids on every instance (uuid5 of
# this namespace and their names), so what one instance exports names the same terms on
# any other, and an attribute's id (derived from its term's) is stable too.
ID_NAMESPACE = uuid.UUID("0ef50815-b945-4b6b-9b49-23c13e142806")


def stable_id(taxonomy: str, code: str = "") -> uuid.UUID:
    """The HSDS id of one of Waypost's taxonomies (no code) or of one of its terms."""
    return uuid.uuid5(ID_NAMESPACE, f"{taxonomy}/{code}" if code else taxonomy)


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
    categories = _taxonomy(CATEGORY_TAXONOMY, "Waypost service categories")
    for code, name, children in CATEGORY_TREE:
        parent = _term(categories, code, name, None)
        for child_code, child_name in children:
            _term(categories, child_code, child_name, parent)
    attributes = _taxonomy(ATTRIBUTE_TAXONOMY, "What readers filter services on")
    for code, name in ATTRIBUTES:
        _term(attributes, code, name, None)


def _taxonomy(name: str, description: str) -> Taxonomy:
    taxonomy, _ = Taxonomy.objects.update_or_create(
        name=name,
        defaults={"hsds_id": stable_id(name)},
        create_defaults={"hsds_id": stable_id(name), "description": description},
    )
    return taxonomy


def _term(taxonomy: Taxonomy, code: str, name: str, parent: TaxonomyTerm | None) -> TaxonomyTerm:
    term, _ = TaxonomyTerm.objects.update_or_create(
        taxonomy=taxonomy,
        code=code,
        defaults={"name": name, "parent": parent, "hsds_id": stable_id(taxonomy.name, code)},
    )
    return term


def category_codes_with_descendants(codes: list[str]) -> set[str]:
    """A category stands for itself and everything under it."""
    wanted = set(codes)
    for code, _name, children in CATEGORY_TREE:
        if code in wanted:
            wanted.update(child for child, _ in children)
    return wanted
