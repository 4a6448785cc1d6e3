"""Law content as readers meet it: editors' notes never reach them, and each statement is
headed by what it is about (a buyer's rule is never shown as the seller's)."""

from __future__ import annotations

import html as htmllib
import json

import pytest
from django.test import Client

from waypost.datasets.demo import PROJECT_DATA, STATE_LAWS
from waypost.evidence.models import Fact
from waypost.laws.models import LawStatement, LawTopic
from waypost.places.models import Place

pytestmark = pytest.mark.django_db

# Words editors use in their working notes; a reader should meet none of them.
EDITORS_WORDS = (
    "verify before publishing",
    "I did not read",
    "I could not",
    "Restates",
    "Check statutes",
    "laws.json",
    "facts.json",
    "data/laws/",
    "was not read",
    "were not read",
)


# One per state law file: "us/al" ... "us/wy".
STATES = sorted(
    f"us/{path.stem.removeprefix('us-')}" for path in (PROJECT_DATA / STATE_LAWS).glob("us-*.json")
)


def _biggest_city(state: Place) -> Place:
    city = (
        Place.objects.filter(path__startswith=f"{state.path}/", kind="city")
        .order_by("-population", "path")
        .first()
    )
    assert city is not None, state.path
    return city


def _editors_notes() -> list[str]:
    """Every note long enough to be recognised if it leaked (short ones such as "2" are not)."""
    notes = set()
    for note in Fact.objects.exclude(note="").values_list("note", flat=True):
        notes.update(part.strip() for part in note.split("; ") if len(part.strip()) >= 24)
    return sorted(notes)


def _reader_pages(city: Place) -> list[str]:
    state, name = city.path.split("/")[1:3]
    return [
        f"/us/{state}/{name}/",
        f"/es/us/{state}/{name}/",
        f"/us/{state}/{name}/card/",
        f"/es/us/{state}/{name}/card/",
        f"/us/{state}/",
        f"/es/us/{state}/",
        f"/api/guides/us/{state}/{name}",
        f"/api/laws?jurisdiction=us/{state}",
    ]


def test_the_notes_looked_for_are_there() -> None:
    # Otherwise the test below would pass for want of anything to find.
    notes = _editors_notes()
    assert len(notes) > 100
    assert any("not read" in n for n in notes)


def test_every_state_is_tried_below() -> None:
    assert len(STATES) == 51
    assert sorted(STATES) == sorted(
        Place.objects.filter(kind="state").values_list("path", flat=True)
    )


@pytest.mark.parametrize("state", STATES)
def test_no_editors_note_reaches_a_reader(client: Client, state: str) -> None:
    notes = _editors_notes()
    for url in _reader_pages(_biggest_city(Place.objects.get(path=state))):
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        if url.startswith("/api/"):
            text = json.dumps(response.json(), ensure_ascii=False)
        text = htmllib.unescape(text)
        for word in EDITORS_WORDS:
            assert word not in text, (url, word)
        for note in notes:
            assert note not in text, (url, note)


def test_a_buyers_rule_is_headed_as_the_buyers_rule(client: Client) -> None:
    florida = Place.objects.get(path="us/fl")
    buying = LawStatement.objects.filter(law__jurisdiction=florida, topic=LawTopic.BUYING)
    assert buying.exists()
    response = client.get(f"/{florida.path}/")
    text = htmllib.unescape(response.content.decode())
    for statement in buying:
        assert "Selling" not in statement.heading
        at = text.index(statement.summary)
        item_start = text.rindex("<li>", 0, at)
        assert statement.heading in text[item_start:at], text[item_start:at]
    for statement in LawStatement.objects.filter(topic=LawTopic.BUYING):
        assert not statement.heading.lower().startswith("selling"), statement.pk
