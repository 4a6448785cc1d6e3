"""What many guides show alike, read once per data version and kept in Django's cache.

A city's guide is mostly its state's and its country's: their laws with the sources of each
statement, programs, editorial answers and hotlines. Each jurisdiction's rows are kept as
one entry, and so is each listed service with its phones, hours, terms and sources; a guide
not yet in the page cache then reads only what is its own (the place, what lies around it).
The state pages and cards are composed from the same entries.

Keys hold the data version (waypost/dataversion), read by the composer before any of these
rows: what is kept under a version is never older than it, and every write moves the
version on, so no page shows a fact once it has changed. They hold the code's version too:
a cache shared by app servers may outlive a deploy.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import caches

from waypost.dataversion.services import kept_key
from waypost.directory.models import Location, Phone, Schedule, Service
from waypost.directory.services import ServiceTerms, hotlines_by_area, terms_of
from waypost.evidence.models import Source
from waypost.guides import reads
from waypost.guides.models import EditorialAnswer, PlaceFact
from waypost.laws.models import LawChange, LawStatement, Program
from waypost.places.models import Place

CACHE = "shared"


@dataclass(frozen=True)
class Level:
    """What guides show of one jurisdiction of their chain, each row with its fact."""

    statements: tuple[LawStatement, ...] = ()
    changes: tuple[LawChange, ...] = ()
    # Whatever their dates: a guide keeps those in force on its own date.
    programs: tuple[Program, ...] = ()
    place_facts: tuple[PlaceFact, ...] = ()
    # In every language.
    answers: tuple[EditorialAnswer, ...] = ()
    # Services reached by phone only whose area is this place, by name.
    hotlines: tuple[int, ...] = ()
    # Each fact's sources in citation order.
    sources: dict[int, list[Source]] = field(default_factory=dict)


NOTHING = Level()


@dataclass(frozen=True)
class ListedService:
    """A service as a list shows it, with what it rests on."""

    service: Service
    phones: tuple[Phone, ...]
    schedules: tuple[Schedule, ...]
    terms: ServiceTerms
    sources: dict[int, list[Source]]


def _kept(kind: str, ids: Iterable[int], version: str, read: Any) -> dict[int, Any]:
    """The entry of each id from the cache; those missing are read together (with any other
    entries `read` brings) and kept."""
    cache = caches[CACHE]
    keys = {pk: kept_key(kind, version, pk) for pk in dict.fromkeys(ids)}
    found = cache.get_many(list(keys.values()))
    out = {pk: found[key] for pk, key in keys.items() if key in found}
    missing = [pk for pk in keys if pk not in out]
    if missing:
        fresh = read(missing)
        cache.set_many({kept_key(kind, version, pk): entry for pk, entry in fresh.items()})
        out.update({pk: fresh[pk] for pk in missing if pk in fresh})
    return out


def places_with_content(version: str) -> frozenset[int]:
    """The places any level's rows belong to; most cities and counties have none, and their
    guides then ask for nothing of theirs."""
    cache = caches[CACHE]
    key = kept_key("places-with-content", version)
    found = cache.get(key)
    if found is None:
        found = frozenset(reads.places_with_content())
        cache.set(key, found)
    return found


def levels(chain: Sequence[Place], version: str) -> list[Level]:
    """What each place of the chain brings to a guide, in the chain's order."""
    own = places_with_content(version)
    broad = {p.pk for p in chain if p.kind in reads.BROAD}

    def read(missing: list[int]) -> dict[int, Level]:
        if broad.isdisjoint(missing):
            return _read_levels(missing)
        # The country's and a state's rows are on every guide of theirs, and all of them
        # together are a few hundred: read at once, with their hotlines, the first guide after
        # a change leaves them read for every other state's.
        fresh = _read_levels(sorted({*missing, *reads.broad_places(own)}))
        listed_services((pk for level in fresh.values() for pk in level.hotlines), version)
        return fresh

    found = _kept("level", (p.pk for p in chain if p.pk in own), version, read)
    return [found.get(p.pk, NOTHING) for p in chain]


def listed_services(service_ids: Iterable[int], version: str) -> dict[int, ListedService]:
    """Each service by id, with its phones, hours, terms and sources (a service removed
    since its id was read is left out)."""
    return _kept("service", service_ids, version, _read_services)


def service_terms(service_ids: Iterable[int], version: str) -> dict[int, ServiceTerms]:
    """Each service's category codes and attribute names: what chooses, among the services
    around a place, those its guide lists."""
    return _kept("terms", service_ids, version, terms_of)


def located(near: dict[int, tuple[float, int]], version: str) -> dict[int, tuple[float, Location]]:
    """Service id → (distance, nearest location) with each location read whole (its address
    and place)."""
    locations = _kept("location", (pk for _, pk in near.values()), version, _read_locations)
    return {sid: (d, locations[pk]) for sid, (d, pk) in near.items() if pk in locations}


def _read_locations(location_ids: list[int]) -> dict[int, Location]:
    return Location.objects.select_related("address", "place").in_bulk(location_ids)


def _sources_of(rows: Iterable[Any], sources: dict[int, list[Source]]) -> dict[int, list[Source]]:
    return {row.fact_id: sources[row.fact_id] for row in rows if row.fact_id in sources}


def _by_place(rows: Iterable[Any], place_of: Any) -> dict[int, tuple[Any, ...]]:
    grouped: dict[int, list[Any]] = {}
    for row in rows:
        grouped.setdefault(place_of(row), []).append(row)
    return {pk: tuple(found) for pk, found in grouped.items()}


def _read_levels(place_ids: list[int]) -> dict[int, Level]:
    statements = reads.law_statements(place_ids)
    changes = reads.law_changes(place_ids)
    programs = reads.programs(place_ids)
    place_facts = reads.place_facts(place_ids)
    answers = reads.editorial_answers(place_ids)
    hotlines = hotlines_by_area(place_ids)
    rows: list[Any] = [*statements, *changes, *programs, *place_facts, *answers]
    sources = reads.sources_by_fact([row.fact_id for row in rows])
    parts = (
        _by_place(statements, lambda st: st.law.jurisdiction_id),
        _by_place(changes, lambda c: c.jurisdiction_id),
        _by_place(programs, lambda p: p.jurisdiction_id),
        _by_place(place_facts, lambda f: f.place_id),
        _by_place(answers, lambda a: a.place_id),
    )
    out = {}
    for pk in place_ids:
        of_place = [part.get(pk, ()) for part in parts]
        out[pk] = Level(
            statements=of_place[0],
            changes=of_place[1],
            programs=of_place[2],
            place_facts=of_place[3],
            answers=of_place[4],
            hotlines=tuple(hotlines[pk]),
            sources=_sources_of((row for part in of_place for row in part), sources),
        )
    return out


def _read_services(service_ids: list[int]) -> dict[int, ListedService]:
    services = reads.services(service_ids)
    phones: dict[int, list[Phone]] = {}
    for phone in reads.phones(service_ids):
        phones.setdefault(phone.service_id, []).append(phone)
    schedules: dict[int, list[Schedule]] = {}
    for schedule in reads.schedules(service_ids):
        schedules.setdefault(schedule.service_id, []).append(schedule)
    terms = terms_of(service_ids)
    facts: list[Any] = [*services, *(p for numbers in phones.values() for p in numbers)]
    sources = reads.sources_by_fact([row.fact_id for row in facts])
    return {
        s.pk: ListedService(
            s,
            tuple(phones.get(s.pk, [])),
            tuple(schedules.get(s.pk, [])),
            terms[s.pk],
            _sources_of([s, *phones.get(s.pk, [])], sources),
        )
        for s in services
    }
