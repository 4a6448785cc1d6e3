"""Loading state law from several files: one law per citation, each source's statement kept."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from tests.test_loaders import assert_refused, minimal_facts, write_json
from waypost.datasets.facts import load_facts_file
from waypost.directory.models import Service
from waypost.evidence.models import Status
from waypost.guides.models import PlaceFact
from waypost.guides.services import compose_guide
from waypost.laws.models import Law, LawStatement, citation_key
from waypost.places.models import Place

pytestmark = pytest.mark.django_db


def second_file() -> dict[str, Any]:
    """Another source on the same law, spelled with a descriptive tail, disagreeing on jail."""
    data = minimal_facts()
    data["sources"] = [
        {"key": "test-law-firm", "url": "https://example.org/firm", "title": "A law firm page"}
    ]
    law = data["laws"][0]
    law.update(
        citation="Test Gen. Stat. § 1-1 (selling sex)",
        summary="Says it with a different jail term.",
        max_jail="364 days",
        sources=["test-law-firm"],
        status="unconfirmed",
    )
    data["laws"] = [law]
    for section in ("law_changes", "programs", "hotlines", "services"):
        data[section] = []
    return data


def test_a_descriptive_tail_does_not_make_another_citation() -> None:
    assert citation_key("Conn. Gen. Stat. § 53a-83 (patronizing a prostitute)") == citation_key(
        "Conn. Gen. Stat. § 53a-83"
    )
    assert citation_key("Cal. Penal Code § 647(b)") != citation_key("Cal. Penal Code § 647")


def test_the_same_law_from_two_files_is_one_law_with_each_source_s_statement(
    tmp_path: Path,
) -> None:
    load_facts_file(write_json(tmp_path, minimal_facts(), "first.json"))
    load_facts_file(write_json(tmp_path, second_file(), "second.json"))
    [law] = Law.objects.filter(citation_key=citation_key("Test Gen. Stat. § 1-1"))
    statements = list(law.statements.order_by("id"))
    assert len(statements) == 2
    sources = [sorted(s.key for s in st.fact.sources.all()) for st in statements]
    assert sources == [["test-statute"], ["test-law-firm"]]
    # The weaker, unconfirmed statement stays unchecked beside the checked one.
    assert [st.fact.status() for st in statements] == [Status.CHECKED, Status.UNCHECKED]


def test_reloading_both_files_adds_nothing(tmp_path: Path) -> None:
    first = write_json(tmp_path, minimal_facts(), "first.json")
    second = write_json(tmp_path, second_file(), "second.json")
    load_facts_file(first)
    load_facts_file(second)
    before = LawStatement.objects.count()
    load_facts_file(first)
    load_facts_file(second)
    assert LawStatement.objects.count() == before


def test_an_unconfirmed_record_without_sources_loads_but_is_never_shown(tmp_path: Path) -> None:
    data = second_file()
    data["laws"][0].update(
        citation="Test Gen. Stat. § 9-9", sources=[], summary="Believed, not read in a source."
    )
    load_facts_file(write_json(tmp_path, data))
    statement = LawStatement.objects.get(law__citation="Test Gen. Stat. § 9-9")
    assert not statement.fact.citations.exists()
    guide = compose_guide(Place.objects.get(path="us/ct/norwalk"))
    shown = [item.obj for a in guide.answers for b in a.blocks for item in b.items]
    assert statement not in shown


def test_a_confirmed_record_without_sources_is_refused(tmp_path: Path) -> None:
    data = minimal_facts()
    data["laws"][0]["sources"] = []
    assert_refused(write_json(tmp_path, data), "laws[0]", "field 'sources'", "is missing")


def test_a_state_list_naming_an_unknown_state_is_refused(tmp_path: Path) -> None:
    data = minimal_facts()
    data["states"] = {"CT": "Connecticut", "ZZ": "Zedland"}
    assert_refused(write_json(tmp_path, data), "field 'states'", "'ZZ'")


def test_a_state_list_with_the_wrong_name_is_refused(tmp_path: Path) -> None:
    data = minimal_facts()
    data["states"] = {"CT": "Connecticut", "ME": "Massachusetts"}
    assert_refused(write_json(tmp_path, data), "field 'states'", "Maine")


def test_a_note_loads_as_a_fact_about_its_state(tmp_path: Path) -> None:
    data = minimal_facts()
    data["notes"] = [
        {
            "jurisdiction": "US-CT",
            "citation": "Test Gen. Stat. § 1-2",
            "summary": "A special rule of this state (test).",
            "sources": ["test-statute"],
        }
    ]
    load_facts_file(write_json(tmp_path, data))
    note = PlaceFact.objects.get(text="A special rule of this state (test).")
    assert note.place.path == "us/ct"
    assert note.question == "legal-status"
    assert note.citation == "Test Gen. Stat. § 1-2"


def test_a_note_for_an_unknown_jurisdiction_is_refused(tmp_path: Path) -> None:
    data = minimal_facts()
    data["notes"] = [{"jurisdiction": "US-ZZ", "summary": "x", "sources": ["test-statute"]}]
    assert_refused(write_json(tmp_path, data), "notes[0]", "field 'jurisdiction'")


def test_the_same_hotline_number_in_two_files_is_one_hotline(tmp_path: Path) -> None:
    load_facts_file(write_json(tmp_path, minimal_facts(), "first.json"))
    data = copy.deepcopy(second_file())
    data["laws"] = []
    data["hotlines"] = [
        {
            "name": "The state's test helpline, under another name",
            "scope": "US-CT",
            "phones": ["(800) 555-0100"],
            "sources": ["test-law-firm"],
        }
    ]
    load_facts_file(write_json(tmp_path, data, "second.json"))
    assert not Service.objects.filter(name__startswith="The state's test helpline").exists()
    helpline = Service.objects.get(name="Test Helpline")
    assert {s.key for s in helpline.fact.sources.all()} == {"test-directory", "test-law-firm"}
