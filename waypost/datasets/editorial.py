"""Load editorial answers: Markdown files with a small header, one section per question.

    ---
    place: us/ct/norwalk
    language: en
    checked_on: 2026-11-23
    ---
    ## legal-status
    Text with [[source-key]] markers.

A state file serves every city of the state unless the city has its own answer.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from django.conf import settings
from django.db import transaction

from waypost.datasets.errors import DataFileError
from waypost.dataversion.services import many_writes
from waypost.evidence.models import Fact, Outcome, Source
from waypost.evidence.services import cite, record_check
from waypost.guides.editorial import marker_keys
from waypost.guides.models import EditorialAnswer
from waypost.guides.topics import QUESTIONS
from waypost.places.models import Place

_HEADING = re.compile(r"^## +(\S+) *$", re.MULTILINE)
LANGUAGES = {code for code, _ in settings.LANGUAGES}


def _header(path: Path, text: str) -> tuple[dict[str, str], str, int]:
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        raise DataFileError(path.name, "line 1", None, "must start with a '---' header")
    header: dict[str, str] = {}
    for number, line in enumerate(lines[1:], start=2):
        if line.strip() == "---":
            return header, "\n".join(lines[number:]), number
        key, sep, value = line.partition(":")
        if not sep:
            raise DataFileError(path.name, f"line {number}", None, "header lines are 'key: value'")
        header[key.strip()] = value.strip()
    raise DataFileError(path.name, "header", None, "has no closing '---'")


def _section_date(path: Path, label: str, section: str) -> tuple[str, dt.date | None]:
    """A section may open with its own `checked_on: YYYY-MM-DD` line: answers added to a
    file later are checked later than the file's header says, and must not claim its date."""
    first, _, rest = section.partition("\n")
    key, sep, value = first.partition(":")
    if not sep or key.strip() != "checked_on":
        return section, None
    try:
        return rest.strip(), dt.date.fromisoformat(value.strip())
    except ValueError:
        raise DataFileError(
            path.name, label, "checked_on", f"{value.strip()!r} is not a date (YYYY-MM-DD)"
        ) from None


@many_writes()
def load_editorial_file(path: Path) -> int:
    """Load one file's answers (replacing that place's answers in that language)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (FileNotFoundError, UnicodeDecodeError) as exc:
        raise DataFileError(path.name, "file", None, f"cannot be read ({exc})") from None
    header, body, offset = _header(path, text)
    for key in ("place", "language", "checked_on"):
        if not header.get(key):
            raise DataFileError(path.name, "header", key, "is missing")
    place = Place.objects.filter(path=header["place"]).first()
    if place is None:
        raise DataFileError(path.name, "header", "place", f"unknown place {header['place']!r}")
    language = header["language"]
    if language not in LANGUAGES:
        raise DataFileError(path.name, "header", "language", f"{language!r} is not offered")
    try:
        checked_on = dt.date.fromisoformat(header["checked_on"])
    except ValueError:
        raise DataFileError(
            path.name,
            "header",
            "checked_on",
            f"{header['checked_on']!r} is not a date (YYYY-MM-DD)",
        ) from None

    parts = _HEADING.split(body)
    if parts[0].strip():
        raise DataFileError(
            path.name, f"line {offset + 1}", None, "text before the first '## question' heading"
        )
    sections = list(zip(parts[1::2], parts[2::2], strict=True))
    count = 0
    with transaction.atomic():
        seen: set[str] = set()
        for slug, section in sections:
            label = f"section '## {slug}'"
            if slug not in QUESTIONS:
                raise DataFileError(path.name, label, None, "is not a guide question")
            if slug in seen:
                raise DataFileError(path.name, label, None, "appears twice")
            seen.add(slug)
            section, section_checked_on = _section_date(path, label, section.strip())
            if not section:
                raise DataFileError(path.name, label, None, "is empty")
            keys = list(dict.fromkeys(marker_keys(section)))
            if not keys:
                raise DataFileError(path.name, label, None, "cites no source ([[source-key]])")
            sources = {s.key: s for s in Source.objects.filter(key__in=keys)}
            for key in keys:
                if key not in sources:
                    raise DataFileError(path.name, label, None, f"unknown source key {key!r}")
            existing = (
                EditorialAnswer.objects.filter(place=place, question=slug, language=language)
                .select_related("fact")
                .first()
            )
            if existing is not None:
                fact = existing.fact
                fact.citations.exclude(source__key__in=keys).delete()
            else:
                fact = Fact.objects.create(label=f"{place.path} · {slug} ({language})")
            for key in keys:
                cite(fact, sources[key])
            on = section_checked_on or checked_on
            if fact.last_checked_on != on:
                record_check(
                    fact,
                    checked_on=on,
                    checked_by="Waypost editors",
                    method="editorial review against the cited sources",
                    outcome=Outcome.CONFIRMED,
                    note=f"loaded from {path.name}",
                )
            EditorialAnswer.objects.update_or_create(
                place=place,
                question=slug,
                language=language,
                defaults={"body": section, "fact": fact},
            )
            count += 1
        EditorialAnswer.objects.filter(place=place, language=language).exclude(
            question__in=seen
        ).delete()
    return count


@many_writes()
def load_editorial_dir(directory: Path) -> int:
    if not directory.is_dir():
        raise DataFileError(str(directory), "directory", None, "does not exist")
    with transaction.atomic():
        return sum(load_editorial_file(p) for p in sorted(directory.glob("*.md")))
