"""WCAG 2.2 AA in a real browser: axe-core on every page type, and keyboard-only use.

axe-core comes from npm (package-lock.json) and is evaluated in the page through the
DevTools protocol, which the page's CSP does not govern: the CSP under test stays on.
A page type is one line in READER_PAGES or EDITOR_PAGES.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

pytestmark = pytest.mark.browser

AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def _first_service(page: Page, site_url: str) -> str:
    page.goto(site_url + "/us/ct/norwalk/")
    href = page.locator("main a[href^='/services/']").first.get_attribute("href")
    assert href
    return href


def _first_report_form(page: Page, site_url: str) -> str:
    page.goto(site_url + "/us/ct/norwalk/")
    href = page.locator("main a.rp").first.get_attribute("href")
    assert href
    return href


# (label, path or a function finding the path, expected status)
PathSpec = str | Callable[[Page, str], str]
READER_PAGES: list[tuple[str, PathSpec, int]] = [
    ("home", "/", 200),
    ("disambiguation", "/places/?q=norwalk", 200),
    ("guide", "/us/ct/norwalk/", 200),
    ("guide-ca", "/us/ca/norwalk/", 200),
    ("state", "/us/ct/", 200),
    ("what-changed", "/us/ca/what-changed/", 200),
    ("what-changed-national", "/us/what-changed/", 200),
    ("national", "/us/", 200),
    ("service", _first_service, 200),
    ("not-found", "/us/ct/no-such-city/", 404),
    ("bad-request", "/places/?q=%21%21%21", 400),
    ("card", "/us/ct/norwalk/card/", 200),
    ("browse-safely", "/browse-safely/", 200),
    ("search", "/search/", 200),
    ("search-results", "/search/?near=06850&radius=60&category=sti-testing", 200),
    ("search-error", "/search/?near=06850&radius=9999", 400),
    ("comment-form", "/us/ct/norwalk/comment/", 200),
    ("comments", "/us/ct/norwalk/comments/", 200),
    ("report-form", _first_report_form, 200),
    ("record-relief", "/us/ct/norwalk/record-relief/", 200),
    ("record-relief-state", "/us/wa/record-relief/", 200),
]
EDITOR_PAGES: list[tuple[str, str, int]] = [
    ("coverage", "/coverage/", 200),
    ("editors-index", "/editors/", 200),
    ("editors-change-list", "/editors/directory/service/", 200),
    ("editors-change-form", "/editors/laws/law/add/", 200),
]


def _axe_violations(page: Page) -> list[dict[str, Any]]:
    page.evaluate(AXE_JS.read_text(encoding="utf-8") + "\n;0")
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    return list(result["violations"])


def _describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        targets = [", ".join(map(str, n["target"])) for n in v["nodes"][:5]]
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} → {targets}")
    return "\n".join(lines)


def _path(spec: PathSpec, page: Page, site_url: str) -> str:
    return spec(page, site_url) if callable(spec) else spec


@pytest.mark.parametrize("language", ["", "/es"], ids=["en", "es"])
@pytest.mark.parametrize(
    ("label", "spec", "status"), READER_PAGES, ids=[p[0] for p in READER_PAGES]
)
def test_reader_page_has_no_axe_violation(
    site_url: str, page: Page, label: str, spec: PathSpec, status: int, language: str
) -> None:
    path = language + _path(spec, page, site_url)
    response = page.goto(site_url + path, wait_until="networkidle")
    assert response is not None and response.status == status, path
    violations = _axe_violations(page)
    assert not violations, f"{path}:\n{_describe(violations)}"


def test_editor_login_page_has_no_axe_violation(site_url: str, page: Page) -> None:
    page.goto(site_url + "/editors/login/")
    violations = _axe_violations(page)
    assert not violations, _describe(violations)


@pytest.mark.parametrize(
    ("label", "path", "status"), EDITOR_PAGES, ids=[p[0] for p in EDITOR_PAGES]
)
def test_editor_page_has_no_axe_violation(
    site_url: str, editor_page: Page, label: str, path: str, status: int
) -> None:
    url = site_url + path
    response = editor_page.goto(url, wait_until="networkidle")
    assert response is not None and response.status == status, url
    violations = _axe_violations(editor_page)
    assert not violations, f"{path}:\n{_describe(violations)}"


# -- keyboard -----------------------------------------------------------------------------


def _focused(page: Page) -> dict[str, Any]:
    return dict(
        page.evaluate(
            """() => {
              const el = document.activeElement;
              const style = getComputedStyle(el);
              return {id: el.id, tag: el.tagName, cls: el.className, text: el.textContent.trim(),
                      outline: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth)};
            }"""
        )
    )


@pytest.mark.parametrize("path", ["/us/ct/norwalk/", "/es/us/ca/norwalk/", "/", "/browse-safely/"])
def test_keyboard_reaches_quick_exit_then_skip_link_then_the_page(
    site_url: str, page: Page, path: str
) -> None:
    page.goto(site_url + path)
    page.keyboard.press("Tab")
    first = _focused(page)
    assert first["id"] == "quick-exit"
    assert first["outline"] != "none" and first["outlineWidth"] >= 2, "focus must be visible"
    page.keyboard.press("Tab")
    skip = _focused(page)
    assert skip["cls"] == "skip"
    # The skip link is off screen until focused, then visible.
    box = page.locator("a.skip").bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0
    assert skip["outline"] != "none"
    page.keyboard.press("Enter")
    assert _focused(page)["id"] == "main"
    page.keyboard.press("Tab")
    after = page.evaluate(
        """() => {
          const main = document.getElementById('main'), el = document.activeElement;
          const following = main.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING;
          return main.contains(el) || !!following;
        }"""
    )
    assert after, "after the skip link, Tab goes on from the main content, not the header"


def test_tab_order_follows_the_page_top_to_bottom(site_url: str, page: Page) -> None:
    page.goto(site_url + "/us/ct/norwalk/")
    tops: list[float] = []
    for _ in range(12):
        page.keyboard.press("Tab")
        top = page.evaluate(
            "() => document.activeElement.getBoundingClientRect().top + window.scrollY"
        )
        tops.append(float(top))
        focused = _focused(page)
        assert focused["outline"] != "none", f"no visible focus on {focused}"
    # After the quick exit and the skip link, focus never goes back up the page (items of
    # one row, like the header's, may differ by a few pixels).
    rest = tops[2:]
    assert all(b >= a - 12 for a, b in pairwise(rest)), tops
