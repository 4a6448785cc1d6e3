"""Laws in force on a date, repealed laws, and the changes that ended them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from tests.htmltree import parse
from waypost.evidence.models import Fact, Source
from waypost.evidence.services import cite
from waypost.guides.services import Guide, compose_guide
from waypost.laws.models import Law, LawChange, LawStatement, Program, ProgramKind
from waypost.places.models import Place

pytestmark = pytest.mark.django_db

LOITERING = "Cal. Penal Code § 653.22"
SB_357 = "SB 357 (2022)"


def current_law_citations(guide: Guide) -> set[str]:
    """Citations of every law the guide presents as in force, in any answer."""
    return {
        item.obj.law.citation
        for answer in guide.answers
        for block in answer.blocks
        if block.kind in ("laws", "penalties")
        for item in block.items
    }


def change_bills(guide: Guide) -> list[str]:
    return [
        item.obj.bill
        for answer in guide.answers
        for block in answer.blocks
        if block.kind == "law_changes"
        for item in block.items
    ]


@pytest.fixture
def loitering_law(db: Any) -> Law:
    return Law.objects.get(citation=LOITERING)


def test_the_loitering_law_ends_on_the_last_day_of_2022(loitering_law: Law) -> None:
    assert loitering_law.effective_to == dt.date(2022, 12, 31)


def test_a_law_is_in_force_on_its_last_day(loitering_law: Law) -> None:
    last_day = dt.date(2022, 12, 31)
    assert loitering_law.in_force_on(last_day)
    assert Law.objects.in_force(last_day).filter(pk=loitering_law.pk).exists()


def test_a_law_is_not_in_force_the_day_after_it_ends(loitering_law: Law) -> None:
    next_day = dt.date(2023, 1, 1)
    assert not loitering_law.in_force_on(next_day)
    assert not Law.objects.in_force(next_day).filter(pk=loitering_law.pk).exists()
    assert Law.objects.ended_before(next_day).filter(pk=loitering_law.pk).exists()


def test_a_law_with_no_end_date_is_in_force_on_any_date(db: Any) -> None:
    law = Law.objects.get(citation="Cal. Penal Code § 647(b)")
    for day in (dt.date(1950, 1, 1), dt.date(2023, 1, 1), dt.date(2099, 12, 31)):
        assert law.in_force_on(day)
        assert Law.objects.in_force(day).filter(pk=law.pk).exists()


def test_a_law_that_starts_in_the_future_is_not_yet_in_force(norwalk_ct: Place) -> None:
    start = dt.date.today() + dt.timedelta(days=30)
    law = Law.objects.create(
        jurisdiction=Place.objects.get(path="us/ct"),
        citation="Conn. Gen. Stat. § 99-999 (test)",
        title="A law passed but not yet in force",
        effective_from=start,
    )
    LawStatement.objects.create(
        law=law,
        topic="selling",
        summary="Takes effect next month.",
        fact=Fact.objects.create(label="future law"),
    )
    # Guides show only facts with a source.
    source = Source.objects.create(key="test-future-law", url="https://example.org/", title="T")
    cite(law.statements.get().fact, source)
    today = dt.date.today()
    assert not Law.objects.in_force(today).filter(pk=law.pk).exists()
    assert Law.objects.in_force(start).filter(pk=law.pk).exists()
    assert law.citation not in current_law_citations(compose_guide(norwalk_ct, today))
    assert law.citation in current_law_citations(compose_guide(norwalk_ct, start))


def test_a_program_that_ended_is_not_offered(norwalk_ca: Place) -> None:
    program = Program.objects.create(
        jurisdiction=Place.objects.get(path="us/ca"),
        kind=ProgramKind.DIVERSION,
        title="A diversion pilot that ended (test)",
        summary="Ran until 2020.",
        effective_to=dt.date(2020, 12, 31),
        fact=Fact.objects.create(label="ended program"),
    )
    assert Program.objects.in_force(dt.date(2020, 12, 31)).filter(pk=program.pk).exists()
    assert not Program.objects.in_force(dt.date(2021, 1, 1)).filter(pk=program.pk).exists()


def test_the_california_guide_of_mid_2022_lists_the_loitering_law_as_current(
    norwalk_ca: Place,
) -> None:
    guide = compose_guide(norwalk_ca, on=dt.date(2022, 6, 1))
    assert LOITERING in current_law_citations(guide)
    assert LOITERING not in {item.obj.law.citation for item in guide.repealed}


def test_the_california_guide_of_2024_lists_the_loitering_law_only_as_repealed(
    norwalk_ca: Place,
) -> None:
    guide = compose_guide(norwalk_ca, on=dt.date(2024, 1, 1))
    assert LOITERING not in current_law_citations(guide)
    repealed = [item.obj.law for item in guide.repealed]
    assert [law.citation for law in repealed] == [LOITERING]
    # Prostitution itself is still a crime.
    assert "Cal. Penal Code § 647(b)" in current_law_citations(guide)


def test_the_repealed_law_is_linked_to_the_change_that_ended_it(loitering_law: Law) -> None:
    assert SB_357 in [change.bill for change in loitering_law.changes.all()]
    assert [change.bill for change in loitering_law.ended_by()] == [SB_357]
    change = LawChange.objects.get(bill=SB_357)
    assert change.effective_on == dt.date(2023, 1, 1)
    assert loitering_law in change.laws.all()


def test_a_change_not_yet_in_effect_is_not_listed_among_the_changes(norwalk_ca: Place) -> None:
    before = change_bills(compose_guide(norwalk_ca, on=dt.date(2022, 6, 1)))
    after = change_bills(compose_guide(norwalk_ca, on=dt.date(2024, 1, 1)))
    assert SB_357 not in before
    assert SB_357 in after
    assert "SB 233 (2019)" in before


def test_the_changes_are_listed_newest_first(norwalk_ca: Place) -> None:
    guide = compose_guide(norwalk_ca, on=dt.date(2024, 1, 1))
    changes = [
        item.obj
        for answer in guide.answers
        for block in answer.blocks
        if block.kind == "law_changes"
        for item in block.items
    ]
    dated = [c.effective_on for c in changes if c.effective_on]
    assert dated == sorted(dated, reverse=True)


def test_the_page_for_2024_says_what_ended_the_loitering_law(client: Client) -> None:
    response = client.get("/us/ca/norwalk/", {"date": "2024-01-01"})
    assert response.status_code == 200
    article = parse(response.content).by_id("law-changes")
    repealed = [li.text() for li in article.find_all("li") if LOITERING in li.text()]
    assert len(repealed) == 1
    assert "ended by SB 357 (2022)" in repealed[0]
    assert "In force until 31 Dec 2022" in repealed[0]
    assert "as the law stood on" in response.content.decode()


def test_the_page_for_mid_2022_shows_the_loitering_law_in_force(client: Client) -> None:
    response = client.get("/us/ca/norwalk/", {"date": "2022-06-01"})
    page = parse(response.content)
    legal_status = page.by_id("legal-status").text()
    assert LOITERING in legal_status
    assert "No longer in force" not in page.by_id("law-changes").text()


def test_a_state_law_applies_to_every_city_of_the_state_and_to_no_other(db: Any) -> None:
    long_beach = Place.objects.get(path="us/ca/long-beach")
    stamford = Place.objects.get(path="us/ct/stamford")
    on = dt.date(2022, 6, 1)
    assert LOITERING in current_law_citations(compose_guide(long_beach, on))
    assert LOITERING not in current_law_citations(compose_guide(stamford, on))
