"""The printable resource card (page and PDF) and the browse-safely page."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from pypdf import PdfReader

from tests.htmltree import parse
from waypost.dataversion.services import many_writes
from waypost.directory.models import Phone, Service
from waypost.evidence.models import Fact, Outcome
from waypost.evidence.services import record_check
from waypost.site import pdf
from waypost.translations.language import short_day
from waypost.translations.models import Translation

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


# -- the PDF is made once per content, whoever asks ----------------------------------------


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The HTML of every PDF WeasyPrint is asked to make."""
    made: list[str] = []
    real = pdf.render_pdf

    def counting(html: str, stylesheet: str) -> bytes:
        made.append(html)
        return real(html, stylesheet)

    monkeypatch.setattr(pdf, "render_pdf", counting)
    return made


def test_a_card_pdf_is_made_once_whoever_asks(as_role: Any, renders: list[str]) -> None:
    editor = as_role("editor")
    editor.cookies["waypost-test"] = "a reader's cookie"
    first = editor.get("/us/ct/norwalk/card.pdf?from=a-link")
    assert first.status_code == 200
    assert len(renders) == 1
    # Nothing of that reader went into the PDF everyone else is then given.
    assert "editor1" not in renders[0]
    assert "a-link" not in renders[0]
    assert "csrf" not in renders[0]

    for client in (Client(), Client(HTTP_USER_AGENT="another browser"), as_role("reader")):
        again = client.get("/us/ct/norwalk/card.pdf")
        assert again.content == first.content
        assert not again.cookies
    assert len(renders) == 1

    # Each place and language has its own.
    assert Client().get("/es/us/ct/norwalk/card.pdf").content != first.content
    assert Client().get("/us/ca/norwalk/card.pdf").content != first.content
    assert len(renders) == 3


def _rename_hotline() -> str:
    # update(): no model signal fires, as with a bulk import's SQL, which moves the data
    # version on once when it is done (the rows the card is composed from are kept under it).
    with many_writes():
        Service.objects.filter(name="National Human Trafficking Hotline").update(
            name="National Human Trafficking Hotline of the United States"
        )
    return "National Human Trafficking Hotline of the United States"


def _renumber_hotline() -> str:
    phone = Phone.objects.get(number="1-888-373-7888")
    phone.number = "1-888-373-7999"
    phone.save()
    return "1-888-373-7999"


def _check_the_clinic_today() -> str:
    service = Service.objects.get(name="Norwalk Health Department: walk-in STD clinic")
    # A day no fact was checked on, so that only this check can put it on the card: the data
    # files hold real check dates, and one of them may be yesterday.
    taken = set(
        Fact.objects.exclude(last_checked_on=None).values_list("last_checked_on", flat=True)
    )
    day = dt.date.today() - dt.timedelta(days=1)
    while day in taken:
        day -= dt.timedelta(days=1)
    record_check(
        service.fact,
        checked_on=day,
        checked_by="editor1",
        method="phone call",
        outcome=Outcome.CONFIRMED,
    )
    return f"checked {short_day(day)}"


def _retranslate_hotline() -> str:
    Translation.objects.filter(language="es", source="National Human Trafficking Hotline").update(
        text="Línea Nacional de Ayuda contra la Trata"
    )
    return "Línea Nacional de Ayuda contra la Trata"


@pytest.mark.parametrize(
    ("url", "edit"),
    [
        ("/us/ct/norwalk/card.pdf", _rename_hotline),
        ("/us/ca/norwalk/card.pdf", _renumber_hotline),
        ("/us/ct/norwalk/card.pdf", _check_the_clinic_today),
        ("/es/us/ct/norwalk/card.pdf", _retranslate_hotline),
    ],
)
def test_an_edit_to_what_the_card_shows_gives_a_new_pdf(
    client: Client, renders: list[str], url: str, edit: Callable[[], str]
) -> None:
    _, before = pdf_text(client, url)
    assert len(renders) == 1

    shown = edit()
    _, after = pdf_text(client, url)

    assert shown not in " ".join(before.split())
    assert shown in " ".join(after.split())
    assert len(renders) == 2
    assert pdf_text(client, url)[1] == after
    assert len(renders) == 2
