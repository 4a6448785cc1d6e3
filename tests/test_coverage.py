"""The editors' coverage report: the shared service, the /coverage/ page and the command."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client

from tests.htmltree import parse
from waypost.evidence.models import Citation, Fact, Outcome, Source
from waypost.guides.coverage import (
    CHECKED,
    COVERAGE_TOPICS,
    MISSING,
    UNCHECKED,
    state_coverage,
    states,
)
from waypost.guides.models import PlaceFact

pytestmark = pytest.mark.django_db


def test_every_state_has_a_status_for_every_topic() -> None:
    rows = state_coverage()
    assert len(rows) == 51
    for row in rows:
        assert len(row.cells) == len(COVERAGE_TOPICS)
        assert {status for _, status in row.cells} <= {"checked", "unchecked", "missing"}


def test_michigan_law_on_selling_and_buying_is_checked() -> None:
    # Michigan's penalties were read in the Legislature's own texts; Maine's only in copies.
    (michigan,) = state_coverage(states("MI"))
    assert michigan.statuses["selling"] == CHECKED
    assert michigan.statuses["buying"] == CHECKED
    assert michigan.checked_count <= michigan.topic_count == 5
    (maine,) = state_coverage(states("ME"))
    assert maine.statuses["selling"] == UNCHECKED


def test_an_unsourced_unconfirmed_note_counts_as_unchecked_until_a_sourced_check() -> None:
    (before,) = state_coverage(states("CT"))
    assert before.statuses.get("notes", MISSING) == MISSING
    fact = Fact.objects.create(label="CT note", last_outcome=Outcome.UNCONFIRMED)
    PlaceFact.objects.create(place=before.state, text="A note.", fact=fact)
    (after,) = state_coverage(states("CT"))
    assert after.statuses["notes"] == UNCHECKED
    source = Source.objects.create(key="ct-note", url="https://example.org/", title="Note")
    Citation.objects.create(fact=fact, source=source)
    Fact.objects.filter(pk=fact.pk).update(
        last_checked_on=dt.date.today(), last_outcome=Outcome.CONFIRMED
    )
    (checked,) = state_coverage(states("CT"))
    assert checked.statuses["notes"] == CHECKED


def test_the_coverage_page_sends_anonymous_readers_to_the_editors_login(client: Client) -> None:
    response = client.get("/coverage/")
    assert response.status_code == 302
    assert response["Location"] == "/editors/login/?next=/coverage/"


def test_the_coverage_page_is_shown_to_staff(client: Client) -> None:
    editor = User.objects.create_user("editor", password="x", is_staff=True)
    client.force_login(editor)
    response = client.get("/coverage/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Connecticut" in body
    assert "record relief" in body
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_a_reader_who_is_not_staff_is_sent_to_the_login(client: Client) -> None:
    client.force_login(User.objects.create_user("reader", password="x"))
    assert client.get("/coverage/").status_code == 302


def test_the_coverage_command_names_every_state() -> None:
    out = StringIO()
    call_command("coverage_report", stdout=out)
    text = out.getvalue()
    for state in states():
        assert state.name in text
    assert "safe harbor" in text.splitlines()[0]


def test_the_coverage_command_filters_to_one_state() -> None:
    out = StringIO()
    call_command("coverage_report", "--state", "CT", stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 2
    assert lines[1].startswith("Connecticut")


def test_the_coverage_command_refuses_an_unknown_state_code_by_name() -> None:
    with pytest.raises(CommandError, match="ZZ"):
        call_command("coverage_report", "--state", "ZZ")


def test_the_page_and_the_command_agree(client: Client) -> None:
    client.force_login(User.objects.create_user("ed2", password="x", is_staff=True))
    page = parse(client.get("/coverage/").content)
    row = next(tr for tr in page.find_all("tr") if tr.text().startswith("Maine"))
    on_page = [td.text() for td in row.find_all("td")]
    out = StringIO()
    call_command("coverage_report", "--state", "ME", stdout=out)
    in_command = out.getvalue().splitlines()[1].split()[1:]
    assert on_page == in_command
