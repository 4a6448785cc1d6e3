""" "Can my record be cleared?": the rule each state's relief laws carry, the matching, the
form's refusals, and the privacy of the answers (POST only, no-store, no cookie, no log)."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from tests.htmltree import Element, parse
from waypost.datasets.demo import PROJECT_DATA, STATE_LAWS
from waypost.datasets.errors import DataFileError
from waypost.datasets.facts import load_facts_file
from waypost.laws.models import Program, ReliefRule
from waypost.relief.forms import YEARS_LABELS
from waypost.relief.services import YEARS_AGO, Answers, Verdict, match

pytestmark = pytest.mark.django_db

LAW_FILES = sorted((PROJECT_DATA / STATE_LAWS).glob("us-*.json"))
VERDICT_IDS = {"may-fit", "not-yet", "unknown", "does-not-fit"}


def _relief_programs(path: Path) -> list[dict[str, Any]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return [p for p in data["programs"] if p["kind"] == "record relief"]


def _answers(**changes: Any) -> dict[str, Any]:
    base = {
        "state": "ct",
        "records": ["selling"],
        "trafficked": "yes",
        "years_ago": "3",
        "other_convictions": "no",
        "under_18": "no",
    }
    return {**base, **changes}


def _where(html: bytes, title: str) -> set[str]:
    """The verdict sections whose text names the program."""
    tree = parse(html)
    found = set()
    for verdict in VERDICT_IDS:
        try:
            section = tree.by_id(verdict)
        except LookupError:
            continue
        # A program's title heads its entry (another's summary may mention it).
        if any(strong.text() == title for strong in section.find_all("strong")):
            found.add(verdict)
    return found


# -- the data: every state, every relief law -------------------------------------------------


def test_there_are_law_files_to_walk() -> None:
    assert len(LAW_FILES) == 51


@pytest.mark.parametrize("path", LAW_FILES, ids=[p.stem for p in LAW_FILES])
def test_each_relief_law_lands_where_its_rule_says(client: Client, path: Path) -> None:
    """For each relief law of the state: answers its rule fits put it under "may fit" on
    the state's page, and a record it does not clear puts it under "does not fit"."""
    code = path.stem.removeprefix("us-")
    programs = _relief_programs(path)
    if not programs:
        # A state without such a law says so, and the checker shows it.
        data = json.loads(path.read_text(encoding="utf-8"))
        notes = [n for n in data.get("notes", []) if n.get("question") == "record-clearing"]
        assert notes, f"{path.name}: no record-relief program and no note saying why"
        response = client.post(f"/us/{code}/record-relief/", _answers(state=code))
        shown = parse(response.content).by_id("state-notes").text()
        assert all(n["summary"][:60] in shown for n in notes)
    for program in programs:
        rule = program.get("relief")
        assert rule, f"{path.name}: {program['title']!r} has no relief rule"
        records = [r for r in rule["records"] if r != "any"] or ["other"]
        fitting = _answers(
            state=code,
            records=records,
            years_ago="10",
            under_18="yes" if rule["minors_only"] else "no",
        )
        response = client.post(f"/us/{code}/record-relief/", fitting)
        assert response.status_code == 200, response.content[:2000]
        assert _where(response.content, program["title"]) == {"may-fit"}, program["title"]
        not_cleared = [
            r for r in ("selling", "buying", "loitering", "other") if r not in rule["records"]
        ]
        if "any" not in rule["records"] and not_cleared:
            other = {**fitting, "records": not_cleared[:1]}
            response = client.post(f"/us/{code}/record-relief/", other)
            assert _where(response.content, program["title"]) == {"does-not-fit"}


# -- the rule, read from a facts file --------------------------------------------------------


def _file(tmp_path: Path, relief: Any, kind: str = "record relief") -> Path:
    path = tmp_path / "us-ct.json"
    path.write_text(
        json.dumps(
            {
                "checked_on": "2026-12-05",
                "method": "test",
                "sources": [{"key": "s", "url": "https://example.org/", "title": "T"}],
                "programs": [
                    {
                        "jurisdiction": "US-CT",
                        "kind": kind,
                        "title": "A relief law",
                        "summary": "It clears records.",
                        "sources": ["s"],
                        "relief": relief,
                    }
                ],
            }
        )
    )
    return path


GOOD_RULE = {
    "remedies": ["vacatur"],
    "records": ["selling"],
    "trafficking": "required",
    "wait_years": 2,
    "other_convictions": None,
    "minors_only": False,
}


def test_a_rule_loads_with_its_program(tmp_path: Path) -> None:
    load_facts_file(_file(tmp_path, GOOD_RULE))
    rule = ReliefRule.objects.get(program__title="A relief law")
    assert (rule.remedies, rule.records, rule.trafficking) == (["vacatur"], ["selling"], "required")
    assert (rule.wait_years, rule.other_convictions, rule.minors_only) == (2, "", False)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"remedies": ["pardon"]}, "remedies"),
        ({"remedies": []}, "remedies"),
        ({"records": ["selling", 3]}, "records"),
        ({"trafficking": "maybe"}, "trafficking"),
        ({"wait_years": -1}, "wait_years"),
        ({"wait_years": 99}, "wait_years"),
        ({"wait_years": "2"}, "wait_years"),
        ({"other_convictions": "never"}, "other_convictions"),
        ({"minors_only": "no"}, "minors_only"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_a_bad_rule_is_refused_by_field_and_nothing_loads(
    tmp_path: Path, change: dict[str, Any], field: str
) -> None:
    before = Program.objects.count()
    with pytest.raises(DataFileError) as refused:
        load_facts_file(_file(tmp_path, {**GOOD_RULE, **change}))
    assert f"relief.{field}" in str(refused.value) or field in str(refused.value)
    assert "programs[0]" in str(refused.value)
    assert Program.objects.count() == before


def test_only_a_record_relief_program_has_a_rule(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="only a record-relief program"):
        load_facts_file(_file(tmp_path, GOOD_RULE, kind="safe harbor"))


# -- matching ---------------------------------------------------------------------------------


def _rule(**fields: Any) -> ReliefRule:
    return ReliefRule(**{**GOOD_RULE, "other_convictions": "", **fields})


def _said(**fields: Any) -> Answers:
    base = {
        "records": frozenset({"selling"}),
        "trafficked": "yes",
        "years_ago": "3",
        "other_convictions": "no",
        "under_18": "no",
    }
    return Answers(**{**base, **fields})


def test_a_fitting_record_may_fit_and_says_what_it_needs() -> None:
    found = match(_rule(), _said())
    assert found.verdict == Verdict.MAY_FIT
    assert any("trafficked" in n for n in found.needs)


@pytest.mark.parametrize(
    ("rule", "said", "verdict"),
    [
        ({}, {"records": frozenset({"buying"})}, Verdict.DOES_NOT_FIT),
        ({"records": ["any"]}, {"records": frozenset({"other"})}, Verdict.MAY_FIT),
        ({}, {"trafficked": "no"}, Verdict.DOES_NOT_FIT),
        ({}, {"trafficked": "unsure"}, Verdict.MAY_FIT),
        ({"trafficking": "not-required"}, {"trafficked": "no"}, Verdict.MAY_FIT),
        ({"minors_only": True}, {"under_18": "no"}, Verdict.DOES_NOT_FIT),
        ({"minors_only": True}, {"under_18": "unsure"}, Verdict.MAY_FIT),
        ({"wait_years": 5}, {"years_ago": "1"}, Verdict.NOT_YET),
        ({"wait_years": 5}, {"years_ago": "5"}, Verdict.MAY_FIT),
        ({"wait_years": 5}, {"years_ago": "unsure"}, Verdict.MAY_FIT),
        ({"wait_years": 5}, {"years_ago": "1", "trafficked": "no"}, Verdict.DOES_NOT_FIT),
    ],
)
def test_each_rule_meets_each_answer(
    rule: dict[str, Any], said: dict[str, Any], verdict: str
) -> None:
    assert match(_rule(**rule), _said(**said)).verdict == verdict


def test_what_the_law_leaves_open_is_said_not_guessed() -> None:
    found = match(
        _rule(trafficking="", wait_years=None), _said(other_convictions="yes", years_ago="0")
    )
    assert found.verdict == Verdict.MAY_FIT
    assert len(found.needs) == 3  # trafficking, waiting time, other convictions: unknown
    assert match(_rule(other_convictions="may-bar"), _said(other_convictions="unsure")).needs
    assert match(None, _said()).verdict == Verdict.UNKNOWN


def test_the_waiting_answers_name_the_same_spans_as_the_matching() -> None:
    assert set(YEARS_LABELS) == set(YEARS_AGO)


# -- the page ---------------------------------------------------------------------------------


def _ct_rule() -> ReliefRule:
    program = Program.objects.get(jurisdiction__path="us/ct", title__startswith="Clearing records")
    ReliefRule.objects.filter(program=program).delete()
    return ReliefRule.objects.create(
        program=program, remedies=["vacatur"], records=["selling"], trafficking="required"
    )


@pytest.mark.parametrize("path", ["/us/ct/record-relief/", "/es/us/ct/norwalk/record-relief/"])
def test_the_form_is_a_public_page_without_a_cookie(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert not response.cookies
    assert "public" in response["Cache-Control"]
    form = parse(response.content).find_all("form", "relief-form")[0]
    assert form.attrs["method"] == "post" and form.attrs["autocomplete"] == "off"
    assert 'name="csrfmiddlewaretoken"' not in response.content.decode()


@pytest.mark.parametrize(
    "path", ["/us/zz/record-relief/", "/us/ct/no-such-city/record-relief/", "/us/ct/x/"]
)
def test_an_unknown_state_or_city_is_not_found(client: Client, path: str) -> None:
    assert client.get(path).status_code == 404


def test_the_answer_page_is_no_store_and_sets_no_cookie(client: Client) -> None:
    _ct_rule()
    response = client.post("/us/ct/norwalk/record-relief/", _answers())
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert not response.cookies
    page = parse(response.content)
    fits = page.by_id("may-fit")
    assert "Conn. Gen. Stat. § 54-95c" in fits.text()
    # Every finding cites its sources, listed with their dates on the page.
    assert fits.source_refs()
    assert "Vacatur" in fits.text()
    assert page.by_id("legal-help") and page.by_id("checklist")
    assert "Information, not legal advice" in page.by_id("main").text()


def test_the_answer_is_in_spanish_on_the_spanish_page(client: Client) -> None:
    _ct_rule()
    response = client.post("/es/us/ct/record-relief/", _answers())
    text = parse(response.content).by_id("main").text()
    assert "Lo que puede corresponder a sus antecedentes" in text
    assert "Anulación de la condena" in text


def test_a_state_chosen_in_the_form_is_the_one_answered(client: Client) -> None:
    response = client.post("/us/ct/record-relief/", _answers(state="ca"))
    assert response.status_code == 200
    assert "in California?" in parse(response.content).find_all("h1")[0].text()


def _errors(response: Any) -> dict[str, str]:
    tree: Element = parse(response.content)
    return {
        e.attrs["id"].removeprefix("error-"): e.text()
        for e in tree.iter()
        if e.attrs.get("id", "").startswith("error-")
    }


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"records": []}, "records"),
        ({"records": ["selling", "arson"]}, "records"),
        ({"trafficked": ""}, "trafficked"),
        ({"trafficked": "perhaps"}, "trafficked"),
        ({"years_ago": "7"}, "years_ago"),
        ({"other_convictions": "x" * 3000}, "other_convictions"),
        ({"under_18": None}, "under_18"),
        ({"state": "zz"}, "state"),
        ({"state": "us/ct"}, "state"),
        # Contradictory: a record that came out of being trafficked, but "not trafficked".
        ({"records": ["trafficking-related"], "trafficked": "no"}, "trafficked"),
    ],
)
def test_a_bad_answer_is_named_beside_its_field(
    client: Client, data: dict[str, Any], field: str
) -> None:
    posted = {k: v for k, v in _answers(**data).items() if v is not None}
    response = client.post("/us/ct/record-relief/", posted)
    assert response.status_code == 400
    assert set(_errors(response)) == {field}
    assert "no-store" in response["Cache-Control"]
    assert not parse(response.content).find_all("section")  # no answer shown


def test_an_oversized_form_is_refused_with_a_message(client: Client) -> None:
    response = client.post("/us/ct/record-relief/", _answers(padding="x" * 10_000))
    assert response.status_code == 400
    assert "too large" in _errors(response)["form"]


def test_too_many_fields_are_refused_with_a_message(client: Client) -> None:
    body = "&".join(f"f{i}=1" for i in range(1500))
    response = client.generic(
        "POST",
        "/us/ct/record-relief/",
        body,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert "too large" in _errors(response)["form"]


def test_answers_by_get_are_ignored(client: Client) -> None:
    response = client.get("/us/ct/record-relief/", _answers())
    assert response.status_code == 200
    assert not parse(response.content).find_all("section")


def test_other_methods_are_refused(client: Client) -> None:
    assert client.put("/us/ct/record-relief/").status_code == 405


def test_the_answers_reach_no_log(client: Client, caplog: pytest.LogCaptureFixture) -> None:
    _ct_rule()
    marker = "zq-answer-marker"
    with caplog.at_level(logging.DEBUG):
        client.post("/us/ct/record-relief/", _answers())
        client.post("/us/ct/record-relief/", _answers(records=[marker]))
        client.post("/us/ct/record-relief/", _answers(padding=marker * 1000))
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "Bad Request" in logged  # the refusals were logged, by path alone
    assert marker not in logged and "trafficked" not in logged


def test_the_guide_and_the_state_page_link_to_the_checker(client: Client) -> None:
    guide = parse(client.get("/us/ct/norwalk/").content).by_id("record-clearing")
    assert any(a.attrs.get("href") == "/us/ct/norwalk/record-relief/" for a in guide.find_all("a"))
    state = parse(client.get("/es/us/ct/").content).by_id("programs")
    assert any(a.attrs.get("href") == "/es/us/ct/record-relief/" for a in state.find_all("a"))
