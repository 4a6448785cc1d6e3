"""The search table follows every write to the directory, and its term bits never decide
wrongly when terms share a bit."""

from __future__ import annotations

import pytest
from django.db import connection
from django.http import QueryDict

from tests.searchdata import add_service, north_of
from waypost.directory.models import Location, Service, ServiceAtLocation, Taxonomy, TaxonomyTerm
from waypost.directory.taxonomy import CATEGORY_TAXONOMY
from waypost.search import fulltext, points
from waypost.search.models import SearchPoint
from waypost.search.services import SearchQuery, search

pytestmark = pytest.mark.django_db

ORIGIN = (45.0, -100.0)
NEAR = f"{ORIGIN[0]},{ORIGIN[1]}"


def run(params: str) -> list[str]:
    page = search(SearchQuery.from_params(QueryDict(params)))
    return [r.service.name for r in page.results]


def table() -> list[tuple[object, ...]]:
    return sorted(
        SearchPoint.objects.values_list(
            "id",
            "service_id",
            "location_id",
            "latitude",
            "longitude",
            "cell",
            "timezone",
            "active",
            "category_bits",
            "attribute_bits",
        )
    )


def assert_in_step() -> None:
    """What the triggers kept equals what a rebuild from the directory reads."""
    kept = table()
    points.rebuild(connection)
    assert kept == table()


def test_every_write_reaches_the_table() -> None:
    service = add_service(
        "Walrus clinic", at=[north_of(1, ORIGIN)], categories=["health"], attrs=["free"]
    )
    other = add_service("Heron project", at=[north_of(3, ORIGIN), north_of(4, ORIGIN)])
    assert SearchPoint.objects.filter(service_id=service.pk).count() == 1
    assert_in_step()
    location = Location.objects.get(services_at__service=service)
    location.latitude, location.timezone = north_of(30, ORIGIN)[0], "America/Chicago"
    location.save()
    assert_in_step()
    assert run(f"near={NEAR}&radius=10") == ["Heron project"]
    Service.objects.filter(pk=other.pk).update(status="inactive")
    assert_in_step()
    assert run(f"near={NEAR}&radius=10") == []
    service.categories.clear()
    service.attributes.add(*TaxonomyTerm.objects.exclude(taxonomy__name=CATEGORY_TAXONOMY)[:3])
    assert_in_step()
    ServiceAtLocation.objects.filter(service=other).first().delete()  # type: ignore[union-attr]
    assert_in_step()
    ServiceAtLocation.objects.create(service=other, location=location)
    assert_in_step()
    service.delete()
    other.delete()
    assert_in_step()
    assert not SearchPoint.objects.filter(service_id__in=[service.pk, other.pk]).exists()


def test_bulk_load_rebuilds_the_table_and_puts_the_triggers_back() -> None:
    with fulltext.bulk_load():
        add_service("Bulk walrus", at=[north_of(1, ORIGIN)], categories=["health"])
    assert run(f"near={NEAR}&category=health") == ["Bulk walrus"]
    add_service("Later walrus", at=[north_of(2, ORIGIN)], categories=["health"])
    assert run(f"near={NEAR}&category=health") == ["Bulk walrus", "Later walrus"]
    assert_in_step()


def test_terms_sharing_a_bit_are_told_apart() -> None:
    health = TaxonomyTerm.objects.get(taxonomy__name=CATEGORY_TAXONOMY, code="health")
    taxonomy = Taxonomy.objects.get(name=CATEGORY_TAXONOMY)
    # Terms until one shares the health term's bit.
    twin = TaxonomyTerm.objects.create(taxonomy=taxonomy, code="twin-0", name="Twin 0")
    while points.bit(twin.pk) != points.bit(health.pk):
        twin = TaxonomyTerm.objects.create(
            taxonomy=taxonomy, code=f"twin-{twin.pk}", name=f"Twin {twin.pk}"
        )
    add_service("Twin service", at=[north_of(1, ORIGIN)], categories=[twin.code])
    add_service("Health service", at=[north_of(2, ORIGIN)], categories=["health"])
    assert run(f"near={NEAR}&category={twin.code}") == ["Twin service"]
    assert run(f"near={NEAR}&category=health") == ["Health service"]


def test_cells_cover_the_box_on_both_sides_of_zero() -> None:
    assert points.cell(0.5, -0.5) == 90 * points.CELL_COLUMNS + 179
    assert points.cell(-0.5, 0.5) == 89 * points.CELL_COLUMNS + 180
    found = points.cells((-0.5, 0.5, -0.5, 0.5))
    assert sorted(found) == sorted(
        points.cell(lat, lng) for lat in (-0.5, 0.5) for lng in (-0.5, 0.5)
    )
    # A box reaching past the poles or the date line is clamped, not wrapped.
    assert len(points.cells((85.0, 95.0, -190.0, 190.0))) == 6 * 361


def test_the_table_stores_each_points_cell_as_python_computes_it() -> None:
    add_service("Edge clinic", at=[(41.9999, -73.0001), (42.0001, -72.9999)])
    stored = dict(
        SearchPoint.objects.filter(
            location_id__in=Location.objects.filter(name="Edge clinic")
        ).values_list("latitude", "cell")
    )
    assert stored == {
        41.9999: points.cell(41.9999, -73.0001),
        42.0001: points.cell(42.0001, -72.9999),
    }
    location = Location.objects.get(name="Edge clinic", latitude=41.9999)
    location.latitude, location.longitude = -33.5, 151.2  # moved: the trigger follows
    location.save()
    assert SearchPoint.objects.get(location_id=location.pk).cell == points.cell(-33.5, 151.2)


def test_a_search_across_cell_edges_finds_every_side() -> None:
    # The origin sits a hair inside one cell; the services are in the three cells beside it.
    corner = (41.0001, -73.0001)
    add_service("North east", at=[(41.02, -72.98)])
    add_service("South west", at=[(40.98, -73.02)])
    add_service("North west", at=[(41.02, -73.02)])
    add_service("Too far", at=[(41.5, -72.5)])
    assert sorted(run(f"near={corner[0]},{corner[1]}&radius=5")) == [
        "North east",
        "North west",
        "South west",
    ]
