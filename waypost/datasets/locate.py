"""Turn the words a data file uses for places into gazetteer places and points.

Jurisdictions are codes: "US", "US-CT", "US-CA-Los Angeles County", "US-CT-Norwalk".
Addresses are "street, City, ST[ ZIP]"; areas are free text such as "Long Beach, CA" or
"Lower Fairfield County (Norwalk, Stamford, Bridgeport)". Anything that cannot be placed
without guessing is refused, so no service lands in the wrong Norwalk.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from waypost.places.models import Place, PlaceKind, ZipCode
from waypost.places.services import BY_POPULATION
from waypost.places.text import normalize_name

_ADDRESS = re.compile(
    r"^(?P<street>.+?),\s*(?P<city>[^,]+),\s*(?P<state>[A-Z]{2})(?:\s+(?P<zip>\d{5}))?$"
)
_CITY_STATE = re.compile(r"^(?P<head>.*?)(?P<city>[^,()]+),\s*(?P<state>[A-Z]{2})$")
_COUNTY = re.compile(r"([A-Z][\w.' -]*? (?:County|Parish|Borough))")
_LIST_SPLIT = re.compile(r",|\(|\)|\band\b|\bfocus on\b|;")


class NotFound(Exception):
    pass


@dataclass(frozen=True)
class Located:
    place: Place  # the city the point is in, or nearest to
    area: Place  # what the text names: a city, county or state
    latitude: float
    longitude: float
    street: str = ""
    postal_code: str = ""


def jurisdiction(code: str) -> Place:
    """'US' → the country; 'US-CT' → Connecticut; 'US-CA-Los Angeles County' → that county."""
    parts = code.split("-", 2)
    if parts[0] != "US":
        raise NotFound(f"{code!r} is not a US jurisdiction code (US, US-XX or US-XX-Name)")
    if len(parts) == 1:
        return Place.objects.get(path="us")
    state = _state(parts[1])
    if len(parts) == 2:
        return state
    name_key = normalize_name(parts[2])
    below = Place.objects.filter(state_code=state.state_code, name_key=name_key)
    for kind in (PlaceKind.COUNTY, PlaceKind.CITY):
        found = below.filter(kind=kind).order_by(BY_POPULATION).first()
        if found is not None:
            return found
    raise NotFound(f"no county or city named {parts[2]!r} in {state.name}")


def _state(code: str) -> Place:
    try:
        return Place.objects.get(kind=PlaceKind.STATE, state_code=code.upper())
    except Place.DoesNotExist:
        raise NotFound(f"{code!r} is not a US state code") from None


def _city(name: str, state: Place) -> Place | None:
    """A city by name in a state; 'South Los Angeles' falls back to 'Los Angeles'."""
    words = name.split()
    for start in range(len(words)):
        found = (
            Place.objects.cities()
            .named(" ".join(words[start:]))
            .filter(state_code=state.state_code)
            .order_by(BY_POPULATION)
            .first()
        )
        if found is not None:
            return found
    return None


def _county(name: str, state: Place) -> Place | None:
    return Place.objects.filter(
        kind=PlaceKind.COUNTY, state_code=state.state_code, name_key=normalize_name(name)
    ).first()


def _point(place: Place) -> tuple[float, float]:
    if place.latitude is None or place.longitude is None:
        raise NotFound(f"{place} has no coordinates in the gazetteer")
    return place.latitude, place.longitude


def address(text: str) -> Located:
    match = _ADDRESS.match(text.strip())
    if not match:
        raise NotFound(f"{text!r} is not an address of the form 'street, City, ST[ 12345]'")
    state = _state(match["state"])
    city = _city(match["city"].strip(), state)
    if city is None:
        raise NotFound(f"no city named {match['city'].strip()!r} in {state.name}")
    postal = match["zip"] or ""
    lat, lng = _point(city)
    if postal:
        zip_code = ZipCode.objects.filter(code=postal).first()
        if zip_code is None:
            raise NotFound(f"unknown ZIP code {postal}")
        lat, lng = zip_code.latitude, zip_code.longitude
    return Located(city, city, lat, lng, street=match["street"].strip(), postal_code=postal)


def area(text: str) -> Located:
    """Place a free-text service area, or refuse if it names no state it can be pinned to."""
    text = text.strip()
    match = _CITY_STATE.match(text)
    if match:
        state = _state(match["state"])
        name = match["city"].strip()
        county = _county(name, state) if _COUNTY.fullmatch(name) else None
        target = county or _city(name, state)
        if target is None:
            raise NotFound(f"no city or county named {name!r} in {state.name}")
        return _located_at(target, target)

    named = [normalize_name(part) for part in _LIST_SPLIT.split(text) if part.strip()]
    states = [
        s
        for s in Place.objects.filter(kind=PlaceKind.STATE)
        if re.search(rf"\b{re.escape(s.name)}\b", text)
    ]
    if len(states) == 1:
        state = states[0]
        for name in named:
            city = _city(name, state)
            if city is not None:
                return _located_at(state, city)
        return _located_at(state, state)

    # "Lower Fairfield County (Norwalk, Stamford, Bridgeport)": the county names no state,
    # but only one state has a county of that name holding the towns listed.
    for county_name in _COUNTY.findall(text):
        county_name = re.sub(
            r"^(Lower|Upper|Northern|Southern|Eastern|Western)\s+", "", county_name
        )
        matches = []
        for county in Place.objects.filter(
            kind=PlaceKind.COUNTY, name_key=normalize_name(county_name)
        ):
            towns = {
                t.name_key: t
                for t in Place.objects.cities().filter(county=county, name_key__in=named)
            }
            # The first town the text lists is where the service is based.
            first = next((towns[name] for name in named if name in towns), None)
            if first is not None:
                matches.append((county, first))
        if len(matches) == 1:
            return _located_at(*matches[0])
    raise NotFound(
        f"cannot tell where {text!r} is: write 'City, ST', 'Name County, ST' or name the state"
    )


def _located_at(area_place: Place, point_place: Place) -> Located:
    lat, lng = _point(point_place)
    city = point_place if point_place.kind == PlaceKind.CITY else _nearest_city(point_place)
    return Located(city, area_place, lat, lng)


def _nearest_city(place: Place) -> Place:
    lat, lng = _point(place)
    candidates = Place.objects.cities().filter(
        state_code=place.state_code,
        latitude__range=(lat - 1, lat + 1),
        longitude__range=(lng - 1, lng + 1),
    )
    best = min(
        candidates,
        key=lambda c: ((c.latitude or 0) - lat) ** 2 + ((c.longitude or 0) - lng) ** 2,
        default=None,
    )
    if best is None:
        raise NotFound(f"no city near {place}")
    return best
