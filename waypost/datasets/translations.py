"""Load content translations: a JSON file per language of English text → translated text.

    {"language": "es",
     "entries": [{"en": "Class A misdemeanor", "text": "Delito menor de clase A"}, ...]}

Loaded alone, a file is the whole set for its language; loaded as a folder, the files of
one language together are. Either way loading replaces that language's translations, all
or nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.db import transaction

from waypost.datasets.errors import DataFileError
from waypost.dataversion.services import many_writes
from waypost.translations.models import Translation, text_key


def read_translations_file(path: Path) -> tuple[str, dict[str, Translation]]:
    """The language of a translations file and its entries, refused whole if any is bad."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, UnicodeDecodeError) as exc:
        raise DataFileError(path.name, "file", None, f"cannot be read ({exc})") from None
    except json.JSONDecodeError as exc:
        raise DataFileError(
            path.name, f"line {exc.lineno}", None, f"is not JSON ({exc.msg})"
        ) from None
    if not isinstance(data, dict):
        raise DataFileError(path.name, "file", None, "must hold a JSON object")
    language = data.get("language")
    offered = {code for code, _ in settings.LANGUAGES} - {settings.LANGUAGE_CODE}
    if language not in offered:
        raise DataFileError(
            path.name, "file", "language", f"{language!r} is not one of {sorted(offered)}"
        )
    entries = data.get("entries")
    if not isinstance(entries, list):
        raise DataFileError(path.name, "file", "entries", "must be a list")
    rows: dict[str, Translation] = {}
    for number, entry in enumerate(entries, start=1):
        record = f"entry {number}"
        if not isinstance(entry, dict):
            raise DataFileError(path.name, record, None, "must be an object")
        for field in ("en", "text"):
            value = entry.get(field)
            if not isinstance(value, str) or not value.strip():
                raise DataFileError(path.name, record, field, "must be non-empty text")
        key = text_key(entry["en"])
        if key in rows:
            raise DataFileError(path.name, record, "en", "repeats an earlier entry")
        rows[key] = Translation(
            language=language, source_key=key, source=entry["en"], text=entry["text"]
        )
    return language, rows


def _replace(language: str, rows: dict[str, Translation]) -> None:
    with transaction.atomic():
        Translation.objects.filter(language=language).delete()
        Translation.objects.bulk_create(rows.values())


@many_writes()
def load_translations_file(path: Path) -> int:
    language, rows = read_translations_file(path)
    _replace(language, rows)
    return len(rows)


@many_writes()
def load_translations_dir(directory: Path) -> int:
    """Every file of the folder (and its subfolders) together is the whole set of each
    language it names; one English text translated twice, differently, is refused."""
    if not directory.is_dir():
        raise DataFileError(str(directory), "directory", None, "does not exist")
    by_language: dict[str, dict[str, Translation]] = {}
    origin: dict[tuple[str, str], str] = {}
    for path in sorted(directory.rglob("*.json")):
        language, rows = read_translations_file(path)
        kept = by_language.setdefault(language, {})
        for key, row in rows.items():
            earlier = kept.get(key)
            if earlier is not None and earlier.text != row.text:
                raise DataFileError(
                    path.name,
                    f"entry for {row.source[:60]!r}",
                    "text",
                    f"differs from the translation in {origin[(language, key)]}",
                )
            kept[key] = row
            origin.setdefault((language, key), path.name)
    with transaction.atomic():
        for language, rows in by_language.items():
            _replace(language, rows)
    return sum(len(rows) for rows in by_language.values())
