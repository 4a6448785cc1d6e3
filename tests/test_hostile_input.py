"""Crafted values in every parameter and path: a 400 naming the parameter (404 for a path),
never a server error; and no NUL character ever reaches a query.

The database here may be SQLite, which stores a NUL; PostgreSQL (production) refuses one in
text, so every test runs with the database refusing it too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

import pytest
from django.db import DataError, connection
from django.test import Client

from tests.htmltree import parse

pytestmark = pytest.mark.django_db

SUPERSCRIPT = "²"  # str.isdigit() is True, int() fails
ARABIC_INDIC = "١٢"  # str.isdigit() is True, int() reads 12
YEAR_1_EAST = "0001-01-01T00:00+14:00"  # before year 1 once moved to UTC
YEAR_9999_WEST = "9999-12-31T23:59-14:00"  # after year 9999 once moved to UTC
NUL = "\x00"
ATTACKS = (SUPERSCRIPT, ARABIC_INDIC, YEAR_1_EAST, YEAR_9999_WEST, NUL, f"1{NUL}", f"{NUL}06850")

# (address, what else the request needs, typed parameters, free-text parameters)
ENDPOINTS: list[tuple[str, dict[str, str], tuple[str, ...], tuple[str, ...]]] = [
    (
        "/api/search",
        {"near": "06850"},
        ("page", "per_page", "radius", "open"),
        ("near", "q", "category", "attr", "lang"),
    ),
    (
        "/search/",
        {"near": "06850"},
        ("page", "per_page", "radius", "open"),
        ("near", "q", "category", "attr", "lang"),
    ),
    (
        "/es/search/",
        {"near": "06850"},
        ("page", "per_page", "radius", "open"),
        ("near", "q"),
    ),
    (
        "/api/hsds/services",
        {},
        ("page", "per_page", "modified_after", "organization_id", "taxonomy_id"),
        ("search",),
    ),
    (
        "/api/hsds/services",
        {"format": "ndjson"},
        ("page", "per_page", "modified_after"),
        ("search",),
    ),
    (
        "/api/hsds/service_at_locations",
        {"postcode": "06850", "proximity": "5000"},
        ("page", "per_page", "modified_after", "postcode", "proximity"),
        ("search",),
    ),
    ("/api/hsds/organizations", {}, ("page", "per_page", "taxonomy_term_id"), ("search",)),
    ("/api/hsds/taxonomy_terms", {}, ("page", "parent_id"), ("search",)),
    ("/api/places", {}, (), ("q",)),
    ("/api/laws", {}, (), ("jurisdiction",)),
    ("/api/guides/us/ct/norwalk", {}, ("date",), ()),
    ("/us/ct/norwalk/", {}, ("date",), ()),
    ("/es/us/ct/norwalk/", {}, ("date",), ()),
    ("/us/ct/norwalk/comments/", {}, ("page",), ()),
    ("/places/", {}, (), ("q",)),
]


def _cases() -> Iterator[Any]:
    """Every attack on every parameter: a typed one refuses them all; free text may be "²"
    (a search for it finds nothing), but never a NUL."""
    for url, base, typed, free in ENDPOINTS:
        for name in (*typed, *free):
            for value in ATTACKS:
                refused = name in typed or NUL in value
                label = f"{url} {name}={value!r}"
                yield pytest.param(url, base, name, value, refused, id=label)


@pytest.fixture(autouse=True)
def _database_refuses_nul() -> Iterator[None]:
    """What psycopg does on PostgreSQL, on any database: a NUL in a query fails it."""

    def refuse(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        rows = params if many else [params]
        values = [v for row in rows or () for v in _values(row)]
        if NUL in sql or any(isinstance(v, str) and NUL in v for v in values):
            raise DataError("A string literal cannot contain NUL (0x00) characters.")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(refuse):
        yield


def _values(row: Any) -> list[Any]:
    if row is None:
        return []
    return list(row.values()) if isinstance(row, Mapping) else list(row)


def named(response: Any, parameter: str) -> bool:
    """Whether a 400 names the parameter: in the JSON error, or as the field of the page's
    error message."""
    if response["Content-Type"].startswith("application/json"):
        return bool(response.json()["error"]["parameter"] == parameter)
    tree = parse(response.content)
    ids = {e.attrs.get("id") for e in tree.iter()}
    return f"error-{parameter}" in ids or f"{parameter}-error" in ids


@pytest.mark.parametrize(("url", "base", "name", "value", "refused"), list(_cases()))
def test_a_crafted_value_is_a_400_naming_its_parameter(
    url: str, base: dict[str, str], name: str, value: str, refused: bool
) -> None:
    client = Client(raise_request_exception=False)
    response = client.get(url, {**base, name: value})
    assert response.status_code < 500, response.content[:300]
    if refused:
        assert response.status_code == 400, response.content[:300]
        assert named(response, name), response.content[:600]
    elif response.status_code == 400:
        assert named(response, name), response.content[:600]
    is_api = url.startswith("/api/")
    answer = "application/" if is_api else "text/html"
    assert response["Content-Type"].startswith(answer), response["Content-Type"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/search",
        "/search/",
        "/api/hsds/services",
        "/api/hsds/service_at_locations",
        "/api/places",
        "/api/laws",
        "/us/ct/norwalk/",
        "/editors/queue/",
        "/sitemap.xml",
    ],
)
def test_a_nul_in_any_parameter_name_or_unread_parameter_is_refused(url: str) -> None:
    client = Client(raise_request_exception=False)
    for query, parameter in [
        ("colour=re%00d", "colour"),
        ("col%00our=red", "col%00our"),  # named as it was typed
        ("near=06850&extra=%00", "extra"),
    ]:
        response = client.get(f"{url}?{query}")
        assert response.status_code == 400, (url, query, response.status_code)
        assert named(response, parameter), (url, query, response.content[:600])


@pytest.mark.parametrize(
    ("path", "is_api"),
    [
        ("/us/ct/nor%00walk/", False),
        ("/us/ct/norwalk/%00", False),
        ("/es/us/c%00t/", False),
        ("/us/ct/norwalk/comments%00/", False),
        ("/services/%00/", False),
        ("/api/places/us%00/ct", True),
        ("/api/guides/us/ct/nor%00walk", True),
        ("/api/hsds/services/%00", True),
        ("/api/hsds/organizations/1%00", True),
    ],
)
def test_a_nul_in_a_path_is_a_404(path: str, is_api: bool) -> None:
    response = Client(raise_request_exception=False).get(path)
    assert response.status_code == 404
    if is_api:
        assert response["Content-Type"] == "application/json"
        assert response.json()["error"]["message"]
    else:
        assert parse(response.content).by_id("quick-exit")


def test_a_guide_in_spanish_explains_a_bad_date_in_spanish(client: Client) -> None:
    response = client.get("/es/us/ct/norwalk/", {"date": ARABIC_INDIC})
    assert response.status_code == 400
    error = parse(response.content).by_id("error-date")
    assert "no es una fecha" in error.text()


def test_the_search_page_marks_each_message_in_its_own_language(client: Client) -> None:
    """Messages of the shared value readers follow the page's language; the search's own
    place messages are English, marked as such on a Spanish page."""
    spanish = parse(client.get("/es/search/", {"near": "06850", "page": SUPERSCRIPT}).content)
    page_error = spanish.by_id("page-error")
    assert "no es un número entero" in page_error.text()
    assert page_error.attrs.get("lang") in (None, "es")
    english = parse(client.get("/es/search/", {"near": "Nowhereville"}).content)
    assert english.by_id("near-error").attrs.get("lang") == "en"
