"""Law-change feeds (Atom, JSON Feed) and the "What changed" pages."""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from django.db.models import Q
from django.test import Client
from lxml import etree

from tests.htmltree import parse
from waypost.evidence.models import Fact
from waypost.laws.models import LawChange
from waypost.places.models import Place, PlaceKind

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
ATOM = "{http://www.w3.org/2005/Atom}"
ATOM_SCHEMA = etree.RelaxNG(etree.parse(str(DATA / "atom.rng")))
JSON_FEED_SCHEMA = json.loads((DATA / "jsonfeed-1.1.schema.json").read_text())
LANGUAGES = ("", "/es")


def assert_valid_atom(body: bytes, url: str) -> Any:
    document = etree.fromstring(body)
    assert ATOM_SCHEMA.validate(document), (url, ATOM_SCHEMA.error_log)
    # What RFC 4287 asks beyond the grammar (section 4.1.1 and 4.1.2).
    has_author = document.find(f"{ATOM}author") is not None
    ids = [e.findtext(f"{ATOM}id") for e in document.iter(f"{ATOM}entry")]
    assert len(ids) == len(set(ids)), url
    for entry in document.iter(f"{ATOM}entry"):
        assert has_author or entry.find(f"{ATOM}author") is not None, url
        if entry.find(f"{ATOM}content") is None:
            alternates = [
                link
                for link in entry.findall(f"{ATOM}link")
                if link.get("rel", "alternate") == "alternate"
            ]
            assert alternates, url
            assert entry.find(f"{ATOM}summary") is not None, url
    return document


def assert_valid_json_feed(body: bytes, url: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(body)
    jsonschema.validate(document, JSON_FEED_SCHEMA)
    ids = [item["id"] for item in document["items"]]
    assert len(ids) == len(set(ids)), url
    return document


def dated_changes(query: Q) -> set[tuple[str, str]]:
    """(jurisdiction, bill) of every dated change the query selects."""
    rows = LawChange.objects.filter(query).exclude(effective_on=None, signed_on=None)
    return {
        (row.jurisdiction.display_name, row.bill) for row in rows.select_related("jurisdiction")
    }


def feed_bills(client: Client, prefix: str) -> tuple[set[str], set[tuple[str, str]]]:
    """The entry ids of the Atom feed and the JSON Feed, and the changes the latter lists."""
    atom = client.get(f"{prefix}changes.atom")
    assert atom.status_code == 200, prefix
    assert atom["Content-Type"].startswith("application/atom+xml")
    assert not atom.cookies
    document = assert_valid_atom(atom.content, prefix)
    data = client.get(f"{prefix}changes.json")
    assert data.status_code == 200, prefix
    assert data["Content-Type"].startswith("application/feed+json")
    assert not data.cookies
    feed = assert_valid_json_feed(data.content, prefix)
    atom_ids = {e.findtext(f"{ATOM}id") for e in document.iter(f"{ATOM}entry")}
    assert atom_ids == {item["id"] for item in feed["items"]}, prefix
    listed = {(i["_law_change"]["jurisdiction"], i["_law_change"]["bill"]) for i in feed["items"]}
    assert len(listed) == len(feed["items"]), prefix
    return atom_ids, listed


def test_the_national_feeds_validate_and_list_every_dated_change(client: Client) -> None:
    expected = dated_changes(Q())
    assert expected
    for language in LANGUAGES:
        _, listed = feed_bills(client, f"{language}/us/")
        assert listed == expected


def test_every_state_feed_validates_and_lists_federal_and_the_state_s_changes(
    client: Client,
) -> None:
    states = list(Place.objects.filter(kind=PlaceKind.STATE))
    assert len(states) >= 50
    for state in states:
        expected = dated_changes(
            Q(jurisdiction__kind=PlaceKind.COUNTRY) | Q(jurisdiction__state_code=state.state_code)
        )
        for language in LANGUAGES:
            _, listed = feed_bills(client, f"{language}/{state.path}/")
            assert listed == expected, state.path


def test_fifty_random_city_feeds_validate_and_list_their_chain_s_changes(
    client: Client, norwalk_ct: Place
) -> None:
    cities = list(Place.objects.cities().select_related("county", "parent"))
    chosen = [norwalk_ct, *random.Random(19).sample(cities, 49)]
    for city in chosen:
        expected = dated_changes(Q(jurisdiction__in=city.jurisdiction_chain()))
        for language in LANGUAGES:
            _, listed = feed_bills(client, f"{language}/{city.path}/")
            assert listed == expected, city.path


def test_a_city_s_own_change_is_in_its_feed_its_state_s_and_no_other_city_s(
    client: Client, norwalk_ct: Place, norwalk_ca: Place
) -> None:
    fact = Fact.objects.create(label="Norwalk, CT ordinance")
    LawChange.objects.create(
        jurisdiction=norwalk_ct,
        bill="Ordinance 19 (2025)",
        effective_on=dt.date(2025, 3, 1),
        change="A city ordinance changed.",
        fact=fact,
    )
    entry = ("Norwalk, CT", "Ordinance 19 (2025)")
    assert entry in feed_bills(client, "/us/ct/norwalk/")[1]
    assert entry in feed_bills(client, "/us/ct/")[1]
    assert entry in feed_bills(client, "/us/")[1]
    assert entry not in feed_bills(client, "/us/ca/norwalk/")[1]
    assert entry not in feed_bills(client, "/us/ca/")[1]


def test_an_entry_says_what_changed_from_when_with_its_sources_and_check(
    client: Client,
) -> None:
    change = (
        LawChange.objects.filter(jurisdiction__path="us/ca", effective_on__isnull=False)
        .select_related("fact")
        .first()
    )
    assert change is not None
    feed = json.loads(client.get("/us/ca/changes.json").content)
    (item,) = [i for i in feed["items"] if i["_law_change"]["bill"] == change.bill]
    assert item["content_text"] == change.change
    assert item["date_published"].startswith(change.effective_on.isoformat())
    sources = {s["url"] for s in item["_law_change"]["sources"]}
    assert sources == {c.source.url for c in change.fact.citations.select_related("source")}
    assert sources
    assert change.effective_on.isoformat() in item["content_html"]
    assert feed["language"] == "en"


def test_the_spanish_feeds_speak_spanish(client: Client) -> None:
    atom = etree.fromstring(client.get("/es/us/ca/changes.atom").content)
    assert atom.get("{http://www.w3.org/XML/1998/namespace}lang") == "es"
    assert "Cambios" in atom.findtext(f"{ATOM}title")
    feed = json.loads(client.get("/es/us/ca/changes.json").content)
    assert feed["language"] == "es"
    assert feed["home_page_url"].endswith("/es/us/ca/what-changed/")
    assert all("/es/" in item["url"] for item in feed["items"])
    assert any("Fuentes" in item["content_html"] for item in feed["items"])


def test_an_editor_s_note_never_reaches_a_feed(client: Client) -> None:
    change = LawChange.objects.select_related("fact", "jurisdiction").exclude(fact__note="")
    row = change.first()
    if row is None:
        pytest.skip("no law change carries an editor's note")
    state = row.jurisdiction.path if row.jurisdiction.kind != PlaceKind.COUNTRY else "us"
    for url in (f"/{state}/changes.atom", f"/{state}/changes.json", "/us/changes.json"):
        assert row.fact.note not in client.get(url).content.decode(), url


@pytest.mark.parametrize("suffix", ["changes.atom", "changes.json"])
def test_feed_readers_get_304_when_nothing_changed(client: Client, suffix: str) -> None:
    url = f"/us/ct/norwalk/{suffix}"
    first = client.get(url)
    assert first.status_code == 200
    assert first["ETag"] and first["Last-Modified"]
    by_etag = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert by_etag.status_code == 304
    assert not by_etag.content
    by_date = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert by_date.status_code == 304
    assert client.get(url, HTTP_IF_NONE_MATCH='"other"').status_code == 200


def test_an_edited_change_gets_a_new_etag(client: Client) -> None:
    first = client.get("/us/ca/changes.json")
    change = LawChange.objects.filter(jurisdiction__path="us/ca").exclude(effective_on=None)
    row = change.first()
    assert row is not None
    row.change = row.change + " Edited."
    row.save()
    again = client.get("/us/ca/changes.json", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200
    assert "Edited." in again.content.decode()


def test_the_spanish_feed_has_its_own_etag(client: Client) -> None:
    english = client.get("/us/ca/changes.atom")
    spanish = client.get("/es/us/ca/changes.atom", HTTP_IF_NONE_MATCH=english["ETag"])
    assert spanish.status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/us/zz/changes.atom",
        "/us/zz/changes.json",
        "/us/zz/what-changed/",
        "/us/ct/nowhere-at-all/changes.atom",
        "/es/us/ct/nowhere-at-all/changes.json",
    ],
)
def test_an_unknown_place_has_no_feed(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 404
    assert b"<html" in response.content


@pytest.mark.parametrize("url", ["/us/ca/changes.atom", "/us/changes.json", "/us/ca/what-changed/"])
def test_feeds_and_pages_refuse_to_be_posted_to(client: Client, url: str) -> None:
    assert client.post(url).status_code == 405


def test_the_guide_and_the_state_page_link_their_feeds(client: Client) -> None:
    for page_url, prefix in (("/us/ct/norwalk/", "/us/ct/norwalk/"), ("/us/ct/", "/us/ct/")):
        for language in LANGUAGES:
            page = parse(client.get(f"{language}{page_url}").content)
            links = {
                (link.attrs.get("type"), link.attrs.get("href"))
                for link in page.find_all("link")
                if link.attrs.get("rel") == "alternate"
            }
            assert ("application/atom+xml", f"{language}{prefix}changes.atom") in links
            assert ("application/feed+json", f"{language}{prefix}changes.json") in links


def test_the_what_changed_page_lists_the_same_entries_with_their_sources(
    client: Client,
) -> None:
    for language in LANGUAGES:
        response = client.get(f"{language}/us/ca/what-changed/")
        assert response.status_code == 200
        assert not response.cookies
        feed = json.loads(client.get(f"{language}/us/ca/changes.json").content)
        page = parse(response.content)
        listed = page.by_id("main").find_all("li")
        anchors = {li.attrs.get("id") for li in listed if li.attrs.get("id")}
        assert anchors == {item["id"].split("#", 1)[1] for item in feed["items"]}
        html = response.content.decode()
        for item in feed["items"]:
            for source in item["_law_change"]["sources"]:
                assert source["url"].replace("&", "&amp;") in html
        heads = {
            (link.attrs.get("type"), link.attrs.get("href"))
            for link in page.find_all("link")
            if link.attrs.get("rel") == "alternate" and link.attrs.get("type")
        }
        assert ("application/atom+xml", f"{language}/us/ca/changes.atom") in heads


def test_the_state_page_links_its_what_changed_page(client: Client) -> None:
    page = parse(client.get("/us/ca/").content)
    hrefs = {a.attrs.get("href") for a in page.by_id("law-changes").find_all("a")}
    assert "/us/ca/what-changed/" in hrefs
