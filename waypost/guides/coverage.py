"""How complete each state's data is, and what a state page shows.

One function, `state_coverage`, feeds the national page, the editors' /coverage/ page and
the `coverage_report` command, so the three can never disagree about a state.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext

from waypost.directory.models import Location, Service
from waypost.evidence.models import Citation, Status, fact_status
from waypost.guides.models import PlaceFact
from waypost.guides.services import GuideComposer, Item, items_localizer
from waypost.laws.models import Law, LawStatement, LawTopic, Program, ProgramKind
from waypost.places.models import Place, PlaceKind, page_of
from waypost.translations.services import ENGLISH, Localizer

CHECKED = "checked"
UNCHECKED = "unchecked"
MISSING = "missing"

# Topics of the editors' report, in column order: (key, heading).
COVERAGE_TOPICS: tuple[tuple[str, str], ...] = (
    (LawTopic.SELLING.value, "selling"),
    (LawTopic.BUYING.value, "buying"),
    (LawTopic.PROMOTING.value, "promoting"),
    (ProgramKind.SAFE_HARBOR.value, "safe harbor"),
    (ProgramKind.RECORD_RELIEF.value, "record relief"),
    ("hotlines", "hotlines"),
    ("notes", "notes"),
)
# The topics the national page counts: the law and the programs, not the directory.
COMPLETENESS_TOPICS: tuple[str, ...] = tuple(key for key, _ in COVERAGE_TOPICS[:5])


@dataclass
class StateCoverage:
    state: Place
    statuses: dict[str, str] = field(default_factory=dict)

    @property
    def cells(self) -> list[tuple[str, str]]:
        """(topic heading, status) in report column order."""
        return [(heading, self.statuses.get(key, MISSING)) for key, heading in COVERAGE_TOPICS]

    @property
    def checked_count(self) -> int:
        return sum(1 for key in COMPLETENESS_TOPICS if self.statuses.get(key) == CHECKED)

    @property
    def topic_count(self) -> int:
        return len(COMPLETENESS_TOPICS)


def states(code: str | None = None) -> QuerySet[Place]:
    """Every state (50 and DC) by name, or the one with this two-letter code."""
    rows = Place.objects.filter(kind=PlaceKind.STATE).order_by("name")
    if code is not None:
        rows = rows.filter(path=f"us/{code.lower()}")
    return rows


def state_by_code(code: str) -> Place | None:
    return states(code).first()


def _sourced() -> Exists:
    return Exists(Citation.objects.filter(fact_id=OuterRef("fact_id")))


def _fact_rows(rows: QuerySet[Any], state_field: str, topic_field: str | None) -> Iterable[Any]:
    """(state id, topic, last check, outcome, disputes, sourced) for each fact of a kind.

    Read as plain tuples: a report over 51 states must not build a model per fact.
    """
    topic = [topic_field] if topic_field else []
    return rows.annotate(sourced=_sourced()).values_list(
        state_field,
        *topic,
        "fact__last_checked_on",
        "fact__last_outcome",
        "fact__open_disputes",
        "sourced",
    )


def state_coverage(
    state_places: Iterable[Place] | None = None, on: dt.date | None = None
) -> list[StateCoverage]:
    """Per state and topic: "checked" (a sourced fact that is checked or due for a re-check),
    "unchecked" (facts exist, none settled, sourced or not) or "missing" (no fact at all).

    Five queries whatever the number of states.
    """
    on = on or dt.date.today()
    chosen = list(state_places) if state_places is not None else list(states())
    by_id = {s.pk: StateCoverage(s) for s in chosen}
    ids = list(by_id)

    def record(
        state_id: int, topic: str, checked_on: Any, outcome: str, disputes: int, sourced: bool
    ) -> None:
        status = fact_status(checked_on, outcome, disputes, today=on)
        settled = sourced and status in (Status.CHECKED, Status.DUE)
        cover = by_id[state_id]
        if settled:
            cover.statuses[topic] = CHECKED
        else:
            cover.statuses.setdefault(topic, UNCHECKED)

    laws = LawStatement.objects.filter(
        law__jurisdiction_id__in=ids,
        law__in=_in_force_law_ids(ids, on),
        topic__in=COMPLETENESS_TOPICS[:3],
    )
    for state_id, topic, *rest in _fact_rows(laws, "law__jurisdiction_id", "topic"):
        record(state_id, topic, *rest)
    programs = Program.objects.filter(jurisdiction_id__in=ids, kind__in=COMPLETENESS_TOPICS[3:])
    for state_id, kind, *rest in _fact_rows(programs.in_force(on), "jurisdiction_id", "kind"):
        record(state_id, kind, *rest)
    hotlines = Service.objects.filter(
        areas__place_id__in=ids, at_locations__isnull=True, status="active"
    )
    for state_id, *rest in _fact_rows(hotlines, "areas__place_id", None):
        record(state_id, "hotlines", *rest)
    notes = PlaceFact.objects.filter(place_id__in=ids)
    for state_id, *rest in _fact_rows(notes, "place_id", None):
        record(state_id, "notes", *rest)
    return [by_id[s.pk] for s in chosen]


def _in_force_law_ids(state_ids: list[int], on: dt.date) -> QuerySet[Any]:
    return Law.objects.filter(jurisdiction_id__in=state_ids).in_force(on).values("pk")


# -- the state page ---------------------------------------------------------------------

TOPIC_ORDER: list[str] = [*LawTopic.values, ""]


@dataclass(frozen=True)
class LawGroup:
    heading: str
    items: tuple[Item, ...]


@dataclass
class StatePage:
    state: Place
    on: dt.date
    laws: list[LawGroup]
    programs: list[Item]
    law_changes: list[Item]
    hotlines: list[Item]
    notes: list[Item]
    sources: list[Any]
    cities: list[tuple[str, str]]
    loc: Localizer = ENGLISH


class StateComposer(GuideComposer):
    """A guide composer whose chain is the state alone: the state page shows the state's
    own law, not federal law, and no services near a point (a state has none)."""

    def __init__(self, state: Place, on: dt.date, language: str = "en") -> None:
        super().__init__(state, on, language)
        self.chain = [state]

    def _near(self) -> dict[int, tuple[float, Location]]:
        return {}

    def sourced(self, rows: Iterable[Any]) -> list[Item]:
        # As in guides: a fact with no source is never shown.
        items = [self.item(row) for row in rows]
        return [i for i in items if i.evidence.refs]

    def compose_state(self) -> StatePage:
        # Items are built in page order (hotlines first), so sources number in reading order.
        hotlines = [self._service_item(s, None, False) for s in self.hotline_services]
        hotlines = [i for i in hotlines if i.evidence.refs]
        in_force = [st for st in self.laws if st.law.in_force_on(self.on)]
        labels = dict(LawTopic.choices)
        groups = []
        for topic in TOPIC_ORDER:
            items = self.sourced(st for st in in_force if st.topic == topic)
            if items:
                groups.append(LawGroup(str(labels.get(topic, gettext("Other law"))), tuple(items)))
        programs = self.sourced(self.programs)
        changes = sorted(
            self.law_changes,
            key=lambda c: c.effective_on or c.signed_on or dt.date.min,
            reverse=True,
        )
        law_changes = self.sourced(changes)
        notes = self.sourced(self.place_facts)
        shown = [*hotlines, *(i for g in groups for i in g.items), *programs, *law_changes, *notes]
        return StatePage(
            state=self.place,
            on=self.on,
            laws=groups,
            programs=programs,
            law_changes=law_changes,
            hotlines=hotlines,
            notes=notes,
            sources=list(self.registry.sources),
            cities=state_cities(self.place),
            loc=items_localizer(self.language, [*shown, *(p for i in shown for p in i.phones)]),
        )


def state_cities(state: Place) -> list[tuple[str, str]]:
    """(label, url) of every city of the state, by name; a repeated name gets its county."""
    rows = list(
        Place.objects.filter(kind=PlaceKind.CITY, state_code=state.state_code or "")
        .order_by("name", "path")
        .values_list("name", "path", "county__name")
    )
    counts: dict[str, int] = {}
    for name, _, _ in rows:
        counts[name] = counts.get(name, 0) + 1
    out = []
    for name, path, county in rows:
        label = f"{name} ({county})" if counts[name] > 1 and county else name
        out.append((label, page_of(path)))
    return out


def compose_state_page(state: Place, on: dt.date | None = None, language: str = "en") -> StatePage:
    if state.kind != PlaceKind.STATE:
        raise ValueError("state pages are composed for states")
    return StateComposer(state, on or dt.date.today(), language).compose_state()
