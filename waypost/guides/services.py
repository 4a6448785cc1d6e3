"""Compose a city guide: the place's jurisdiction chain, each question's blocks, citations.

The same composition feeds the HTML page and its JSON twin. All data for a page is read
in a fixed handful of queries up front; blocks then filter in memory, so the cost of a
guide does not grow with the number of questions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.conf import settings

from waypost.directory.models import Service
from waypost.directory.services import NearbyService, hotlines_for, services_near
from waypost.directory.taxonomy import category_codes_with_descendants
from waypost.evidence.models import Fact
from waypost.guides import editorial
from waypost.guides.citations import CitationRegistry, Evidence, evidence_for
from waypost.guides.models import EditorialAnswer, PlaceFact
from waypost.guides.topics import TOPICS, BlockSpec, Question, Topic
from waypost.laws.models import Law, LawChange, Program
from waypost.places.models import Place, PlaceKind

FACT_PREFETCH = ("fact__citations__source",)


@dataclass(frozen=True)
class Item:
    """One fact on the page: the record and its evidence (sources, status, check date)."""

    obj: Any
    evidence: Evidence
    distance_mi: float | None = None
    local: bool = False
    phones: tuple[Item, ...] = ()


@dataclass(frozen=True)
class Block:
    kind: str
    items: tuple[Item, ...]
    heading: str = ""


@dataclass(frozen=True)
class Answer:
    question: Question
    editorial_html: str
    editorial: Item | None
    blocks: tuple[Block, ...]

    @property
    def is_empty(self) -> bool:
        return not self.editorial_html and not any(b.items for b in self.blocks)


@dataclass(frozen=True)
class TopicSection:
    topic: Topic
    answers: tuple[Answer, ...]


@dataclass
class Guide:
    place: Place
    on: dt.date
    language: str
    chain: list[Place]
    hotlines: list[Item] = field(default_factory=list)
    about: list[Item] = field(default_factory=list)
    sections: list[TopicSection] = field(default_factory=list)
    repealed: list[Item] = field(default_factory=list)
    sources: list[Any] = field(default_factory=list)

    @property
    def answers(self) -> list[Answer]:
        return [a for s in self.sections for a in s.answers]


class GuideComposer:
    def __init__(self, place: Place, on: dt.date, language: str = "en") -> None:
        self.place = place
        self.on = on
        self.language = language
        self.chain = place.jurisdiction_chain()
        self.registry = CitationRegistry()

    def item(self, obj: Any, **extra: Any) -> Item:
        return Item(obj, evidence_for(obj.fact, self.registry, self.on), **extra)

    # -- everything a page needs, read once ---------------------------------------------
    @cached_property
    def laws(self) -> list[Law]:
        return list(
            Law.objects.for_places(self.chain)
            .select_related("jurisdiction", "fact")
            .prefetch_related(*FACT_PREFETCH, "changes")
            .order_by("jurisdiction__path", "topic", "citation")
        )

    @cached_property
    def law_changes(self) -> list[LawChange]:
        return list(
            LawChange.objects.filter(jurisdiction__in=self.chain)
            .select_related("jurisdiction", "fact")
            .prefetch_related(*FACT_PREFETCH)
        )

    @cached_property
    def programs(self) -> list[Program]:
        return list(
            Program.objects.for_places(self.chain)
            .in_force(self.on)
            .select_related("jurisdiction", "fact")
            .prefetch_related(*FACT_PREFETCH)
        )

    @cached_property
    def nearby(self) -> list[NearbyService]:
        if self.place.latitude is None or self.place.longitude is None:
            return []
        return services_near(self.place.latitude, self.place.longitude, settings.NEARBY_RADIUS_MI)

    @cached_property
    def hotline_services(self) -> list[Service]:
        return hotlines_for(self.chain)

    @cached_property
    def place_facts(self) -> list[PlaceFact]:
        return list(
            PlaceFact.objects.filter(place__in=self.chain)
            .select_related("fact")
            .prefetch_related(*FACT_PREFETCH)
        )

    @cached_property
    def answers_written(self) -> dict[str, EditorialAnswer]:
        """The editorial answer per question from the most specific level that has one."""
        depth = {p.pk: i for i, p in enumerate(self.chain)}
        found: dict[str, EditorialAnswer] = {}
        rows = (
            EditorialAnswer.objects.filter(place__in=self.chain, language=self.language)
            .select_related("fact")
            .prefetch_related(*FACT_PREFETCH)
        )
        for answer in sorted(rows, key=lambda a: depth[a.place_id]):
            found[answer.question] = answer  # deeper levels override broader ones
        return found

    # -- blocks -------------------------------------------------------------------------
    def _service_item(self, service: Service, distance: float | None, local: bool) -> Item:
        phones = tuple(self.item(p) for p in service.phones.all())
        return self.item(service, distance_mi=distance, local=local, phones=phones)

    def block(self, spec: BlockSpec, question: Question) -> Block:
        items: list[Item] = []
        if spec.kind in ("laws", "penalties"):
            in_force = [law for law in self.laws if law.in_force_on(self.on)]
            chosen = [law for law in in_force if law.topic in spec.law_topics]
            if spec.kind == "penalties":
                chosen = [
                    law
                    for law in chosen
                    if law.classification or law.max_jail or law.max_fine_usd is not None
                ]
            items = [self.item(law) for law in chosen]
        elif spec.kind == "law_changes":
            changes = [
                c for c in self.law_changes if c.effective_on is None or c.effective_on <= self.on
            ]
            changes.sort(key=lambda c: c.effective_on or c.signed_on or dt.date.min, reverse=True)
            items = [self.item(c) for c in changes]
        elif spec.kind == "programs":
            items = [self.item(p) for p in self.programs if p.kind in spec.program_kinds]
        elif spec.kind == "services":
            wanted = category_codes_with_descendants(list(spec.categories))
            for near in self.nearby:
                if near.category_codes & wanted:
                    local = near.location.place_id == self.place.pk
                    items.append(self._service_item(near.service, near.distance_mi, local))
        elif spec.kind == "hotlines":
            wanted = category_codes_with_descendants(list(spec.categories))
            for service in self.hotline_services:
                if {t.code for t in service.categories.all()} & wanted:
                    items.append(self._service_item(service, None, False))
        elif spec.kind == "place_facts":
            items = [self.item(f) for f in self.place_facts if f.question == question.slug]
        else:
            raise ValueError(f"unknown block kind {spec.kind!r}")
        return Block(spec.kind, tuple(items), str(spec.heading))

    def answer(self, question: Question) -> Answer:
        written = self.answers_written.get(question.slug)
        html = ""
        editorial_item = None
        if written is not None:
            editorial_item = self.item(written)
            keys = editorial.marker_keys(written.body)
            sources = {c.source.key: c.source for c in written.fact.citations.all()}
            numbers = {key: self.registry.number(sources[key]) for key in keys if key in sources}
            html = editorial.render(written.body, numbers)
        blocks = tuple(self.block(spec, question) for spec in question.blocks)
        return Answer(question, html, editorial_item, blocks)

    def compose(self) -> Guide:
        guide = Guide(self.place, self.on, self.language, self.chain)
        # Page order is citation order: hotlines, then facts about the place, then topics.
        guide.hotlines = [self._service_item(s, None, False) for s in self.hotline_services]
        guide.about = [self.item(f) for f in self.place_facts if f.question == "about"]
        guide.sections = [
            TopicSection(topic, tuple(self.answer(q) for q in topic.questions)) for topic in TOPICS
        ]
        guide.repealed = [
            self.item(law)
            for law in self.laws
            if law.effective_to is not None and law.effective_to < self.on
        ]
        guide.sources = list(self.registry.sources)
        return guide


def compose_guide(place: Place, on: dt.date | None = None, language: str = "en") -> Guide:
    if place.kind != PlaceKind.CITY:
        raise ValueError("guides are composed for cities")
    return GuideComposer(place, on or dt.date.today(), language).compose()


def unchecked_facts(guide: Guide) -> list[Fact]:
    """Facts on the page that must not be presented as settled (for tests and editors)."""
    items = [*guide.hotlines, *guide.about, *guide.repealed]
    for answer in guide.answers:
        if answer.editorial:
            items.append(answer.editorial)
        for block in answer.blocks:
            items.extend(block.items)
    return [i.obj.fact for i in items if not i.evidence.settled]
