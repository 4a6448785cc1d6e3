"""What a fact is about, for editors: its kind, its record, the places it belongs to."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from waypost.directory.taxonomy import category_codes_with_descendants
from waypost.evidence.models import Fact

# The reverse one-to-one name of each kind of record that owns a fact, with its label.
KINDS: dict[str, str] = {
    "law_statement": "Law",
    "law_change": "Law change",
    "program": "Program",
    "place_fact": "Place fact",
    "answer": "Editorial answer",
    "service": "Service",
    "phone": "Phone number",
}

OWNER_RELATED = [
    "law_statement__law__jurisdiction",
    "law_change__jurisdiction",
    "program__jurisdiction",
    "place_fact__place",
    "answer__place",
    "service__organization",
    "phone__service",
]


def with_owners(facts: QuerySet[Fact]) -> QuerySet[Fact]:
    return facts.select_related(*OWNER_RELATED)


@dataclass(frozen=True)
class Owner:
    kind: str
    obj: Any

    @property
    def label(self) -> str:
        return KINDS[self.kind]


def owner_of(fact: Fact) -> Owner | None:
    for kind in KINDS:
        try:
            obj = getattr(fact, kind)
        except Exception:
            continue
        if obj is not None:
            return Owner(kind, obj)
    return None


def kind_q(kind: str) -> Q:
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    return Q(**{f"{kind}__isnull": False})


def _under(prefix: str, path: str) -> Q:
    return Q(**{f"{prefix}__path": path}) | Q(**{f"{prefix}__path__startswith": f"{path}/"})


def place_q(path: str) -> Q:
    """Facts about a place or anything inside it (a state's laws, its counties' notes, its
    cities' facts, services located or serving there)."""
    path = path.strip("/")
    return (
        _under("law_statement__law__jurisdiction", path)
        | _under("law_change__jurisdiction", path)
        | _under("program__jurisdiction", path)
        | _under("place_fact__place", path)
        | _under("answer__place", path)
        | _under("service__at_locations__location__place", path)
        | _under("service__areas__place", path)
        | _under("phone__service__at_locations__location__place", path)
        | _under("phone__service__areas__place", path)
    )


def category_q(code: str) -> Q:
    codes = category_codes_with_descendants([code])
    return Q(service__categories__code__in=codes) | Q(phone__service__categories__code__in=codes)
