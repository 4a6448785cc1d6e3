"""Compose a city guide: the place's jurisdiction chain, each question's blocks, citations.

The same composition feeds the HTML page and its JSON twin. All data for a page is read
up front, most of it kept in the cache for every page that shows it (guides/shared.py);
blocks then filter in memory, so the cost of a guide does not grow with the number of
questions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.conf import settings

from waypost.dataversion.services import of_page
from waypost.directory.models import Location, Phone, Schedule, Service
from waypost.directory.services import (
    NearbyService,
    ServiceTerms,
    hotline_order,
    locations_near,
    nearby_from,
    nearest_per_category,
)
from waypost.directory.taxonomy import category_codes_with_descendants
from waypost.evidence.models import Fact, Source
from waypost.guides import editorial, shared
from waypost.guides.citations import CitationRegistry, Evidence, evidence_for
from waypost.guides.models import EditorialAnswer, PlaceFact
from waypost.guides.topics import TOPICS, BlockSpec, Question, Topic
from waypost.laws.models import LawChange, LawStatement, Program
from waypost.places.models import Place, PlaceKind
from waypost.translations.services import ENGLISH, Localizer, localizer_for


@dataclass(frozen=True)
class Item:
    """One fact on the page: the record and its evidence (sources, status, check date)."""

    obj: Any
    evidence: Evidence
    distance_mi: float | None = None
    location: Location | None = None
    local: bool = False
    phones: tuple[Item, ...] = ()
    attributes: tuple[str, ...] = ()
    schedules: tuple[Schedule, ...] = ()


@dataclass(frozen=True)
class Block:
    kind: str
    items: tuple[Item, ...]
    heading: str = ""
    # A services block's categories: the guide links them to the directory search.
    categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class Answer:
    question: Question
    editorial_html: str
    editorial: Item | None
    blocks: tuple[Block, ...]
    editorial_language: str = ""

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
    # Set only when no service is within the nearby radius: the closest ones known.
    nearest_elsewhere: list[Item] = field(default_factory=list)
    radius_mi: float = 0
    # The page's data-driven text in its language (English where no translation is on file).
    loc: Localizer = ENGLISH
    # HTML of the services already rendered on this page, by (id of the item, compact): a
    # service listed under several questions is the same Item and is rendered once.
    fragments: dict[tuple[int, bool], str] = field(default_factory=dict)

    @property
    def answers(self) -> list[Answer]:
        return [a for s in self.sections for a in s.answers]

    def items(self) -> list[Item]:
        """Every item on the page, with the phones of each service."""
        out = [*self.hotlines, *self.about, *self.repealed, *self.nearest_elsewhere]
        for answer in self.answers:
            if answer.editorial:
                out.append(answer.editorial)
            for block in answer.blocks:
                out.extend(block.items)
        return [*out, *(phone for item in out for phone in item.phones)]


def items_localizer(language: str, items: list[Item]) -> Localizer:
    """One query for the translations of everything the items show."""
    objects: list[Any] = []
    extra: list[str] = []
    for item in items:
        objects.append(item.obj)
        if item.location is not None:
            objects.append(item.location)
        extra.extend(item.attributes)
        extra.append(item.evidence.caveat)
    return localizer_for(language, objects, extra)


# Phone lines of these categories alone are not crisis lines (see Guide.hotlines).
NOT_CRISIS_LINES = (
    "legal",
    "victim-compensation",
    "information-and-referral",
    "sti-testing",
    "hiv-testing",
)
# With no service within the nearby radius, the guide lists this many of the nearest known,
# looking this far (miles).
NEAREST_WHEN_NONE = 3
# Services listed under one question, nearest first (the list links to a search for more).
MAX_SERVICES_PER_BLOCK = 5
FARTHER_RINGS_MI = (180.0, 600.0, 3000.0)

# The question whose answer the page follows with the laws no longer in force.
REPEALED_AFTER = "law-changes"


class GuideComposer:
    def __init__(self, place: Place, on: dt.date, language: str = "en") -> None:
        self.place = place
        self.on = on
        self.language = language
        self.chain = place.jurisdiction_chain()
        self.registry = CitationRegistry()
        self.farther_ids: dict[int, tuple[float, Location]] = {}
        self._farther: list[NearbyService] = []
        self._evidence: dict[int, Evidence] = {}
        self._service_items: dict[tuple[int, float | None, bool, int | None], Item] = {}
        self._terms: dict[int, ServiceTerms] = {}
        self._listed: dict[int, shared.ListedService] = {}

    def item(self, obj: Any, **extra: Any) -> Item:
        return Item(obj, self.evidence(obj.fact, contact=isinstance(obj, Service | Phone)), **extra)

    def evidence(self, fact: Fact, *, contact: bool = False) -> Evidence:
        # A law or service shown under several questions has one evidence mark: its sources
        # keep the numbers they got where the page first cited them.
        found = self._evidence.get(fact.pk)
        if found is None:
            cited = self.citations.get(fact.pk, [])
            found = self._evidence[fact.pk] = evidence_for(
                fact, cited, self.registry, self.on, ages_with_sources=contact
            )
        return found

    @cached_property
    def citations(self) -> dict[int, list[Source]]:
        """Every citation of every fact on the page, as read with its rows."""
        self._services  # noqa: B018 - reading it fills _listed
        found: dict[int, list[Source]] = {}
        for level in self.levels:
            found.update(level.sources)
        for listed in self._listed.values():
            found.update(listed.sources)
        return found

    # -- everything a page needs, read once ---------------------------------------------
    @cached_property
    def data_version(self) -> str:
        # Read before any row: what is kept under it is never older than it.
        return of_page()

    @cached_property
    def levels(self) -> list[shared.Level]:
        return shared.levels(self.chain, self.data_version)

    def _in_chain(self, per_level: Any) -> list[Any]:
        """Each level's rows, federal first, each with its jurisdiction from the chain
        already in memory (no join)."""
        out = []
        for place, level in zip(self.chain, self.levels, strict=True):
            for row in per_level(level):
                row.jurisdiction = place
                out.append(row)
        return out

    @cached_property
    def chain_ids(self) -> list[int]:
        return [p.pk for p in self.chain]

    @cached_property
    def laws(self) -> list[LawStatement]:
        """Every statement about every law of the chain, federal first, then by citation."""
        statements = [st for level in self.levels for st in level.statements]
        for place, level in zip(self.chain, self.levels, strict=True):
            for statement in level.statements:
                statement.law.jurisdiction = place
        return statements

    @cached_property
    def law_changes(self) -> list[LawChange]:
        return self._in_chain(lambda level: level.changes)

    @cached_property
    def programs(self) -> list[Program]:
        return self._in_chain(lambda level: [p for p in level.programs if p.in_force_on(self.on)])

    def _near(self) -> dict[int, tuple[float, Location]]:
        """The services around the place worth listing, with their distance and nearest
        location; with none, the nearest beyond the radius go to `farther_ids`."""
        lat, lng = self.place.latitude, self.place.longitude
        if lat is None or lng is None:
            return {}
        around = locations_near(lat, lng, settings.NEARBY_RADIUS_MI)
        # The terms of every service around: they choose what is listed.
        self._terms = shared.service_terms(around, self.data_version)
        # Twice what a question lists: room for services a block leaves out (no source).
        nearest = nearest_per_category(around, 2 * MAX_SERVICES_PER_BLOCK, self._terms)
        near = shared.located(nearest, self.data_version)
        if not near:
            self.farther_ids = self._nearest_beyond_radius()
        return near

    @cached_property
    def _services(self) -> tuple[list[NearbyService], list[Service]]:
        hotlines = hotline_order(level.hotlines for level in self.levels)
        near = self._near()
        self._listed = shared.listed_services(
            [*near.keys(), *self.farther_ids.keys(), *hotlines], self.data_version
        )
        by_id = {pk: listed.service for pk, listed in self._listed.items()}
        self._farther = nearby_from(self.farther_ids, by_id.values())
        return nearby_from(near, by_id.values()), [by_id[i] for i in hotlines if i in by_id]

    def _nearest_beyond_radius(self) -> dict[int, tuple[float, Location]]:
        """Nothing close: the nearest services known, with their distance, are better than
        an empty list. Rings widen until enough are found, so a dense directory is never
        read whole for one page."""
        lat, lng = self.place.latitude, self.place.longitude
        assert lat is not None and lng is not None
        found: dict[int, tuple[float, int]] = {}
        for radius in FARTHER_RINGS_MI:
            found = locations_near(lat, lng, radius)
            if len(found) >= NEAREST_WHEN_NONE:
                break
        nearest = dict(sorted(found.items(), key=lambda kv: kv[1][0])[:NEAREST_WHEN_NONE])
        return shared.located(nearest, self.data_version)

    @cached_property
    def terms(self) -> dict[int, ServiceTerms]:
        self._services  # noqa: B018 - reading it fills _terms and _listed
        return {**self._terms, **{pk: listed.terms for pk, listed in self._listed.items()}}

    @property
    def nearby(self) -> list[NearbyService]:
        return self._services[0]

    @property
    def hotline_services(self) -> list[Service]:
        return self._services[1]

    @property
    def farther(self) -> list[NearbyService]:
        """The nearest services beyond the radius, found only when none is within it."""
        self._services  # noqa: B018 - reading it fills _farther
        return self._farther

    @cached_property
    def place_facts(self) -> list[PlaceFact]:
        # In the order they were recorded, whatever their level.
        return sorted((f for level in self.levels for f in level.place_facts), key=lambda f: f.pk)

    @cached_property
    def answers_written(self) -> dict[str, EditorialAnswer]:
        """The editorial answer per question from the most specific level that has one."""
        found: dict[str, EditorialAnswer] = {}
        # Deeper levels override broader ones; at one level, the reader's language wins
        # over the English an answer falls back to.
        languages = {self.language, settings.LANGUAGE_CODE}
        for level in self.levels:
            written = [a for a in level.answers if a.language in languages]
            for answer in sorted(written, key=lambda a: (a.language == self.language, a.pk)):
                found[answer.question] = answer
        return found

    # -- blocks -------------------------------------------------------------------------
    def _service_item(
        self,
        service: Service,
        distance: float | None,
        local: bool,
        location: Location | None = None,
    ) -> Item:
        # A service answers several questions; it is one Item (and one rendering) per page.
        key = (service.pk, distance, local, location.pk if location is not None else None)
        found = self._service_items.get(key)
        if found is None:
            listed = self._listed[service.pk]
            found = self._service_items[key] = self.item(
                service,
                distance_mi=distance,
                local=local,
                location=location,
                phones=tuple(self.item(p) for p in listed.phones),
                attributes=listed.terms.attributes,
                schedules=listed.schedules,
            )
        return found

    def block(self, spec: BlockSpec, question: Question) -> Block:
        items: list[Item] = []
        if spec.kind in ("laws", "penalties"):
            chosen = [
                st
                for st in self.laws
                if st.law.in_force_on(self.on) and st.topic in spec.law_topics
            ]
            if spec.kind == "penalties":
                chosen = [st for st in chosen if st.has_penalty]
            items = [self.item(st) for st in chosen]
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
                if self.terms[near.service.pk].categories & wanted:
                    local = near.location.place_id == self.place.pk
                    items.append(
                        self._service_item(near.service, near.distance_mi, local, near.location)
                    )
                    # Nearest first; the block links to the search for the rest, so a city
                    # with seventy hospitals around still gets a light page.
                    if sum(1 for i in items if i.evidence.refs) >= MAX_SERVICES_PER_BLOCK:
                        break
        elif spec.kind == "hotlines":
            wanted = category_codes_with_descendants(list(spec.categories))
            for service in self.hotline_services:
                if self.terms[service.pk].categories & wanted:
                    items.append(self._service_item(service, None, False))
        elif spec.kind == "place_facts":
            items = [self.item(f) for f in self.place_facts if f.question == question.slug]
        else:
            raise ValueError(f"unknown block kind {spec.kind!r}")
        # A fact with no source is never shown (an unconfirmed record may have none).
        shown = tuple(i for i in items if i.evidence.refs)
        categories = spec.categories if spec.kind == "services" else ()
        return Block(spec.kind, shown, str(spec.heading), categories)

    def answer(self, question: Question) -> Answer:
        written = self.answers_written.get(question.slug)
        html = ""
        editorial_item = None
        if written is not None:
            # The text comes before its evidence line, so its markers are numbered first.
            keys = editorial.marker_keys(written.body)
            sources = {src.key: src for src in self.citations.get(written.fact_id, [])}
            numbers = {key: self.registry.number(sources[key]) for key in keys if key in sources}
            html = editorial.number_markers(written.body_html, numbers)
            editorial_item = self.item(written)
        blocks = tuple(self.block(spec, question) for spec in question.blocks)
        language = written.language if written is not None else ""
        return Answer(question, html, editorial_item, blocks, language)

    def compose(self) -> Guide:
        guide = Guide(self.place, self.on, self.language, self.chain)
        guide.radius_mi = settings.NEARBY_RADIUS_MI
        # Page order is citation order: hotlines, then facts about the place, then topics.
        # "Help now, by phone" is for crisis lines: legal aid, compensation, 211 and testing
        # information, reached by phone too, answer their own questions instead.
        not_crisis = category_codes_with_descendants(list(NOT_CRISIS_LINES))
        guide.hotlines = [
            self._service_item(s, None, False)
            for s in self.hotline_services
            if not self.terms[s.pk].categories <= not_crisis or not self.terms[s.pk].categories
        ]
        guide.about = [self.item(f) for f in self.place_facts if f.question == "about"]
        guide.nearest_elsewhere = [
            self._service_item(n.service, n.distance_mi, False, n.location) for n in self.farther
        ]
        for topic in TOPICS:
            answers = []
            for question in topic.questions:
                answers.append(self.answer(question))
                if question.slug == REPEALED_AFTER:
                    # Laws no longer in force are listed after this answer's blocks.
                    guide.repealed = [
                        self.item(st)
                        for st in self.laws
                        if st.law.effective_to is not None and st.law.effective_to < self.on
                    ]
            guide.sections.append(TopicSection(topic, tuple(answers)))
        guide.sources = list(self.registry.sources)
        guide.loc = items_localizer(self.language, guide.items())
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
