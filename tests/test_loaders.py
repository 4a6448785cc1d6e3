"""The facts and editorial loaders: all or nothing, idempotent, errors that say where."""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Model

from waypost.datasets.editorial import load_editorial_file
from waypost.datasets.errors import DataFileError
from waypost.datasets.facts import load_facts_file
from waypost.directory.models import (
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
)
from waypost.evidence.models import Check, Citation, Fact, Source, Status
from waypost.guides.models import EditorialAnswer, PlaceFact
from waypost.laws.models import Law, LawChange, LawStatement, Program
from waypost.places.models import Place

pytestmark = pytest.mark.django_db

COUNTED: list[type[Model]] = [
    Source,
    Fact,
    Citation,
    Check,
    Law,
    LawStatement,
    LawChange,
    Program,
    PlaceFact,
    Organization,
    Service,
    Location,
    ServiceAtLocation,
    ServiceArea,
    Phone,
    Schedule,
    EditorialAnswer,
]


def counts() -> dict[str, int]:
    return {model.__name__: model._default_manager.count() for model in COUNTED}


def minimal_facts() -> dict[str, Any]:
    """A small valid facts file, one record per section, named so as not to meet the demo's."""
    return {
        "checked_on": "2026-11-01",
        "method": "archived copy of the source page",
        "sources": [
            {
                "key": "test-statute",
                "url": "https://example.org/statute",
                "title": "A test statute",
                "publisher": "Test Legislature",
                "as_of": "2024",
            },
            {"key": "test-directory", "url": "https://example.org/dir", "title": "A directory"},
        ],
        "laws": [
            {
                "jurisdiction": "US-CT",
                "topic": "selling",
                "citation": "Test Gen. Stat. § 1-1",
                "title": "A test law",
                "summary": "Says something plain.",
                "classification": "class A misdemeanor",
                "max_fine_usd": 2000,
                "effective_to": "2030-12-31",
                "sources": ["test-statute"],
            }
        ],
        "law_changes": [
            {
                "jurisdiction": "US-CT",
                "bill": "Test Act 1 (2024)",
                "effective": "2024-10-01",
                "change": "Amended Test § 1-1 to say something plainer.",
                "sources": ["test-statute"],
                "status": "unconfirmed",
            }
        ],
        "programs": [
            {
                "jurisdiction": "US-CT",
                "kind": "diversion",
                "title": "A test diversion program",
                "summary": "Lets a first offence be dismissed.",
                "sources": ["test-statute"],
            }
        ],
        "hotlines": [
            {
                "name": "Test Helpline",
                "scope": "US-CT",
                "phones": [{"number": "1-800-555-0100", "type": "voice"}, "1-800-555-0101"],
                "categories": ["crisis"],
                "sources": ["test-directory"],
            }
        ],
        "services": [
            {
                "name": "Test Clinic",
                "organization": "Test Health",
                "address": "1 Test Street, Norwalk, CT 06850",
                "phone": "203-555-0100",
                "categories": ["STI testing"],
                "attributes": ["free", "walk-in"],
                "schedule": [{"days": ["MO", "WE"], "opens": "09:00", "closes": "17:00"}],
                "sources": ["test-directory"],
            }
        ],
    }


def write_json(tmp_path: Path, data: Any, name: str = "test-facts.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def assert_refused(path: Path, *fragments: str) -> DataFileError:
    """Loading fails with a message naming the file and each fragment; nothing is written."""
    before = counts()
    with pytest.raises(DataFileError) as caught:
        load_facts_file(path)
    message = str(caught.value)
    assert message.startswith(f"{path.name}: "), message
    for fragment in fragments:
        assert fragment in message, message
    assert counts() == before
    return caught.value


def with_change(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    data = minimal_facts()
    change(data)
    return data


# -- a valid file ---------------------------------------------------------------------


def test_a_valid_file_loads_every_section(tmp_path: Path) -> None:
    before = counts()
    report = load_facts_file(write_json(tmp_path, minimal_facts()))
    after = counts()
    assert report.counts["laws"] == 1
    assert after["Source"] == before["Source"] + 2
    assert after["Law"] == before["Law"] + 1
    assert after["LawChange"] == before["LawChange"] + 1
    assert after["Program"] == before["Program"] + 1
    assert after["Service"] == before["Service"] + 2
    assert after["Phone"] == before["Phone"] + 3
    assert after["Schedule"] == before["Schedule"] + 2
    law = Law.objects.get(citation="Test Gen. Stat. § 1-1")
    assert law.jurisdiction.path == "us/ct"
    assert law.effective_to == dt.date(2030, 12, 31)
    [statement] = law.statements.all()
    assert statement.max_fine_usd == 2000
    assert [s.key for s in statement.fact.sources.all()] == ["test-statute"]
    assert statement.fact.last_checked_on == dt.date(2026, 11, 1)


def test_a_confirmed_fact_loads_as_checked(tmp_path: Path) -> None:
    load_facts_file(write_json(tmp_path, minimal_facts()))
    fact = LawStatement.objects.get(law__citation="Test Gen. Stat. § 1-1").fact
    assert fact.status(dt.date(2026, 11, 23)) == Status.CHECKED


def test_an_unconfirmed_fact_loads_as_unchecked(tmp_path: Path) -> None:
    load_facts_file(write_json(tmp_path, minimal_facts()))
    fact = LawChange.objects.get(bill="Test Act 1 (2024)").fact
    assert fact.last_outcome == "unconfirmed"
    assert fact.status(dt.date(2026, 11, 23)) == Status.UNCHECKED


def test_a_service_address_is_placed_in_the_right_norwalk(tmp_path: Path) -> None:
    load_facts_file(write_json(tmp_path, minimal_facts()))
    clinic = Service.objects.get(name="Test Clinic")
    [location] = [link.location for link in clinic.at_locations.all()]
    assert location.place is not None
    assert location.place.path == "us/ct/norwalk"
    assert location.address.postal_code == "06850"
    assert sorted(t.code for t in clinic.attributes.all()) == ["free", "walk-in"]


def test_a_hotline_serves_the_area_of_its_scope(tmp_path: Path) -> None:
    load_facts_file(write_json(tmp_path, minimal_facts()))
    helpline = Service.objects.get(name="Test Helpline")
    assert [area.place.path for area in helpline.areas.all() if area.place] == ["us/ct"]
    assert helpline.areas.count() == 1
    assert not helpline.at_locations.exists()
    assert sorted(p.number for p in helpline.phones.all()) == ["1-800-555-0100", "1-800-555-0101"]


def test_loading_the_same_file_twice_changes_nothing_the_second_time(tmp_path: Path) -> None:
    path = write_json(tmp_path, minimal_facts())
    load_facts_file(path)
    once = counts()
    load_facts_file(path)
    assert counts() == once


def test_loading_the_demo_file_again_changes_nothing() -> None:
    from waypost.datasets.demo import demo_files

    before = counts()
    for path in demo_files():
        load_facts_file(path)
    assert counts() == before


def test_loading_an_updated_file_updates_rather_than_duplicates(tmp_path: Path) -> None:
    load_facts_file(write_json(tmp_path, minimal_facts()))
    once = counts()
    data = minimal_facts()
    data["laws"][0]["summary"] = "Says something plainer."
    data["checked_on"] = "2026-11-20"
    load_facts_file(write_json(tmp_path, data))
    after = counts()
    assert after["Law"] == once["Law"]
    assert after["LawStatement"] == once["LawStatement"]
    assert after["Fact"] == once["Fact"]
    assert after["Check"] > once["Check"]  # a new check date is a new check
    statement = LawStatement.objects.get(law__citation="Test Gen. Stat. § 1-1")
    assert statement.summary == "Says something plainer."
    assert statement.fact.last_checked_on == dt.date(2026, 11, 20)


# -- each bad input, refused with its record and field, and nothing written -------------


def test_a_law_citing_a_missing_source_key_is_refused(tmp_path: Path) -> None:
    data = with_change(lambda d: d["laws"][0].update(sources=["no-such-source"]))
    error = assert_refused(
        write_json(tmp_path, data),
        "laws[0] (Test Gen. Stat. § 1-1)",
        "field 'sources'",
        "'no-such-source'",
    )
    assert error.field == "sources"


def test_an_impossible_date_is_refused(tmp_path: Path) -> None:
    data = with_change(lambda d: d["laws"][0].update(effective_to="2022-13-01"))
    assert_refused(
        write_json(tmp_path, data),
        "laws[0] (Test Gen. Stat. § 1-1)",
        "field 'effective_to'",
        "'2022-13-01' is not a date",
    )


def test_an_end_date_before_the_start_date_is_refused(tmp_path: Path) -> None:
    data = with_change(
        lambda d: d["laws"][0].update(effective_from="2025-01-01", effective_to="2024-01-01")
    )
    assert_refused(write_json(tmp_path, data), "laws[0]", "field 'effective_to'")


def test_an_unknown_jurisdiction_is_refused(tmp_path: Path) -> None:
    data = with_change(lambda d: d["laws"][0].update(jurisdiction="US-ZZ"))
    assert_refused(
        write_json(tmp_path, data),
        "laws[0] (Test Gen. Stat. § 1-1)",
        "field 'jurisdiction'",
        "'ZZ' is not a US state code",
    )


def test_an_unknown_county_is_refused(tmp_path: Path) -> None:
    data = with_change(lambda d: d["programs"][0].update(jurisdiction="US-CT-Atlantis County"))
    assert_refused(write_json(tmp_path, data), "programs[0]", "field 'jurisdiction'", "Atlantis")


def test_the_same_law_twice_in_one_file_is_refused(tmp_path: Path) -> None:
    data = with_change(lambda d: d["laws"].append(copy.deepcopy(d["laws"][0])))
    assert_refused(
        write_json(tmp_path, data),
        "laws[1] (Test Gen. Stat. § 1-1)",
        "field 'citation'",
        "duplicates laws[0]",
    )


def test_the_same_source_key_twice_is_refused(tmp_path: Path) -> None:
    data = with_change(lambda d: d["sources"].append(copy.deepcopy(d["sources"][0])))
    assert_refused(write_json(tmp_path, data), "sources[2] (test-statute)", "field 'key'")


def test_invalid_json_is_refused_with_its_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{\n  "checked_on": "2026-11-01",\n  "method": "x",,\n}\n', encoding="utf-8")
    assert_refused(path, "line 3, column 17", "is not valid JSON")


def test_a_file_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes('{"checked_on": "2026-11-01", "method": "vérifié"}'.encode("latin-1"))
    assert_refused(path, "file", "is not UTF-8")


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    assert_refused(tmp_path / "absent.json", "does not exist")


def test_a_file_without_a_check_date_is_refused(tmp_path: Path) -> None:
    data = with_change(lambda d: d.pop("checked_on"))
    assert_refused(write_json(tmp_path, data), "field 'checked_on'", "is missing")


def test_an_unknown_section_is_refused(tmp_path: Path) -> None:
    data = with_change(lambda d: d.update(statistics=[]))
    assert_refused(write_json(tmp_path, data), "field 'statistics'", "not a section")


def test_an_unknown_category_on_a_service_is_refused(tmp_path: Path) -> None:
    data = with_change(lambda d: d["services"][0].update(categories=["STI testing", "Astrology"]))
    assert_refused(
        write_json(tmp_path, data),
        "services[0] (Test Clinic)",
        "field 'categories'",
        "'Astrology' is not a known category",
    )


def test_an_unknown_attribute_on_a_service_is_refused(tmp_path: Path) -> None:
    data = with_change(lambda d: d["services"][0].update(attributes=["free", "fast"]))
    assert_refused(write_json(tmp_path, data), "services[0] (Test Clinic)", "field 'attributes'")


def test_a_service_area_that_cannot_be_placed_is_refused(tmp_path: Path) -> None:
    def vague(d: dict[str, Any]) -> None:
        d["services"][0].pop("address")
        d["services"][0]["area"] = "Somewhere near the river"

    assert_refused(
        write_json(tmp_path, with_change(vague)),
        "services[0] (Test Clinic)",
        "field 'area'",
        "cannot tell where",
    )


def test_a_service_in_a_town_that_does_not_exist_is_refused(tmp_path: Path) -> None:
    data = with_change(lambda d: d["services"][0].update(address="1 Test Street, Nowhereville, CT"))
    assert_refused(
        write_json(tmp_path, data), "services[0] (Test Clinic)", "field 'address'", "Nowhereville"
    )


def test_a_service_with_neither_address_nor_area_is_refused(tmp_path: Path) -> None:
    data = with_change(lambda d: d["services"][0].pop("address"))
    assert_refused(write_json(tmp_path, data), "services[0] (Test Clinic)", "field 'address'")


@pytest.mark.parametrize(
    ("schedule", "field"),
    [
        ({"days": ["MO"], "opens": "25:00", "closes": "26:00"}, "opens"),
        ({"days": ["MO"], "opens": "09:00", "closes": "5pm"}, "closes"),
        ({"days": ["MO"], "opens": "17:00", "closes": "09:00"}, "closes"),
        ({"days": ["Monday"], "opens": "09:00", "closes": "17:00"}, "days"),
    ],
    ids=["hour-25", "not-a-time", "closes-before-opens", "unknown-day"],
)
def test_a_bad_schedule_is_refused(tmp_path: Path, schedule: dict[str, Any], field: str) -> None:
    data = with_change(lambda d: d["services"][0].update(schedule=[schedule]))
    assert_refused(
        write_json(tmp_path, data), "services[0] (Test Clinic).schedule[0]", f"field '{field}'"
    )


def test_a_phone_number_without_digits_is_refused(tmp_path: Path) -> None:
    data = with_change(lambda d: d["hotlines"][0]["phones"].append("call us"))
    assert_refused(write_json(tmp_path, data), "hotlines[0] (Test Helpline).phones[2]", "'number'")


def test_an_error_in_the_last_record_rolls_back_every_record_before_it(tmp_path: Path) -> None:
    def break_last(d: dict[str, Any]) -> None:
        last = copy.deepcopy(d["services"][0])
        last["name"] = "Test Clinic, second site"
        last["schedule"] = [{"days": ["TU"], "opens": "09:00", "closes": "8am"}]
        d["services"].append(last)

    data = with_change(break_last)
    assert_refused(write_json(tmp_path, data), "services[1]", "field 'closes'")
    assert not Source.objects.filter(key="test-statute").exists()
    assert not Law.objects.filter(citation="Test Gen. Stat. § 1-1").exists()
    assert not Service.objects.filter(name="Test Clinic").exists()
    assert not Organization.objects.filter(name="Test Health").exists()


def test_a_failed_reload_leaves_the_earlier_load_as_it_was(tmp_path: Path) -> None:
    load_facts_file(write_json(tmp_path, minimal_facts()))
    once = counts()
    data = minimal_facts()
    data["laws"][0]["summary"] = "A new summary that must not be kept."
    data["services"][0]["categories"] = ["Astrology"]
    assert_refused(write_json(tmp_path, data), "field 'categories'")
    assert counts() == once
    statement = LawStatement.objects.get(law__citation="Test Gen. Stat. § 1-1")
    assert statement.summary == "Says something plain."


# -- the command ----------------------------------------------------------------------


def test_the_load_facts_command_reports_a_bad_file_as_a_command_error(tmp_path: Path) -> None:
    data = with_change(lambda d: d["laws"][0].update(effective_to="2022-13-01"))
    path = write_json(tmp_path, data)
    before = counts()
    with pytest.raises(CommandError) as caught:
        call_command("load_facts", str(path))
    message = str(caught.value)
    assert "test-facts.json: laws[0] (Test Gen. Stat. § 1-1), field 'effective_to'" in message
    assert "nothing was loaded" in message
    assert counts() == before


def test_the_load_facts_command_loads_a_good_file(tmp_path: Path) -> None:
    from io import StringIO

    out = StringIO()
    call_command("load_facts", str(write_json(tmp_path, minimal_facts())), stdout=out)
    assert "test-facts.json: loaded" in out.getvalue()
    assert Law.objects.filter(citation="Test Gen. Stat. § 1-1").exists()


# -- editorial answers ----------------------------------------------------------------


def editorial_file(
    tmp_path: Path,
    body: str,
    *,
    place: str = "us/oh/norwalk",
    header: dict[str, str] | None = None,
    name: str = "test-answers.md",
) -> Path:
    fields = {"place": place, "language": "en", "checked_on": "2026-11-01"}
    fields.update(header or {})
    lines = ["---", *(f"{k}: {v}" for k, v in fields.items() if v is not None), "---", body]
    path = tmp_path / name
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


GOOD_SECTION = "## legal-status\nA sentence with its source [[leginfo-ab733-2015]].\n"


def assert_editorial_refused(path: Path, *fragments: str) -> None:
    before = counts()
    with pytest.raises(DataFileError) as caught:
        load_editorial_file(path)
    message = str(caught.value)
    assert message.startswith(f"{path.name}: "), message
    for fragment in fragments:
        assert fragment in message, message
    assert counts() == before


def test_a_valid_editorial_file_loads_its_answers_with_sources_and_a_check(
    tmp_path: Path,
) -> None:
    assert load_editorial_file(editorial_file(tmp_path, GOOD_SECTION)) == 1
    answer = EditorialAnswer.objects.get(place__path="us/oh/norwalk", question="legal-status")
    assert [s.key for s in answer.fact.sources.all()] == ["leginfo-ab733-2015"]
    assert answer.fact.last_checked_on == dt.date(2026, 11, 1)
    assert "<p>" in answer.body_html


def test_loading_an_editorial_file_twice_changes_nothing(tmp_path: Path) -> None:
    path = editorial_file(tmp_path, GOOD_SECTION)
    load_editorial_file(path)
    once = counts()
    load_editorial_file(path)
    assert counts() == once


def test_an_editorial_answer_citing_an_unknown_source_is_refused(tmp_path: Path) -> None:
    body = GOOD_SECTION + "## penalties\nA claim [[no-such-source]].\n"
    assert_editorial_refused(
        editorial_file(tmp_path, body), "section '## penalties'", "'no-such-source'"
    )


def test_an_editorial_section_for_an_unknown_question_is_refused(tmp_path: Path) -> None:
    body = GOOD_SECTION + "## where-to-buy\nNot a question [[leginfo-ab733-2015]].\n"
    assert_editorial_refused(
        editorial_file(tmp_path, body), "section '## where-to-buy'", "not a guide question"
    )


@pytest.mark.parametrize("field", ["place", "language", "checked_on"])
def test_an_editorial_file_missing_a_header_field_is_refused(tmp_path: Path, field: str) -> None:
    path = editorial_file(tmp_path, GOOD_SECTION, header={field: ""})
    assert_editorial_refused(path, "header", f"field '{field}'", "is missing")


def test_an_editorial_file_for_an_unknown_place_is_refused(tmp_path: Path) -> None:
    path = editorial_file(tmp_path, GOOD_SECTION, place="us/zz/nowhere")
    assert_editorial_refused(path, "header", "field 'place'", "'us/zz/nowhere'")


def test_an_editorial_file_with_a_bad_check_date_is_refused(tmp_path: Path) -> None:
    path = editorial_file(tmp_path, GOOD_SECTION, header={"checked_on": "2026-13-01"})
    assert_editorial_refused(path, "field 'checked_on'", "'2026-13-01'")


def test_an_editorial_file_in_a_language_not_offered_is_refused(tmp_path: Path) -> None:
    path = editorial_file(tmp_path, GOOD_SECTION, header={"language": "fr"})
    assert_editorial_refused(path, "field 'language'", "'fr'")


def test_an_editorial_section_without_a_source_is_refused(tmp_path: Path) -> None:
    body = GOOD_SECTION + "## penalties\nA claim with no source.\n"
    assert_editorial_refused(editorial_file(tmp_path, body), "section '## penalties'", "cites no")


def test_an_editorial_question_answered_twice_in_one_file_is_refused(tmp_path: Path) -> None:
    assert_editorial_refused(
        editorial_file(tmp_path, GOOD_SECTION + GOOD_SECTION),
        "section '## legal-status'",
        "appears twice",
    )


def test_an_editorial_file_without_a_header_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "no-header.md"
    path.write_text(GOOD_SECTION, encoding="utf-8")
    assert_editorial_refused(path, "line 1")


def test_the_load_editorial_command_reports_a_bad_file_as_a_command_error(
    tmp_path: Path,
) -> None:
    path = editorial_file(tmp_path, GOOD_SECTION, place="us/zz/nowhere")
    with pytest.raises(CommandError) as caught:
        call_command("load_editorial", str(path))
    assert "test-answers.md: header, field 'place'" in str(caught.value)
    assert "nothing was loaded" in str(caught.value)


def test_a_reloaded_editorial_file_replaces_the_answers_it_no_longer_has(tmp_path: Path) -> None:
    two = GOOD_SECTION + "## penalties\nUp to six months [[shouselaw-647b]].\n"
    load_editorial_file(editorial_file(tmp_path, two))
    load_editorial_file(editorial_file(tmp_path, GOOD_SECTION))
    questions = EditorialAnswer.objects.filter(place__path="us/oh/norwalk").values_list(
        "question", flat=True
    )
    assert list(questions) == ["legal-status"]
    assert Place.objects.filter(path="us/oh/norwalk").exists()
