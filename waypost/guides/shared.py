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


def _kept(keys: dict[int, str], read: Any) -> dict[int, Any]:
    """The entry of each id from the cache; those missing are read together and kept."""
    cache = caches[CACHE]
    found = cache.get_many(list(keys.values()))
    out = {pk: found[key] for pk, key in keys.items() if key in found}
    missing = [pk for pk in keys if pk not in out]
    if missing:
        fresh = read(missing)
        cache.set_many({keys[pk]: entry for pk, entry in fresh.items()})
        out.update(fresh)
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


def levels(chain_ids: Sequence[int], version: str) -> list[Level]:
    """What each place of the chain brings to a guide, in the chain's order."""
    own = places_with_content(version)
    keys = {pk: kept_key("level", version, pk) for pk in chain_ids if pk in own}
    found = _kept(keys, _read_levels)
    return [found.get(pk, NOTHING) for pk in chain_ids]


def listed_services(service_ids: Iterable[int], version: str) -> dict[int, ListedService]:
    """Each service by id, with its phones, hours, terms and sources (a service removed
    since its id was read is left out)."""
    keys = {pk: kept_key("service", version, pk) for pk in dict.fromkeys(service_ids)}
    return _kept(keys, _read_services)


def located(near: dict[int, tuple[float, int]], version: str) -> dict[int, tuple[float, Location]]:
    """Service id → (distance, nearest location) with each location read whole (its address
    and place)."""
    keys = {pk: kept_key("location", version, pk) for pk in {pk for _, pk in near.values()}}
    locations = _kept(keys, _read_locations)
    return {sid: (d, locations[pk]) for sid, (d, pk) in near.items() if pk in locations}


def _read_locations(location_ids: list[int]) -> dict[int, Location]:
    return Location.objects.select_related("address", "place").in_bulk(location_ids)


def _sources_of(rows: Iterable[Any], sources: dict[int, list[Source]]) -> dict[int, list[Source]]:
    return {row.fact_id: sources[row.fact_id] for row in rows if row.fact_id in sources}


def _read_levels(place_ids: list[int]) -> dict[int, Level]:
    statements = reads.law_statements(place_ids)
    changes = reads.law_changes(place_ids)
    programs = reads.programs(place_ids)
    place_facts = reads.place_facts(place_ids)
    answers = reads.editorial_answers(place_ids)
    hotlines = hotlines_by_area(place_ids)
    rows: list[Any] = [*statements, *changes, *programs, *place_facts, *answers]
    sources = reads.sources_by_fact([row.fact_id for row in rows])
    out = {}
    for pk in place_ids:
        level_rows = (
            tuple(st for st in statements if st.law.jurisdiction_id == pk),
            tuple(c for c in changes if c.jurisdiction_id == pk),
            tuple(p for p in programs if p.jurisdiction_id == pk),
            tuple(f for f in place_facts if f.place_id == pk),
            tuple(a for a in answers if a.place_id == pk),
        )
        out[pk] = Level(
            *level_rows,
            hotlines=tuple(hotlines[pk]),
            sources=_sources_of((row for part in level_rows for row in part), sources),
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
