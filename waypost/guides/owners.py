"""The record that owns a fact (a law statement, a service, a phone…), and how to name
the fact to a reader who reports it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from waypost.evidence.models import Fact
from waypost.guides.topics import QUESTIONS

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


def describe(fact: Fact) -> str:
    """The fact in words a reader recognises from the page where they saw it."""
    owner = owner_of(fact)
    if owner is None:
        return fact.label
    obj = owner.obj
    if owner.kind == "law_statement":
        law = obj.law
        cite = f" ({law.citation})" if law.citation else ""
        return f"{obj.heading}{cite}, {law.jurisdiction.name}: {obj.summary}"
    if owner.kind == "law_change":
        return f"{obj.bill}: {obj.change}"
    if owner.kind == "program":
        return f"{obj.title}: {obj.summary}"
    if owner.kind == "place_fact":
        return str(obj.text)
    if owner.kind == "answer":
        question = QUESTIONS.get(obj.question)
        asked = str(question.text) if question else obj.question
        return f"{obj.place.name}: {asked}"
    if owner.kind == "service":
        return f"{obj.name} ({obj.organization.name})"
    if owner.kind == "phone":
        return f"{obj.service.name}: {obj.get_type_display()} {obj.number}"
    return fact.label
