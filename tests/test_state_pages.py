"""State pages, the national list of states, the sitemap and the guide's link to its state."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from tests.htmltree import parse
from tests.test_guides import assert_citations_numbered_in_order
from waypost.laws.models import LawStatement

pytestmark = pytest.mark.django_db


def get(client: Client, url: str, status: int = 200) -> Any:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response


def test_the_maine_page_shows_maine_law_with_a_source_for_every_reference(
    client: Client,
) -> None:
    response = get(client, "/us/me/")
    page = parse(response.content)
    assert "Maine" in page.by_id("main").find_all("h1")[0].text()
    laws = page.by_id("laws").text()
    assert "17-A M.R.S. § 853-B" in laws
    assert "Selling sex is no longer a crime in Maine" in laws
    html = response.content.decode()
    refs = set(re.findall(r'href="#source-(\d+)"', html))
    ids = set(re.findall(r'id="source-(\d+)"', html))
    assert refs
    assert refs == ids


def test_the_maine_page_lists_its_programs_and_its_cities_alphabetically(
    client: Client,
) -> None:
    page = parse(get(client, "/us/me/").content)
    assert "Sealing old convictions for selling sex" in page.by_id("programs").text()
    cities = [a.text() for a in page.by_id("cities").find_all("a")]
    assert "Portland" in cities
    assert cities == sorted(cities)
    links = [a.attrs["href"] for a in page.by_id("cities").find_all("a")]
    assert "/us/me/portland/" in links
    assert all(link.startswith("/us/me/") for link in links)


def test_an_unsettled_penalty_is_shown_as_reported_not_as_fact() -> None:
    statement = next(
        st
        for st in LawStatement.objects.filter(law__jurisdiction__kind="state")
        .exclude(fact__citations=None)
        .select_related("law__jurisdiction", "fact")
        if st.has_penalty and st.fact.status() not in ("checked", "due")
    )
    state = statement.law.jurisdiction
    response = Client().get(state.get_absolute_url())
    html = response.content.decode()
    assert statement.summary.replace("'", "&#x27;")[:40] in html
    assert "Reported, not confirmed:" in html
    assert "Unchecked:" in html


@pytest.mark.parametrize("path", ["/us/ct/", "/us/me/", "/us/nv/"])
def test_the_state_page_numbers_sources_in_reading_order(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert_citations_numbered_in_order(parse(response.content))


def test_an_unknown_state_code_is_the_site_s_not_found_page(client: Client) -> None:
    response = get(client, "/us/zz/", 404)
    assert "Waypost" in response.content.decode()


def test_the_national_page_links_all_51_states_with_their_completeness(
    client: Client,
) -> None:
    page = parse(get(client, "/us/").content)
    items = page.by_id("states").find_all("li")
    assert len(items) == 51
    links = [li.find_all("a")[0].attrs["href"] for li in items]
    assert "/us/dc/" in links
    assert "/us/me/" in links
    assert all(re.fullmatch(r"/us/[a-z]{2}/", link) for link in links)
    assert all(re.search(r"\d of 5 topics checked", li.text()) for li in items)


@pytest.mark.parametrize("url", ["/us/", "/us/me/", "/us/ca/"])
def test_a_reader_of_state_pages_gets_no_cookie_and_a_strict_policy(
    client: Client, url: str
) -> None:
    response = get(client, url)
    assert not response.cookies
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "<script>" not in response.content.decode()
    assert " style=" not in response.content.decode()


def test_a_city_guide_links_to_its_state_page(client: Client) -> None:
    page = parse(get(client, "/us/ct/norwalk/").content)
    lede = page.by_id("main").find_all("p", "lede")[0]
    assert "/us/ct/" in [a.attrs["href"] for a in lede.find_all("a")]
    assert "See all of Connecticut law" in lede.text()


def test_the_sitemap_index_lists_every_section(client: Client) -> None:
    body = get(client, "/sitemap.xml").content.decode()
    assert "<sitemapindex" in body
    for section in ("static", "states", "cities"):
        assert f"http://testserver/sitemap-{section}.xml" in body


def test_the_city_sitemap_holds_both_norwalks_as_absolute_urls(client: Client) -> None:
    body = get(client, "/sitemap-cities.xml").content.decode()
    assert "<loc>http://testserver/us/ct/norwalk/</loc>" in body
    assert "<loc>http://testserver/us/ca/norwalk/</loc>" in body
    assert body.count("<url>") <= 50000


def test_the_state_and_static_sitemaps_list_the_state_pages(client: Client) -> None:
    states = get(client, "/sitemap-states.xml").content.decode()
    assert states.count("<url>") == 51
    assert "<loc>http://testserver/us/me/</loc>" in states
    static = get(client, "/sitemap-static.xml").content.decode()
    assert "<loc>http://testserver/us/</loc>" in static
