"""Where a data set's row is: its state, whether its point lies in that state, its city.

The gazetteer has no state boundaries, only points: every city (with its aliases) and every
ZIP code centre. A row's point counts as outside its state when it is more than
`FAR_MI` from every gazetteer point of that state (coordinates swapped, zeroed or in
another part of the country), or when, more than `HOME_MI` from its own state's points, it
is nearer to another state's (a site geocoded into the neighbouring state). Remote
Alaskan villages lie up to 60 miles from the nearest point the gazetteer knows.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from waypost.datasets.national.common import NO_POINT, OUTSIDE_STATE, LeftOut, Site
from waypost.places.geo import MILES_PER_DEGREE_LAT, distance_mi
from waypost.places.models import Place, PlaceAlias, PlaceKind, ZipCode
from waypost.places.text import normalize_name

FAR_MI = 75.0
HOME_MI = 15.0
# A city the row names is taken when it lies this close to the row's point.
NAMED_CITY_MI = 25.0
# Otherwise the nearest city, looked for in widening rings (a dense state is not read whole).
CITY_RINGS_MI = (10.0, 30.0, 90.0, 200.0)
CELL_DEGREES = 0.25


class NoGazetteer(Exception):
    pass


@dataclass(frozen=True)
class City:
    id: int
    name: str
    state: str
    latitude: float
    longitude: float
    timezone: str


def _cell(lat: float, lng: float) -> tuple[int, int]:
    return math.floor(lat / CELL_DEGREES), math.floor(lng / CELL_DEGREES)


def _cells_within(lat: float, lng: float, miles: float) -> list[tuple[int, int]]:
    dlat = miles / MILES_PER_DEGREE_LAT
    dlng = miles / (MILES_PER_DEGREE_LAT * max(math.cos(math.radians(lat)), 0.05))
    low, high = _cell(lat - dlat, lng - dlng), _cell(lat + dlat, lng + dlng)
    return [(i, j) for i in range(low[0], high[0] + 1) for j in range(low[1], high[1] + 1)]


class Gazetteer:
    """The gazetteer's states, cities and points, read once per import."""

    def __init__(self) -> None:
        self.states = {p.state_code: p for p in Place.objects.filter(kind=PlaceKind.STATE)}
        if not self.states:
            raise NoGazetteer("the gazetteer is not loaded: run manage.py load_gazetteer")
        self.names = {code: p.name for code, p in self.states.items()}
        self._points: dict[tuple[int, int], list[tuple[float, float, str]]] = defaultdict(list)
        self._cities: dict[tuple[int, int], list[City]] = defaultdict(list)
        self._by_name: dict[tuple[str, str], list[City]] = defaultdict(list)
        # Other names of a city (a ZIP code's "Denver" for Commerce City): tried after the
        # cities of that very name.
        self._by_alias: dict[tuple[str, str], list[City]] = defaultdict(list)
        by_id: dict[int, City] = {}
        rows = Place.objects.cities().filter(latitude__isnull=False, longitude__isnull=False)
        for pk, name, key, state, lat, lng, zone in rows.values_list(
            "pk", "name", "name_key", "state_code", "latitude", "longitude", "timezone"
        ):
            if lat is None or lng is None:
                continue
            city = City(pk, name, state, lat, lng, zone)
            by_id[pk] = city
            self._cities[_cell(lat, lng)].append(city)
            self._points[_cell(lat, lng)].append((lat, lng, state))
            self._by_name[(state, key)].append(city)
        for place_id, key in PlaceAlias.objects.filter(place__kind=PlaceKind.CITY).values_list(
            "place_id", "name_key"
        ):
            aliased = by_id.get(place_id)
            if aliased is not None:
                self._by_alias[(aliased.state, key)].append(aliased)
        for lat, lng, state in ZipCode.objects.filter(place__isnull=False).values_list(
            "latitude", "longitude", "place__state_code"
        ):
            self._points[_cell(lat, lng)].append((lat, lng, state))

    def state(self, code: str) -> Place | None:
        return self.states.get(code.strip().upper())

    def outside(self, state: str, lat: float, lng: float) -> str | None:
        """Why the point is not in the state, or None when it is."""
        if not (-90 <= lat <= 90 and -180 <= lng <= 180):
            return f"({lat}, {lng}) is not a point on Earth"
        if self._home(state, lat, lng):
            return None
        own, other = self._nearest(state, lat, lng, FAR_MI)
        name = self.names.get(state, state)
        if own is None:
            return f"({lat:.4f}, {lng:.4f}) is more than {FAR_MI:.0f} miles from {name}"
        if other is not None and other[0] < own:
            return f"({lat:.4f}, {lng:.4f}) is nearer to {self.names.get(other[1], other[1])}"
        return None

    def _home(self, state: str, lat: float, lng: float) -> bool:
        """Whether a point of the state lies within HOME_MI: most rows stop here, at the
        first such point of the nearest cells."""
        cells = sorted(
            _cells_within(lat, lng, HOME_MI),
            key=lambda c: abs(c[0] * CELL_DEGREES - lat) + abs(c[1] * CELL_DEGREES - lng),
        )
        for cell in cells:
            for p_lat, p_lng, p_state in self._points.get(cell, ()):
                if p_state == state and distance_mi(lat, lng, p_lat, p_lng) <= HOME_MI:
                    return True
        return False

    def _nearest(
        self, state: str, lat: float, lng: float, miles: float
    ) -> tuple[float | None, tuple[float, str] | None]:
        """The distance to the state's nearest point, and the nearest other state's point,
        both within `miles`."""
        own: float | None = None
        other: tuple[float, str] | None = None
        for cell in _cells_within(lat, lng, miles):
            for p_lat, p_lng, p_state in self._points.get(cell, ()):
                d = distance_mi(lat, lng, p_lat, p_lng)
                if d > miles:
                    continue
                if p_state == state:
                    own = d if own is None else min(own, d)
                elif other is None or d < other[0]:
                    other = (d, p_state)
        return own, other

    def city(self, state: str, name: str, lat: float, lng: float) -> City | None:
        """The city a row names when it lies near the point, else the nearest city."""
        key = (state, normalize_name(name))
        for known in (self._by_name, self._by_alias):
            named = [
                (distance_mi(lat, lng, c.latitude, c.longitude), c.id, c)
                for c in known.get(key, ())
            ]
            if named:
                d, _pk, city = min(named)
                if d <= NAMED_CITY_MI:
                    return city
        for miles in CITY_RINGS_MI:
            near = [
                (distance_mi(lat, lng, c.latitude, c.longitude), c.id, c)
                for cell in _cells_within(lat, lng, miles)
                for c in self._cities.get(cell, ())
                if c.state == state
            ]
            near = [n for n in near if n[0] <= miles]
            if near:
                return min(near)[2]
        return None


@dataclass(frozen=True)
class Where:
    latitude: float
    longitude: float
    city: City | None

    def city_name(self, as_written: str) -> str:
        """The city as the gazetteer spells it ("INDIANAPOLIS" is Indianapolis) when the row
        names that city, else as written."""
        if self.city is not None and normalize_name(self.city.name) == normalize_name(as_written):
            return self.city.name
        return as_written


def where(
    gazetteer: Gazetteer, line: int, name: str, state: str, lat: str, lng: str, city: str
) -> Where | LeftOut:
    """The row's point, checked against its state, and the city it is in; or why not."""
    if not lat.strip() or not lng.strip():
        return LeftOut(line, NO_POINT, name)
    try:
        latitude, longitude = float(lat), float(lng)
    except ValueError:
        return LeftOut(line, NO_POINT, name, f"{lat!r}, {lng!r} are not numbers")
    if not (math.isfinite(latitude) and math.isfinite(longitude)):
        return LeftOut(line, NO_POINT, name, f"{lat!r}, {lng!r} are not numbers")
    problem = gazetteer.outside(state, latitude, longitude)
    if problem is not None:
        return LeftOut(line, OUTSIDE_STATE, name, problem)
    return Where(latitude, longitude, gazetteer.city(state, city, latitude, longitude))


def put(
    site: Site,
    located: Where,
    *,
    street: str,
    city: str,
    state: str,
    postal_code: str = "",
    street_2: str = "",
) -> Site:
    """Give a site its address, point, city and time zone."""
    site.street, site.street_2 = street, street_2
    site.city = located.city_name(city)
    site.state = state
    site.postal_code = postal_code
    site.latitude, site.longitude = located.latitude, located.longitude
    site.place_id = located.city.id if located.city else None
    site.timezone = located.city.timezone if located.city else ""
    return site
