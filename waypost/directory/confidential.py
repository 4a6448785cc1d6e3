"""Confidential locations (shelters): kept, served and measured only as an area.

A location marked `area_only` stores no exact point: its latitude and longitude are snapped to
a grid of a tenth of a degree (about 7 miles north-south, 5 east-west across the US), so no
copy of the database, API answer or search can give the door away. Distances to it are shown
in whole miles, so that searches from three points (`near=lat,lng`) find the grid point at
best, never the building. One rule, applied wherever a location is written: on save (the
editors' workspace, the facts loader) and after every HSDS import
(`directory.services.coarsen_area_only_locations`).
"""

from __future__ import annotations

from typing import Protocol

GRID_DECIMALS = 1


class HasArea(Protocol):
    area_only: bool


def area_point(latitude: float, longitude: float) -> tuple[float, float]:
    return round(latitude, GRID_DECIMALS), round(longitude, GRID_DECIMALS)


def shown_distance(miles: float, location: HasArea | None) -> float:
    """A distance as readers and API clients get it."""
    if location is not None and location.area_only:
        return float(round(miles))
    return round(miles, 2)
