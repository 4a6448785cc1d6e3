"""Load content translations: a JSON file per language of English text → translated text.

    {"language": "es",
     "entries": [{"en": "Class A misdemeanor", "text": "Delito menor de clase A"}, ...]}

The file is the whole set for its language: loading it replaces that language's
translations, all or nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.db import transaction

from waypost.datasets.errors import DataFileError
from waypost.dataversion.services import many_writes
from waypost.translations.models import Translation, text_key


@many_writes()
def load_translations_file(path: Path) -> int:
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
    with transaction.atomic():
        Translation.objects.filter(language=language).delete()
        Translation.objects.bulk_create(rows.values())
    return len(rows)


@many_writes()
def load_translations_dir(directory: Path) -> int:
    if not directory.is_dir():
        raise DataFileError(str(directory), "directory", None, "does not exist")
    with transaction.atomic():
        return sum(load_translations_file(p) for p in sorted(directory.glob("*.json")))
