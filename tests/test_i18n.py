"""English and Spanish: URL prefixes, the switch, hreflang, no cookie, content translations."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import translation

from tests.htmltree import parse
from waypost.datasets.translations import load_translations_file
from waypost.directory.models import Service
from waypost.guides.topics import TOPICS
from waypost.translations.models import Translation

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/us/",
    "/us/ct/",
    "/us/ct/norwalk/",
    "/us/ca/norwalk/",
    "/places/?q=norwalk",
    "/us/ct/norwalk/card/",
    "/browse-safely/",
]
GUIDES = ["/us/ct/norwalk/", "/us/ca/norwalk/"]
SOURCES_LIST = re.compile(r'<ol class="sources"[^>]*>.*?</ol>', re.S)


def html(client: Client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    assert not response.cookies, f"{url} set a cookie"
    return response.content.decode()


@pytest.mark.parametrize("path", PAGES)
def test_each_page_exists_in_both_languages_with_lang_hreflang_and_a_switch(
    client: Client, path: str
) -> None:
    english, spanish = html(client, path), html(client, "/es" + path)
    assert '<html lang="en">' in english
    assert '<html lang="es">' in spanish
    bare = path.split("?")[0]
    for page in (english, spanish):
        tree = parse(page)
        alternates = {
            link.attrs["hreflang"]: link.attrs["href"]
            for link in tree.find_all("link")
            # Feeds are alternates too, by type rather than language.
            if link.attrs.get("rel") == "alternate" and "hreflang" in link.attrs
        }
        assert alternates == {
            "en": f"http://testserver{bare}",
            "es": f"http://testserver/es{bare}",
            "x-default": f"http://testserver{bare}",
        }
    switch_en = parse(english).find_all("nav", "langs")[0].find_all("a")
    assert [(a.attrs["href"], a.text()) for a in switch_en] == [("/es" + path, "Español")]
    switch_es = parse(spanish).find_all("nav", "langs")[0].find_all("a")
    assert [(a.attrs["href"], a.text()) for a in switch_es] == [(path, "English")]


def test_spanish_pages_link_to_spanish_pages(client: Client) -> None:
    page = html(client, "/es/us/ct/norwalk/")
    hrefs = [a.attrs["href"] for a in parse(page).by_id("main").find_all("a")]
    internal = [h for h in hrefs if h.startswith("/")]
    assert internal
    assert all(h.startswith("/es/") for h in internal), internal
    assert "/es/us/ct/norwalk/card/" in internal


def test_english_urls_are_unchanged_and_an_unknown_prefix_is_a_404(client: Client) -> None:
    assert client.get("/us/ct/norwalk/").status_code == 200
    assert client.get("/en/us/ct/norwalk/").status_code == 404
    assert client.get("/fr/us/ct/norwalk/").status_code == 404


def test_language_comes_from_the_url_alone(client: Client) -> None:
    """No cookie, header or session picks the language: the same URL is the same page."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    page = client.get("/us/ct/norwalk/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert '<html lang="en">' in page
    page = client.get("/es/us/ct/norwalk/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="es">' in page


@pytest.mark.parametrize("path", GUIDES)
def test_both_norwalk_guides_read_fully_in_spanish(client: Client, path: str) -> None:
    page = html(client, "/es" + path)
    # Source titles are the titles of English documents, marked lang="en" as a list.
    body = SOURCES_LIST.sub("", page)
    assert 'lang="en"' not in body.split("<main", 1)[1], "some text is still in English"
    assert "(en inglés)" not in body
    for topic in TOPICS:
        with translation.override("es"):
            assert f">{topic.title}</h2>" in body
        with translation.override("en"):
            assert f">{topic.title}</h2>" not in body
    assert "¿Es legal vender o comprar sexo aquí?" in body
    assert "Línea Nacional contra la Trata de Personas" in body
    # The marks beside each fact, unchecked ones included, are interface text too.
    assert "ev-unchecked" in body and "<strong>Sin revisar:</strong>" in body
    for english in ("Unchecked:", "Disputed:", "checked on", "Report a problem", "Hours:"):
        assert english not in body, english


def test_laws_keep_their_official_citation_in_spanish(client: Client) -> None:
    page = html(client, "/es/us/ct/norwalk/")
    assert "Conn. Gen. Stat. § 53a-82" in page
    assert "18 U.S.C. § 1591" in page
    assert "delito menor de clase A" in page


def test_a_missing_translation_shows_the_english_marked_as_such(client: Client) -> None:
    english = "Emotional support for anyone in suicidal crisis or distress."
    Translation.objects.filter(language="es", source=english).delete()
    page = html(client, "/es/services/" + _hotline_id("988 Suicide & Crisis Lifeline") + "/")
    assert f'<span lang="en">{english}</span> <span class="in-en">(en inglés)</span>' in page


def test_a_translation_of_old_english_text_is_not_shown(client: Client) -> None:
    service = Service.objects.get(name="988 Suicide & Crisis Lifeline")
    service.description = "New English description."
    service.save()
    page = html(client, f"/es/services/{service.hsds_id}/")
    assert "Apoyo emocional" not in page
    assert '<span lang="en">New English description.</span>' in page


def test_a_spanish_answer_falls_back_to_english_marked_as_such(client: Client) -> None:
    from waypost.guides.models import EditorialAnswer

    EditorialAnswer.objects.filter(language="es", question="testing").delete()
    page = html(client, "/es/us/ct/norwalk/")
    testing = parse(page).by_id("testing")
    editorial = testing.find_all("div", "editorial")[0]
    inner = [d for d in editorial.find_all("div") if d is not editorial]
    assert inner[0].attrs.get("lang") == "en"
    assert "(en inglés)" in editorial.text()
    assert "walk-in STD clinic" in editorial.text()


def test_translations_keep_the_facts_sources_and_check_dates(client: Client) -> None:
    english, spanish = html(client, "/us/ct/norwalk/"), html(client, "/es/us/ct/norwalk/")
    # The same facts, with the same sources numbered in the same order.
    assert SOURCES_LIST.findall(english)[0] == SOURCES_LIST.findall(spanish)[0].replace(
        ' lang="en"', ""
    )
    assert english.count('class="ev ev-') == spanish.count('class="ev ev-')
    assert "revisado el 23 nov 2026" in spanish.lower()


def _hotline_id(name: str) -> str:
    return str(Service.objects.get(name=name).hsds_id)


# -- the translations loader ----------------------------------------------------------


def write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "es.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"language": "fr", "entries": []}, "field 'language': 'fr' is not one of ['es']"),
        ({"language": "en", "entries": []}, "is not one of ['es']"),
        ({"language": "es"}, "field 'entries': must be a list"),
        ({"language": "es", "entries": [{"en": "A"}]}, "entry 1, field 'text': must be non-empty"),
        ({"language": "es", "entries": [{"en": "", "text": "B"}]}, "entry 1, field 'en'"),
        (
            {"language": "es", "entries": [{"en": "A", "text": "B"}, {"en": "A", "text": "C"}]},
            "entry 2, field 'en': repeats an earlier entry",
        ),
        ([], "must hold a JSON object"),
    ],
)
def test_a_bad_translations_file_names_the_entry_and_changes_nothing(
    tmp_path: Path, data: object, message: str
) -> None:
    before = set(Translation.objects.values_list("source", "text"))
    with pytest.raises(CommandError) as error:
        call_command("load_translations", str(write(tmp_path, data)))
    assert message in str(error.value)
    assert "nothing was loaded" in str(error.value)
    assert set(Translation.objects.values_list("source", "text")) == before


def test_broken_json_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "es.json"
    path.write_text('{"language": "es",\n "entries": [\n}', encoding="utf-8")
    with pytest.raises(CommandError, match=r"es\.json: line 3"):
        call_command("load_translations", str(path))


def test_loading_a_file_replaces_that_languages_translations(tmp_path: Path) -> None:
    count = load_translations_file(
        write(tmp_path, {"language": "es", "entries": [{"en": "Free", "text": "Gratis"}]})
    )
    assert count == 1
    assert list(Translation.objects.filter(language="es").values_list("source", "text")) == [
        ("Free", "Gratis")
    ]


# -- the interface catalogue ------------------------------------------------------------


def test_every_interface_string_has_a_spanish_translation() -> None:
    po = (settings.BASE_DIR / "waypost/locale/es/LC_MESSAGES/django.po").read_text("utf-8")
    entries = re.findall(r'(#, fuzzy\n)?msgid ((?:".*"\n)+)msgstr ((?:".*"\n)+)', po)
    assert len(entries) > 150
    for fuzzy, msgid, msgstr in entries[1:]:  # the first is the header
        assert not fuzzy, msgid
        assert msgstr.strip() != '""', f"no Spanish for {msgid.strip()}"
    assert "#~" not in po, "obsolete entries: run makemessages --no-obsolete"
    # A fuzzy entry (makemessages' guess from a similar string) is left out when compiled,
    # so the page would show the English; the flag may share its line with others.
    fuzzy = re.findall(r"^#,.*\bfuzzy\b.*\n(?:#.*\n)*msgid ((?:\".*\"\n)+)", po, re.M)
    assert not fuzzy, f"fuzzy entries to translate: {fuzzy}"


def test_spanish_editorial_answers_cite_what_the_english_ones_cite() -> None:
    folder = settings.BASE_DIR / "data" / "editorial"
    section = re.compile(r"^## +(\S+) *\n(.*?)(?=^## |\Z)", re.M | re.S)
    spanish_files = sorted(folder.glob("es-*.md"))
    assert len(spanish_files) >= 5
    for spanish in spanish_files:
        english = folder / spanish.name.removeprefix("es-")
        en = dict(section.findall(english.read_text("utf-8").split("---", 2)[2]))
        es = dict(section.findall(spanish.read_text("utf-8").split("---", 2)[2]))
        assert en.keys() == es.keys(), spanish.name
        for slug in en:
            markers = re.compile(r"\[\[([^\]]+)\]\]")
            assert set(markers.findall(en[slug])) == set(markers.findall(es[slug])), (
                spanish.name,
                slug,
            )
