"""Confidential locations (area only, such as a shelter): no exact point anywhere a reader or
an API client can see or infer, whoever writes the location (editors, facts files, imports)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from tests.searchdata import add_service
from waypost.directory.models import Location
from waypost.hsds import serialize
from waypost.hsds.importer import import_hsds

pytestmark = pytest.mark.django_db

# A shelter's door, somewhere in Norwalk, CT: six decimals, a few feet.
DOOR = (41.117734, -73.408219)
GRID = (41.1, -73.4)


def shelter() -> Location:
    service = add_service("Test Shelter", at=[DOOR], categories=["shelter"])
    location = service.at_locations.get().location
    location.area_only = True
    location.area_description = "Norwalk, CT"
    location.save()  # what the editors' workspace does when the box is ticked
    return location


def test_an_area_only_location_stores_no_exact_point() -> None:
    location = shelter()
    stored = Location.objects.values_list("latitude", "longitude").get(pk=location.pk)
    assert stored == GRID
    # Unticked again, editors type the real point back in; nothing was kept of it.
    location.area_only = False
    location.save()
    assert Location.objects.values_list("latitude", "longitude").get(pk=location.pk) == GRID


def test_the_apis_publish_the_area_point_only(client: Client) -> None:
    location = shelter()
    service_id = location.services_at.get().service_id
    body = client.get("/api/search", {"near": f"{DOOR[0]},{DOOR[1]}", "radius": "5"}).json()
    found = [r for r in body["results"] if r["name"] == "Test Shelter"]
    assert found and (found[0]["location"]["latitude"], found[0]["location"]["longitude"]) == GRID
    assert found[0]["location"]["address"] is None
    hsds = client.get("/api/hsds/service_at_locations", {"per_page": "1000"}).json()
    mine = [
        c
        for c in hsds["contents"]
        if c["service"]["id"] == str(location.services_at.get().service.hsds_id)
    ]
    assert mine and (mine[0]["location"]["latitude"], mine[0]["location"]["longitude"]) == GRID
    assert service_id


def test_distances_to_it_are_whole_miles_so_searches_cannot_triangulate(client: Client) -> None:
    shelter()
    seen = []
    for lat, lng in [(41.20, -73.40), (41.10, -73.55), (41.00, -73.30)]:
        body = client.get("/api/search", {"near": f"{lat},{lng}", "radius": "30"}).json()
        (found,) = [r for r in body["results"] if r["name"] == "Test Shelter"]
        seen.append(found["distance_mi"])
        page = client.get("/search/", {"near": f"{lat},{lng}", "radius": "30"})
        assert page.status_code == 200
    assert all(float(d).is_integer() for d in seen), seen


def test_a_guide_lists_it_at_a_whole_mile(norwalk_ct: Any) -> None:
    from waypost.dataversion.services import current
    from waypost.directory.models import Service
    from waypost.directory.services import locations_near, nearby_from
    from waypost.guides import shared

    location = shelter()
    near = shared.located(locations_near(41.12, -73.41, 10), current())
    services = Service.objects.filter(pk__in=near)
    (item,) = [n for n in nearby_from(near, services) if n.location.pk == location.pk]
    assert float(item.distance_mi).is_integer()


def test_an_import_cannot_put_the_exact_point_back(tmp_path: Path) -> None:
    location = shelter()
    document = serialize.service_full(
        serialize.services_queryset(full=True).get(pk=location.services_at.get().service_id)
    )
    document["service_at_locations"][0]["location"].update(latitude=DOOR[0], longitude=DOOR[1])
    path = tmp_path / "shelter.json"
    path.write_text(json.dumps(document))
    import_hsds(path)
    assert Location.objects.values_list("latitude", "longitude").get(pk=location.pk) == GRID
