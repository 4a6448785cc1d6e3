"""Small directories built inside a test's transaction, for search tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from waypost.directory.models import (
    Location,
    Organization,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceLanguage,
    TaxonomyTerm,
)
from waypost.directory.taxonomy import ATTRIBUTE_TAXONOMY, CATEGORY_TAXONOMY
from waypost.evidence.models import Fact

# Norwalk, CT (ZIP 06850's point is about here) and points due north of it.
NORWALK = (41.1177, -73.4082)


def north_of(miles: float, origin: tuple[float, float] = NORWALK) -> tuple[float, float]:
    return origin[0] + miles / 69.0, origin[1]


def add_service(
    name: str,
    *,
    at: Sequence[tuple[float, float]] = (),
    description: str = "",
    categories: Sequence[str] = (),
    attrs: Sequence[str] = (),
    langs: Sequence[str] = (),
    hours: Sequence[tuple[int, str, str]] = (),
    timezone: str = "America/New_York",
    status: str = "active",
) -> Service:
    organization, _ = Organization.objects.get_or_create(name=f"Org of {name}")
    service = Service.objects.create(
        organization=organization,
        name=name,
        description=description,
        status=status,
        fact=Fact.objects.create(label=name),
    )
    service.categories.set(
        TaxonomyTerm.objects.filter(taxonomy__name=CATEGORY_TAXONOMY, code__in=categories)
    )
    service.attributes.set(
        TaxonomyTerm.objects.filter(taxonomy__name=ATTRIBUTE_TAXONOMY, code__in=attrs)
    )
    for code in langs:
        ServiceLanguage.objects.create(service=service, code=code)
    for lat, lng in at:
        location = Location.objects.create(
            name=name, latitude=lat, longitude=lng, timezone=timezone
        )
        ServiceAtLocation.objects.create(service=service, location=location)
        for weekday, opens, closes in hours:
            Schedule.objects.create(
                service=service,
                location=location,
                weekday=weekday,
                opens_at=dt.time.fromisoformat(opens),
                closes_at=dt.time.fromisoformat(closes),
            )
    return service
