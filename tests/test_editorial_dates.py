"""An answer added to an editorial file later carries its own check date, not the file's."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from waypost.datasets.editorial import load_editorial_file
from waypost.datasets.errors import DataFileError
from waypost.guides.models import EditorialAnswer

pytestmark = pytest.mark.django_db

HEADER = "---\nplace: us/ct/norwalk\nlanguage: en\nchecked_on: 2026-11-30\n---\n"
OLD = "## testing\nThe clinic tests for free [[ojjdp-ht-services]].\n"
NEW = "## legal-help\nchecked_on: 2026-12-05\nLegal aid is free [[ojjdp-ht-services]].\n"


def test_a_section_date_wins_over_the_header(tmp_path: Path) -> None:
    path = tmp_path / "us-ct-norwalk.md"
    path.write_text(HEADER + OLD + NEW)
    load_editorial_file(path)
    dates = {
        a.question: (a.fact.last_checked_on, a.body)
        for a in EditorialAnswer.objects.filter(place__path="us/ct/norwalk", language="en")
    }
    assert dates["testing"][0] == dt.date(2026, 11, 30)
    assert dates["legal-help"] == (dt.date(2026, 12, 5), "Legal aid is free [[ojjdp-ht-services]].")


def test_a_bad_section_date_names_the_section(tmp_path: Path) -> None:
    path = tmp_path / "us-ct-norwalk.md"
    path.write_text(HEADER + NEW.replace("2026-12-05", "soon"))
    with pytest.raises(DataFileError) as caught:
        load_editorial_file(path)
    assert caught.value.field == "checked_on" and "legal-help" in caught.value.record
