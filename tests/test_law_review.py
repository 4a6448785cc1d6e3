"""The editors' law review report is regenerated from the state law files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from waypost.datasets.demo import PROJECT_DATA, STATE_LAWS
from waypost.datasets.errors import DataFileError
from waypost.datasets.law_review import report_markdown, review_all, review_file


def test_the_committed_report_matches_the_data() -> None:
    call_command("law_review", "--check")


def test_a_stale_report_is_refused(tmp_path: Path) -> None:
    stale = tmp_path / "REVIEW.md"
    stale.write_text("# an old report\n")
    with pytest.raises(CommandError, match="out of date"):
        call_command("law_review", "--check", "--output", str(stale))


def test_each_state_appears_once_with_its_counts() -> None:
    reviews = review_all(PROJECT_DATA / STATE_LAWS)
    assert len(reviews) == 51
    text = report_markdown(reviews)
    for review in reviews:
        assert text.count(f"\n| {review.name} |") == 1, review.name


def test_marks_unconfirmed_claims_and_official_penalties_are_counted(tmp_path: Path) -> None:
    path = tmp_path / "us-zz.json"
    path.write_text(
        json.dumps(
            {
                "checked_on": "2026-12-05",
                "states": {"ZZ": "Testland"},
                "sources": [
                    {"key": "code", "official": True},
                    {"key": "blog"},
                ],
                "laws": [
                    {
                        "topic": "selling",
                        "citation": "§ 1",
                        "max_jail": "1 year",
                        "sources": ["code"],
                        "review": "held",
                    },
                    {
                        "topic": "buying",
                        "citation": "§ 2",
                        "max_fine_usd": 500,
                        "sources": ["blog"],
                        "review": "corrected",
                    },
                    {
                        "topic": "promoting",
                        "citation": "§ 3",
                        "summary": "no penalty named",
                        "sources": ["blog"],
                        "review": "added",
                        "status": "unconfirmed",
                        "note": "The code page was not reachable.",
                    },
                    {
                        # Its official source backs another part: the penalty stays unread.
                        "topic": "buying",
                        "citation": "§ 4",
                        "classification": "misdemeanor",
                        "sources": ["code"],
                        "review": "added",
                        "status": "unconfirmed",
                    },
                ],
            }
        )
    )
    review = review_file(path)
    assert (review.count("held"), review.count("corrected"), review.count("added")) == (1, 1, 2)
    facts = (
        review.penalty_facts,
        review.penalty_facts_official,
        review.penalty_facts_official_confirmed,
    )
    assert facts == (3, 2, 1)
    text = report_markdown([review])
    assert "| Testland | 2026-12-05 | 4 | 1 | 1 | 2 | 0 | 2 | 3 | 67% | 33% | 1 of 2 |" in text
    assert "The code page was not reachable." in text


def test_a_broken_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "us-zz.json"
    path.write_text("{not json")
    with pytest.raises(DataFileError, match=r"us-zz\.json"):
        review_file(path)
