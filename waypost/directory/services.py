"""Queries on the directory: services near a point, and hotlines for a set of places."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet, Value

from waypost.directory.models import Location, Phone, Service, ServiceAtLocation
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
    """Category codes and attribute names per service, in one flat query for a whole page."""
    ids = list(service_ids)
    categories: dict[int, set[str]] = {i: set() for i in ids}
    attributes: dict[int, list[str]] = {i: [] for i in ids}
    category_rows = Service.categories.through.objects.filter(service_id__in=ids).values_list(
        Value("c"), "service_id", "taxonomyterm__code"
    )
    attribute_rows = Service.attributes.through.objects.filter(service_id__in=ids).values_list(
        Value("a"), "service_id", "taxonomyterm__name"
    )
    for kind, service_id, term in category_rows.union(attribute_rows, all=True):
        if kind == "c":
            categories[service_id].add(term)
        else:
            attributes[service_id].append(term)
    return {i: ServiceTerms(frozenset(categories[i]), tuple(sorted(attributes[i]))) for i in ids}


def locations_near(lat: float, lng: float, radius_mi: float) -> dict[int, tuple[float, Location]]:
    """Service id → (distance, nearest location) for every service within the radius."""
    min_lat, max_lat, min_lng, max_lng = bounding_box(lat, lng, radius_mi)
    links = ServiceAtLocation.objects.filter(
        location__latitude__range=(min_lat, max_lat),
        location__longitude__range=(min_lng, max_lng),
        service__status="active",
    ).select_related("location__address", "location__place")
    best: dict[int, tuple[float, Location]] = {}
    for link in links:
        loc = link.location
        d = distance_mi(lat, lng, loc.latitude, loc.longitude)
        if d <= radius_mi and (link.service_id not in best or d < best[link.service_id][0]):
            best[link.service_id] = (d, loc)
    return best


def nearby_from(
    near: dict[int, tuple[float, Location]], services: Iterable[Service]
) -> list[NearbyService]:
    found = [NearbyService(s, near[s.pk][1], near[s.pk][0]) for s in services if s.pk in near]
    found.sort(key=lambda n: (n.distance_mi, n.service.name))
    return found


def hotline_ids(places: list[Place]) -> list[int]:
    """Services reached by phone only (no location) whose area is one of the places.

    Ordered broadest area first (national before state), then by name.
    """
    rows = (
        Service.objects.filter(areas__place__in=places, at_locations__isnull=True, status="active")
        .order_by("areas__place__path", "name")
        .values_list("pk", flat=True)
    )
    return list(dict.fromkeys(rows))


def hotlines_for(places: list[Place]) -> list[Service]:
    ids = hotline_ids(places)
    by_id = {s.pk: s for s in with_details(Service.objects.filter(pk__in=ids))}
    return [by_id[i] for i in ids]
