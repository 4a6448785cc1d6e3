"""The printable resource card (page and PDF) and the browse-safely page."""

from __future__ import annotations

import io
import re

import pytest
from django.test import Client
from pypdf import PdfReader

from tests.htmltree import parse

pytestmark = pytest.mark.django_db

HOTLINES = ["National Human Trafficking Hotline", "1-888-373-7888", "988"]


def pdf_text(client: Client, url: str) -> tuple[int, str]:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "application/pdf"
    assert not response.cookies
    reader = PdfReader(io.BytesIO(response.content))
    return len(reader.pages), " ".join(page.extract_text() for page in reader.pages)


@pytest.mark.parametrize("city", ["/us/ct/norwalk/", "/us/ca/norwalk/"])
def test_the_card_pdf_is_one_page_with_hotlines_check_dates_and_the_guide_url(
    client: Client, city: str
) -> None:
    pages, text = pdf_text(client, city + "card.pdf")
    assert pages == 1
    text = " ".join(text.split())
    for hotline in HOTLINES:
        assert hotline in text
    assert re.search(r"checked \d{1,2} [A-Z][a-z]{2} 20\d\d", text)
    assert f"testserver{city}" in text
    assert "Testing for STIs and HIV" in text


def test_the_spanish_card_pdf_is_in_spanish(client: Client) -> None:
    pages, text = pdf_text(client, "/es/us/ct/norwalk/card.pdf")
    text = " ".join(text.split())
    assert pages == 1
    assert "Líneas de ayuda" in text
    assert "Línea Nacional contra la Trata de Personas" in text
    assert "testserver/es/us/ct/norwalk/" in text


def test_the_card_lists_nearest_services_per_category_with_their_check_dates(
    client: Client,
) -> None:
    response = client.get("/us/ct/norwalk/card/")
    assert response.status_code == 200
    card = parse(response.content).find_all("div", "card")[0]
    headings = [h.text() for h in card.find_all("h2")]
    assert headings[0] == "Hotlines"
    assert "Testing for STIs and HIV" in headings
    text = card.text()
    assert "Norwalk Health Department: walk-in STD clinic" in text
    assert "checked 23 Nov 2026" in text
    # The card never names the other Norwalk's services.
    assert "Los Angeles" not in text


@pytest.mark.parametrize(
    ("method", "url", "status"),
    [
        ("get", "/us/ct/no-such-city/card/", 404),
        ("get", "/us/ct/no-such-city/card.pdf", 404),
        ("get", "/us/ct/card/", 404),
        ("post", "/us/ct/norwalk/card/", 405),
        ("post", "/us/ct/norwalk/card.pdf", 405),
        ("post", "/browse-safely/", 405),
    ],
)
def test_card_and_help_pages_refuse_bad_requests(
    client: Client, method: str, url: str, status: int
) -> None:
    assert getattr(client, method)(url).status_code == status


@pytest.mark.parametrize(
    ("url", "phrases"),
    [
        (
            "/browse-safely/",
            [
                "private window",
                "Clear your history",
                "share a phone",
                "opened earlier in the same tab",
            ],
        ),
        (
            "/es/browse-safely/",
            [
                "ventana privada",
                "Borre su historial",
                "comparte un teléfono",
                "abrió antes en la misma pestaña",
            ],
        ),
    ],
)
def test_browse_safely_explains_what_quick_exit_cannot_erase(
    client: Client, url: str, phrases: list[str]
) -> None:
    response = client.get(url)
    assert response.status_code == 200
    assert not response.cookies
    text = parse(response.content).by_id("main").text()
    for phrase in phrases:
        assert phrase in text


def test_every_page_links_to_browse_safely(client: Client) -> None:
    for url in ("/", "/us/ct/norwalk/", "/es/us/ca/norwalk/", "/us/ct/norwalk/card/"):
        page = client.get(url).content.decode()
        assert 'href="/browse-safely/"' in page or 'href="/es/browse-safely/"' in page
