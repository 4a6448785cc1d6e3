"""Directory search: services near a place, filtered, ranked, paginated.

The entry point for pages, the JSON API and the benchmark:

    query = SearchQuery.from_params(request.GET)   # raises BadSearch(field, message)
    page = search(query)                           # raises BadSearch for unknown values

`from_params` checks the shape of every parameter; `search` resolves names against the
database (the place, categories, attributes) and reports unknown ones the same way.

How a search near a place runs (one SQL statement for the matching page and the total):
search points (models.SearchPoint: a service at a location, with what the filters need) in
the circle's bounding box, read from one covering index with no join → exact great-circle
distance in SQL → category and attribute bits, then EXISTS subqueries on indexed link tables
where bits cannot decide → the nearest matching location of each service → sort and page.
Searching everywhere reads the service table.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, NamedTuple, Protocol
from urllib.parse import urlencode

from django.db import connection
from django.utils import timezone
from django.utils.translation import get_language, gettext

from waypost import parsing
from waypost.directory.taxonomy import ATTRIBUTE_TAXONOMY, CATEGORY_TAXONOMY
from waypost.places.geo import EARTH_RADIUS_MI, bounding_box
from waypost.places.models import Place, ZipCode
from waypost.places.services import BadQuery, find_places
from waypost.search import fulltext, hours, listing, points, tables
from waypost.search.listing import SearchResult
from waypost.search.tables import placeholders

DEFAULT_RADIUS_MI = 25.0
MAX_RADIUS_MI = 500.0
DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 1000
MAX_PAGE = 1_000_000_000
MAX_FILTER_VALUES = 20
MAX_TEXT = 200

# ASCII digits only: \d would also match "١٢" and other scripts' digits.
_COORDS = re.compile(r"^\s*(-?[0-9]{1,3}(?:\.[0-9]+)?)\s*,\s*(-?[0-9]{1,3}(?:\.[0-9]+)?)\s*$")
_ZIPLIKE = re.compile(r"^\s*[0-9][0-9-]*\s*$")
_CODE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_LANG = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{2,8})*$")
_WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
_WALL = re.compile(r"^(?P<day>[a-z]{3})[a-z]*\s+(?P<time>[0-9]{1,2}:[0-9]{2})$")


class Params(Protocol):
    """What `from_params` reads: a QueryDict, or any mapping of lists (`getlist`)."""

    def getlist(self, key: str, default: Any = ...) -> list[Any]: ...


class BadSearch(parsing.InvalidParameter):
    """A search parameter that cannot be used; `field` names the parameter. Its own messages
    are English; those of the shared value readers follow the active language."""

    def __init__(self, field: str, message: str, language: str | None = None) -> None:
        super().__init__(field, message, language)
        self.field = field


@dataclass(frozen=True)
class SearchQuery:
    """A directory search, as given in a URL.

    near: a place path ("us/ct/norwalk"), a place name ("Norwalk, CT"), a ZIP code
        ("06850") or "lat,lng"; None searches everywhere (no distances).
    radius_mi: miles from `near`, 0 < radius ≤ 500.
    categories: category codes; a service in any of them (or in a sub-category) matches.
    attrs: attribute codes ("free", "no-id-required"); a service must have all of them.
    langs: language codes ("es"); a service must speak all of them ("es" also finds "es-MX").
    open_now: open at the moment of the search, in each location's time zone.
    open_at: open at that time: an aware datetime is an instant (like now); a naive one is a
        wall-clock weekday and time at each location.
    q: keywords, all of which must occur in the service's name or description.
    page, per_page: 1-based page; per_page ≤ 1000.
    """

    near: str | None = None
    radius_mi: float = DEFAULT_RADIUS_MI
    categories: tuple[str, ...] = ()
    attrs: tuple[str, ...] = ()
    langs: tuple[str, ...] = ()
    open_now: bool = False
    open_at: dt.datetime | None = None
    q: str | None = None
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE

    @classmethod
    def from_params(cls, params: Params | Mapping[str, Any]) -> SearchQuery:
        """Read and check URL parameters; raises BadSearch naming the first bad one.

        Parameters: near, radius, category (repeatable), attr (repeatable), lang
        (repeatable), open ("now", an ISO datetime, or a weekday and time like "sat 14:00"),
        q, page, per_page. Empty values count as absent.
        """
        try:
            return cls._read(_getter(params))
        except BadSearch:
            raise
        except parsing.InvalidParameter as exc:
            raise BadSearch(exc.parameter, exc.message, exc.language) from None

    @classmethod
    def _read(cls, get: Any) -> SearchQuery:
        near = _text(get, "near")
        radius = _number(get, "radius", DEFAULT_RADIUS_MI)
        if not 0 < radius <= MAX_RADIUS_MI:
            raise BadSearch("radius", f"Use a radius above 0 and at most {MAX_RADIUS_MI:g} miles.")
        open_now, open_at = _open(_text(get, "open"))
        q = _text(get, "q")
        if q is not None:
            try:
                fulltext.words(q)
            except fulltext.NoWords as exc:
                raise BadSearch("q", str(exc)) from None
        page = _integer(get, "page", 1, MAX_PAGE)
        per_page = _integer(get, "per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE)
        return cls(
            near=near,
            radius_mi=radius,
            categories=_codes(get, "category", _CODE, "a category code like sti-testing"),
            attrs=_codes(get, "attr", _CODE, "an attribute code like no-id-required"),
            langs=_codes(get, "lang", _LANG, "a language code like es"),
            open_now=open_now,
            open_at=open_at,
            q=q,
            page=page,
            per_page=per_page,
        )

    def to_params(self) -> list[tuple[str, str]]:
        """The URL parameters that give this search back (defaults left out)."""
        out: list[tuple[str, str]] = []
        if self.near:
            out.append(("near", self.near))
        if self.radius_mi != DEFAULT_RADIUS_MI:
            out.append(("radius", f"{self.radius_mi:g}"))
        out += [("category", c) for c in self.categories]
        out += [("attr", a) for a in self.attrs]
        out += [("lang", la) for la in self.langs]
        if self.open_now:
            out.append(("open", "now"))
        elif self.open_at is not None:
            out.append(("open", self.open_at.isoformat(timespec="minutes")))
        if self.q:
            out.append(("q", self.q))
        if self.page != 1:
            out.append(("page", str(self.page)))
        if self.per_page != DEFAULT_PER_PAGE:
            out.append(("per_page", str(self.per_page)))
        return out

    def query_string(self, **changes: Any) -> str:
        return urlencode(replace(self, **changes).to_params())


@dataclass(frozen=True)
class Origin:
    latitude: float
    longitude: float
    label: str
    place: Place | None = None


@dataclass(frozen=True)
class SearchPage:
    query: SearchQuery
    origin: Origin | None
    results: list[SearchResult]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


# ---- parameters ---------------------------------------------------------------------------


def _getter(params: Params | Mapping[str, Any]) -> Any:
    if hasattr(params, "getlist"):
        return params.getlist

    def getlist(key: str) -> list[Any]:
        value = params.get(key) if isinstance(params, Mapping) else None
        if value is None:
            return []
        return list(value) if isinstance(value, (list, tuple)) else [value]

    return getlist


def _text(get: Any, name: str) -> str | None:
    return parsing.single_text(name, [str(v) for v in get(name)], MAX_TEXT)


def _number(get: Any, name: str, default: float) -> float:
    raw = _text(get, name)
    return default if raw is None else parsing.decimal(name, raw)


def _integer(get: Any, name: str, default: int, high: int) -> int:
    raw = _text(get, name)
    return default if raw is None else parsing.whole_number(name, raw, 1, high)


def _codes(get: Any, name: str, pattern: re.Pattern[str], like: str) -> tuple[str, ...]:
    codes: list[str] = []
    for value in get(name):
        for part in parsing.refuse_nul(name, str(value)).split(","):
            code = part.strip().lower()
            if not code:
                continue
            if not pattern.match(code) or len(code) > 80:
                raise BadSearch(name, f"{part.strip()!r} is not {like}.")
            if code not in codes:
                codes.append(code)
    if len(codes) > MAX_FILTER_VALUES:
        raise BadSearch(name, f"Give at most {MAX_FILTER_VALUES} values.")
    return tuple(codes)


def _open(raw: str | None) -> tuple[bool, dt.datetime | None]:
    if raw is None:
        return False, None
    value = raw.lower()
    if value == "now":
        return True, None
    wall = _WALL.match(value)
    if wall:
        if wall["day"] not in _WEEKDAYS:
            raise BadSearch("open", f"{raw!r}: the day is one of {', '.join(_WEEKDAYS)}.")
        try:
            at = dt.time.fromisoformat(wall["time"].zfill(5))
        except ValueError:
            raise BadSearch("open", f"{raw!r}: the time is not a time of day.") from None
        # A fixed Monday stands for "any week": only the weekday and time are used.
        monday = dt.date(2024, 1, 1)
        day = monday + dt.timedelta(days=_WEEKDAYS.index(wall["day"]))
        return False, dt.datetime.combine(day, at)
    malformed = gettext(
        "'%(value)s' is not a time: use now, a day and time like sat 14:00, "
        "or a date and time like 2026-05-02T14:00."
    ) % {"value": raw}
    return False, parsing.date_time("open", raw, malformed)


# ---- resolving names ------------------------------------------------------------------------


def resolve_origin(near: str) -> Origin:
    coords = _COORDS.match(near)
    if coords:
        lat, lng = float(coords[1]), float(coords[2])
        if not (-90 <= lat <= 90 and -180 <= lng <= 180):
            raise BadSearch("near", f"{near!r}: latitude is -90 to 90, longitude -180 to 180.")
        return Origin(lat, lng, f"{lat:.4f}, {lng:.4f}")
    if _ZIPLIKE.match(near):
        try:
            matches = find_places(near)
        except BadQuery as exc:
            raise BadSearch("near", str(exc), get_language()) from None
        zip_code: ZipCode | None = matches.zip_code
        if zip_code is None:
            raise BadSearch("near", f"We do not know the ZIP code {near.strip()}.")
        return Origin(zip_code.latitude, zip_code.longitude, zip_code.code, zip_code.place)
    if "/" in near:
        path = near.strip("/").lower()
        path = path if path.startswith("us/") or path == "us" else f"us/{path}"
        place = Place.objects.filter(path=path).first()
        if place is None:
            raise BadSearch("near", f"We do not know the place {near!r}.")
        return _place_origin(place)
    try:
        matches = find_places(near, limit=6)
    except BadQuery as exc:
        # The place finder's messages are in the reader's language.
        raise BadSearch("near", str(exc), get_language()) from None
    if not matches.places:
        raise BadSearch("near", f"We do not know a place called {near!r}.")
    if len(matches.places) > 1:
        names = "; ".join(p.display_name for p in matches.places[:5])
        raise BadSearch("near", f"{near!r} could be several places ({names}): add the state.")
    return _place_origin(matches.places[0])


def _place_origin(place: Place) -> Origin:
    if place.latitude is None or place.longitude is None:
        raise BadSearch("near", f"{place.display_name} has no map point: name a city or ZIP.")
    return Origin(place.latitude, place.longitude, place.display_name, place)


class TermRow(NamedTuple):
    id: int
    code: str
    name: str
    parent_id: int | None
    taxonomy: str


@dataclass(frozen=True)
class TermIndex:
    """Taxonomy terms, by name, read in one plain query: every taxonomy's when a search names
    categories or attributes (a code may be any taxonomy's, and a term shares its bit with
    terms of other taxonomies); Waypost's own two when only the search form needs them."""

    rows: list[TermRow]
    every_taxonomy: bool = True

    @classmethod
    def read(cls, *, every_taxonomy: bool = True) -> TermIndex:
        where = "" if every_taxonomy else "WHERE x.name IN (%s, %s) "
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT t.id, t.code, t.name, t.parent_id, x.name FROM {tables.TAXONOMY_TERM} t "
                f"JOIN {tables.TAXONOMY} x ON x.id = t.taxonomy_id {where}ORDER BY t.name, t.id",
                [] if every_taxonomy else [CATEGORY_TAXONOMY, ATTRIBUTE_TAXONOMY],
            )
            return cls([TermRow(*row) for row in cursor], every_taxonomy)

    @classmethod
    def for_search(cls, query: SearchQuery, known: TermIndex | None = None) -> TermIndex:
        """The terms a search's filters need: none without categories or attributes."""
        if not (query.categories or query.attrs):
            return cls([])
        return known if known is not None and known.every_taxonomy else cls.read()

    @property
    def all_ids(self) -> list[int]:
        return [term.id for term in self.rows]

    def category_ids(self, codes: Sequence[str]) -> list[int]:
        """Term ids for category codes and everything under them; unknown codes are errors."""
        children: dict[int, list[int]] = {}
        by_code: dict[str, list[int]] = {}
        for term in self.rows:
            if term.taxonomy == ATTRIBUTE_TAXONOMY:
                continue
            by_code.setdefault(term.code, []).append(term.id)
            if term.parent_id is not None:
                children.setdefault(term.parent_id, []).append(term.id)
        wanted: set[int] = set()
        for code in codes:
            if code not in by_code:
                raise BadSearch("category", f"There is no category {code!r}.")
            stack = list(by_code[code])
            while stack:
                term_id = stack.pop()
                if term_id not in wanted:
                    wanted.add(term_id)
                    stack.extend(children.get(term_id, []))
        return sorted(wanted)

    def attribute_ids(self, codes: Sequence[str]) -> list[int]:
        found = {t.code: t.id for t in self.rows if t.taxonomy == ATTRIBUTE_TAXONOMY}
        for code in codes:
            if code not in found:
                raise BadSearch("attr", f"There is no attribute {code!r}.")
        return [found[c] for c in codes]


# ---- the query ------------------------------------------------------------------------------


def _distance_sql(lat: float, lng: float, alias: str = "l") -> tuple[str, list[Any]]:
    """Haversine distance in miles from a point to row `alias` (latitude, longitude)."""
    least = "LEAST" if connection.vendor == "postgresql" else "MIN"
    sql = (
        f"(2 * {EARTH_RADIUS_MI} * asin({least}(1.0, sqrt("
        f"power(sin(radians({alias}.latitude - %s) / 2), 2) + "
        f"cos(radians(%s)) * cos(radians({alias}.latitude)) * "
        f"power(sin(radians({alias}.longitude - %s) / 2), 2)))))"
    )
    return sql, [lat, lat, lng]


def _point_filters(
    query: SearchQuery, terms: TermIndex, now: dt.datetime, zones: list[str] | None
) -> tuple[list[str], list[Any]]:
    """WHERE conditions on search point `p` (see models.SearchPoint), with their parameters.

    Categories and attributes are first tested on the point's term bits; the link table is
    read only when another known term shares a wanted term's bit (otherwise a set bit is
    proof enough).
    """
    where: list[str] = ["p.active"]
    params: list[Any] = []
    all_terms = terms.all_ids
    if query.categories:
        ids = terms.category_ids(query.categories)
        wanted = points.mask(ids)
        others = set(all_terms) - set(ids)
        where.append("(p.category_bits & %s) <> 0")
        params.append(wanted)
        if any(points.bit(t) & wanted for t in others):
            marks = ", ".join(["%s"] * len(ids))
            where.append(
                f"EXISTS (SELECT 1 FROM {tables.SERVICE_CATEGORIES} c "
                f"WHERE c.service_id = p.service_id AND c.taxonomyterm_id IN ({marks}))"
            )
            params += ids
    for term_id in terms.attribute_ids(query.attrs):
        where.append("(p.attribute_bits & %s) <> 0")
        params.append(points.bit(term_id))
        if any(points.bit(t) == points.bit(term_id) for t in all_terms if t != term_id):
            where.append(
                f"EXISTS (SELECT 1 FROM {tables.SERVICE_ATTRIBUTES} a "
                "WHERE a.service_id = p.service_id AND a.taxonomyterm_id = %s)"
            )
            params.append(term_id)
    for lang in query.langs:
        where.append(
            f"EXISTS (SELECT 1 FROM {tables.SERVICE_LANGUAGE} sl "
            "WHERE sl.service_id = p.service_id "
            "AND (lower(sl.code) = %s OR lower(sl.code) LIKE %s))"
        )
        params += [lang, f"{lang}-%"]
    if query.open_now or query.open_at is not None:
        instant, wall = _open_moment(query, now)
        sql, open_params = hours.open_sql(
            connection,
            "p",
            instant=instant,
            wall=wall,
            zones=zones,
            service_id="p.service_id",
            location_id="p.location_id",
        )
        where.append(sql)
        params += open_params
    return where, params


def _open_moment(
    query: SearchQuery, now: dt.datetime
) -> tuple[dt.datetime | None, dt.datetime | None]:
    """(instant, wall-clock time) a search asks to be open at."""
    instant: dt.datetime | None = now if query.open_now else None
    wall: dt.datetime | None = None
    if query.open_at is not None:
        if timezone.is_aware(query.open_at):
            instant = query.open_at
        else:
            wall = query.open_at
    return instant, wall


def _filters(
    query: SearchQuery,
    terms: TermIndex,
    location_alias: str | None,
    now: dt.datetime,
    zones: list[str] | None = None,
) -> tuple[list[str], list[Any]]:
    """WHERE conditions on service `s` (and location `location_alias`, whose time zone is
    one of `zones`), with their parameters."""
    where: list[str] = ["s.status = 'active'"]
    params: list[Any] = []
    if query.categories:
        ids = terms.category_ids(query.categories)
        marks = ", ".join(["%s"] * len(ids))
        where.append(
            f"EXISTS (SELECT 1 FROM {tables.SERVICE_CATEGORIES} c WHERE c.service_id = s.id "
            f"AND c.taxonomyterm_id IN ({marks}))"
        )
        params += ids
    for term_id in terms.attribute_ids(query.attrs):
        where.append(
            f"EXISTS (SELECT 1 FROM {tables.SERVICE_ATTRIBUTES} a WHERE a.service_id = s.id "
            "AND a.taxonomyterm_id = %s)"
        )
        params.append(term_id)
    for lang in query.langs:
        where.append(
            f"EXISTS (SELECT 1 FROM {tables.SERVICE_LANGUAGE} sl WHERE sl.service_id = s.id "
            "AND (lower(sl.code) = %s OR lower(sl.code) LIKE %s))"
        )
        params += [lang, f"{lang}-%"]
    if query.open_now or query.open_at is not None:
        instant, wall = _open_moment(query, now)
        if location_alias is not None:
            sql, open_params = hours.open_sql(
                connection, location_alias, instant=instant, wall=wall, zones=zones
            )
        else:
            inner, open_params = hours.open_sql(connection, "ol", instant=instant, wall=wall)
            # Searching everywhere: open at any of the service's locations.
            links = f"{tables.SERVICE_AT_LOCATION} osal JOIN {tables.LOCATION} ol"
            sql = (
                f"EXISTS (SELECT 1 FROM {links} "
                f"ON ol.id = osal.location_id WHERE osal.service_id = s.id AND {inner})"
            )
        where.append(sql)
        params += open_params
    return where, params


def search(
    query: SearchQuery, *, now: dt.datetime | None = None, terms: TermIndex | None = None
) -> SearchPage:
    """Run a search; raises BadSearch for an unknown place, category or attribute, or a page
    past the last one. `terms`: the taxonomy as the caller has read it already, if it has."""
    now = now or timezone.now()
    terms = TermIndex.for_search(query, terms)
    origin = resolve_origin(query.near) if query.near else None
    keywords = fulltext.keyword_sql(query.q) if query.q else None
    offset = (query.page - 1) * query.per_page
    if origin is not None:
        rows = _near_rows(query, terms, origin, keywords, now, offset)
    else:
        rows = _everywhere_rows(query, terms, keywords, now, offset)
    total = rows[0][3] if rows else 0
    if not rows and query.page > 1:
        raise BadSearch("page", _past_end(query, terms, origin, keywords, now))
    results = listing.load(rows)
    return SearchPage(query, origin, results, total, query.page, query.per_page)


def _near_rows(
    query: SearchQuery,
    terms: TermIndex,
    origin: Origin,
    keywords: fulltext.KeywordSQL | None,
    now: dt.datetime,
    offset: int,
) -> list[tuple[int, int | None, float | None, int]]:
    min_lat, max_lat, min_lng, max_lng = bounding_box(
        origin.latitude, origin.longitude, query.radius_mi
    )
    distance, distance_params = _distance_sql(origin.latitude, origin.longitude, "p")
    box = (min_lat, max_lat, min_lng, max_lng)
    zones = _zones_in(box) if query.open_now or _is_instant(query.open_at) else None
    where, where_params = _point_filters(query, terms, now, zones)
    grid = points.cells(box)
    circle = f"""
          p.cell IN ({placeholders(grid)})
          AND p.latitude BETWEEN %s AND %s AND +p.longitude BETWEEN %s AND %s
          AND {distance} <= %s"""
    circle_params = [
        *grid,
        min_lat,
        max_lat,
        min_lng,
        max_lng,
        # Outside the circle is dropped on the point's index entry, before any other test.
        *distance_params,
        query.radius_mi,
    ]
    if keywords and keywords.probe:
        # Matches found among the services in the circle, then ranked (see KeywordSQL).
        hits = f"""
        cand AS MATERIALIZED (
          SELECT p.service_id AS sid, p.location_id AS lid, {distance} AS d
          FROM {tables.SEARCH_POINT} p
          WHERE {circle} AND {" AND ".join(where)}
            AND {keywords.probe.format(service_id="p.service_id")}
        ), ranked AS MATERIALIZED (
          {keywords.ranked.format(ids="SELECT sid FROM cand")}
        ), hits AS (
          SELECT c.sid, c.lid, c.d, r.rank FROM cand c JOIN ranked r ON r.sid = c.sid
        )"""
        hits_params = [
            *distance_params,
            *circle_params,
            *where_params,
            *keywords.match_params,
            *keywords.match_params,
        ]
    else:
        rank = keywords.rank if keywords else "0"
        # Keywords read the service row (its text); otherwise the search table alone answers.
        join = f"JOIN {tables.SERVICE} s ON s.id = p.service_id {keywords.join}" if keywords else ""
        if keywords and keywords.where:
            where.append(keywords.where)
            where_params += keywords.where_params
        hits = f"""
        hits AS (
          SELECT p.service_id AS sid, p.location_id AS lid, {distance} AS d, {rank} AS rank
          FROM {tables.SEARCH_POINT} p
          {join}
          WHERE {circle} AND {" AND ".join(where)}
        )"""
        hits_params = [
            *distance_params,
            *(keywords.join_params if keywords else []),
            *circle_params,
            *where_params,
        ]
    order = "rank, d, sid" if keywords else "d, sid"
    sql = f"""
        WITH {hits}, nearest AS (
          SELECT sid, lid, d, rank, ROW_NUMBER() OVER (PARTITION BY sid ORDER BY d, lid) AS n
          FROM hits
        )
        SELECT sid, lid, d, COUNT(*) OVER () FROM nearest WHERE n = 1
        ORDER BY {order} LIMIT %s OFFSET %s
    """
    params = [*hits_params, query.per_page, offset]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _is_instant(at: dt.datetime | None) -> bool:
    return at is not None and timezone.is_aware(at)


def _zones_in(box: tuple[float, float, float, float]) -> list[str]:
    """The time zones of locations in the box: read from the box's covering index."""
    with connection.cursor() as cursor:
        grid = points.cells(box)
        cursor.execute(
            f"SELECT DISTINCT p.timezone FROM {tables.SEARCH_POINT} p "
            f"WHERE p.cell IN ({placeholders(grid)}) "
            "AND p.latitude BETWEEN %s AND %s AND +p.longitude BETWEEN %s AND %s",
            [*grid, *box],
        )
        return [row[0] for row in cursor.fetchall()]


def _everywhere_rows(
    query: SearchQuery,
    terms: TermIndex,
    keywords: fulltext.KeywordSQL | None,
    now: dt.datetime,
    offset: int,
) -> list[tuple[int, int | None, float | None, int]]:
    where, where_params = _filters(query, terms, None, now)
    join = keywords.join if keywords else ""
    if keywords and keywords.where:
        where.append(keywords.where)
        where_params += keywords.where_params
    order = f"{keywords.rank}, s.name, s.id" if keywords else "s.name, s.id"
    sql = f"""
        SELECT s.id, NULL, NULL, COUNT(*) OVER () FROM {tables.SERVICE} s {join}
        WHERE {" AND ".join(where)}
        ORDER BY {order} LIMIT %s OFFSET %s
    """
    params = [
        *(keywords.join_params if keywords else []),
        *where_params,
        query.per_page,
        offset,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _past_end(
    query: SearchQuery,
    terms: TermIndex,
    origin: Origin | None,
    keywords: fulltext.KeywordSQL | None,
    now: dt.datetime,
) -> str:
    first = replace(query, page=1, per_page=1)
    rows = (
        _near_rows(first, terms, origin, keywords, now, 0)
        if origin is not None
        else _everywhere_rows(first, terms, keywords, now, 0)
    )
    total = rows[0][3] if rows else 0
    pages = max(1, math.ceil(total / query.per_page))
    return f"There {'is' if pages == 1 else 'are'} only {pages} page{'s' * (pages != 1)}."
