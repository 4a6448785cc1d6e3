"""Provenance: the status rule, recording checks, and citing sources."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from waypost.evidence.models import Check, Citation, Fact, Outcome, Source, Status, fact_status
from waypost.evidence.services import cite, record_check

TODAY = dt.date(2026, 11, 23)


def days_ago(days: int) -> dt.date:
    return TODAY - dt.timedelta(days=days)


def make_fact(label: str = "a test fact") -> Fact:
    return Fact.objects.create(label=label)


def make_source(key: str = "test-source") -> Source:
    return Source.objects.create(key=key, url=f"https://example.org/{key}", title=key.title())


def check(fact: Fact, checked_on: dt.date, outcome: Outcome = Outcome.CONFIRMED) -> Check:
    return record_check(
        fact, checked_on=checked_on, checked_by="a tester", method="source page", outcome=outcome
    )


# -- the status rule --------------------------------------------------------------------


def test_a_fact_never_checked_is_unchecked() -> None:
    assert fact_status(None, "", 0, today=TODAY) == Status.UNCHECKED


def test_a_fact_confirmed_within_the_window_is_checked(settings: Any) -> None:
    settings.CHECK_VALID_DAYS = 365
    assert fact_status(days_ago(0), Outcome.CONFIRMED, 0, today=TODAY) == Status.CHECKED
    assert fact_status(days_ago(365), Outcome.CONFIRMED, 0, today=TODAY) == Status.CHECKED


def test_a_fact_confirmed_longer_ago_than_the_window_is_due(settings: Any) -> None:
    settings.CHECK_VALID_DAYS = 365
    assert fact_status(days_ago(366), Outcome.CONFIRMED, 0, today=TODAY) == Status.DUE


def test_shrinking_the_window_makes_a_recent_check_due(settings: Any) -> None:
    settings.CHECK_VALID_DAYS = 30
    assert fact_status(days_ago(30), Outcome.CONFIRMED, 0, today=TODAY) == Status.CHECKED
    assert fact_status(days_ago(31), Outcome.CONFIRMED, 0, today=TODAY) == Status.DUE


def test_the_window_is_measured_from_today_when_no_date_is_given(settings: Any) -> None:
    settings.CHECK_VALID_DAYS = 10
    today = dt.date.today()
    assert fact_status(today - dt.timedelta(days=3), Outcome.CONFIRMED, 0) == Status.CHECKED
    assert fact_status(today - dt.timedelta(days=11), Outcome.CONFIRMED, 0) == Status.DUE


def test_a_check_that_could_not_confirm_leaves_the_fact_unchecked() -> None:
    assert fact_status(days_ago(1), Outcome.UNCONFIRMED, 0, today=TODAY) == Status.UNCHECKED


def test_a_check_that_found_a_conflict_makes_the_fact_disputed() -> None:
    assert fact_status(days_ago(1), Outcome.CONFLICT, 0, today=TODAY) == Status.DISPUTED


def test_an_open_dispute_wins_over_a_recent_confirmation() -> None:
    assert fact_status(days_ago(1), Outcome.CONFIRMED, 1, today=TODAY) == Status.DISPUTED


def test_an_open_dispute_makes_even_an_unchecked_fact_disputed() -> None:
    assert fact_status(None, "", 2, today=TODAY) == Status.DISPUTED


def test_only_checked_and_due_facts_count_as_settled_on_a_page(db: Any) -> None:
    from waypost.guides.citations import Evidence

    settled = {
        status: Evidence((1,), status, TODAY, "").settled
        for status in (Status.CHECKED, Status.DUE, Status.UNCHECKED, Status.DISPUTED)
    }
    assert settled == {
        Status.CHECKED: True,
        Status.DUE: True,
        Status.UNCHECKED: False,
        Status.DISPUTED: False,
    }


# -- recording checks -------------------------------------------------------------------


def test_recording_a_check_dates_the_fact_and_gives_it_a_status(db: Any) -> None:
    fact = make_fact()
    assert fact.status(TODAY) == Status.UNCHECKED
    check(fact, days_ago(10))
    fact.refresh_from_db()
    assert fact.last_checked_on == days_ago(10)
    assert fact.last_outcome == Outcome.CONFIRMED
    assert fact.status(TODAY) == Status.CHECKED


def test_an_older_check_recorded_later_does_not_replace_the_newest(db: Any) -> None:
    fact = make_fact()
    check(fact, days_ago(5), Outcome.CONFIRMED)
    check(fact, days_ago(400), Outcome.CONFLICT)  # found in an old notebook, entered today
    fact.refresh_from_db()
    assert fact.last_checked_on == days_ago(5)
    assert fact.last_outcome == Outcome.CONFIRMED
    assert fact.status(TODAY) == Status.CHECKED
    assert fact.checks.count() == 2


def test_a_newer_check_replaces_the_outcome_of_an_older_one(db: Any) -> None:
    fact = make_fact()
    check(fact, days_ago(30), Outcome.CONFIRMED)
    check(fact, days_ago(2), Outcome.UNCONFIRMED)
    fact.refresh_from_db()
    assert (fact.last_checked_on, fact.last_outcome) == (days_ago(2), Outcome.UNCONFIRMED)
    assert fact.status(TODAY) == Status.UNCHECKED


def test_the_check_history_lists_the_newest_first(db: Any) -> None:
    fact = make_fact()
    for age in (100, 5, 50):
        check(fact, days_ago(age))
    assert [c.checked_on for c in fact.checks.all()] == [days_ago(5), days_ago(50), days_ago(100)]


def test_recording_a_check_keeps_an_open_dispute(db: Any) -> None:
    fact = make_fact()
    fact.open_disputes = 1
    fact.save()
    check(fact, days_ago(1))
    fact.refresh_from_db()
    assert fact.open_disputes == 1
    assert fact.status(TODAY) == Status.DISPUTED


# -- citations ------------------------------------------------------------------------


def test_citing_the_same_source_twice_keeps_one_citation(db: Any) -> None:
    fact, source = make_fact(), make_source()
    first = cite(fact, source, "the words")
    second = cite(fact, source, "the words")
    assert first.pk == second.pk
    assert Citation.objects.filter(fact=fact).count() == 1
    assert list(fact.sources.all()) == [source]
    second.refresh_from_db()
    assert second.excerpt == "the words"


def test_citing_again_with_a_new_excerpt_adds_it_to_the_same_citation(db: Any) -> None:
    fact, source = make_fact(), make_source()
    cite(fact, source, "first words")
    citation = cite(fact, source, "second words")
    citation.refresh_from_db()
    assert Citation.objects.filter(fact=fact).count() == 1
    assert citation.excerpt == "first words | second words"


def test_a_fact_can_cite_several_sources(db: Any) -> None:
    fact = make_fact()
    cite(fact, make_source("source-a"))
    cite(fact, make_source("source-b"))
    assert sorted(s.key for s in fact.sources.all()) == ["source-a", "source-b"]


def test_a_cited_source_cannot_be_deleted_from_under_a_fact(db: Any) -> None:
    from django.db.models import ProtectedError

    fact, source = make_fact(), make_source()
    cite(fact, source)
    with pytest.raises(ProtectedError):
        source.delete()
