"""Finding places from what a reader types: a city name, "City, ST", or a ZIP code."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import F, Q
from django.utils.translation import gettext as _

from waypost.places.models import Place, PlaceAlias, PlaceKind, ZipCode
from waypost.places.text import normalize_name

MAX_QUERY_LENGTH = 100
# ASCII digits: \d also matches the digits of other scripts ("١٢٣٤٥"), which no ZIP has.
_ZIPLIKE = re.compile(r"^[0-9]+(-[0-9]*)?$")
_ZIP = re.compile(r"^([0-9]{5})(-[0-9]{4})?$")
_STATE_SUFFIX = re.compile(r"^(?P<name>.+?),?\s+(?P<state>[A-Za-z]{2})$")


# Most populous first; a place of unknown population last on every database (PostgreSQL
# would otherwise put NULLs first).
BY_POPULATION = F("population").desc(nulls_last=True)


class BadQuery(ValueError):
    """What the reader typed cannot be searched; the message says why."""


@dataclass(frozen=True)
class PlaceMatches:
    query: str
    places: list[Place]
    zip_code: ZipCode | None = None
    is_zip: bool = False


def find_places(query: str, limit: int = 50) -> PlaceMatches:
    """Cities matching a query, most populous first; a ZIP resolves to its city."""
    query = query.strip()
    if not query:
        raise BadQuery(_("Type a city name or a 5-digit ZIP code."))
    if len(query) > MAX_QUERY_LENGTH:
        raise BadQuery(
            _("That is too long: use at most %(count)d characters.") % {"count": MAX_QUERY_LENGTH}
        )
    if _ZIPLIKE.match(query):
        match = _ZIP.match(query)
        if not match:
            raise BadQuery(
                _("'%(query)s' is not a ZIP code: a ZIP code has 5 digits, like 06850.")
                % {"query": query}
            )
        zip_code = zip_at(match.group(1))
        places = [zip_code.place] if zip_code and zip_code.place else []
        return PlaceMatches(query, places, zip_code, is_zip=True)
    if not normalize_name(query):
        raise BadQuery(_("Type a city name using letters, or a 5-digit ZIP code."))

    state_match = _STATE_SUFFIX.match(query)
    found: list[Place] = []
    if state_match:
        found = cities_named(state_match["name"], limit, state=state_match["state"].upper())
    if not found:
        found = cities_named(query, limit)
    if not found:
        # Names starting with what was typed ("norw" finds Norwalk, Norwich…).
        key = normalize_name(query)
        cities = Place.objects.cities().select_related("parent", "county")
        found = list(cities.filter(name_key__startswith=key).order_by(BY_POPULATION)[:limit])
    return PlaceMatches(query, found)


def cities_named(name: str, limit: int, state: str | None = None) -> list[Place]:
    """Cities whose name or an alias matches (ignoring case and accents), most populous
    first, with their state and county."""
    key = normalize_name(name)
    aliased = PlaceAlias.objects.filter(name_key=key).values("place_id")
    cities = Place.objects.filter(Q(name_key=key) | Q(pk__in=aliased), kind=PlaceKind.CITY)
    if state:
        cities = cities.filter(state_code=state)
    return list(cities.select_related("parent", "county").order_by(BY_POPULATION, "path")[:limit])


def zip_at(code: str) -> ZipCode | None:
    """A ZIP code with its city."""
    return ZipCode.objects.select_related("place").filter(code=code).first()


def suggest_for_path(path: str, limit: int = 8) -> list[Place]:
    """Places a mistyped or unknown URL probably meant: same-name cities first."""
    parts = [p for p in path.strip("/").split("/") if p]
    if not parts:
        return []
    name = parts[-1].replace("-", " ")
    key = normalize_name(name)
    if not key:
        return []
    cities = Place.objects.cities().select_related("parent")
    same = list(cities.filter(name_key=key).order_by(BY_POPULATION)[:limit])
    if len(same) < limit:
        more = (
            cities.filter(name_key__startswith=key[:4])
            .exclude(pk__in=[p.pk for p in same])
            .order_by(BY_POPULATION)[: limit - len(same)]
        )
        same.extend(more)
    return same


def state_by_code(code: str) -> Place | None:
    return Place.objects.filter(kind=PlaceKind.STATE, state_code=code.upper()).first()


def city_at(path: str) -> Place | None:
    """The city at a path such as "us/ct/norwalk", with its state, country and county read
    in the same query (a guide walks them for its jurisdiction chain)."""
    cities = Place.objects.select_related("parent__parent", "county")
    return cities.filter(path=path, kind=PlaceKind.CITY).first()
