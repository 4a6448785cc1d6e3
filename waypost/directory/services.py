"""Queries on the directory: services near a point, and hotlines for a set of places."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet, Value

from waypost.directory.confidential import area_point, shown_distance
from waypost.directory.models import (
    Location,
    Phone,
    Service,
    ServiceAtLocation,
)
from waypost.places.geo import bounding_box, distance_mi
from waypost.places.models import Place


@dataclass(frozen=True)
class NearbyService:
    service: Service
    location: Location
    distance_mi: float


@dataclass(frozen=True)
class ServiceTerms:
    """A service's category codes and attribute names, read without building term objects."""

    categories: frozenset[str]
    attributes: tuple[str, ...]


def with_details(services: QuerySet[Service], *, citations: bool = True) -> QuerySet[Service]:
    """Services with what a listing shows. Pages that number citations themselves skip them."""
    related: list[str | Prefetch[Any]] = [
        "categories",
        "attributes",
        "schedules",
        Prefetch("phones", queryset=Phone.objects.select_related("fact")),
    ]
    if citations:
        related += ["fact__citations__source", "phones__fact__citations__source"]
    return services.select_related("organization", "fact").prefetch_related(*related)


def terms_of(service_ids: Iterable[int]) -> dict[int, ServiceTerms]:
    """Category codes and attribute names per service, in two flat queries for a whole page."""
    ids = list(service_ids)
    categories: dict[int, set[str]] = {i: set() for i in ids}
    attributes: dict[int, list[str]] = {i: [] for i in ids}
    in_categories = Service.categories.through.objects.filter(service_id__in=ids).values_list(
        "service_id", "taxonomyterm__code", Value(True)
    )
    with_attributes = Service.attributes.through.objects.filter(service_id__in=ids).values_list(
        "service_id", "taxonomyterm__name", Value(False)
    )
    for service_id, term, is_category in in_categories.union(with_attributes, all=True):
        if is_category:
            categories[service_id].add(term)
        else:
            attributes[service_id].append(term)
    return {i: ServiceTerms(frozenset(categories[i]), tuple(sorted(attributes[i]))) for i in ids}


def locations_near(lat: float, lng: float, radius_mi: float) -> dict[int, tuple[float, int]]:
    """Service id → (distance, id of its nearest location) for every service within the
    radius. Read as plain values: a city has hundreds of services around it and a page shows
    a few, whose locations it then reads whole (guides/shared.py)."""
    min_lat, max_lat, min_lng, max_lng = bounding_box(lat, lng, radius_mi)
    # The bounding box uses the (latitude, longitude) index; the circle is cut in Python.
    links = ServiceAtLocation.objects.filter(
        location__latitude__range=(min_lat, max_lat),
        location__longitude__range=(min_lng, max_lng),
        service__status="active",
    ).values_list("service_id", "location_id", "location__latitude", "location__longitude")
    best: dict[int, tuple[float, int]] = {}
    for service_id, location_id, latitude, longitude in links:
        d = distance_mi(lat, lng, latitude, longitude)
        if d <= radius_mi and (service_id not in best or d < best[service_id][0]):
            best[service_id] = (d, location_id)
    return best


def nearby_from(
    near: dict[int, tuple[float, Location]], services: Iterable[Service]
) -> list[NearbyService]:
    found = [
        NearbyService(s, near[s.pk][1], shown_distance(*near[s.pk]))
        for s in services
        if s.pk in near
    ]
    found.sort(key=lambda n: (n.distance_mi, n.service.name))
    return found


def hotlines_by_area(place_ids: Iterable[int]) -> dict[int, list[int]]:
    """Services reached by phone only (no location) whose area is one of the places: the
    ids for each place, by name."""
    found: dict[int, list[int]] = {pk: [] for pk in place_ids}
    rows = (
        Service.objects.filter(
            areas__place_id__in=list(found),
            status="active",
            at_locations__isnull=True,
        )
        .order_by("name", "id")
        .values_list("areas__place_id", "id")
    )
    for place_id, service_id in rows:
        found[place_id].append(service_id)
    return found


def hotline_order(by_area: Iterable[Sequence[int]]) -> list[int]:
    """Hotlines of several areas, broadest area first (the order given): a service covering
    two of them is listed with the broader."""
    return list(dict.fromkeys(i for ids in by_area for i in ids))


def hotline_ids(places: list[Place]) -> list[int]:
    """Hotlines of the places, broadest first (national before state), then by name."""
    by_area = hotlines_by_area(p.pk for p in places)
    return hotline_order(by_area[p.pk] for p in places)


def hotlines_for(places: list[Place]) -> list[Service]:
    ids = hotline_ids(places)
    by_id = {s.pk: s for s in with_details(Service.objects.filter(pk__in=ids))}
    return [by_id[i] for i in ids]


def coarsen_area_only_locations() -> int:
    """Snap every area-only location still holding a finer point (an import wrote one over
    it); returns how many. The few confidential locations are read whole: rounding in SQL
    differs between databases."""
    changed = 0
    for location in Location.objects.filter(area_only=True).only("latitude", "longitude"):
        point = area_point(location.latitude, location.longitude)
        if (location.latitude, location.longitude) != point:
            location.latitude, location.longitude = point
            location.save(update_fields=["latitude", "longitude"])
            changed += 1
    return changed


def nearest_per_category(
    near: dict[int, tuple[float, int]],
    keep: int,
    terms: dict[int, ServiceTerms] | None = None,
) -> dict[int, tuple[float, int]]:
    """The services among `near` that are among the `keep` nearest of one of their
    categories. A page lists a few services per question, nearest first; a city among
    thousands of services need not read the rest (their phones, hours and sources)."""
    categories = terms if terms is not None else terms_of(near)
    counts: dict[str, int] = {}
    kept: dict[int, tuple[float, int]] = {}
    for service_id, found in sorted(near.items(), key=lambda kv: kv[1][0]):
        for code in categories[service_id].categories:
            if counts.get(code, 0) < keep:
                counts[code] = counts.get(code, 0) + 1
                kept[service_id] = found
    return kept
