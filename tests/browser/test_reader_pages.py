"""What a reader's browser sees: weight, origins, cookies, quick exit, no-JS, CSP, no mix-ups.

These check the figures in docs/PRODUCT.md ("Privacy and safety rules", "Quality bars") against a
real server and a real chromium, where unit tests cannot see them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import BrowserContext, ConsoleMessage, Page, Response

pytestmark = pytest.mark.browser

GUIDES = ["/us/ct/norwalk/", "/us/ca/norwalk/"]
SPANISH_GUIDES = ["/es" + path for path in GUIDES]
MAX_GUIDE_BYTES = 30 * 1024


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _first_service_path(page: Page) -> str:
    href = page.locator("main a[href^='/services/']").first.get_attribute("href")
    assert href, "a guide should link to at least one service"
    return href


@dataclass
class WireLog:
    """Bytes on the wire per request, from the DevTools protocol.

    `Network.loadingFinished.encodedDataLength` is what chromium received for the request:
    response headers plus the body as sent (gzip-compressed where the server compressed it).
    It is the "transferred" figure of the DevTools network panel.
    """

    urls: dict[str, str] = field(default_factory=dict)
    sizes: dict[str, int] = field(default_factory=dict)
    failed: list[str] = field(default_factory=list)

    def attach(self, context: BrowserContext, page: Page) -> None:
        cdp = context.new_cdp_session(page)
        cdp.on("Network.requestWillBeSent", self._on_request)
        cdp.on("Network.loadingFinished", self._on_finished)
        cdp.on("Network.loadingFailed", self._on_failed)
        cdp.send("Network.enable")
        # The memory cache would hide repeat loads; a reader's first visit has none.
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})

    def _on_request(self, event: dict[str, Any]) -> None:
        self.urls[event["requestId"]] = event["request"]["url"]

    def _on_finished(self, event: dict[str, Any]) -> None:
        self.sizes[event["requestId"]] = int(event["encodedDataLength"])

    def _on_failed(self, event: dict[str, Any]) -> None:
        self.failed.append(self.urls.get(event["requestId"], event["requestId"]))

    @property
    def total(self) -> int:
        return sum(self.sizes.values())

    def breakdown(self) -> list[tuple[str, int]]:
        return [(self.urls.get(rid, rid), size) for rid, size in self.sizes.items()]


@pytest.mark.parametrize("path", GUIDES + SPANISH_GUIDES)
def test_guide_page_transfers_at_most_30_kb(
    site_url: str, context: BrowserContext, page: Page, path: str
) -> None:
    wire = WireLog()
    wire.attach(context, page)
    page.goto(site_url + path, wait_until="networkidle")
    # An icon the page names but chromium did not ask for would escape the count.
    for href in page.locator("link[rel~='icon']").evaluate_all("els => els.map(e => e.href)"):
        if href not in wire.urls.values():
            page.evaluate("url => fetch(url).then(r => r.arrayBuffer())", href)
    page.wait_for_load_state("networkidle")

    print(f"\n{path}: {wire.total} bytes on the wire ({wire.total / 1024:.1f} KB)")
    for url, size in wire.breakdown():
        print(f"  {size:>7}  {urlsplit(url).path}")
    assert not wire.failed, f"requests failed: {wire.failed}"
    assert wire.sizes, "no request was recorded"
    assert wire.total <= MAX_GUIDE_BYTES, f"{path} transfers {wire.total} bytes"


def _visit_reader_pages(site_url: str, page: Page) -> None:
    """Home, guide, place choice, a service and a 404: one of each page type a reader meets."""
    page.goto(site_url + "/", wait_until="networkidle")
    page.goto(site_url + GUIDES[0], wait_until="networkidle")
    service = _first_service_path(page)
    page.goto(site_url + "/places/?q=norwalk", wait_until="networkidle")
    page.goto(site_url + service, wait_until="networkidle")
    response = page.goto(site_url + "/us/ct/no-such-city/", wait_until="networkidle")
    assert response is not None and response.status == 404
    # The same in Spanish, and the printable card and help page.
    for path in (
        "/es/",
        SPANISH_GUIDES[0],
        "/es/places/?q=norwalk",
        "/es" + service,
        "/us/ct/norwalk/card/",
        "/es/browse-safely/",
    ):
        response = page.goto(site_url + path, wait_until="networkidle")
        assert response is not None and response.ok, path


def test_reader_pages_make_no_third_party_request(
    site_url: str, context: BrowserContext, page: Page
) -> None:
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    _visit_reader_pages(site_url, page)
    assert requests
    elsewhere = [url for url in requests if _origin(url) != site_url]
    assert not elsewhere, f"requests left {site_url}: {elsewhere}"


def test_reader_gets_no_cookie(site_url: str, context: BrowserContext, page: Page) -> None:
    responses: list[Response] = []
    context.on("response", lambda response: responses.append(response))
    _visit_reader_pages(site_url, page)
    assert responses
    # all_headers(), not headers: Playwright leaves cookie headers out of the latter.
    setters = [r.url for r in responses if r.all_headers().get("set-cookie")]
    assert not setters, f"Set-Cookie sent by {setters}"
    assert context.cookies() == []


def _focused_id(page: Page) -> str:
    return str(page.evaluate("() => document.activeElement && document.activeElement.id"))


def test_quick_exit_is_the_first_element_reached_by_tab(site_url: str, page: Page) -> None:
    page.goto(site_url + GUIDES[0])
    page.keyboard.press("Tab")
    assert _focused_id(page) == "quick-exit"


def _assert_left_without_trace(page: Page, site_url: str, quick_exit_url: str) -> None:
    page.wait_for_url(quick_exit_url)
    assert page.title() == "Weather"
    page.go_back()
    # The guide's history entry was replaced: Back skips it and lands on the page before.
    page.wait_for_url(site_url + "/")
    assert page.url == site_url + "/"


def test_escape_key_leaves_for_the_neutral_page_and_drops_the_guide_from_history(
    site_url: str, quick_exit_url: str, page: Page
) -> None:
    page.goto(site_url + "/")
    page.goto(site_url + GUIDES[0])
    page.keyboard.press("Escape")
    _assert_left_without_trace(page, site_url, quick_exit_url)


def test_quick_exit_click_leaves_for_the_neutral_page_and_drops_the_guide_from_history(
    site_url: str, quick_exit_url: str, page: Page
) -> None:
    page.goto(site_url + "/")
    page.goto(site_url + GUIDES[1])
    page.click("#quick-exit")
    _assert_left_without_trace(page, site_url, quick_exit_url)


def test_quick_exit_works_as_a_plain_link_without_javascript(
    site_url: str, quick_exit_url: str, no_js_page: Page
) -> None:
    no_js_page.goto(site_url + GUIDES[0])
    assert no_js_page.get_attribute("#quick-exit", "href") == quick_exit_url
    no_js_page.click("#quick-exit")
    no_js_page.wait_for_url(quick_exit_url)
    assert no_js_page.title() == "Weather"


@pytest.mark.parametrize("path", GUIDES)
def test_guide_shows_every_topic_and_its_sources_without_javascript(
    site_url: str, no_js_page: Page, path: str
) -> None:
    from waypost.guides.topics import TOPICS

    no_js_page.goto(site_url + path)
    headings = no_js_page.locator("main h2").all_inner_texts()
    for topic in TOPICS:
        assert str(topic.title) in headings, f"{path} lacks the topic {topic.title}"
    assert no_js_page.locator("#sources-h").is_visible()
    assert no_js_page.locator("#sources ol.sources > li").count() > 0


def test_search_finds_both_norwalks_without_javascript(site_url: str, no_js_page: Page) -> None:
    no_js_page.goto(site_url + "/")
    no_js_page.fill("#home-q", "norwalk")
    no_js_page.click("form.big button[type=submit]")
    no_js_page.wait_for_url(re.compile(r"/places/\?q=norwalk$"))
    places = no_js_page.locator("main ul.places a").all_inner_texts()
    assert "Norwalk, California" in places
    assert "Norwalk, Connecticut" in places


@pytest.mark.parametrize("path", GUIDES)
def test_guide_runs_under_a_strict_csp_without_console_errors(
    site_url: str, context: BrowserContext, page: Page, path: str
) -> None:
    errors: list[str] = []
    page.on("console", lambda msg: _keep_errors(msg, errors))
    page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
    # Injected by the browser, not the page, so the CSP under test does not block it.
    context.add_init_script(
        "window.__cspViolations = [];"
        "document.addEventListener('securitypolicyviolation',"
        " e => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    response = page.goto(site_url + path, wait_until="networkidle")
    assert response is not None and response.ok
    headers = response.all_headers()
    csp = headers.get("content-security-policy", "")
    assert "script-src 'self'" in csp
    assert "'unsafe-inline'" not in csp
    assert "'unsafe-eval'" not in csp
    assert headers.get("referrer-policy") == "no-referrer"
    assert page.evaluate("() => window.__cspViolations") == []
    assert errors == []


def _keep_errors(message: ConsoleMessage, errors: list[str]) -> None:
    if message.type == "error":
        errors.append(message.text)


# Each guide names only its own state's law and places; federal law and hotlines are on both.
NOT_ON_PAGE = {
    "/us/ct/norwalk/": ["Los Angeles", "Penal Code"],
    "/us/ca/norwalk/": ["Fairfield County", "Conn. Gen. Stat."],
}
ON_BOTH = ["National Human Trafficking Hotline", "18 U.S.C. § 1591"]


@pytest.mark.parametrize("path", GUIDES)
def test_the_two_norwalks_are_never_mixed(site_url: str, page: Page, path: str) -> None:
    page.goto(site_url + path)
    text = page.inner_text("body")
    for phrase in NOT_ON_PAGE[path]:
        assert phrase not in text, f"{path} mentions {phrase!r}"
    for phrase in ON_BOTH:
        assert phrase in text, f"{path} lacks {phrase!r}"


@pytest.mark.parametrize(
    ("before", "path"),
    [("/", SPANISH_GUIDES[0]), ("/es/", "/us/ct/norwalk/card/"), ("/", "/browse-safely/")],
)
@pytest.mark.parametrize("how", ["click", "shortcut"])
def test_quick_exit_replaces_the_page_in_history_on_every_page_type(
    site_url: str, quick_exit_url: str, page: Page, before: str, path: str, how: str
) -> None:
    page.goto(site_url + before)
    page.goto(site_url + path)
    length = page.evaluate("() => history.length")
    if how == "click":
        page.click("#quick-exit")
    else:
        page.keyboard.press("Escape")
    page.wait_for_url(quick_exit_url)
    assert page.title() == "Weather"
    # Replaced, not added: the history did not grow, and Back skips the page read.
    assert page.evaluate("() => history.length") == length
    page.go_back()
    page.wait_for_url(site_url + before)
    assert page.url == site_url + before
    page.go_forward()
    page.wait_for_url(quick_exit_url)


def test_quick_exit_shortcut_works_while_typing_in_the_search_box(
    site_url: str, quick_exit_url: str, page: Page
) -> None:
    page.goto(site_url + "/")
    page.goto(site_url + GUIDES[0])
    page.fill("#find-q", "somewhere")
    page.keyboard.press("Escape")
    _assert_left_without_trace(page, site_url, quick_exit_url)


def test_printed_pages_leave_out_the_controls(site_url: str, page: Page) -> None:
    page.goto(site_url + GUIDES[0])
    page.emulate_media(media="print")
    for selector in ("#quick-exit", "header .find", "nav.langs", "nav.toc", "footer"):
        assert not page.locator(selector).first.is_visible(), selector
    assert page.locator("#hotlines").is_visible()
    assert page.locator("#sources").is_visible()


@pytest.mark.parametrize("path", ["/us/ct/norwalk/card/", "/es/us/ca/norwalk/card/"])
def test_the_card_page_prints_on_one_sheet(site_url: str, page: Page, path: str) -> None:
    import io

    from pypdf import PdfReader

    page.goto(site_url + path)
    # Chromium's own print engine, with the page's print stylesheet: what a worker gets
    # when printing the card from the browser.
    reader = PdfReader(io.BytesIO(page.pdf(format="Letter", prefer_css_page_size=True)))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "1-888-373-7888" in text
    assert "Quick exit" not in text and "Salida rápida" not in text
