"""The search service: parameters, filters, distances, ranking, paging, the keyword index."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.http import QueryDict

from tests.searchdata import NORWALK, add_service, north_of
from waypost.directory.models import Service
from waypost.search import fulltext
from waypost.search.services import BadSearch, SearchQuery, search

pytestmark = pytest.mark.django_db

# Far from every demo service: tests here see only what they create.
ORIGIN = (45.0, -100.0)
NEAR = f"{ORIGIN[0]},{ORIGIN[1]}"


def run(params: str, **kwargs: object) -> list[str]:
    page = search(SearchQuery.from_params(QueryDict(params)), **kwargs)  # type: ignore[arg-type]
    return [r.service.name for r in page.results]


def bad(params: str) -> BadSearch:
    with pytest.raises(BadSearch) as caught:
        search(SearchQuery.from_params(QueryDict(params)))
    return caught.value


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ("near=06850&radius=0", "radius"),
        ("near=06850&radius=-3", "radius"),
        ("near=06850&radius=501", "radius"),
        ("near=06850&radius=ten", "radius"),
        ("near=06850&radius=nan", "radius"),
        ("near=0685", "near"),
        ("near=99999", "near"),
        ("near=91,10", "near"),
        ("near=10,181", "near"),
        ("near=Nowhereville", "near"),
        ("near=Norwalk", "near"),
        ("near=us/zz/nowhere", "near"),
        ("category=not-a-category", "category"),
        ("category=Bad Code!", "category"),
        ("attr=free&attr=made-up", "attr"),
        ("lang=e$", "lang"),
        ("open=someday", "open"),
        ("open=fri 25:00", "open"),
        ("open=xyz 10:00", "open"),
        ("q=%21%21%21", "q"),
        ("page=0", "page"),
        ("page=two", "page"),
        ("page=50", "page"),
        ("per_page=0", "per_page"),
        ("per_page=1001", "per_page"),
        ("near=06850&near=06851", "near"),
    ],
)
def test_bad_parameters_name_their_field(params: str, field: str) -> None:
    error = bad(params)
    assert error.field == field
    assert error.message


def test_an_ambiguous_name_lists_the_places() -> None:
    error = bad("near=Norwalk")
    assert "Norwalk, CA" in error.message and "Norwalk, CT" in error.message


def test_near_a_zip_sorted_by_distance_with_distance() -> None:
    page = search(SearchQuery.from_params(QueryDict("near=06850&radius=10")))
    distances = [r.distance_mi for r in page.results]
    assert distances == sorted(distances)
    assert all(d is not None and d <= 10 for d in distances)
    names = [r.service.name for r in page.results]
    assert "Norwalk Health Department: walk-in STD clinic" in names
    # Los Angeles is not within 10 miles of Norwalk, Connecticut.
    assert "The LGBTQ Center Long Beach" not in names
    assert page.total == len(names)


def test_place_path_name_and_coordinates_agree() -> None:
    by_path = run("near=us/ct/norwalk&radius=5")
    by_name = run("near=Norwalk, CT&radius=5")
    by_point = run(f"near={NORWALK[0]},{NORWALK[1]}&radius=5")
    assert by_path == by_name
    assert set(by_path) == set(by_point)
    assert by_path


def test_radius_is_exact_not_the_bounding_box() -> None:
    add_service("Inside", at=[north_of(9.9, ORIGIN)])
    add_service("Outside", at=[north_of(10.1, ORIGIN)])
    # A point in the box's corner: within 10 miles on each axis, about 14 miles away.
    add_service("Corner", at=[(ORIGIN[0] + 9.9 / 69, ORIGIN[1] + 9.9 / (69 * 0.7071))])
    assert run(f"near={NEAR}&radius=10") == ["Inside"]


def test_nearest_location_of_a_service_counts_once() -> None:
    add_service("Two doors", at=[north_of(8, ORIGIN), north_of(2, ORIGIN)])
    add_service("One door", at=[north_of(5, ORIGIN)])
    page = search(SearchQuery.from_params(QueryDict(f"near={NEAR}&radius=10")))
    assert [(r.service.name, r.distance_mi) for r in page.results] == [
        ("Two doors", pytest.approx(2, abs=0.01)),
        ("One door", pytest.approx(5, abs=0.01)),
    ]
    assert page.results[0].location is not None
    assert page.results[0].location.latitude == pytest.approx(north_of(2, ORIGIN)[0])
    assert page.total == 2


def test_inactive_services_are_not_found() -> None:
    add_service("Closed for good", at=[north_of(1, ORIGIN)], status="inactive")
    assert run(f"near={NEAR}") == []


def test_category_includes_sub_categories() -> None:
    add_service("Clinic", at=[north_of(1, ORIGIN)], categories=["sti-testing"])
    add_service("Shelter", at=[north_of(2, ORIGIN)], categories=["shelter"])
    assert run(f"near={NEAR}&category=health") == ["Clinic"]
    assert run(f"near={NEAR}&category=sti-testing") == ["Clinic"]
    # Several categories: any of them.
    assert run(f"near={NEAR}&category=health&category=shelter") == ["Clinic", "Shelter"]
    assert run(f"near={NEAR}&category=health,shelter") == ["Clinic", "Shelter"]


def test_attributes_must_all_match() -> None:
    add_service("Free only", at=[north_of(1, ORIGIN)], attrs=["free"])
    add_service("Free, no ID", at=[north_of(2, ORIGIN)], attrs=["free", "no-id-required"])
    assert run(f"near={NEAR}&attr=free") == ["Free only", "Free, no ID"]
    assert run(f"near={NEAR}&attr=free&attr=no-id-required") == ["Free, no ID"]


def test_languages_match_by_primary_subtag() -> None:
    add_service("Spanish", at=[north_of(1, ORIGIN)], langs=["es"])
    add_service("Mexican Spanish", at=[north_of(2, ORIGIN)], langs=["es-MX", "en"])
    add_service("English", at=[north_of(3, ORIGIN)], langs=["en"])
    assert run(f"near={NEAR}&lang=es") == ["Spanish", "Mexican Spanish"]
    assert run(f"near={NEAR}&lang=es&lang=en") == ["Mexican Spanish"]
    assert run(f"near={NEAR}&lang=ES-mx") == ["Mexican Spanish"]


def test_open_now_uses_each_locations_time_zone() -> None:
    # Monday 2026-11-23 17:30 UTC is 12:30 in New York and 09:30 in Los Angeles.
    now = dt.datetime(2026, 11, 23, 17, 30, tzinfo=dt.UTC)
    add_service("East, mornings", at=[north_of(1, ORIGIN)], hours=[(0, "09:00", "12:00")])
    add_service(
        "West, mornings",
        at=[north_of(2, ORIGIN)],
        hours=[(0, "09:00", "12:00")],
        timezone="America/Los_Angeles",
    )
    add_service("East, afternoons", at=[north_of(3, ORIGIN)], hours=[(0, "12:00", "17:00")])
    add_service("No hours", at=[north_of(4, ORIGIN)])
    assert run(f"near={NEAR}&open=now", now=now) == ["West, mornings", "East, afternoons"]
    # An instant with an offset means the same; a wall-clock time is local everywhere.
    assert run(f"near={NEAR}&open=2026-11-23T12:30-05:00") == [
        "West, mornings",
        "East, afternoons",
    ]
    assert run(f"near={NEAR}&open=mon 10:00") == ["East, mornings", "West, mornings"]
    assert run(f"near={NEAR}&open=2026-11-23T10:00") == ["East, mornings", "West, mornings"]
    assert run(f"near={NEAR}&open=tue 10:00") == []


def test_open_past_midnight_and_closing_time() -> None:
    add_service("Night", at=[north_of(1, ORIGIN)], hours=[(4, "20:00", "02:00")])
    add_service("Day", at=[north_of(2, ORIGIN)], hours=[(4, "09:00", "17:00")])
    assert run(f"near={NEAR}&open=fri 23:00") == ["Night"]
    assert run(f"near={NEAR}&open=sat 01:30") == ["Night"]
    assert run(f"near={NEAR}&open=sat 02:00") == []
    assert run(f"near={NEAR}&open=fri 17:00") == []  # closed at closing time
    assert run(f"near={NEAR}&open=fri 09:00") == ["Day"]


def test_open_across_a_daylight_saving_change() -> None:
    add_service("Ten to noon", at=[north_of(1, ORIGIN)], hours=[(6, "10:00", "12:00")])
    # 2026-03-08: New York moves to UTC-4. 15:00 UTC is 11:00 local after the change.
    after = dt.datetime(2026, 3, 8, 15, 0, tzinfo=dt.UTC)
    assert run(f"near={NEAR}&open=now", now=after) == ["Ten to noon"]
    before = dt.datetime(2026, 3, 1, 15, 0, tzinfo=ZoneInfo("UTC"))  # 10:00 in New York
    assert run(f"near={NEAR}&open=now", now=before) == ["Ten to noon"]
    assert run(f"near={NEAR}&open=now", now=before.replace(hour=17)) == []


def test_keywords_rank_by_relevance() -> None:
    add_service("Food pantry", at=[north_of(1, ORIGIN)], description="Groceries weekly.")
    add_service(
        "Testing clinic",
        at=[north_of(9, ORIGIN)],
        description="Free STI testing and HIV testing, walk-in testing every day.",
    )
    add_service("Clinic", at=[north_of(3, ORIGIN)], description="Primary care; testing on request.")
    names = run(f"near={NEAR}&q=testing")
    assert names[0] == "Testing clinic"  # the better match, though farther away
    assert set(names) == {"Testing clinic", "Clinic"}
    # Stemming and accents: "tested" finds "testing"; "clínica" finds "clinica".
    assert "Testing clinic" in run(f"near={NEAR}&q=tested")
    add_service("Clínica Latina", at=[north_of(2, ORIGIN)], description="Atención gratuita.")
    assert run(f"near={NEAR}&q=clinica") == ["Clínica Latina"]
    # Every word must occur.
    assert run(f"near={NEAR}&q=testing groceries") == []


def test_keyword_syntax_is_never_parsed() -> None:
    add_service("Harm reduction van", at=[north_of(1, ORIGIN)], description="Naloxone, syringes")
    for q in ['naloxone"', "naloxone OR", "NEAR(naloxone)", "-naloxone", "naloxone*", "n'aloxone"]:
        search(SearchQuery.from_params(QueryDict(f"near={NEAR}&q={q}")))
    assert run(f"near={NEAR}&q=NALOXONE!") == ["Harm reduction van"]


def test_keyword_index_follows_changes() -> None:
    service = add_service("Old name", at=[north_of(1, ORIGIN)])
    assert run(f"near={NEAR}&q=zebra") == []
    service.name = "Zebra crossing outreach"
    service.save()
    assert run(f"near={NEAR}&q=zebra") == ["Zebra crossing outreach"]
    Service.objects.filter(pk=service.pk).update(description="Quokka")
    assert run(f"near={NEAR}&q=quokka") == ["Zebra crossing outreach"]
    service.delete()
    assert run(f"near={NEAR}&q=zebra") == []


def test_bulk_load_indexes_at_the_end() -> None:
    with fulltext.bulk_load():
        add_service("Bulk loaded capybara", at=[north_of(1, ORIGIN)])
    assert run(f"near={NEAR}&q=capybara") == ["Bulk loaded capybara"]
    # The triggers are back after the bulk load.
    add_service("Later capybara", at=[north_of(2, ORIGIN)])
    assert set(run(f"near={NEAR}&q=capybara")) == {"Bulk loaded capybara", "Later capybara"}


def test_keywords_everywhere_and_services_without_locations() -> None:
    names = run("q=trafficking hotline")
    assert "National Human Trafficking Hotline" in names


def test_everywhere_without_keywords_is_by_name() -> None:
    page = search(SearchQuery.from_params(QueryDict("category=legal")))
    names = [r.service.name for r in page.results]
    assert names == sorted(names) and names
    assert all(r.distance_mi is None for r in page.results)


def test_pages() -> None:
    for i in range(5):
        add_service(f"Service {i}", at=[north_of(i + 1, ORIGIN)])
    first = search(SearchQuery.from_params(QueryDict(f"near={NEAR}&per_page=2")))
    assert [r.service.name for r in first.results] == ["Service 0", "Service 1"]
    assert (first.total, first.pages, first.has_next, first.has_previous) == (5, 3, True, False)
    last = search(SearchQuery.from_params(QueryDict(f"near={NEAR}&per_page=2&page=3")))
    assert [r.service.name for r in last.results] == ["Service 4"]
    assert (last.has_next, last.has_previous) == (False, True)
    error = bad(f"near={NEAR}&per_page=2&page=4")
    assert error.field == "page" and "3 pages" in error.message
    # An empty first page is no error: nothing matched.
    assert run(f"near={NEAR}&q=nothingmatchesthis") == []


def test_query_round_trips_through_its_url() -> None:
    params = "near=06850&radius=10&category=health&attr=free&lang=es&open=now&q=test&page=2"
    query = SearchQuery.from_params(QueryDict(params))
    assert SearchQuery.from_params(QueryDict(query.query_string())) == query
    assert "page=3" in query.query_string(page=3)


def test_from_params_accepts_a_plain_dict() -> None:
    query = SearchQuery.from_params({"near": "06850", "attr": ["free", "walk-in"]})
    assert query.near == "06850" and query.attrs == ("free", "walk-in")


def test_the_keyword_index_matches_the_database() -> None:
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM sqlite_master WHERE name = %s", [fulltext.FTS_TABLE])
            assert cursor.fetchone()
            # FTS5 compares its index with the services' rows; any difference raises.
            table = fulltext.FTS_TABLE
            cursor.execute(f"INSERT INTO {table}({table}, rank) VALUES ('integrity-check', 1)")
    else:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [fulltext.PG_INDEX])
            assert cursor.fetchone()
