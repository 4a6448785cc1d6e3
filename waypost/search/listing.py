"""What a page of search results shows of each service, read for the whole page at once.

The search's statement (services.py) finds a page of (service, nearest location) pairs. This
reads what a listing shows of them in two more: each service with its organisation's name and
its location's address and place, and everything the services have several of (categories,
attributes, languages, opening hours, phones) in one UNION ALL. Both are part of the search's
own SQL, with table names from the models: each statement costs a round trip to PostgreSQL,
planning and, through the ORM, the building of the query and its joins. Read as seven ORM
queries, each took 0.5 to 0.9 ms at the median on PostgreSQL at 500,000 services, where the
statement finding the page took 1.4 ms.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Generic, NamedTuple, TypeVar

from django.db import connection
from django.db.models import Field, Model, Prefetch, prefetch_related_objects

from waypost.directory.confidential import shown_distance
from waypost.directory.models import Address, Location, Organization, Phone, Schedule, Service
from waypost.places.models import Place
from waypost.search import tables
from waypost.search.tables import placeholders


class Term(NamedTuple):
    """A category or attribute as a result lists it."""

    code: str
    name: str


class Hours(NamedTuple):
    """One weekly opening of a result, at its location or at all of the service's."""

    weekday: int
    opens_at: dt.time
    closes_at: dt.time


@dataclass(frozen=True)
class SearchResult:
    service: Service  # with its organization loaded
    # The nearest matching location; None when searching everywhere or for a hotline.
    location: Location | None
    distance_mi: float | None
    # What a listing shows, read for the whole page at once (the service's own related
    # managers would query again).
    categories: tuple[Term, ...] = ()
    attributes: tuple[Term, ...] = ()
    languages: tuple[str, ...] = ()
    schedules: tuple[Hours, ...] = ()  # those that apply at `location`
    phones: tuple[Phone, ...] = ()


LOCATION_SHOWN = (
    "organization_id",
    "location_type",
    "name",
    "place_id",
    "latitude",
    "longitude",
    "area_only",
    "area_description",
    "timezone",
)
# An address is shown whole; only its HSDS id is left unread.
ADDRESS_SHOWN = tuple(f.name for f in Address._meta.concrete_fields if f.name != "hsds_id")
# What a listing shows of a service (`render.service_entry`, `serialize.search_result`; the
# texts are those `TRANSLATED_FIELDS` translates), and of its organisation only the name: its
# other long texts stay unread.
SERVICE_SHOWN = (
    "hsds_id",
    "organization",
    "name",
    "description",
    "fees_description",
    "hours_description",
)
# What a place's name is written from (`Place.display_name`).
PLACE_SHOWN = ("kind", "name", "state_code")
# A phone as a listing shows it, in the order of the model's fields (`Model.from_db`).
PHONE_FIELDS = tuple(
    f.attname
    for f in Phone._meta.concrete_fields
    if f.attname in {"id", "service_id", "number", "extension", "type", "language", "description"}
)
_OPENS_AT = Schedule._meta.get_field("opens_at")
_CLOSES_AT = Schedule._meta.get_field("closes_at")


@dataclass
class _Several:
    """What each service of a page has several of, by service id."""

    categories: dict[int, list[Term]]
    attributes: dict[int, list[Term]]
    languages: dict[int, list[str]]
    # (the location it applies at, or None for all of the service's, the opening)
    schedules: dict[int, list[tuple[int | None, Hours]]]
    phones: dict[int, list[Phone]]


def load(rows: list[tuple[int, int | None, float | None, int]]) -> list[SearchResult]:
    """The page's results, in the order of `rows` (service id, location id, distance, total)."""
    if not rows:
        return []
    listed = _services_at([(sid, lid) for sid, lid, _, _ in rows])
    several = _several([sid for sid, *_ in rows])

    def by_name(found: list[Term]) -> tuple[Term, ...]:
        return tuple(sorted(found, key=lambda t: t.name))

    results = []
    for sid, lid, d, _ in rows:
        service, location = listed[(sid, lid)]
        results.append(
            SearchResult(
                service,
                location,
                shown_distance(d, location) if d is not None else None,
                categories=by_name(several.categories.get(sid, [])),
                attributes=by_name(several.attributes.get(sid, [])),
                languages=tuple(several.languages.get(sid, [])),
                schedules=tuple(
                    opening
                    for at, opening in several.schedules.get(sid, [])
                    if location is None or at in (None, location.pk)
                ),
                phones=tuple(several.phones.get(sid, [])),
            )
        )
    return results


M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class _Read(Generic[M]):
    """The columns a listing reads of one model (its primary key first), and the instance
    built from them as the ORM would: the fields convert what the database gives (SQLite's
    text times and UUIDs, 0/1 booleans); the fields not read are deferred. `to_python` is
    the ORM's own reading for text, numbers, booleans, times and UUIDs, all a listing reads;
    a date and time would also need the database's time zone handling."""

    model: type[M]
    alias: str
    fields: tuple[Field[Any, Any], ...]

    @classmethod
    def of(cls, model: type[M], alias: str, names: Sequence[str]) -> _Read[M]:
        wanted = set(names)
        fields = tuple(
            f
            for f in model._meta.concrete_fields
            if f.primary_key or f.name in wanted or f.attname in wanted
        )
        return cls(model, alias, fields)

    def columns(self) -> list[str]:
        return [f"{self.alias}.{connection.ops.quote_name(f.column)}" for f in self.fields]

    def build(self, cells: Iterator[Any]) -> M | None:
        """The instance from the next of a row's cells; None when an outer join found no row
        (its primary key is null)."""
        values = [next(cells) for _ in self.fields]
        if values[0] is None:
            return None
        return self.model.from_db(
            connection.alias,
            [f.attname for f in self.fields],
            [
                None if v is None else f.to_python(v)
                for f, v in zip(self.fields, values, strict=True)
            ],
        )


_SERVICE = _Read.of(Service, "s", SERVICE_SHOWN)
_ORGANIZATION = _Read.of(Organization, "o", ("name",))
_LOCATION = _Read.of(Location, "l", LOCATION_SHOWN)
_ADDRESS = _Read.of(Address, "a", ADDRESS_SHOWN)
_PLACE = _Read.of(Place, "pl", PLACE_SHOWN)


def _services_at(
    pairs: list[tuple[int, int | None]],
) -> dict[tuple[int, int | None], tuple[Service, Location | None]]:
    """Each (service, location) of a page, with the organisation's name, the location's
    address and place: one statement over the page's pairs."""
    sql = _services_at_sql(len(pairs))
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for pair in pairs for value in pair])
        found: list[tuple[Any, ...]] = cursor.fetchall()
    listed: dict[tuple[int, int | None], tuple[Service, Location | None]] = {}
    without_address: list[Location] = []
    for row in found:
        cells = iter(row)
        service, organization, location, address, place = (
            _SERVICE.build(cells),
            _ORGANIZATION.build(cells),
            _LOCATION.build(cells),
            _ADDRESS.build(cells),
            _PLACE.build(cells),
        )
        if service is None or organization is None:
            continue  # never: both are inner joins (this is for the type checker)
        service.organization = organization
        if location is not None:
            location.place = place
            if address is not None:
                location.address = address
            else:
                without_address.append(location)
        listed[(service.pk, None if location is None else location.pk)] = (service, location)
    # A location known to have no address answers so without asking the database, as one
    # read with select_related would: an empty prefetch records that (no query runs).
    prefetch_related_objects(without_address, Prefetch("address", Address.objects.none()))
    return listed


@cache
def _services_at_sql(count: int) -> str:
    # Typed, so that PostgreSQL can compare a pair whose location is NULL (every pair of a
    # search everywhere) with the tables' ids.
    page = ", ".join(["(CAST(%s AS BIGINT), CAST(%s AS BIGINT))"] * count)
    reads = (_SERVICE, _ORGANIZATION, _LOCATION, _ADDRESS, _PLACE)
    columns = ", ".join(c for read in reads for c in read.columns())
    return (
        f"SELECT {columns} FROM (VALUES {page}) AS page "
        f"JOIN {tables.SERVICE} s ON s.id = page.column1 "
        f"JOIN {tables.ORGANIZATION} o ON o.id = s.organization_id "
        f"LEFT JOIN {tables.LOCATION} l ON l.id = page.column2 "
        f"LEFT JOIN {tables.ADDRESS} a ON a.location_id = l.id "
        f"LEFT JOIN {tables.PLACE} pl ON pl.id = l.place_id"
    )


@cache
def _several_sql(count: int) -> str:
    """One row per category, attribute, language, opening and phone of `count` services:
    (kind, service, id, location, weekday, extension, code or number, name or type,
    language, description, opens, closes), ordered as a listing shows each kind. The first
    part names the types of its empty columns: PostgreSQL types a UNION's columns pair by
    pair, and two untyped NULLs would make a text column."""
    ids = placeholders([None] * count)

    def terms(kind: str, links: str) -> str:
        return (
            f"SELECT '{kind}', k.service_id, NULL, NULL, NULL, NULL, t.code, t.name, NULL, "
            f"NULL, NULL, NULL FROM {links} k JOIN {tables.TAXONOMY_TERM} t "
            f"ON t.id = k.taxonomyterm_id WHERE k.service_id IN ({ids})"
        )

    parts = [
        "SELECT 'p', service_id, id, CAST(NULL AS BIGINT), CAST(NULL AS INTEGER), extension, "
        "number, type, language, description, CAST(NULL AS TIME), CAST(NULL AS TIME) "
        f"FROM {tables.PHONE} WHERE service_id IN ({ids})",
        "SELECT 'h', service_id, id, location_id, weekday, NULL, NULL, NULL, NULL, NULL, "
        f"opens_at, closes_at FROM {tables.SCHEDULE} WHERE service_id IN ({ids})",
        "SELECT 'l', service_id, NULL, NULL, NULL, NULL, code, NULL, NULL, NULL, NULL, NULL "
        f"FROM {tables.SERVICE_LANGUAGE} WHERE service_id IN ({ids})",
        terms("c", tables.SERVICE_CATEGORIES),
        terms("a", tables.SERVICE_ATTRIBUTES),
    ]
    # kind; then weekday, opening time and id (hours, phones); then code (languages)
    return " UNION ALL ".join(parts) + " ORDER BY 1, 5, 11, 3, 7"


def _several(ids: list[int]) -> _Several:
    found = _Several({}, {}, {}, {}, {})
    with connection.cursor() as cursor:
        cursor.execute(_several_sql(len(ids)), ids * 5)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
    for (
        kind,
        sid,
        pk,
        location_id,
        weekday,
        extension,
        a,
        b,
        language,
        about,
        opens,
        closes,
    ) in rows:
        if kind == "p":
            values = dict(
                id=pk,
                service_id=sid,
                number=a,
                extension=extension,
                type=b,
                language=language,
                description=about,
            )
            phone = Phone.from_db(connection.alias, PHONE_FIELDS, [values[f] for f in PHONE_FIELDS])
            found.phones.setdefault(sid, []).append(phone)
        elif kind == "h":
            # SQLite gives times as text; the field reads them as the ORM would.
            hours = Hours(weekday, _OPENS_AT.to_python(opens), _CLOSES_AT.to_python(closes))
            found.schedules.setdefault(sid, []).append((location_id, hours))
        elif kind == "l":
            found.languages.setdefault(sid, []).append(a)
        else:
            terms = found.categories if kind == "c" else found.attributes
            terms.setdefault(sid, []).append(Term(a, b))
    return found
