"""How near readers are to help: per state, the share of cities (and of the people in them)
with an in-person health service within 10 and 25 miles, an emergency department within
25 miles, and legal aid (a program serving the state, or an office within 25 miles).

One function, `access_by_state`, feeds the editors' /coverage/ page and `coverage_report
--access`. Distances are great-circle miles from each city's point to each location's point;
locations are bucketed in a grid so every city looks only at the few cells around it.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from waypost.directory.models import ServiceArea, ServiceAtLocation
from waypost.directory.taxonomy import category_codes_with_descendants
from waypost.places.geo import distance_mi
from waypost.places.models import Place, PlaceKind

NEAR_MI = 10.0
FAR_MI = 25.0
# Hospitals imported from the national data set: the general acute care and critical access
# ones, which have emergency departments in most cases.
EMERGENCY_DATASET = "hospitals"
HEALTH = "health"
LEGAL = "legal"
# 0.25 degree cells: about 17 miles north-south, so a 25-mile circle spans a few cells.
CELL_DEGREES = 0.25

Point = tuple[float, float]


@dataclass
class Share:
    cities: int = 0
    people: int = 0

    def add(self, population: int) -> None:
        self.cities += 1
        self.people += population


@dataclass
class StateAccess:
    name: str
    code: str
    total: Share = field(default_factory=Share)
    health_near: Share = field(default_factory=Share)
    health_far: Share = field(default_factory=Share)
    emergency: Share = field(default_factory=Share)
    legal: Share = field(default_factory=Share)

    def percent(self, share: Share, *, people: bool = True) -> float:
        whole = self.total.people if people else self.total.cities
        part = share.people if people else share.cities
        return 100.0 * part / whole if whole else 0.0

    @property
    def columns(self) -> list[tuple[str, float, float]]:
        """(heading, % of cities, % of people) in report order."""
        return [
            (heading, self.percent(share, people=False), self.percent(share))
            for heading, share in (
                (f"health ≤ {NEAR_MI:.0f} mi", self.health_near),
                (f"health ≤ {FAR_MI:.0f} mi", self.health_far),
                (f"emergency ≤ {FAR_MI:.0f} mi", self.emergency),
                ("legal aid", self.legal),
            )
        ]


class Grid:
    def __init__(self, points: Iterable[Point]) -> None:
        self.cells: dict[tuple[int, int], list[Point]] = defaultdict(list)
        for lat, lng in points:
            self.cells[self._cell(lat, lng)].append((lat, lng))

    @staticmethod
    def _cell(lat: float, lng: float) -> tuple[int, int]:
        return math.floor(lat / CELL_DEGREES), math.floor(lng / CELL_DEGREES)

    def within(self, lat: float, lng: float, miles: float) -> bool:
        rows = math.ceil(miles / 69.0 / CELL_DEGREES)
        # A degree of longitude shrinks with latitude; near the poles, look wider.
        scale = max(math.cos(math.radians(min(abs(lat) + 1, 89))), 0.05)
        cols = math.ceil(miles / (69.0 * scale) / CELL_DEGREES)
        row, col = self._cell(lat, lng)
        for r in range(row - rows, row + rows + 1):
            for c in range(col - cols, col + cols + 1):
                for plat, plng in self.cells.get((r, c), ()):
                    if distance_mi(lat, lng, plat, plng) <= miles:
                        return True
        return False


def _in_person(categories: set[str] | None = None, dataset: str | None = None) -> Grid:
    """Points of active services' locations a reader can walk into (no area-only ones)."""
    rows = ServiceAtLocation.objects.filter(service__status="active", location__area_only=False)
    if categories is not None:
        rows = rows.filter(service__categories__code__in=categories)
    if dataset is not None:
        rows = rows.filter(service__dataset=dataset)
    return Grid(rows.values_list("location__latitude", "location__longitude").distinct())


def _states_with_legal_aid(legal: set[str]) -> set[str]:
    """State codes a legal help program serves as a whole. A national hotline is not counted:
    the report is about help in the reader's own state."""
    return set(
        ServiceArea.objects.filter(
            service__status="active",
            service__categories__code__in=legal,
            place__kind=PlaceKind.STATE,
        ).values_list("place__state_code", flat=True)
    )


def access_by_state(code: str | None = None) -> tuple[list[StateAccess], StateAccess]:
    """Per state (by name), and the whole country last."""
    health_codes = category_codes_with_descendants([HEALTH])
    legal_codes = category_codes_with_descendants([LEGAL])
    health = _in_person(health_codes)
    emergency = _in_person(dataset=EMERGENCY_DATASET)
    legal_offices = _in_person(legal_codes)
    legal_states = _states_with_legal_aid(legal_codes)
    states = Place.objects.filter(kind=PlaceKind.STATE)
    if code is not None:
        states = states.filter(state_code=code.upper())
    by_code = {s.state_code: StateAccess(s.name, s.state_code) for s in states.order_by("name")}
    country = StateAccess("United States", "US")
    cities = Place.objects.filter(
        kind=PlaceKind.CITY,
        state_code__in=by_code,
        latitude__isnull=False,
        longitude__isnull=False,
    ).values_list("state_code", "latitude", "longitude", "population")
    for state_code, lat, lng, population in cities:
        if lat is None or lng is None:
            continue
        people = population or 0
        rows = (by_code[state_code], country)
        checks = (
            ("total", True),
            ("health_near", health.within(lat, lng, NEAR_MI)),
            ("health_far", health.within(lat, lng, FAR_MI)),
            ("emergency", emergency.within(lat, lng, FAR_MI)),
            (
                "legal",
                state_code in legal_states or legal_offices.within(lat, lng, FAR_MI),
            ),
        )
        for name, reached in checks:
            if reached:
                for row in rows:
                    getattr(row, name).add(people)
    return list(by_code.values()), country
