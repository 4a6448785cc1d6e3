"""Places: names, slugs, distances, the jurisdiction chain and finding a place from a query."""

from __future__ import annotations

import math
from typing import Any

import pytest
from django.db.models import Count
from django.test import Client

from waypost.places.geo import EARTH_RADIUS_MI, bounding_box, distance_mi
from waypost.places.models import Place, PlaceKind, ZipCode
from waypost.places.services import MAX_QUERY_LENGTH, BadQuery, find_places, suggest_for_path
from waypost.places.text import normalize_name, place_slug


def point_at(lat: float, lng: float, bearing_deg: float, distance: float) -> tuple[float, float]:
    """The point `distance` miles from (lat, lng) along a great circle at a bearing."""
    angular = distance / EARTH_RADIUS_MI
    phi1, lam1, theta = math.radians(lat), math.radians(lng), math.radians(bearing_deg)
    phi2 = math.asin(
        math.sin(phi1) * math.cos(angular) + math.cos(phi1) * math.sin(angular) * math.cos(theta)
    )
    lam2 = lam1 + math.atan2(
        math.sin(theta) * math.sin(angular) * math.cos(phi1),
        math.cos(angular) - math.sin(phi1) * math.sin(phi2),
    )
    return math.degrees(phi2), math.degrees(lam2)


# -- names and slugs --------------------------------------------------------------------


def test_an_apostrophe_disappears_from_the_slug_rather_than_splitting_words() -> None:
    assert place_slug("Coeur d'Alene") == "coeur-dalene"
    assert normalize_name("Coeur d'Alene") == "coeur dalene"
    assert normalize_name("Coeur d\u2019Alene") == "coeur dalene"


def test_an_accented_name_has_an_ascii_slug_and_matches_the_unaccented_spelling() -> None:
    assert place_slug("Cañon City") == "canon-city"
    assert normalize_name("Cañon City") == normalize_name("canon city") == "canon city"


def test_a_hyphenated_name_keeps_one_hyphen_in_its_slug_and_matches_with_a_space() -> None:
    assert place_slug("Winston-Salem") == "winston-salem"
    assert normalize_name("Winston-Salem") == normalize_name("winston salem")


def test_st_and_saint_are_the_same_word_when_matching_names() -> None:
    assert normalize_name("St. Louis") == normalize_name("Saint Louis") == "saint louis"
    assert normalize_name("st louis") == normalize_name("SAINT LOUIS")


def test_a_name_that_only_contains_saint_inside_a_word_is_left_alone() -> None:
    assert normalize_name("Stamford") == "stamford"
    assert normalize_name("Westport") == "westport"


# -- distances ------------------------------------------------------------------------


def miles_between(a: Place, b: Place) -> float:
    assert a.latitude is not None and a.longitude is not None
    assert b.latitude is not None and b.longitude is not None
    return distance_mi(a.latitude, a.longitude, b.latitude, b.longitude)


def test_the_two_norwalks_are_about_2450_to_2500_miles_apart(
    norwalk_ct: Place, norwalk_ca: Place
) -> None:
    miles = miles_between(norwalk_ct, norwalk_ca)
    assert 2450 <= miles <= 2500


def test_norwalk_to_stamford_is_a_short_drive(norwalk_ct: Place) -> None:
    stamford = Place.objects.get(path="us/ct/stamford")
    miles = miles_between(norwalk_ct, stamford)
    assert 5 <= miles <= 15


def test_new_york_to_philadelphia_is_about_80_miles() -> None:
    assert distance_mi(40.7128, -74.0060, 39.9526, -75.1652) == pytest.approx(80.6, abs=1.0)


def test_distance_is_symmetric_and_zero_for_the_same_point() -> None:
    there = distance_mi(41.1177, -73.4082, 33.9022, -118.0817)
    back = distance_mi(33.9022, -118.0817, 41.1177, -73.4082)
    assert there == pytest.approx(back)
    assert distance_mi(41.1177, -73.4082, 41.1177, -73.4082) == 0


@pytest.mark.parametrize("lat", [0.0, 25.8, 41.1, 64.8, 71.3])
@pytest.mark.parametrize("radius", [0.5, 5.0, 60.0, 250.0])
def test_the_bounding_box_contains_every_point_of_the_circle(lat: float, radius: float) -> None:
    lng = -150.0 if lat > 60 else -73.4
    min_lat, max_lat, min_lng, max_lng = bounding_box(lat, lng, radius)
    for bearing in range(0, 360, 3):
        p_lat, p_lng = point_at(lat, lng, bearing, radius)
        assert min_lat <= p_lat <= max_lat, (bearing, p_lat)
        assert min_lng <= p_lng <= max_lng, (bearing, p_lng)


def test_the_bounding_box_is_not_much_larger_than_the_circle() -> None:
    min_lat, max_lat, min_lng, max_lng = bounding_box(41.1, -73.4, 60)
    # A 60-mile circle spans about 1.74 degrees of latitude and 2.3 of longitude here.
    assert max_lat - min_lat == pytest.approx(1.74, abs=0.02)
    assert max_lng - min_lng == pytest.approx(2.31, abs=0.03)


# -- the jurisdiction chain -------------------------------------------------------------


def test_a_citys_jurisdiction_chain_runs_country_state_county_city(norwalk_ct: Place) -> None:
    chain = norwalk_ct.jurisdiction_chain()
    assert [p.kind for p in chain] == [
        PlaceKind.COUNTRY,
        PlaceKind.STATE,
        PlaceKind.COUNTY,
        PlaceKind.CITY,
    ]
    assert [p.path for p in chain] == [
        "us",
        "us/ct",
        "us/ct/counties/fairfield-county",
        "us/ct/norwalk",
    ]


def test_the_california_norwalks_county_is_los_angeles_county(norwalk_ca: Place) -> None:
    chain = norwalk_ca.jurisdiction_chain()
    assert [p.path for p in chain] == [
        "us",
        "us/ca",
        "us/ca/counties/los-angeles-county",
        "us/ca/norwalk",
    ]


def test_a_states_chain_is_country_then_state(db: Any) -> None:
    state = Place.objects.get(path="us/ct")
    assert [p.path for p in state.jurisdiction_chain()] == ["us", "us/ct"]


# -- finding places -------------------------------------------------------------------


def test_a_bare_name_finds_every_norwalk_each_with_its_own_path(db: Any) -> None:
    matches = find_places("norwalk")
    paths = [p.path for p in matches.places]
    assert {"us/ca/norwalk", "us/ct/norwalk", "us/oh/norwalk"} <= set(paths)
    assert len(paths) == len(set(paths))
    assert len(paths) > 3
    assert all(p.name == "Norwalk" for p in matches.places)


def test_the_most_populous_namesake_is_listed_first(db: Any) -> None:
    places = find_places("Norwalk").places
    populations = [p.population or 0 for p in places]
    assert populations == sorted(populations, reverse=True)
    assert places[0].path == "us/ca/norwalk"


def test_a_place_of_unknown_population_is_listed_after_the_known_ones(db: Any) -> None:
    state = Place.objects.get(path="us/ct")
    Place.objects.create(
        kind=PlaceKind.CITY,
        name="Norwalk",
        name_key="norwalk",
        path="us/ct/norwalk-test-hamlet",
        parent=state,
        state_code="CT",
        latitude=41.2,
        longitude=-73.4,
    )
    for query in ("Norwalk", "Norwalk, CT"):
        places = find_places(query).places
        assert places[-1].path == "us/ct/norwalk-test-hamlet", query
    suggested = [p.path for p in suggest_for_path("/us/tx/norwalk/")]
    assert suggested[0] == "us/ca/norwalk"
    assert suggested.index("us/ct/norwalk-test-hamlet") > suggested.index("us/ct/norwalk")


def test_a_name_with_a_state_finds_only_that_states_place(db: Any) -> None:
    assert [p.path for p in find_places("Norwalk, CT").places] == ["us/ct/norwalk"]
    assert [p.path for p in find_places("norwalk ct").places] == ["us/ct/norwalk"]
    assert [p.path for p in find_places("Norwalk, ca").places] == ["us/ca/norwalk"]


def test_a_zip_code_resolves_to_its_city_and_point(db: Any) -> None:
    matches = find_places("06850")
    assert [p.path for p in matches.places] == ["us/ct/norwalk"]
    assert matches.zip_code is not None
    assert matches.zip_code.code == "06850"
    assert distance_mi(matches.zip_code.latitude, matches.zip_code.longitude, 41.12, -73.41) < 10


def test_a_zip_plus_four_resolves_like_its_five_digit_zip(db: Any) -> None:
    assert [p.path for p in find_places("06850-1234").places] == ["us/ct/norwalk"]


def test_a_five_digit_zip_that_does_not_exist_finds_nothing(db: Any) -> None:
    matches = find_places("00000")
    assert matches.places == []
    assert matches.zip_code is None


def test_st_louis_and_saint_louis_find_the_same_places(db: Any) -> None:
    short = [p.path for p in find_places("St. Louis").places]
    long = [p.path for p in find_places("Saint Louis").places]
    assert short == long
    assert "us/mo/st-louis" in short


def test_accented_and_apostrophe_names_are_found_as_readers_type_them(db: Any) -> None:
    assert [p.path for p in find_places("canon city, co").places] == ["us/co/canon-city"]
    assert [p.path for p in find_places("Coeur d'Alene").places] == ["us/id/coeur-dalene"]
    assert [p.path for p in find_places("coeur dalene").places] == ["us/id/coeur-dalene"]
    assert [p.path for p in find_places("Winston Salem").places] == ["us/nc/winston-salem"]


def test_the_start_of_a_name_finds_places_when_nothing_matches_exactly(db: Any) -> None:
    names = {p.name for p in find_places("norwa").places}
    assert "Norwalk" in names


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "Type a city name or a 5-digit ZIP code."),
        ("   ", "Type a city name or a 5-digit ZIP code."),
        ("x" * (MAX_QUERY_LENGTH + 1), "at most 100 characters"),
        ("0685", "is not a ZIP code"),
        ("068501", "is not a ZIP code"),
        ("06850-", "is not a ZIP code"),
        ("!!!", "using letters"),
    ],
    ids=["empty", "blank", "101-chars", "4-digits", "6-digits", "dangling-dash", "punctuation"],
)
def test_it_rejects_a_query_that_cannot_be_searched_with_a_message(
    db: Any, query: str, message: str
) -> None:
    with pytest.raises(BadQuery) as caught:
        find_places(query)
    assert message in str(caught.value)


def test_a_query_of_exactly_100_characters_is_accepted(db: Any) -> None:
    assert find_places("x" * MAX_QUERY_LENGTH).places == []


# -- namesakes in one state -------------------------------------------------------------


def _namesakes_in_one_state() -> list[tuple[str, str]]:
    return [
        (row["state_code"], row["name_key"])
        for row in Place.objects.cities()
        .values("state_code", "name_key")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .order_by("state_code", "name_key")
    ]


def test_the_gazetteer_keeps_same_named_cities_of_one_state_apart(db: Any) -> None:
    # geonames lists, for example, a Brentwood in Contra Costa County and one in
    # Los Angeles County, and a Middletown in Dauphin County and one in Northampton County.
    namesakes = _namesakes_in_one_state()
    assert ("CA", "brentwood") in namesakes
    assert ("PA", "middletown") in namesakes


# Whitehall, PA: one near Pittsburgh (geonames, with a population) and one that only the
# ZIP list knows (Lehigh County, population unknown), which must come second on any database.
@pytest.mark.parametrize("query", ["Brentwood, CA", "Middletown, PA", "Whitehall, PA"])
def test_same_named_cities_in_one_state_get_distinct_paths_that_both_resolve(
    db: Any, client: Client, query: str
) -> None:
    places = find_places(query).places
    assert len(places) >= 2
    paths = [p.path for p in places]
    assert len(set(paths)) == len(paths)
    # The most populous keeps the plain slug; the others are told apart by their county.
    plain = place_slug(query.split(",")[0])
    assert paths[0].endswith(f"/{plain}")
    for place in places[1:]:
        assert place.county is not None
        county_slug = place_slug(place.county.name.removesuffix(" County"))
        assert place.slug.startswith(f"{plain}-{county_slug}")
    for place in places:
        response = client.get(place.get_absolute_url())
        assert response.status_code == 200
        assert place.name in response.content.decode()


def test_each_namesake_keeps_the_county_it_lies_in(db: Any) -> None:
    near_pittsburgh, in_lehigh = find_places("Whitehall, PA").places[:2]
    assert near_pittsburgh.county is not None and in_lehigh.county is not None
    assert near_pittsburgh.county.name == "Allegheny County"
    assert in_lehigh.county.name == "Lehigh County"
    assert miles_between(near_pittsburgh, in_lehigh) > 200


def test_no_zip_code_or_city_is_placed_at_zero_zero(db: Any) -> None:
    # The ZIP package gives a few ZIPs the point 0, 0 when it has none.
    assert not ZipCode.objects.filter(latitude=0, longitude=0).exists()
    assert not Place.objects.filter(latitude=0, longitude=0).exists()
    livingston = Place.objects.get(path="us/tx/livingston")
    assert livingston.latitude is not None and livingston.longitude is not None
    assert 25 < livingston.latitude < 37 and -107 < livingston.longitude < -93
