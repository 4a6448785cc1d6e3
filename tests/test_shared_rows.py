"""What many guides show alike (a state's laws with their sources, hotlines, listed services)
is kept in the cache for every page that shows it, and a change to any of it shows on the
next page, never a kept copy: each write below is followed by a guide not yet rendered
since, of a city whose state the cache already holds."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from waypost.directory.models import Address, Phone
from waypost.evidence.models import Fact, Source
from waypost.evidence.services import cite
from waypost.guides import reads
from waypost.guides.models import PlaceFact
from waypost.laws.models import LawStatement
from waypost.places.models import Place

pytestmark = pytest.mark.django_db

NORWALK = "/us/ct/norwalk/"
# Another city of the state, in another county: nothing of its own on file.
HARTFORD = "/us/ct/hartford/"
# Tables of the rows a state brings to its guides.
STATE_TABLES = (
    '"laws_lawstatement"',
    '"laws_lawchange"',
    '"laws_program"',
    '"guides_placefact"',
    '"guides_editorialanswer"',
)


def guide(client: Client, url: str) -> tuple[list[str], str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return [query["sql"] for query in captured], response.content.decode()


def reads_state_rows(queries: list[str]) -> bool:
    return any(table in sql for sql in queries for table in STATE_TABLES)


def shown_statement(html: str) -> LawStatement:
    statements = LawStatement.objects.filter(law__jurisdiction__path="us/ct").order_by("pk")
    return next(st for st in statements if escape(st.summary) in html)


def test_a_second_guide_of_a_state_reads_none_of_the_states_rows(client: Client) -> None:
    first, html = guide(client, NORWALK)
    assert reads_state_rows(first)
    statement = shown_statement(html)
    second, other = guide(client, HARTFORD)
    assert not reads_state_rows(second)
    assert escape(statement.summary) in other


def test_a_changed_law_statement_shows_on_the_next_guide(client: Client) -> None:
    statement = shown_statement(guide(client, NORWALK)[1])
    statement.summary = "A summary rewritten by an editor."
    statement.save()
    for url in (HARTFORD, NORWALK):
        assert "A summary rewritten by an editor." in guide(client, url)[1]


def test_a_renamed_source_shows_on_the_next_guide(client: Client) -> None:
    statement = shown_statement(guide(client, NORWALK)[1])
    source = Source.objects.filter(citations__fact=statement.fact).order_by("pk")[0]
    source.title = "A source renamed by an editor"
    source.save()
    assert "A source renamed by an editor" in guide(client, HARTFORD)[1]


def test_a_hotlines_new_number_shows_on_the_next_guide(client: Client) -> None:
    html = guide(client, NORWALK)[1]
    phone = Phone.objects.filter(
        service__name="Connecticut Sexual Assault Crisis Hotline"
    ).order_by("pk")[0]
    assert phone.number in html
    phone.number = "888-555-0199"
    phone.save()
    assert "888-555-0199" in guide(client, HARTFORD)[1]


def test_a_fact_about_a_place_that_had_none_shows_on_the_next_guide(client: Client) -> None:
    guide(client, HARTFORD)
    hartford = Place.objects.get(path="us/ct/hartford")
    assert hartford.pk not in reads.places_with_content()
    fact = Fact.objects.create(label="Hartford's clinic list")
    cite(fact, Source.objects.order_by("pk")[0])
    text = "Hartford keeps a public list of free clinics."
    PlaceFact.objects.create(place=hartford, text=text, fact=fact)
    assert text in guide(client, HARTFORD)[1]


def test_a_moved_service_shows_its_new_address_on_the_next_guide(client: Client) -> None:
    html = guide(client, NORWALK)[1]
    address = next(
        a
        for a in Address.objects.filter(location__place__path="us/ct/norwalk").order_by("pk")
        if escape(str(a)) in html
    )
    address.address_1 = "12 Moved Street"
    address.save()
    assert "12 Moved Street" in guide(client, NORWALK)[1]
