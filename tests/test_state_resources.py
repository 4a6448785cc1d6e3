"""Each state's statewide help accounts for every kind: a record, or the reason it has none."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from waypost.datasets.demo import PROJECT_DATA, STATE_RESOURCES
from waypost.datasets.errors import DataFileError
from waypost.datasets.facts import RESOURCE_KINDS, load_facts_file
from waypost.directory.models import Service

FILES = sorted((PROJECT_DATA / STATE_RESOURCES).glob("us-*.json"))


def test_every_state_and_dc_has_a_resource_file() -> None:
    laws = sorted(p.name for p in (PROJECT_DATA / "laws").glob("us-*.json"))
    assert len(laws) == 51
    assert [p.name for p in FILES] == laws


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_every_kind_is_there_or_explained(path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    (code,) = data["states"]
    assert path.stem == f"us-{code.lower()}"
    found = {r["resource"] for section in ("hotlines", "services") for r in data.get(section, [])}
    absent = {r["resource"] for r in data.get("absent", [])}
    assert not found & absent, "a kind both found and absent"
    assert found | absent == set(RESOURCE_KINDS)
    # A source marked official is a government page or the organisation's own.
    own = {s["key"] for s in data["sources"] if s.get("official")}
    for section in ("hotlines", "services"):
        for record in data.get(section, []):
            assert record.get("scope", f"US-{code}") == f"US-{code}"
            assert record["sources"], record["name"]
            assert own & set(record["sources"]), f"{record['name']}: no official or own source"


@pytest.mark.django_db
def test_an_unknown_kind_or_an_unexplained_gap_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "us-ct.json"
    path.write_text(
        json.dumps(
            {
                "checked_on": "2026-12-05",
                "method": "test",
                "absent": [{"resource": "ferry", "why": "no ferries"}],
            }
        )
    )
    with pytest.raises(DataFileError, match="'ferry' is not one of"):
        load_facts_file(path)
    path.write_text(
        json.dumps({"checked_on": "2026-12-05", "method": "test", "absent": [{"resource": "211"}]})
    )
    with pytest.raises(DataFileError, match="why"):
        load_facts_file(path)


@pytest.mark.django_db
def test_a_line_loaded_twice_answers_what_each_file_meant_it_for(tmp_path: Path) -> None:
    def hotline(categories: list[str]) -> dict[str, object]:
        return {
            "name": "Test State Helpline",
            "scope": "US-RI",
            "phones": ["1-800-555-0199"],
            "categories": categories,
            "sources": ["s"],
        }

    source = {"key": "s", "url": "https://example.org/help", "title": "Help"}
    for name, categories in (("first.json", []), ("second.json", ["sexual-assault"])):
        path = tmp_path / name
        path.write_text(
            json.dumps(
                {
                    "checked_on": "2026-12-05",
                    "method": "test",
                    "sources": [source],
                    "hotlines": [hotline(categories)],
                }
            )
        )
        load_facts_file(path)
    (service,) = Service.objects.filter(name="Test State Helpline")
    assert [c.code for c in service.categories.all()] == ["sexual-assault"]
    assert service.fact.citations.count() == 1
