"""The HSDS 3.1 API: answers valid against Waypost's schema and the official ones (when their
folder is named), the spec's parameters and page wrapper, NDJSON, and a 400 naming each bad
parameter."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import uuid
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tests.hsdsschema import errors, page_keys
from tests.searchdata import add_service, north_of
from waypost.directory.models import (
    Address,
    Location,
    Organization,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)
from waypost.hsds import api as hsds_api
from waypost.hsds import schema

pytestmark = pytest.mark.django_db

LISTS = [
    "/api/hsds/services",
    "/api/hsds/organizations",
    "/api/hsds/taxonomies",
    "/api/hsds/taxonomy_terms",
    "/api/hsds/service_at_locations",
]
ITEM_SCHEMAS = {
    "/api/hsds/services": "compiled/service_list.json",
    "/api/hsds/organizations": "compiled/organization_list.json",
    "/api/hsds/taxonomies": "taxonomy.json",
    "/api/hsds/taxonomy_terms": "taxonomy_term.json",
    "/api/hsds/service_at_locations": "compiled/service_at_location_list.json",
}


# The page wrapper of HSDS 3.1 lists; the official OpenAPI document is compared below.
PAGE_KEYS = {
    "total_items",
    "total_pages",
    "page_number",
    "size",
    "first_page",
    "last_page",
    "empty",
    "contents",
}


def get_json(client: Client, url: str, status: int = 200, **params: Any) -> Any:
    response = client.get(url, params)
    assert response.status_code == status, (url, params, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    assert not response.cookies
    return response.json()


def test_root_names_version_profile_and_openapi(client: Client) -> None:
    body = get_json(client, "/api/hsds/")
    assert body["version"] == "3.1"
    assert body["profile"].startswith("https://")
    assert body["openapi_url"] == "http://testserver/api/openapi.json"


@pytest.mark.parametrize("url", LISTS)
def test_lists_use_the_page_wrapper_and_validate(client: Client, url: str) -> None:
    body = get_json(client, url, per_page="1000")
    assert set(body) == PAGE_KEYS
    assert body["total_items"] == len(body["contents"]) > 0
    assert (body["page_number"], body["first_page"], body["last_page"]) == (1, True, True)
    assert body["empty"] is False and body["size"] == len(body["contents"])


def test_full_services_validate_against_the_service_schema(client: Client) -> None:
    body = get_json(client, "/api/hsds/services", full="true", per_page="1000")
    assert body["contents"]
    for item in body["contents"]:
        assert schema.problem("service", item) is None, item["name"]
    clinic = next(s for s in body["contents"] if s["name"].startswith("Norwalk Health Dep"))
    assert {s["byday"] for s in clinic["schedules"]} == {"MO", "WE", "FR"}
    assert clinic["service_at_locations"][0]["location"]["addresses"][0]["city"] == "Norwalk"
    codes = {a["taxonomy_term"]["code"] for a in clinic["attributes"]}
    assert {"sti-testing", "hiv-testing", "walk-in", "confidential"} <= codes


def records_by_id(client: Client) -> dict[str, Any]:
    """One answer of each record endpoint, keyed by the official schema it must meet."""
    service = Service.objects.get(name="Norwalk Health Department: walk-in STD clinic")
    term = TaxonomyTerm.objects.get(code="sti-testing")
    link = ServiceAtLocation.objects.filter(service=service).first()
    assert link is not None
    return {
        "service.json": get_json(client, f"/api/hsds/services/{service.hsds_id}"),
        "organization.json": get_json(
            client, f"/api/hsds/organizations/{service.organization.hsds_id}"
        ),
        "taxonomy_term.json": get_json(client, f"/api/hsds/taxonomy_terms/{term.hsds_id}"),
        "taxonomy.json": get_json(client, f"/api/hsds/taxonomies/{term.taxonomy.hsds_id}"),
        "service_at_location.json": get_json(
            client, f"/api/hsds/service_at_locations/{link.hsds_id}"
        ),
    }


def test_each_record_by_id_validates(client: Client) -> None:
    answers = records_by_id(client)
    service = Service.objects.get(name="Norwalk Health Department: walk-in STD clinic")
    term = TaxonomyTerm.objects.get(code="sti-testing")
    assert schema.problem("service", answers["service.json"]) is None
    assert answers["service.json"]["id"] == str(service.hsds_id)
    assert schema.problem("organization", answers["organization.json"]) is None
    assert str(service.hsds_id) in {s["id"] for s in answers["organization.json"]["services"]}
    assert answers["taxonomy_term.json"]["parent_id"] == str(term.parent.hsds_id)
    assert answers["taxonomy.json"]["id"] == str(term.taxonomy.hsds_id)
    assert answers["service_at_location.json"]["service"]["id"] == str(service.hsds_id)


def test_a_confidential_address_is_never_sent() -> None:
    from waypost.hsds.serialize import location

    confidential = ServiceAtLocation.objects.filter(location__area_only=True)
    # An address on file for one of them (an editor typed it, say): it must be held back.
    shelter = confidential.select_related("location").first()
    assert shelter is not None
    Address.objects.create(
        location=shelter.location,
        address_1="1 Hidden Lane",
        city="Norwalk",
        state_province="CT",
    )
    for link in confidential.select_related("location__address"):
        assert location(link.location)["addresses"] == []
    assert "1 Hidden Lane" not in str(
        location(Location.objects.select_related("address").get(pk=shelter.location_id))
    )


@pytest.mark.parametrize(
    "url",
    [
        "/api/hsds/services/",
        "/api/hsds/organizations/",
        "/api/hsds/taxonomies/",
        "/api/hsds/taxonomy_terms/",
        "/api/hsds/service_at_locations/",
    ],
)
def test_an_unknown_id_is_a_json_404(client: Client, url: str) -> None:
    body = get_json(client, f"{url}{uuid.uuid4()}", status=404)
    assert body["error"]["message"]
    assert get_json(client, f"{url}not-a-uuid", status=404)["error"]["message"]


def test_filters_combine_with_and(client: Client) -> None:
    sti = TaxonomyTerm.objects.get(code="sti-testing")
    lgbtq = TaxonomyTerm.objects.get(code="lgbtq-affirming")
    with_sti = {
        s["name"]
        for s in get_json(client, "/api/hsds/services", taxonomy_term_id=str(sti.hsds_id))[
            "contents"
        ]
    }
    assert with_sti == {
        "Norwalk Health Department: walk-in STD clinic",
        "The LGBTQ Center Long Beach",
    }
    both = get_json(
        client,
        "/api/hsds/services",
        taxonomy_term_id=str(sti.hsds_id),
        search="LGBTQ",
    )["contents"]
    assert [s["name"] for s in both] == ["The LGBTQ Center Long Beach"]
    org = Organization.objects.get(services__name="The LGBTQ Center Long Beach")
    by_org = get_json(
        client,
        "/api/hsds/services",
        organization_id=str(org.hsds_id),
        taxonomy_id=str(lgbtq.taxonomy.hsds_id),
    )["contents"]
    assert {s["name"] for s in by_org} == {"The LGBTQ Center Long Beach"}


def test_modified_after(client: Client) -> None:
    later = timezone.now() + dt.timedelta(minutes=5)
    assert (
        get_json(client, "/api/hsds/services", modified_after=later.isoformat())["total_items"] == 0
    )
    Service.objects.update(modified=timezone.now() - dt.timedelta(days=3))
    service = Service.objects.get(name="Trans Lifeline")
    service.description = "Changed."
    service.save()
    changed = get_json(
        client,
        "/api/hsds/services",
        modified_after=(timezone.now() - dt.timedelta(seconds=30)).isoformat(),
    )
    assert [s["name"] for s in changed["contents"]] == ["Trans Lifeline"]
    naive = get_json(client, "/api/hsds/services", modified_after="2000-01-01T00:00:00")
    assert naive["total_items"] == Service.objects.count()


def test_minimal_services(client: Client) -> None:
    body = get_json(client, "/api/hsds/services", minimal="true", per_page="1000")
    assert set(body["contents"][0]) == {"id", "name", "status", "last_modified"}


def test_pages(client: Client) -> None:
    total = Service.objects.count()
    first = get_json(client, "/api/hsds/services", per_page="2")
    assert (first["total_items"], first["total_pages"], first["size"]) == (total, -(-total // 2), 2)
    last = get_json(client, "/api/hsds/services", per_page="2", page=str(first["total_pages"]))
    assert last["last_page"] is True and last["first_page"] is False
    names = []
    for page in range(1, first["total_pages"] + 1):
        body = get_json(client, "/api/hsds/services", per_page="2", page=str(page))
        names += [s["name"] for s in body["contents"]]
    assert len(names) == len(set(names)) == total
    past = get_json(
        client, "/api/hsds/services", status=400, per_page="2", page=str(first["total_pages"] + 1)
    )
    assert past["error"]["parameter"] == "page"
    empty = get_json(client, "/api/hsds/services", search="xylophonequartz")
    assert (empty["total_items"], empty["empty"], empty["total_pages"]) == (0, True, 1)


def test_ndjson_streams_every_result(client: Client) -> None:
    response = client.get("/api/hsds/services", {"format": "ndjson", "full": "true"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-ndjson"
    assert response.streaming
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert len(lines) == Service.objects.count()
    for line in lines:
        assert schema.problem("service", json.loads(line)) is None


def ndjson_parts(client: Client, url: str) -> list[list[dict[str, Any]]]:
    """Every part of an NDJSON list, from the first, following each `Link: rel="next"`."""
    parts: list[list[dict[str, Any]]] = []
    next_url: str | None = url
    while next_url is not None:
        response = client.get(next_url)
        assert response.status_code == 200, response.content
        assert response["Content-Type"] == "application/x-ndjson"
        lines = b"".join(response.streaming_content).decode().splitlines()
        parts.append([json.loads(line) for line in lines])
        link = response.headers.get("Link")
        next_url = None
        if link is not None:
            found = re.fullmatch(r'<(http://testserver/api/hsds/[^>]+)>; rel="next"', link)
            assert found, link
            next_url = found[1]
        assert len(parts) <= 100, "the links never end"
    return parts


def test_ndjson_comes_in_bounded_parts_that_together_give_every_service_once(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(hsds_api, "NDJSON_MAX_ITEMS", 3)
    parts = ndjson_parts(client, "/api/hsds/services?format=ndjson&minimal=true")
    total = Service.objects.count()
    assert len(parts) == math.ceil(total / 3) > 2
    assert [len(part) for part in parts[:-1]] == [3] * (len(parts) - 1)
    assert 1 <= len(parts[-1]) <= 3
    ids = [service["id"] for part in parts for service in part]
    assert len(ids) == len(set(ids)) == total
    assert set(ids) == {str(i) for i in Service.objects.values_list("hsds_id", flat=True)}
    # Each next part keeps the request's other parameters (here: minimal).
    minimal = {"id", "name", "status", "last_modified"}
    assert all(set(service) == minimal for part in parts for service in part)
    past = client.get("/api/hsds/services", {"format": "ndjson", "page": str(len(parts) + 1)})
    assert past.status_code == 400 and past.json()["error"]["parameter"] == "page"


def test_ndjson_parts_of_services_near_a_postcode_follow_the_nearest_first_order(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(hsds_api, "NDJSON_MAX_ITEMS", 2)
    near = {"postcode": "06850", "proximity": "60000"}
    listed = get_json(client, "/api/hsds/service_at_locations", per_page="1000", **near)
    assert listed["total_items"] > 4
    parts = ndjson_parts(
        client, "/api/hsds/service_at_locations?postcode=06850&proximity=60000&format=ndjson"
    )
    assert len(parts) == math.ceil(listed["total_items"] / 2)
    streamed = [link["id"] for part in parts for link in part]
    assert streamed == [link["id"] for link in listed["contents"]]


def test_service_at_locations_near_a_postcode(client: Client) -> None:
    # 06850's centre; about 1.5 miles to the Norwalk clinics, 25 to Stamford.
    near = get_json(client, "/api/hsds/service_at_locations", postcode="06850", proximity="5000")[
        "contents"
    ]
    names = [c["service"]["name"] for c in near]
    assert "Norwalk Health Department: walk-in STD clinic" in names
    assert "Project Rescue" not in names
    wider = get_json(client, "/api/hsds/service_at_locations", postcode="06850", proximity="60000")[
        "contents"
    ]
    assert "Project Rescue" in [c["service"]["name"] for c in wider]
    in_zip = get_json(client, "/api/hsds/service_at_locations", postcode="06850")["contents"]
    assert all(c["location"]["addresses"][0]["postal_code"] == "06850" for c in in_zip) and in_zip


def test_proximity_orders_nearest_first(client: Client) -> None:
    from waypost.places.models import ZipCode

    z = ZipCode.objects.get(code="06850")
    add_service("Far", at=[north_of(3, (z.latitude, z.longitude))])
    add_service("Near", at=[north_of(0.5, (z.latitude, z.longitude))])
    body = get_json(client, "/api/hsds/service_at_locations", postcode="06850", proximity="6000")
    names = [c["service"]["name"] for c in body["contents"]]
    assert names.index("Near") < names.index("Far")
    ndjson = client.get(
        "/api/hsds/service_at_locations",
        {"postcode": "06850", "proximity": "6000", "format": "ndjson"},
    )
    lines = b"".join(ndjson.streaming_content).decode().splitlines()
    assert [json.loads(line)["service"]["name"] for line in lines] == names


@pytest.mark.parametrize(
    ("url", "params", "parameter"),
    [
        ("/api/hsds/services", {"page": "0"}, "page"),
        ("/api/hsds/services", {"page": "x"}, "page"),
        ("/api/hsds/services", {"per_page": "1001"}, "per_page"),
        ("/api/hsds/services", {"per_page": "0"}, "per_page"),
        ("/api/hsds/services", {"format": "xml"}, "format"),
        ("/api/hsds/services", {"taxonomy_term_id": "nope"}, "taxonomy_term_id"),
        ("/api/hsds/services", {"taxonomy_id": "123"}, "taxonomy_id"),
        ("/api/hsds/services", {"organization_id": "x"}, "organization_id"),
        ("/api/hsds/services", {"modified_after": "yesterday"}, "modified_after"),
        ("/api/hsds/services", {"minimal": "maybe"}, "minimal"),
        ("/api/hsds/services", {"full": "2"}, "full"),
        ("/api/hsds/services", {"minimal": "true", "full": "true"}, "minimal"),
        ("/api/hsds/services", {"search": "!!!"}, "search"),
        ("/api/hsds/services", {"colour": "red"}, "colour"),
        ("/api/hsds/service_at_locations", {"postcode": "0685"}, "postcode"),
        ("/api/hsds/service_at_locations", {"postcode": "99999"}, "postcode"),
        ("/api/hsds/service_at_locations", {"proximity": "100"}, "proximity"),
        ("/api/hsds/service_at_locations", {"postcode": "06850", "proximity": "-1"}, "proximity"),
        ("/api/hsds/service_at_locations", {"postcode": "06850", "proximity": "far"}, "proximity"),
        ("/api/hsds/taxonomy_terms", {"top_only": "yes please"}, "top_only"),
        ("/api/hsds/taxonomy_terms", {"parent_id": "x"}, "parent_id"),
        ("/api/hsds/organizations", {"full_service": "x"}, "full_service"),
    ],
)
def test_bad_parameters_are_400_naming_the_parameter(
    client: Client, url: str, params: dict[str, str], parameter: str
) -> None:
    body = get_json(client, url, status=400, **params)
    assert body["error"]["parameter"] == parameter
    assert body["error"]["message"]


def test_taxonomy_terms_filters(client: Client) -> None:
    health = TaxonomyTerm.objects.get(code="health")
    children = get_json(client, "/api/hsds/taxonomy_terms", parent_id=str(health.hsds_id))
    assert {t["code"] for t in children["contents"]} >= {"sti-testing", "hiv-testing"}
    top = get_json(client, "/api/hsds/taxonomy_terms", top_only="true", per_page="1000")
    assert all("parent_id" not in t for t in top["contents"])


@pytest.mark.parametrize("url", ["/api/hsds/", *LISTS])
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_api_is_read_only(client: Client, url: str, method: str) -> None:
    assert getattr(client, method)(url).status_code == 405


# Against the official schemas (skipped, saying why, when WAYPOST_HSDS_REFERENCE_DIR is unset) --


def test_page_wrapper_is_the_official_one() -> None:
    assert set(page_keys()) == PAGE_KEYS


@pytest.mark.parametrize("url", LISTS)
def test_lists_meet_the_official_schemas(client: Client, url: str) -> None:
    for item in get_json(client, url, per_page="1000")["contents"]:
        assert errors(ITEM_SCHEMAS[url], item) == [], item


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"full": "true"}, "service.json"),
        ({"minimal": "true"}, "compiled/service_list.json"),
    ],
)
def test_service_lists_meet_the_official_schemas(
    client: Client, params: dict[str, str], name: str
) -> None:
    body = get_json(client, "/api/hsds/services", per_page="1000", **params)
    assert body["contents"]
    for item in body["contents"]:
        assert errors(name, item) == [], item["name"]


def test_ndjson_meets_the_official_schema(client: Client) -> None:
    response = client.get("/api/hsds/services", {"format": "ndjson", "full": "true"})
    for line in b"".join(response.streaming_content).decode().splitlines():
        assert errors("service.json", json.loads(line)) == []


def test_records_by_id_meet_the_official_schemas(client: Client) -> None:
    for name, body in records_by_id(client).items():
        assert errors(name, body) == [], name


def test_services_near_a_postcode_meet_the_official_schema(client: Client) -> None:
    near = get_json(client, "/api/hsds/service_at_locations", postcode="06850", proximity="60000")
    assert near["contents"]
    for item in near["contents"]:
        assert errors("compiled/service_at_location_list.json", item) == []
