"""How many guide pages show a fact: the order of the re-check queue.

A guide is a city's page. A federal law shows on every guide; a state law on every city of
its state; a county note on the county's cities; a city's own fact on one. A service with a
location shows on the guides of the cities within the nearby radius of it; a hotline on
every guide of the area it serves. An editorial answer written for a state shows on its
cities except those with their own answer to the same question.
"""

from __future__ import annotations

from collections import Counter
from functools import cached_property

from django.conf import settings

from waypost.directory.models import Service
from waypost.guides.models import EditorialAnswer
from waypost.places.geo import bounding_box, distance_mi
from waypost.places.models import Place, PlaceKind


class Reach:
    """Counts of guide pages, computed once per run from the places table."""

    @cached_property
    def _cities(self) -> list[tuple[int, str, int | None, float | None, float | None]]:
        return list(
            Place.objects.filter(kind=PlaceKind.CITY).values_list(
                "pk", "state_code", "county_id", "latitude", "longitude"
            )
        )

    @cached_property
    def by_state(self) -> Counter[str]:
        return Counter(state for _, state, _, _, _ in self._cities)

    @cached_property
    def by_county(self) -> Counter[int]:
        return Counter(county for _, _, county, _, _ in self._cities if county is not None)

    def of_place(self, place: Place) -> int:
        if place.kind == PlaceKind.COUNTRY:
            return len(self._cities)
        if place.kind == PlaceKind.STATE:
            return self.by_state[place.state_code]
        if place.kind == PlaceKind.COUNTY:
            return self.by_county[place.pk]
        return 1

    def cities_near(self, lat: float, lng: float) -> set[int]:
        radius = settings.NEARBY_RADIUS_MI
        min_lat, max_lat, min_lng, max_lng = bounding_box(lat, lng, radius)
        found = Place.objects.filter(
            kind=PlaceKind.CITY,
            latitude__range=(min_lat, max_lat),
            longitude__range=(min_lng, max_lng),
        ).values_list("pk", "latitude", "longitude")
        return {
            pk
            for pk, a, b in found
            if a is not None and b is not None and distance_mi(lat, lng, a, b) <= radius
        }

    def of_service(self, service: Service) -> int:
        cities: set[int] = set()
        located = False
        for link in service.at_locations.select_related("location"):
            located = True
            cities |= self.cities_near(link.location.latitude, link.location.longitude)
        if located:
            return len(cities)
        # A hotline: every guide of each area it serves (areas do not overlap in practice).
        return sum(
            self.of_place(area.place)
            for area in service.areas.select_related("place")
            if area.place
        )

    def of_answer(self, answer: EditorialAnswer) -> int:
        place = answer.place
        pages = self.of_place(place)
        deeper = (
            EditorialAnswer.objects.filter(question=answer.question, language=answer.language)
            .exclude(pk=answer.pk)
            .select_related("place")
        )
        # Nested overrides (a county's and one of its cities') may be taken off twice;
        # the count stays a good order for the queue, which is what it is for.
        for other in deeper:
            if other.place.path.startswith(place.path + "/"):
                pages -= self.of_place(other.place)
        return max(pages, 0)
