"""Plain language: every English guide answer reads at US grade 8 or below (Flesch-Kincaid)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import textstat
from django.conf import settings

from waypost.guides.editorial import MARKER

MAX_GRADE = 8.0
SECTION = re.compile(r"^## +(\S+) *\n(.*?)(?=^## |\Z)", re.M | re.S)


def english_answers() -> list[tuple[str, str]]:
    out = []
    for path in sorted((settings.BASE_DIR / "data" / "editorial").glob("*.md")):
        header, _, body = path.read_text("utf-8").partition("\n---\n")
        if re.search(r"^language: *en *$", header, re.M):
            out.extend((f"{path.name} ## {slug}", text) for slug, text in SECTION.findall(body))
    return out


def readable_text(markdown: str) -> str:
    """What a reader reads: no citation markers, no Markdown link targets or emphasis."""
    text = MARKER.sub("", markdown)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return re.sub(r"[*_`#>]", "", text)


ANSWERS = english_answers()


def test_there_are_answers_to_measure() -> None:
    assert len(ANSWERS) >= 25


@pytest.mark.parametrize(("where", "text"), ANSWERS, ids=[w for w, _ in ANSWERS])
def test_english_answer_is_at_grade_8_or_below(where: str, text: str) -> None:
    grade = textstat.flesch_kincaid_grade(readable_text(text))
    assert grade <= MAX_GRADE, f"{where} reads at grade {grade:.1f}"


def test_the_measure_can_fail() -> None:
    dense = (
        "Notwithstanding the aforementioned jurisdictional considerations, individuals "
        "contemplating participation in commercial sexual transactions should anticipate "
        "substantial administrative and prosecutorial consequences."
    )
    assert textstat.flesch_kincaid_grade(dense) > MAX_GRADE


def test_spanish_answers_are_not_measured_as_english() -> None:
    assert all(not w.startswith("es-") for w, _ in ANSWERS)
    assert Path(settings.BASE_DIR / "data" / "editorial" / "es-us.md").exists()
