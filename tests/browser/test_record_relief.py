"""The record-relief checker in a real browser: answered with the keyboard and without
JavaScript, the answers go by POST and never reach an address, the history or a cookie."""

from __future__ import annotations

import pytest
from playwright.sync_api import BrowserContext, Page, Request

from tests.browser.test_accessibility import _axe_violations, _describe

pytestmark = pytest.mark.browser

FORM = "/us/ct/norwalk/record-relief/"


def _answer(page: Page) -> None:
    page.get_by_label("Selling or offering sex (prostitution)").check()
    # Each question is a group named by its legend, each answer labelled.
    page.get_by_role("group", name="trafficked").get_by_label("Yes", exact=True).check()
    page.get_by_label("3 to 4 years").check()
    page.get_by_role("group", name="other convictions").get_by_label("No", exact=True).check()
    page.get_by_role("group", name="under 18").get_by_label("No", exact=True).check()


def test_the_answers_go_by_post_and_stay_out_of_addresses_history_and_cookies(
    site_url: str, context: BrowserContext, page: Page
) -> None:
    requests: list[Request] = []
    page.on("request", lambda request: requests.append(request))
    page.goto(site_url + FORM)
    _answer(page)
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="See what may fit").press("Enter")
    response = navigation.value
    assert response is not None and response.status == 200
    assert response.request.method == "POST"
    posted = response.request.post_data or ""
    assert "trafficked=yes" in posted and "years_ago=3" in posted
    assert page.url == site_url + FORM
    assert "no-store" in response.headers["cache-control"]
    assert page.locator("#may-fit").count() == 1
    # Nothing of the answers in any address the browser asked for, or in the history.
    for request in requests:
        assert "trafficked" not in request.url and "years_ago" not in request.url, request.url
    entries = page.evaluate("performance.getEntriesByType('navigation').map(e => e.name)")
    assert all("?" not in url for url in entries)
    assert page.evaluate("history.length") <= 3
    assert context.cookies() == []
    assert page.evaluate("document.cookie") == ""


def test_it_works_without_javascript(site_url: str, no_js_page: Page) -> None:
    no_js_page.goto(site_url + "/es" + FORM)
    no_js_page.get_by_label("Vender u ofrecer sexo (prostitución)").check()
    no_js_page.locator("input[name=trafficked][value=unsure]").check()
    no_js_page.locator("input[name=years_ago][value='10']").check()
    no_js_page.locator("input[name=other_convictions][value=unsure]").check()
    no_js_page.locator("input[name=under_18][value=no]").check()
    no_js_page.get_by_role("button", name="Ver qué puede corresponder").click()
    assert (
        no_js_page.locator("#result-h").inner_text()
        == "Lo que puede corresponder a sus antecedentes"
    )
    assert no_js_page.url == site_url + "/es" + FORM


@pytest.mark.parametrize("language", ["", "/es"], ids=["en", "es"])
def test_the_answer_and_the_refusal_have_no_axe_violation(
    site_url: str, page: Page, language: str
) -> None:
    page.goto(site_url + language + FORM)
    with page.expect_navigation() as refused:
        page.locator("form.relief-form button[type=submit]").click()
    assert refused.value is not None and refused.value.status == 400
    assert page.locator("#error-records").count() == 1
    violations = _axe_violations(page)
    assert not violations, _describe(violations)
    page.locator("input[name=records][value=selling]").check()
    for name, value in (("trafficked", "yes"), ("years_ago", "1"), ("other_convictions", "no")):
        page.locator(f"input[name={name}][value='{value}']").check()
    page.locator("input[name=under_18][value=no]").check()
    with page.expect_navigation() as answered:
        page.locator("form.relief-form button[type=submit]").click()
    assert answered.value is not None and answered.value.status == 200
    violations = _axe_violations(page)
    assert not violations, _describe(violations)
