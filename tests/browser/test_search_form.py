"""The directory search form in a real browser with JavaScript off: fill, submit, page on,
and see a bad value explained beside its field."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import BrowserContext, Page

pytestmark = pytest.mark.browser


def test_search_form_works_without_javascript(site_url: str, no_js_page: Page) -> None:
    page = no_js_page
    page.goto(site_url + "/search/")
    page.fill("#s-near", "06850")
    page.fill("#s-radius", "30")
    page.click("text=What kind of help")
    page.check("input[name=category][value=health]")
    page.click("form.search button[type=submit]")
    page.wait_for_url(re.compile(r"/search/\?"))
    query = parse_qs(urlsplit(page.url).query)
    assert query["near"] == ["06850"] and query["radius"] == ["30"]
    assert query["category"] == ["health"]
    names = page.locator("main ol.results > li > a").all_inner_texts()
    assert "Norwalk Health Department: walk-in STD clinic" in names
    distances = [float(d.removesuffix(" mi")) for d in page.locator("main .dist").all_inner_texts()]
    assert distances == sorted(distances) and distances
    # The form shows what was searched, so it can be changed and sent again.
    assert page.input_value("#s-near") == "06850"
    assert page.is_checked("input[name=category][value=health]")


def test_search_pages_without_javascript(site_url: str, no_js_page: Page) -> None:
    page = no_js_page
    page.goto(site_url + "/search/?near=06850&radius=50&per_page=2")
    first = page.locator("main ol.results > li > a").all_inner_texts()
    assert len(first) == 2
    page.click("nav.pager a[rel=next]")
    page.wait_for_url(re.compile(r"page=2"))
    second = page.locator("main ol.results > li > a").all_inner_texts()
    assert second and not set(first) & set(second)
    assert "per_page=2" in page.url and "near=06850" in page.url


def test_a_bad_value_is_explained_beside_its_field(site_url: str, no_js_page: Page) -> None:
    page = no_js_page
    response = page.goto(site_url + "/search/?near=0685&radius=10")
    assert response is not None and response.status == 400
    error = page.locator("#near-error")
    assert "ZIP" in error.inner_text()
    assert page.get_attribute("#s-near", "aria-describedby") == "near-error"
    page.fill("#s-near", "06850")
    page.click("form.search button[type=submit]")
    page.wait_for_url(re.compile(r"near=06850"))
    assert page.locator("#near-error").count() == 0
    assert page.locator("main ol.results > li").count() > 0


def test_search_page_sets_no_cookie_and_stays_on_site(
    site_url: str, context: BrowserContext, page: Page
) -> None:
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    page.goto(site_url + "/search/?near=06850&radius=10&open=now", wait_until="networkidle")
    assert all(url.startswith(site_url) for url in requests), requests
    assert context.cookies() == []
