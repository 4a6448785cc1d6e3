"""Hostile text in the data itself, not only in what readers type: a facts file and an HSDS
import whose names, descriptions, addresses, notes and sources are known XSS payloads. Every
kind of reader page that shows them (guide in both languages, card, state page, search,
service pages) is opened in a real browser with its CSP bypassed, so that escaping alone
stands between the payload and the reader: nothing may run, and the payload must be on the
page as text (or the test would prove nothing)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser

from tests.browser.conftest import Site
from tests.browser.test_community import Watch

pytestmark = pytest.mark.browser

DATA = Path(__file__).parents[1] / "data"
# A city no other browser test reads: its pages fill with hostile text.
CITY = "/us/wy/casper/"
STATE = "/us/wy/"
SCRIPT = "<script>alert(1)</script>"
IMAGE = "<img src=x onerror=alert(1)>"
SVG = '"><svg onload=alert(1)>'
QUOTE = "'><img src=x onerror=\"document.title='XSS'\">"
LINK = "javascript:alert(1)"


def hostile_facts() -> dict[str, Any]:
    return {
        "checked_on": "2026-11-01",
        "method": f"read the source {SCRIPT}",
        "sources": [
            {
                "key": "hostile-source",
                "url": "https://example.org/hostile",
                "title": f"A source {SCRIPT}",
                "publisher": f"A publisher {IMAGE}",
                "as_of": "2025",
            }
        ],
        "laws": [
            {
                "jurisdiction": "US-WY",
                "topic": "selling",
                "citation": f"Wyo. Test § 1 {SVG}",
                "title": f"A hostile law {IMAGE}",
                "summary": f"Summary {SCRIPT} {LINK}",
                "classification": f"misdemeanor {QUOTE}",
                "max_jail": f"6 months {IMAGE}",
                "penalty_note": f"Note {SVG}",
                "max_fine_usd": 750,
                "sources": ["hostile-source"],
            }
        ],
        "programs": [
            {
                "jurisdiction": "US-WY",
                "kind": "diversion",
                "title": f"A program {SVG}",
                "summary": f"It helps {SCRIPT}",
                "sources": ["hostile-source"],
            }
        ],
        "hotlines": [
            {
                "name": f"Hostile Helpline {IMAGE}",
                "scope": "US-WY",
                "phones": [{"number": "1-800-555-0199", "type": "voice"}],
                "categories": ["crisis"],
                "sources": ["hostile-source"],
            }
        ],
        "services": [
            {
                "name": f"Hostile Clinic {SCRIPT}",
                "organization": f"Hostile Health {SVG}",
                "description": f"Walk in {IMAGE} {LINK}",
                "address": "1 Test Street, Casper, WY 82601",
                "phone": "307-555-0100",
                "categories": ["STI testing"],
                "attributes": ["free"],
                "sources": ["hostile-source"],
            }
        ],
    }


def hostile_hsds() -> dict[str, Any]:
    document = json.loads((DATA / "hsds" / "service_full.json").read_text())
    document["name"] = f"Imported Clinic {SCRIPT}"
    document["description"] = f"Imported {IMAGE}"
    document["fees_description"] = f"Fees {SVG}"
    document["organization"]["name"] = f"Imported Org {QUOTE}"
    for link in document["service_at_locations"]:
        location = link["location"]
        location.update(latitude=42.85, longitude=-106.32, name=f"Imported place {SVG}")
        for address in location.get("addresses", []):
            address.update(
                address_1=f"2 Test Street {IMAGE}",
                city="Casper",
                state_province="WY",
                postal_code="82601",
            )
    return document


@pytest.fixture(scope="module")
def hostile_site(site: Site, tmp_path_factory: pytest.TempPathFactory) -> Site:
    folder = tmp_path_factory.mktemp("hostile")
    facts = folder / "hostile-facts.json"
    facts.write_text(json.dumps(hostile_facts(), ensure_ascii=False), encoding="utf-8")
    hsds = folder / "hostile-hsds.json"
    hsds.write_text(json.dumps(hostile_hsds(), ensure_ascii=False), encoding="utf-8")
    site.manage("load_facts", str(facts))
    site.manage("import_hsds", str(hsds))
    return site


def test_no_hostile_text_from_the_data_runs_on_any_reader_page(
    hostile_site: Site, browser: Browser
) -> None:
    context = browser.new_context(bypass_csp=True)
    watch = Watch(context)
    page = context.new_page()
    url = hostile_site.url

    page.goto(url + CITY, wait_until="networkidle")
    service_pages = sorted(
        set(
            page.eval_on_selector_all(
                "main a[href*='/services/']", "els => els.map(e => e.getAttribute('href'))"
            )
        )
    )
    pages = [
        CITY,
        "/es" + CITY,
        CITY + "card/",
        STATE,
        "/es" + STATE,
        "/search/?near=us/wy/casper",
        "/es/search/?near=us/wy/casper",
        *[re.sub(r"^/es", "", href) for href in service_pages],
    ]
    shown = ""
    for path in pages:
        response = page.goto(url + path, wait_until="networkidle")
        assert response is not None and response.status == 200, path
        if "/search/" in path:
            # The search page's own form is in its main part; nothing else may be.
            watch.assert_nothing_ran(page)
            injected = page.eval_on_selector_all(
                "main script, main iframe, main object, main embed, main img, main svg,"
                " main style, main link, main meta, main base, main video, main audio",
                "els => els.map(e => e.outerHTML.slice(0, 80))",
            )
            assert injected == [], path
        else:
            watch.assert_nothing_ran(page, reader_page=True)
        shown += page.inner_text("main")
    # The hostile records are on the pages, as text: from the facts file and the import.
    for text in (
        f"Hostile Clinic {SCRIPT}",
        f"A hostile law {IMAGE}",
        f"A program {SVG}",
        f"Hostile Helpline {IMAGE}",
        f"Imported Clinic {SCRIPT}",
        f"2 Test Street {IMAGE}",
        f"A source {SCRIPT}",
    ):
        assert text in shown, text
    assert len(service_pages) >= 2
    context.close()
