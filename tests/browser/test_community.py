"""Readers' comments and problem reports in a real browser: the forms work without
JavaScript, set no cookie before a form is opened, and no known XSS payload, submitted as
a comment, a name or a report and then approved, ever runs for readers or editors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

PAYLOADS = [
    line
    for line in (Path(__file__).parents[1] / "data" / "xss-payloads.txt").read_text().splitlines()
    if line.strip() and not line.startswith("# ")
]
# Far from the guides whose weight is measured elsewhere: these pages fill with comments.
XSS_GUIDE = "/us/oh/norwalk/"
XSS_STATE = "/us/oh/"
# Set by the browser, not the page, before any of the page's own code: a payload that ran
# would have to reach one of these.
CANARY = """
window.__ran = [];
for (const name of ['alert', 'confirm', 'prompt', 'print']) {
  window[name] = function () { window.__ran.push(name); };
}
"""


class Watch:
    """Everything that shows a payload ran: dialogs, the canary, the page title."""

    def __init__(self, context: BrowserContext) -> None:
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        context.add_init_script(CANARY)
        context.on("page", self._attach)
        for page in context.pages:
            self._attach(page)

    def _attach(self, page: Page) -> None:
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def assert_nothing_ran(self, page: Page, reader_page: bool = False) -> None:
        # Every resource a payload could name has been tried (its onerror or onload has
        # run), then the event loop has turned once more: what was queued has fired.
        page.wait_for_load_state("networkidle")
        page.evaluate("() => new Promise(done => requestAnimationFrame(() => setTimeout(done)))")
        assert self.dialogs == []
        assert page.evaluate("() => window.__ran") == []
        assert "XSS" not in page.title()
        hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
        assert not [h for h in hrefs if re.match(r"\s*(javascript|data|vbscript):", h, re.I)]
        if reader_page:
            # Nothing a reader wrote became an element: the page's main part has none of these.
            tags = page.eval_on_selector_all(
                "main script, main iframe, main object, main embed, main img, main svg,"
                " main style, main link, main meta, main base, main form, main input,"
                " main textarea, main select, main button, main video, main audio",
                "els => els.map(e => e.outerHTML.slice(0, 80))",
            )
            assert tags == []


def _submit(page: Page, payload: str) -> None:
    page.click("form.reader-form button[type=submit]")
    page.wait_for_selector("#sent, .error, h1")
    assert page.locator("#sent").count() == 1, (payload, page.url, page.inner_text("main")[:500])


@pytest.fixture(scope="module")
def xss_data(site_url: str, browser: Browser) -> dict[str, int]:
    """Every payload sent through the real forms, then approved by a moderator."""
    context = browser.new_context()
    page = context.new_page()
    for payload in PAYLOADS:
        page.goto(site_url + XSS_GUIDE + "comment/")
        page.fill("#id_name", payload[:80])
        page.fill("#id_body", payload)
        _submit(page, payload)
    page.goto(site_url + XSS_STATE)
    links = page.eval_on_selector_all("#laws a.rp", "els => els.map(e => e.getAttribute('href'))")[
        :3
    ]
    assert links, "the state page should link each law to its report page"
    for n, payload in enumerate(PAYLOADS):
        page.goto(site_url + links[n % len(links)])
        page.fill("#id_what_is_wrong", payload)
        page.fill("#id_correction", payload)
        page.fill("#id_contact", payload[:200])
        _submit(page, payload)
    context.close()

    moderator = browser.new_context()
    watch = Watch(moderator)
    page = moderator.new_page()
    sign_in(page, site_url, "moderator")
    page.goto(site_url + "/editors/comments/comment/?status=held")
    # The moderation queue itself shows every payload: nothing may run there either.
    watch.assert_nothing_ran(page)
    page.check("#action-toggle")
    page.select_option("select[name=action]", "approve")
    page.click("button[name=index]")
    page.wait_for_selector("ul.messagelist")
    moderator.close()
    return {"comments": len(PAYLOADS), "reports": len(PAYLOADS)}


def test_the_corpus_is_large_enough() -> None:
    assert len(PAYLOADS) >= 50


def test_no_payload_runs_on_the_guide_even_without_the_csp(
    site_url: str, browser: Browser, xss_data: dict[str, int]
) -> None:
    # With the CSP bypassed, only the escaping stands between a payload and the reader.
    context = browser.new_context(bypass_csp=True)
    watch = Watch(context)
    page = context.new_page()
    page.goto(site_url + XSS_GUIDE, wait_until="networkidle")
    assert page.locator("#comments article.comment").count() == 10  # the latest
    watch.assert_nothing_ran(page, reader_page=True)
    # Reported facts read as disputed at once.
    assert "a reader reported this may be out of date" in page.inner_text("main")
    # Every comment, on the guide's comments pages.
    seen = 0
    text = ""
    for number in (1, 2):
        page.goto(f"{site_url}{XSS_GUIDE}comments/?page={number}", wait_until="networkidle")
        seen += page.locator("#comments article.comment").count()
        text += page.inner_text("#comments")
        watch.assert_nothing_ran(page, reader_page=True)
    assert seen == xss_data["comments"]
    for payload in (
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "javascript:alert(1)",
    ):
        assert payload in text  # shown as the words typed, not as markup
    context.close()


def test_no_payload_runs_with_the_csp_either(
    site_url: str, browser: Browser, xss_data: dict[str, int]
) -> None:
    context = browser.new_context()
    watch = Watch(context)
    page = context.new_page()
    for path in (XSS_GUIDE, XSS_GUIDE + "comments/", XSS_GUIDE + "comments/?page=2"):
        page.goto(site_url + path, wait_until="networkidle")
        watch.assert_nothing_ran(page, reader_page=True)
    context.close()


def test_no_payload_runs_in_the_editors_pages(
    site_url: str, browser: Browser, xss_data: dict[str, int]
) -> None:
    context = browser.new_context(bypass_csp=True)
    watch = Watch(context)
    page = context.new_page()
    sign_in(page, site_url, "editor")
    page.goto(site_url + "/editors/reports/problemreport/")
    assert page.locator("#result_list tbody tr").count() == xss_data["reports"]
    watch.assert_nothing_ran(page)
    first = page.locator("#result_list tbody tr th a").first.get_attribute("href")
    assert first
    page.goto(site_url + first)
    watch.assert_nothing_ran(page)
    page.goto(site_url + "/editors/comments/comment/?status=all")
    watch.assert_nothing_ran(page)
    page.goto(site_url + "/editors/queue/?place=us/oh/norwalk")
    assert page.locator("#queue tbody tr").count() >= 1
    watch.assert_nothing_ran(page)
    context.close()


# -- the forms without JavaScript, and cookies -----------------------------------------


def test_a_reader_comments_without_javascript(site_url: str, no_js_page: Page) -> None:
    no_js_page.goto(site_url + "/us/ca/norwalk/")
    no_js_page.click("#comments a[href$='/comment/']")
    no_js_page.fill("#id_body", "Is the clinic open on Saturdays?")
    no_js_page.click("form.reader-form button[type=submit]")
    assert "held for moderation" in no_js_page.inner_text("h1")


def test_a_reader_reports_a_problem_without_javascript(site_url: str, no_js_page: Page) -> None:
    no_js_page.goto(site_url + "/us/ca/")
    no_js_page.click("#laws a.rp >> nth=0")
    assert no_js_page.locator("#fact").inner_text()
    no_js_page.fill("#id_what_is_wrong", "This law was amended.")
    no_js_page.click("form.reader-form button[type=submit]")
    assert "Thank you" in no_js_page.inner_text("h1")


def test_only_a_form_page_sets_a_cookie_and_it_ends_with_the_session(
    site_url: str, context: BrowserContext, page: Page
) -> None:
    page.goto(site_url + "/us/ca/norwalk/", wait_until="networkidle")
    assert context.cookies() == []
    page.click("#comments a[href$='/comment/']")
    page.wait_for_load_state("networkidle")
    cookies = context.cookies()
    assert [c["name"] for c in cookies] == ["csrftoken"]
    assert cookies[0]["expires"] == -1  # a session cookie
    assert cookies[0]["sameSite"] == "Strict" and cookies[0]["httpOnly"]


def test_an_editor_resolves_a_readers_report_with_a_check(site_url: str, browser: Browser) -> None:
    reader = browser.new_context()
    page = reader.new_page()
    page.goto(site_url + "/us/tx/")
    link = page.locator("#laws a.rp").first
    report_url = link.get_attribute("href")
    assert report_url
    link.click()
    page.fill("#id_what_is_wrong", "The penalty changed this year.")
    page.click("form.reader-form button[type=submit]")
    page.wait_for_selector("#sent")
    page.goto(site_url + "/us/tx/")
    mark = page.locator(f"#laws a.rp[href='{report_url}'] >> xpath=..")
    assert "a reader reported this may be out of date" in mark.inner_text()
    reader.close()

    editor = browser.new_context()
    page = editor.new_page()
    sign_in(page, site_url, "editor")
    page.goto(site_url + "/editors/reports/problemreport/?q=penalty+changed+this+year")
    page.check("input[name=_selected_action]")
    page.select_option("select[name=action]", "resolve_with_check")
    page.click("button[name=index]")
    page.select_option("#id_method", "source page")
    page.select_option("#id_outcome", "confirmed")
    page.fill("#id_note", "The statute text is unchanged.")
    page.click("input[type=submit][value='Resolve and record the check']")
    assert "1 reports resolved; 1 facts checked" in page.inner_text("ul.messagelist")
    fact_id = report_url.strip("/").split("/")[-1]
    page.goto(f"{site_url}/editors/evidence/fact/{fact_id}/change/")
    history = page.inner_text(".fact-history")
    assert "editor1" in history and "a reader" in history
    editor.close()

    reader = browser.new_context()
    page = reader.new_page()
    page.goto(site_url + "/us/tx/")
    mark = page.locator(f"#laws a.rp[href='{report_url}'] >> xpath=..")
    assert "checked on" in mark.inner_text()
    reader.close()
