"""Queries on the directory: services near a point, and hotlines for a set of places."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from waypost.directory.models import Location, Phone, Service, ServiceAtLocation
from waypost.places.geo import bounding_box, distance_mi
from waypost.places.models import Place


@dataclass(frozen=True)
class NearbyService:
    service: Service
    location: Location
    distance_mi: float

    @property
    def category_codes(self) -> set[str]:
        return {term.code for term in self.service.categories.all()}


def _with_details(services: QuerySet[Service]) -> QuerySet[Service]:
    return services.select_related("organization", "fact").prefetch_related(
        "categories",
        "attributes",
        "languages",
        "schedules",
        "areas",
        Prefetch("phones", queryset=Phone.objects.select_related("fact")),
        "fact__citations__source",
        "phones__fact__citations__source",
    )


def services_near(lat: float, lng: float, radius_mi: float) -> list[NearbyService]:
    """Every service delivered within the radius, nearest first (one row per service)."""
    min_lat, max_lat, min_lng, max_lng = bounding_box(lat, lng, radius_mi)
    links = ServiceAtLocation.objects.filter(
        location__latitude__range=(min_lat, max_lat),
        location__longitude__range=(min_lng, max_lng),
    ).select_related("location__address", "location__place")
    best: dict[int, tuple[float, Location]] = {}
    for link in links:
        loc = link.location
        d = distance_mi(lat, lng, loc.latitude, loc.longitude)
        if d <= radius_mi and (link.service_id not in best or d < best[link.service_id][0]):
            best[link.service_id] = (d, loc)
    services = _with_details(Service.objects.filter(pk__in=best.keys(), status="active"))
    found = [NearbyService(s, best[s.pk][1], best[s.pk][0]) for s in services]
    found.sort(key=lambda n: (n.distance_mi, n.service.name))
    return found


def hotlines_for(places: list[Place]) -> list[Service]:
    """Services reached by phone only (no location) whose area includes one of the places."""
    services = _with_details(
        Service.objects.filter(areas__place__in=places, at_locations__isnull=True, status="active")
        .distinct()
        .order_by("areas__place__path", "name")
    )
    seen: set[int] = set()
    ordered: list[Service] = []
    for service in services:
        if service.pk not in seen:
            seen.add(service.pk)
            ordered.append(service)
    return ordered
