"""The search page: a GET form that shows results with distances, pages, and field errors."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.htmltree import parse
from tests.searchdata import add_service, north_of
from waypost.directory.models import Address, Phone, Service, TaxonomyTerm
from waypost.directory.taxonomy import ATTRIBUTE_TAXONOMY, CATEGORY_TAXONOMY
from waypost.evidence.models import Fact
from waypost.places.models import Place, PlaceKind

pytestmark = pytest.mark.django_db

ORIGIN = (45.0, -100.0)
NEAR = f"{ORIGIN[0]},{ORIGIN[1]}"


def test_the_empty_form_is_served_without_searching(client: Client) -> None:
    response = client.get("/search/")
    assert response.status_code == 200
    form = parse(response.content).by_id("main").find_all("form", "search")[0]
    assert form.attrs["method"] == "get" and form.attrs["action"] == "/search/"
    names = {i.attrs.get("name") for i in form.find_all("input")}
    assert {"near", "radius", "q", "open", "category", "attr", "lang"} <= names
    with pytest.raises(LookupError):
        parse(response.content).by_id("results-h")
    assert not response.cookies


def test_results_show_distance_in_order(client: Client) -> None:
    response = client.get("/search/", {"near": "06850", "radius": "10"})
    assert response.status_code == 200
    main = parse(response.content).by_id("main")
    items = main.find_all("li", "svc")
    assert items
    distances = [float(i.find_all("span", "dist")[0].text().removesuffix(" mi")) for i in items]
    assert distances == sorted(distances)
    assert "Norwalk Health Department: walk-in STD clinic" in main.text()
    assert "within 10 mi of 06850" in main.text()
    assert not response.cookies


def test_the_form_keeps_every_filter(client: Client) -> None:
    params = {
        "near": "Norwalk, CT",
        "radius": "15",
        "category": ["health", "shelter"],
        "attr": "free",
        "lang": "es",
        "open": "sat 10:00",
        "q": "clinic",
    }
    response = client.get("/search/", params)
    assert response.status_code == 200
    inputs = parse(response.content).by_id("main").find_all("input")
    boxes = [i for i in inputs if i.attrs.get("type") != "checkbox"]
    value = {i.attrs["name"]: i.attrs.get("value") for i in boxes}
    assert value == {
        "near": "Norwalk, CT",
        "radius": "15",
        "open": "sat 10:00",
        "q": "clinic",
    }
    checked = {(i.attrs["name"], i.attrs["value"]) for i in inputs if "checked" in i.attrs}
    assert checked == {
        ("category", "health"),
        ("category", "shelter"),
        ("attr", "free"),
        ("lang", "es"),
    }


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"near": "06850", "radius": "0"}, "radius"),
        ({"near": "06850", "radius": "600"}, "radius"),
        ({"near": "0685"}, "near"),
        ({"near": "Nowhereville"}, "near"),
        ({"near": "06850", "category": "nope"}, "category"),
        ({"near": "06850", "attr": "nope"}, "attr"),
        ({"near": "06850", "lang": "?"}, "lang"),
        ({"near": "06850", "open": "soon"}, "open"),
        ({"near": "06850", "q": "!!"}, "q"),
        ({"near": "06850", "page": "999"}, "page"),
        ({"near": "06850", "per_page": "5000"}, "per_page"),
    ],
)
def test_bad_parameters_reshow_the_form_with_the_error_beside_the_field(
    client: Client, params: dict[str, str], field: str
) -> None:
    response = client.get("/search/", params)
    assert response.status_code == 400
    main = parse(response.content).by_id("main")
    error = main.by_id(f"{field}-error")
    assert error.text().strip()
    assert main.find_all("form", "search")  # the form again, to correct
    if field in {"near", "radius", "q", "open"}:
        box = main.by_id(f"s-{field}")
        assert box.attrs["aria-invalid"] == "true"
        assert box.attrs["value"] == params[field]


def test_pagination_links_keep_the_filters(client: Client) -> None:
    for i in range(5):
        add_service(f"Paged {i}", at=[north_of(i + 1, ORIGIN)], attrs=["free"])
    response = client.get("/search/", {"near": NEAR, "attr": "free", "per_page": "2"})
    main = parse(response.content).by_id("main")
    pager = main.find_all("nav", "pager")[0]
    links = {a.text(): a.attrs["href"] for a in pager.find_all("a")}
    assert set(links) == {"2", "3", "Next"}
    assert "attr=free" in links["Next"] and "page=2" in links["Next"]
    last = client.get("/search/" + links["3"])
    assert last.status_code == 200
    last_main = parse(last.content).by_id("main")
    assert [li.find_all("a")[0].text() for li in last_main.find_all("li", "svc")] == ["Paged 4"]
    assert last_main.find_all("ol", "results")[0].attrs["start"] == "5"
    last_links = {a.text() for a in last_main.find_all("nav", "pager")[0].find_all("a")}
    assert last_links == {"Previous", "1", "2"}


def test_no_match_says_so(client: Client) -> None:
    response = client.get("/search/", {"near": NEAR, "radius": "5"})
    assert response.status_code == 200
    assert "No service matches" in parse(response.content).by_id("main").text()


@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
def test_only_reading_is_allowed(client: Client, method: str) -> None:
    assert getattr(client, method)("/search/?near=06850").status_code == 405


def test_a_guide_links_its_service_categories_to_the_search(client: Client) -> None:
    guide = parse(client.get("/us/ct/norwalk/").content).by_id("main")
    links = [a.attrs["href"] for a in guide.find_all("a") if a.attrs["href"].startswith("/search/")]
    assert any("category=sti-testing" in link and "category=hiv-testing" in link for link in links)
    for link in links:
        assert "near=us%2Fct%2Fnorwalk" in link
        response = client.get(link)
        assert response.status_code == 200, link
    testing = next(link for link in links if "category=sti-testing" in link)
    found = parse(client.get(testing).content).by_id("main").text()
    assert "Norwalk Health Department: walk-in STD clinic" in found


def _queries(client: Client, path: str, params: dict[str, str]) -> tuple[int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, params)
    assert response.status_code == 200
    return len(captured), response.content.count(b'class="svc"') or len(response.json()["results"])


@pytest.mark.parametrize("path", ["/search/", "/api/search"])
def test_a_result_page_costs_the_same_queries_however_many_results(
    client: Client, path: str
) -> None:
    """Every listing field is read with the page; none is left to a query per result."""
    origin = (44.0, -101.0)
    near = f"{origin[0]},{origin[1]}"
    add_service(
        "Lone clinic",
        at=[north_of(1, origin)],
        categories=["health"],
        hours=[(0, "09:00", "17:00")],
    )
    few, shown_few = _queries(client, path, {"near": near, "radius": "5"})
    for n in range(12):
        add_service(
            f"Clinic {n}",
            at=[north_of(1 + n / 10, origin), north_of(2 + n / 10, origin)],
            categories=["health", "testing"],
            attrs=["free", "no-id"],
            langs=["es"],
            hours=[(0, "09:00", "17:00"), (2, "10:00", "12:00")],
        )
    many, shown_many = _queries(client, path, {"near": near, "radius": "5"})
    assert (shown_few, shown_many) == (1, 13)
    assert many == few


def _listed_in_full(name: str, miles: float, *, address: bool = True) -> None:
    """A service with everything a listing shows: terms, languages, hours, an address (or
    none) with its place, a phone, and texts for each translated field."""
    service = add_service(
        name,
        at=[north_of(miles, ORIGIN)],
        description=f"What {name} does.",
        categories=["health"],
        attrs=["free"],
        langs=["en", "es"],
        hours=[(1, "09:00", "17:00"), (3, "09:00", "17:00")],
    )
    Service.objects.filter(pk=service.pk).update(
        fees_description="No cost", hours_description="Weekdays"
    )
    location = service.at_locations.get().location
    location.place = Place.objects.filter(kind=PlaceKind.CITY).first()
    location.save()
    if address:
        Address.objects.create(
            location=location, address_1="1 Main St", city="Pierre", state_province="SD"
        )
    Phone.objects.create(
        service=service,
        number="605-555-0100",
        description="Front desk",
        fact=Fact.objects.create(label=f"{name} phone"),
    )


@pytest.mark.parametrize("path", ["/search/", "/api/search"])
def test_a_page_of_results_asks_the_same_queries_however_many_it_lists(
    client: Client, path: str
) -> None:
    """Each kind of row a listing shows is read for the whole page at once: a field left
    unread for one result (a query per result) would make the count grow."""
    params = {"near": NEAR, "radius": "50", "category": "health", "attr": "free"}

    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path, params)
        assert response.status_code == 200
        return len(captured), response.content.count(b"Listed in full")

    for n in range(2):
        _listed_in_full(f"Listed in full {n}", 1 + n)
    few, shown = queries()
    assert shown >= 2
    # Some with no address: that a location has none is read with the page too.
    for n in range(2, 12):
        _listed_in_full(f"Listed in full {n}", 1 + n, address=n % 2 == 0)
    many, shown_now = queries()
    assert shown_now > shown
    assert many == few


@pytest.mark.parametrize(
    "params",
    [
        {"near": NEAR, "radius": "50"},
        {"near": NEAR, "radius": "50", "category": "health"},
        {"near": NEAR, "radius": "50", "attr": "free", "lang": "es"},
    ],
)
def test_the_search_page_reads_the_taxonomy_once_for_its_form_and_its_filters(
    client: Client, params: dict[str, str]
) -> None:
    _listed_in_full("Listed in full", 1)
    term_table = TaxonomyTerm._meta.db_table
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/search/", params)
    assert response.status_code == 200
    assert b"Listed in full" in response.content
    # Statements that read the terms themselves (the listing joins them to its services).
    reads = [q["sql"] for q in captured if re.search(f'FROM "?{term_table}"?', q["sql"])]
    assert len(reads) == 1, reads
    # The form still offers every category and attribute, whatever the search filters on.
    boxes = {
        (i.attrs["name"], i.attrs["value"])
        for i in parse(response.content).by_id("main").find_all("input")
        if i.attrs.get("type") == "checkbox"
    }
    offered = {
        ("attr" if t.taxonomy.name == ATTRIBUTE_TAXONOMY else "category", t.code)
        for t in TaxonomyTerm.objects.filter(
            taxonomy__name__in=[CATEGORY_TAXONOMY, ATTRIBUTE_TAXONOMY]
        ).select_related("taxonomy")
    }
    assert offered and offered <= boxes
