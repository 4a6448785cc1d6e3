"""Guide composition: hotlines, nearby services, editorial inheritance, citations, evidence."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from tests.htmltree import Element, parse
from waypost.directory.models import Service
from waypost.evidence.models import Fact, Outcome, Source, Status
from waypost.evidence.services import cite, record_check
from waypost.guides.models import EditorialAnswer
from waypost.guides.services import Guide, Item, compose_guide, unchecked_facts
from waypost.guides.structured_data import faq_json_ld
from waypost.guides.topics import QUESTIONS
from waypost.laws.models import Law, LawChange, LawStatement
from waypost.places.models import Place

pytestmark = pytest.mark.django_db

NATIONAL_HOTLINES = {
    "National Human Trafficking Hotline",
    "National Sexual Assault Hotline",
    "988 Suicide & Crisis Lifeline",
    "SAMHSA National Helpline",
    "National Domestic Violence Hotline",
    "Trans Lifeline",
}
CT_HOTLINES = {"Connecticut Sexual Assault Crisis Hotline", "Safe Connect (domestic violence)"}
LA_SERVICES = {
    "Center for the Pacific Asian Family (CPAF)",
    "Journey Out",
    "TransLatin@ Coalition",
    "The LGBTQ Center Long Beach",
    "Engagement and Overdose Prevention (EOP) Hubs",
}
CT_SERVICES = {
    "Norwalk Health Department: walk-in STD clinic",
    "Triangle Community Center",
    "Liberation Programs",
    "Project Rescue",
    "Open Door Shelter",
}
GUIDES = ["/us/ct/norwalk/", "/us/ca/norwalk/"]


# -- helpers --------------------------------------------------------------------------


def all_items(guide: Guide) -> Iterator[Item]:
    """Every fact the guide shows, phones included."""
    items: list[Item] = [*guide.hotlines, *guide.about, *guide.repealed]
    for answer in guide.answers:
        if answer.editorial is not None:
            items.append(answer.editorial)
        for block in answer.blocks:
            items.extend(block.items)
    for item in items:
        yield item
        yield from item.phones


def service_items(guide: Guide) -> list[Item]:
    return [
        item
        for answer in guide.answers
        for block in answer.blocks
        if block.kind == "services"
        for item in block.items
    ]


def page(client: Client, url: str, **params: str) -> tuple[str, Element]:
    response = client.get(url, params)
    assert response.status_code == 200
    html = response.content.decode()
    return html, parse(html)


def main_of(tree: Element) -> Element:
    return tree.by_id("main")


def fact_entries(tree: Element) -> list[Element]:
    """Each list entry that states a fact: services, hotlines, laws, changes, programs."""
    main = main_of(tree)
    return [
        *main.find_all("li", "svc"),
        *(li for ul in main.find_all("ul", "facts") for li in ul.find_all("li")),
    ]


def evidence_marks(element: Element) -> list[Element]:
    return [
        e for e in element.find_all("span", "ev") if any(c.startswith("ev-") for c in e.classes)
    ]


def entries_naming(tree: Element, text: str) -> list[Element]:
    return [li for li in fact_entries(tree) if text in li.text()]


def json_ld(tree: Element) -> dict[str, Any]:
    scripts = [s for s in tree.find_all("script") if s.attrs.get("type") == "application/ld+json"]
    assert len(scripts) == 1
    data: dict[str, Any] = json.loads(scripts[0].text())
    return data


def make_source(key: str) -> Source:
    return Source.objects.create(
        key=key, url=f"https://example.org/{key}", title=f"Test source {key}"
    )


def confirmed_fact(label: str, *sources: Source) -> Fact:
    fact = Fact.objects.create(label=label)
    for source in sources:
        cite(fact, source)
    record_check(
        fact,
        checked_on=dt.date.today(),
        checked_by="a tester",
        method="source page",
        outcome=Outcome.CONFIRMED,
    )
    return fact


def write_answer(place: Place, question: str, body: str, *sources: Source) -> Any:
    from waypost.guides.models import EditorialAnswer

    fact = confirmed_fact(f"{place.path} {question}", *sources)
    return EditorialAnswer.objects.create(place=place, question=question, body=body, fact=fact)


# -- hotlines -------------------------------------------------------------------------


def test_the_connecticut_guide_has_the_national_hotlines_and_both_connecticut_ones(
    norwalk_ct: Place,
) -> None:
    names = [item.obj.name for item in compose_guide(norwalk_ct).hotlines]
    assert set(names) == NATIONAL_HOTLINES | CT_HOTLINES
    assert len(names) == len(set(names))


def test_national_hotlines_come_before_state_ones(norwalk_ct: Place) -> None:
    names = [item.obj.name for item in compose_guide(norwalk_ct).hotlines]
    assert set(names[: len(NATIONAL_HOTLINES)]) == NATIONAL_HOTLINES
    assert set(names[len(NATIONAL_HOTLINES) :]) == CT_HOTLINES


def test_the_california_guide_has_no_connecticut_hotline(norwalk_ca: Place) -> None:
    names = {item.obj.name for item in compose_guide(norwalk_ca).hotlines}
    assert names == NATIONAL_HOTLINES
    assert not names & CT_HOTLINES


def test_a_hotline_question_lists_only_hotlines_of_its_categories(norwalk_ct: Place) -> None:
    guide = compose_guide(norwalk_ct)
    report = next(a for a in guide.answers if a.question.slug == "reporting-trafficking")
    hotlines = [i.obj.name for b in report.blocks if b.kind == "hotlines" for i in b.items]
    assert hotlines == ["National Human Trafficking Hotline"]


# -- nearby services ------------------------------------------------------------------


def test_services_near_norwalk_ct_include_no_los_angeles_service(norwalk_ct: Place) -> None:
    items = service_items(compose_guide(norwalk_ct))
    names = {item.obj.name for item in items}
    assert names >= CT_SERVICES
    assert not names & LA_SERVICES
    assert all(item.distance_mi is not None and item.distance_mi <= 60 for item in items)


def test_services_near_norwalk_ca_include_no_connecticut_service(norwalk_ca: Place) -> None:
    names = {item.obj.name for item in service_items(compose_guide(norwalk_ca))}
    assert names >= LA_SERVICES
    assert not names & CT_SERVICES


def test_a_service_outside_the_city_shows_its_distance_and_a_local_one_is_marked_local(
    norwalk_ct: Place, norwalk_ca: Place, client: Client
) -> None:
    by_name = {item.obj.name: item for item in service_items(compose_guide(norwalk_ct))}
    clinic = by_name["Norwalk Health Department: walk-in STD clinic"]
    assert clinic.local
    stamford_based = by_name["Project Rescue"]
    assert not stamford_based.local
    assert stamford_based.distance_mi is not None and stamford_based.distance_mi > 0

    for item in service_items(compose_guide(norwalk_ca)):
        assert not item.local  # none of the demo's California services is in Norwalk
        assert item.distance_mi is not None and item.distance_mi > 0

    _, tree = page(client, "/us/ct/norwalk/")
    [clinic_entry, *_] = entries_naming(tree, "walk-in STD clinic")
    assert "in Norwalk" in clinic_entry.text()
    [rescue_entry, *_] = entries_naming(tree, "Project Rescue")
    assert re.search(r"\b\d+ mi from Norwalk\b", rescue_entry.text())


def test_nearby_services_are_listed_nearest_first(norwalk_ca: Place) -> None:
    guide = compose_guide(norwalk_ca)
    orders = [
        [item.distance_mi for item in block.items]
        for answer in guide.answers
        for block in answer.blocks
        if block.kind == "services"
    ]
    # Lists of several services, each measured, or the order was not tested at all.
    compared = [d for d in orders if len(d) >= 2]
    assert compared and all(None not in d for d in compared)
    for distances in compared:
        assert distances == sorted(distances)


# -- editorial answers ----------------------------------------------------------------


def editorial_of(guide: Guide, question: str) -> str:
    return next(a.editorial_html for a in guide.answers if a.question.slug == question)


def test_a_state_answer_serves_every_city_of_the_state(norwalk_ca: Place) -> None:
    long_beach = Place.objects.get(path="us/ca/long-beach")
    for place in (norwalk_ca, long_beach):
        html = editorial_of(compose_guide(place), "legal-status")
        assert "In California, it is a crime" in html


def test_a_state_answer_does_not_serve_another_state(norwalk_ct: Place) -> None:
    html = editorial_of(compose_guide(norwalk_ct), "legal-status")
    assert "In Connecticut" in html
    assert "California" not in html


def test_a_city_answer_overrides_the_state_answer_for_that_city_only(
    norwalk_ca: Place,
) -> None:
    source = make_source("test-norwalk-ordinance")
    write_answer(
        norwalk_ca,
        "legal-status",
        "Norwalk's own answer, written for this city [[test-norwalk-ordinance]].",
        source,
    )
    norwalk_guide = compose_guide(norwalk_ca)
    html = editorial_of(norwalk_guide, "legal-status")
    assert "Norwalk's own answer" in html
    assert "In California, it is a crime" not in html
    assert source in norwalk_guide.sources

    long_beach = compose_guide(Place.objects.get(path="us/ca/long-beach"))
    assert "In California, it is a crime" in editorial_of(long_beach, "legal-status")
    assert "Norwalk's own answer" not in editorial_of(long_beach, "legal-status")


def test_a_national_answer_serves_every_city(norwalk_ct: Place, norwalk_ca: Place) -> None:
    elsewhere = Place.objects.get(path="us/oh/norwalk")

    def prose(place: Place) -> str:
        # Reference numbers differ from page to page; the words are the same.
        return re.sub(
            r"<sup>.*?</sup>", "", editorial_of(compose_guide(place), "trafficking-signs")
        )

    assert prose(norwalk_ct)
    assert prose(norwalk_ct) == prose(norwalk_ca) == prose(elsewhere)


@pytest.mark.parametrize("path", ["us/ct/norwalk", "us/ca/norwalk", "us/oh/norwalk"])
def test_every_question_has_an_answer_entry(path: str) -> None:
    guide = compose_guide(Place.objects.get(path=path))
    assert [a.question.slug for a in guide.answers] == list(QUESTIONS)


@pytest.mark.parametrize("url", GUIDES)
def test_every_question_has_its_own_article_on_the_page(client: Client, url: str) -> None:
    _, tree = page(client, url)
    articles = [a.attrs["id"] for a in main_of(tree).find_all("article", "qa")]
    assert articles == list(QUESTIONS)


@pytest.mark.parametrize("url", GUIDES)
def test_an_answer_with_nothing_checked_says_so_plainly(client: Client, url: str) -> None:
    # Every question has a national answer now: take one away to see the empty state.
    answered = EditorialAnswer.objects.filter(question="health-risks")
    assert answered.exists()
    answered.delete()
    _, tree = page(client, url)
    article = tree.by_id("health-risks")
    assert "We have no checked information on this for Norwalk yet" in article.text()
    assert not evidence_marks(article)


# -- citations ------------------------------------------------------------------------


def citation_order(tree: Element) -> list[int]:
    """Source numbers in the order the page body first cites them."""
    main = main_of(tree)
    body = [e for e in main.children if isinstance(e, Element) and e.attrs.get("id") != "sources"]
    first_seen: list[int] = []
    for element in body:
        for n in element.source_refs():
            if n not in first_seen:
                first_seen.append(n)
    return first_seen


def listed_sources(tree: Element) -> list[int]:
    items = tree.by_id("sources").find_all("li")
    return [int(li.attrs["id"].removeprefix("source-")) for li in items]


def assert_citations_numbered_in_order(tree: Element) -> None:
    order = citation_order(tree)
    listed = listed_sources(tree)
    assert order == list(range(1, len(order) + 1)), order
    assert listed == list(range(1, len(listed) + 1))
    assert set(order) == set(listed)


@pytest.mark.parametrize("url", GUIDES)
def test_citations_are_numbered_in_order_of_first_appearance(client: Client, url: str) -> None:
    _, tree = page(client, url)
    assert_citations_numbered_in_order(tree)


def test_citations_stay_in_order_on_a_page_for_a_past_date(client: Client) -> None:
    _, tree = page(client, "/us/ca/norwalk/", date="2024-01-01")
    assert_citations_numbered_in_order(tree)


@pytest.mark.parametrize("url", GUIDES)
def test_each_number_in_the_text_has_its_source_and_each_source_is_cited(
    client: Client, url: str
) -> None:
    html, _ = page(client, url)
    cited = {int(n) for n in re.findall(r'href="#source-(\d+)"', html)}
    listed = {int(n) for n in re.findall(r'id="source-(\d+)"', html)}
    assert cited == listed
    assert listed


def test_a_source_cited_twice_keeps_one_number(norwalk_ca: Place) -> None:
    guide = compose_guide(norwalk_ca)
    keys = [s.key for s in guide.sources]
    assert len(keys) == len(set(keys))


def test_markers_are_numbered_in_the_order_the_text_uses_them(
    norwalk_ct: Place, client: Client
) -> None:
    first, second = make_source("test-cited-first"), make_source("test-cited-second")
    # The fact cites them in one order; the text uses them in the other.
    write_answer(
        norwalk_ct,
        "health-risks",
        "A statement [[test-cited-second]], then another [[test-cited-first]].",
        first,
        second,
    )
    _, tree = page(client, "/us/ct/norwalk/")
    assert_citations_numbered_in_order(tree)
    refs = tree.by_id("health-risks").source_refs()
    numbers = {s.key: n for n, s in enumerate(compose_guide(norwalk_ct).sources, start=1)}
    assert refs[:2] == [numbers["test-cited-second"], numbers["test-cited-first"]]


def test_a_repealed_law_with_its_own_source_is_numbered_where_it_appears(
    norwalk_ct: Place, client: Client
) -> None:
    source = make_source("test-repealed-law-source")
    law = Law.objects.create(
        jurisdiction=Place.objects.get(path="us/ct"),
        citation="Conn. Gen. Stat. § 53a-999 (test)",
        title="A repealed test law",
        effective_to=dt.date(2015, 6, 30),
    )
    LawStatement.objects.create(
        law=law,
        topic="selling",
        summary="Was repealed in 2015.",
        fact=confirmed_fact("repealed test law", source),
    )
    _, tree = page(client, "/us/ct/norwalk/")
    assert_citations_numbered_in_order(tree)
    [entry] = [li for li in tree.by_id("law-changes").find_all("li") if "53a-999" in li.text()]
    assert entry.source_refs()


# -- evidence on every fact -------------------------------------------------------------


@pytest.mark.parametrize("path", ["us/ct/norwalk", "us/ca/norwalk"])
def test_every_fact_in_the_guide_has_a_source_and_a_status(path: str) -> None:
    guide = compose_guide(Place.objects.get(path=path))
    items = list(all_items(guide))
    assert len(items) > 30
    for item in items:
        evidence = item.evidence
        assert evidence.refs, item.obj
        if evidence.status in (Status.CHECKED, Status.DUE):
            assert evidence.checked_on is not None, item.obj
        else:
            assert evidence.status in (Status.UNCHECKED, Status.DISPUTED), item.obj


@pytest.mark.parametrize("url", GUIDES)
def test_every_fact_on_the_page_shows_a_source_and_a_check_date_or_a_warning(
    client: Client, url: str
) -> None:
    _, tree = page(client, url)
    entries = fact_entries(tree)
    assert len(entries) > 20
    for entry in entries:
        marks = evidence_marks(entry)
        assert marks, entry.text()
        mark = marks[-1]  # the entry's own mark comes last, after its phones
        assert mark.source_refs(), entry.text()
        said = mark.text()
        assert re.search(
            r"checked on \d{1,2} \w{3} \d{4}|last checked \d{1,2} \w{3} \d{4}|Unchecked:|Disputed:"
            r"|From .+, \d{4}(-\d\d){0,2}; not checked by Waypost since\. Call first\.",
            said,
        ), said
    for phone in main_of(tree).find_all("span", "phone"):
        assert phone.source_refs(), phone.text()


@pytest.mark.parametrize("url", GUIDES)
def test_every_editorial_answer_shows_its_sources_and_check_date(client: Client, url: str) -> None:
    _, tree = page(client, url)
    answers = main_of(tree).find_all("div", "editorial")
    assert answers
    for answer in answers:
        assert answer.source_refs()
        [mark] = evidence_marks(answer)
        assert re.search(r"checked on \d|last checked \d", mark.text()), mark.text()


def test_an_unconfirmed_law_change_is_marked_unchecked_and_never_checked_on(
    client: Client,
) -> None:
    _, tree = page(client, "/us/ca/norwalk/")
    entries = entries_naming(tree, "SB 1129 (2016)")
    assert entries
    for entry in entries:
        assert "Unchecked" in entry.text()
        assert "checked on" not in entry.text()
        assert "not confirmed" in entry.text()


def test_an_unconfirmed_service_is_marked_unchecked_wherever_it_appears(client: Client) -> None:
    _, tree = page(client, "/us/ct/norwalk/")
    entries = entries_naming(tree, "Open Door Shelter")
    assert entries
    for entry in entries:
        assert "Unchecked" in entry.text()
        assert "checked on" not in entry.text()


def test_unconfirmed_facts_are_reported_as_not_settled(
    norwalk_ct: Place, norwalk_ca: Place
) -> None:
    shelter = Service.objects.get(name="Open Door Shelter").fact
    sb1129 = LawChange.objects.get(bill="SB 1129 (2016)").fact
    assert shelter in unchecked_facts(compose_guide(norwalk_ct))
    assert sb1129 in unchecked_facts(compose_guide(norwalk_ca))
    assert sb1129 not in unchecked_facts(compose_guide(norwalk_ct))


def test_a_fact_with_an_open_dispute_is_shown_as_disputed(client: Client) -> None:
    for statement in LawStatement.objects.filter(law__citation="Conn. Gen. Stat. § 53a-82"):
        statement.fact.open_disputes = 1
        statement.fact.save()
    _, tree = page(client, "/us/ct/norwalk/")
    # The law's own entries (a program can cite the same section).
    penalties = tree.by_id("penalties").find_all("li")
    entries = [li for li in penalties if "Conn. Gen. Stat. § 53a-82" in li.text()]
    assert entries
    for entry in entries:
        assert "Disputed" in entry.text()
        assert "checked on" not in entry.text()


def test_a_disputed_phone_number_is_shown_as_disputed_beside_its_service(
    client: Client,
) -> None:
    phone = Service.objects.get(name="National Human Trafficking Hotline").phones.first()
    assert phone is not None
    phone.fact.open_disputes = 1
    phone.fact.save()
    _, tree = page(client, "/us/ct/norwalk/")
    [hotline] = [
        li
        for li in tree.by_id("hotlines").find_all("li", "svc")
        if "National Human Trafficking Hotline" in li.text()
    ]
    [disputed] = [p for p in hotline.find_all("span", "phone") if phone.number in p.text()]
    assert "Disputed" in disputed.text()


def test_a_fact_checked_too_long_ago_is_shown_as_due(client: Client, settings: Any) -> None:
    settings.CHECK_VALID_DAYS = 0
    for statement in LawStatement.objects.filter(law__citation="Conn. Gen. Stat. § 53a-82"):
        statement.fact.last_checked_on = dt.date.today() - dt.timedelta(days=3)
        statement.fact.save()
    _, tree = page(client, "/us/ct/norwalk/")
    penalties = tree.by_id("penalties").find_all("li")
    [entry, *_] = [li for li in penalties if "Conn. Gen. Stat. § 53a-82" in li.text()]
    assert "due for a re-check" in entry.text()


# -- nothing from the other Norwalk -----------------------------------------------------


CONNECTICUT_PHONE = re.compile(r"(?<![\w-])(?:tel:1?|\()?(?:203|475|860|959)\)?[- ]?\d{3}-?\d{4}\b")


def test_the_connecticut_page_says_nothing_about_california(client: Client) -> None:
    html, _ = page(client, "/us/ct/norwalk/")
    for text in ("Penal Code", "Los Angeles", "LASD", "Long Beach"):
        assert text not in html, text


def test_the_california_page_says_nothing_about_connecticut(client: Client) -> None:
    html, _ = page(client, "/us/ca/norwalk/")
    for text in ("Conn. Gen. Stat.", "Fairfield", "Connecticut"):
        assert text not in html, text
    # Connecticut's area codes, as a shown number or a tel: link; a bare "203-"
    # also matches random service identifiers.
    assert not CONNECTICUT_PHONE.search(html), CONNECTICUT_PHONE.search(html)


def test_a_connecticut_number_is_caught_on_the_connecticut_page(client: Client) -> None:
    html, _ = page(client, "/us/ct/norwalk/")
    assert CONNECTICUT_PHONE.search(html)


@pytest.mark.parametrize("url", GUIDES)
def test_federal_law_and_the_trafficking_hotline_appear_on_both_guides(
    client: Client, url: str
) -> None:
    html, tree = page(client, url)
    assert "18 U.S.C. § 1591" in tree.by_id("trafficking-signs").text()
    assert "National Human Trafficking Hotline" in tree.by_id("hotlines").text()
    assert "1-888-373-7888" in html


# -- structured data ------------------------------------------------------------------


@pytest.mark.parametrize("path", ["us/ct/norwalk", "us/ca/norwalk"])
def test_the_faq_json_ld_parses_and_has_one_question_per_answered_question(
    client: Client, path: str
) -> None:
    _, tree = page(client, f"/{path}/")
    data = json_ld(tree)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "FAQPage"
    guide = compose_guide(Place.objects.get(path=path))
    answered = [str(a.question.text) for a in guide.answers if not a.is_empty]
    names = [q["name"] for q in data["mainEntity"]]
    assert names == answered
    for question in data["mainEntity"]:
        assert question["@type"] == "Question"
        assert question["acceptedAnswer"]["@type"] == "Answer"
        text = question["acceptedAnswer"]["text"]
        assert text.strip()
        assert "<" not in text and "[[" not in text
        assert not re.search(r"\[\d+\]", text)


def test_the_faq_json_ld_does_not_state_an_unconfirmed_fact(norwalk_ca: Place) -> None:
    change = LawChange.objects.get(bill="SB 1129 (2016)")
    text = json.dumps(faq_json_ld(compose_guide(norwalk_ca)))
    assert json.dumps(change.change)[1:-1] not in text
