"""Waypost's JSON API (search, places, guides, laws), the OpenAPI document and its docs page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from openapi_spec_validator import validate

from tests.htmltree import parse
from tests.searchdata import add_service, north_of
from waypost.api.openapi import document

pytestmark = pytest.mark.django_db

ORIGIN = (45.0, -100.0)
NEAR = f"{ORIGIN[0]},{ORIGIN[1]}"


def get_json(client: Client, url: str, status: int = 200, **params: Any) -> Any:
    response = client.get(url, params)
    assert response.status_code == status, (url, params, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    assert not response.cookies
    return response.json()


# -- search -----------------------------------------------------------------------------


def test_search_returns_results_with_distance(client: Client) -> None:
    body = get_json(client, "/api/search", near="06850", radius="10")
    assert body["total"] == len(body["results"]) > 0
    distances = [r["distance_mi"] for r in body["results"]]
    assert distances == sorted(distances) and all(d <= 10 for d in distances)
    clinic = next(r for r in body["results"] if r["name"].startswith("Norwalk Health Dep"))
    assert {"sti-testing", "hiv-testing"} <= set(clinic["categories"])
    assert clinic["location"]["address"].endswith("06850") or clinic["location"]["address"]
    assert clinic["schedules"]
    assert body["origin"]["label"] == "06850"


def test_search_pages_link_onwards(client: Client) -> None:
    for i in range(3):
        add_service(f"Paged {i}", at=[north_of(i + 1, ORIGIN)])
    first = get_json(client, "/api/search", near=NEAR, per_page="2")
    assert (first["total"], first["total_pages"], first["previous"]) == (3, 2, None)
    second = client.get(first["next"]).json()
    assert [r["name"] for r in second["results"]] == ["Paged 2"]
    assert second["next"] is None and second["previous"]


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"near": "06850", "radius": "0"}, "radius"),
        ({"near": "06850", "radius": "501"}, "radius"),
        ({"near": "00000"}, "near"),
        ({"near": "123"}, "near"),
        ({"near": "95,200"}, "near"),
        ({"near": "Atlantis"}, "near"),
        ({"category": "made-up"}, "category"),
        ({"attr": "made-up"}, "attr"),
        ({"lang": "$$"}, "lang"),
        ({"open": "later"}, "open"),
        ({"q": "..."}, "q"),
        ({"near": "06850", "page": "100"}, "page"),
        ({"per_page": "1001"}, "per_page"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_search_bad_parameters(client: Client, params: dict[str, str], parameter: str) -> None:
    body = get_json(client, "/api/search", status=400, **params)
    assert body["error"]["parameter"] == parameter
    assert body["error"]["message"]


# -- places, guides, laws ------------------------------------------------------------------


def test_places_by_name_and_zip(client: Client) -> None:
    body = get_json(client, "/api/places", q="Norwalk")
    paths = [p["path"] for p in body["results"]]
    assert "us/ct/norwalk" in paths and "us/ca/norwalk" in paths
    by_zip = get_json(client, "/api/places", q="06850")
    assert by_zip["zip_code"]["code"] == "06850"
    assert [p["path"] for p in by_zip["results"]] == ["us/ct/norwalk"]
    place = get_json(client, "/api/places/us/ct/norwalk")
    assert place["guide_api"] == "/api/guides/us/ct/norwalk"
    state = get_json(client, "/api/places/us/ct")
    assert "us/ct/norwalk" in {c["path"] for c in state["children"]}


@pytest.mark.parametrize("params", [{}, {"q": ""}, {"q": "0685"}, {"q": "x" * 101}])
def test_places_bad_query(client: Client, params: dict[str, str]) -> None:
    body = get_json(client, "/api/places", status=400, **params)
    assert body["error"]["parameter"] == "q"


def test_a_guide_as_json_with_citations(client: Client) -> None:
    body = get_json(client, "/api/guides/us/ct/norwalk")
    assert body["place"]["display_name"] == "Norwalk, CT"
    assert body["jurisdictions"][0] == "us"
    numbers = {s["number"] for s in body["sources"]}
    assert numbers == set(range(1, len(body["sources"]) + 1))
    cited: set[int] = set()
    questions = [q for t in body["topics"] for q in t["questions"]]
    assert {"legal-status", "penalties"} <= {q["slug"] for q in questions}
    for q in questions:
        for block in q["blocks"]:
            for item in block["items"]:
                assert item["evidence"]["sources"], item
                cited.update(item["evidence"]["sources"])
    assert cited <= numbers
    laws = [i for q in questions for b in q["blocks"] for i in b["items"] if i["type"] == "law"]
    assert any(law["citation"] and "53a-82" in law["citation"] for law in laws)


def test_a_guide_on_a_date(client: Client) -> None:
    body = get_json(client, "/api/guides/us/ca/norwalk", date="2020-01-01")
    assert body["date"] == "2020-01-01"
    bad = get_json(client, "/api/guides/us/ca/norwalk", status=400, date="someday")
    assert bad["error"]["parameter"] == "date"
    assert get_json(client, "/api/guides/us/zz/nowhere", status=404)["error"]["message"]
    assert client.get("/api/guides/us/ct").status_code == 404  # a state has no city guide


def test_laws_of_a_jurisdiction(client: Client) -> None:
    body = get_json(client, "/api/laws", jurisdiction="us/ct")
    assert body["laws"]
    for law in body["laws"]:
        assert law["jurisdiction"] == "us/ct"
        for statement in law["statements"]:
            assert statement["sources"] and statement["sources"][0]["url"]
            assert statement["status"] in {"checked", "due", "unchecked", "disputed"}
    for params in ({}, {"jurisdiction": "us/zz"}):
        bad = get_json(client, "/api/laws", status=400, **params)
        assert bad["error"]["parameter"] == "jurisdiction"


# -- OpenAPI and docs ------------------------------------------------------------------------


def test_the_openapi_document_is_valid(client: Client) -> None:
    body = get_json(client, "/api/openapi.json")
    validate(body)
    assert body == document()


def _routes() -> set[str]:
    out: set[str] = set()

    def walk(patterns: list[Any], prefix: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                out.add(prefix + str(p.pattern))

    walk(get_resolver().url_patterns, "/")
    return out


def test_the_document_describes_every_api_route() -> None:
    described = {re.sub(r"\{(\w+)\}", r"<\1>", p) for p in document()["paths"]}
    routes = {re.sub(r"<(?:\w+:)?(\w+)>", r"<\1>", r) for r in _routes() if r.startswith("/api/")}
    assert routes - {"/api/"} == described


def test_the_docs_page_lists_every_operation(client: Client) -> None:
    response = client.get("/api/")
    assert response.status_code == 200
    main = parse(response.content).by_id("main")
    text = main.text()
    for path in document()["paths"]:
        assert f"GET {path}" in text
    assert not response.cookies
    assert "<script" not in response.content.decode().split("<main")[1]


@pytest.mark.parametrize(
    "url",
    ["/api/search", "/api/places?q=Norwalk", "/api/guides/us/ct/norwalk", "/api/laws", "/api/"],
)
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_api_is_read_only(client: Client, url: str, method: str) -> None:
    assert getattr(client, method)(url).status_code == 405
