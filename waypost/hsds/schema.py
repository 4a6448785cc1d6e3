"""Checks JSON documents against the official HSDS 3.1 JSON schemas, in Waypost's words.

The schemas are read from `settings.HSDS_SCHEMA_DIR` (the Open Referral files, not copied into
this project); without them, documents get Waypost's own field checks only.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError, best_match
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012


@cache
def validator(entity: str) -> Draft202012Validator | None:
    """A validator for `service`, `organization`, … or None when the schemas are absent."""
    folder = Path(settings.HSDS_SCHEMA_DIR)
    if not (folder / f"{entity}.json").is_file():
        return None
    resources = [
        (path.name, Resource.from_contents(json.loads(path.read_text()), DRAFT202012))
        for path in sorted(folder.glob("*.json"))
    ]
    registry: Registry[Any] = Registry().with_resources(resources)
    schema = json.loads((folder / f"{entity}.json").read_text())
    return Draft202012Validator(schema, registry=registry, format_checker=FormatChecker())


def problem(entity: str, document: Any) -> tuple[str, str | None, str] | None:
    """(JSON pointer inside the document, field, reason) of the most telling error, or None."""
    check = validator(entity)
    if check is None:
        return None
    error = best_match(check.iter_errors(document))
    if error is None:
        return None
    return _describe(error)


def _describe(error: ValidationError) -> tuple[str, str | None, str]:
    path = [str(p) for p in error.absolute_path]
    if error.validator == "required" and isinstance(error.instance, dict):
        missing = [p for p in _listed(error.validator_value) if p not in error.instance]
        return _pointer(path), (missing[0] if missing else None), "is required"
    # Point at the record that holds the field, as the import's own checks do.
    field = path[-1] if path and not path[-1].isdigit() else None
    if field is not None:
        path = path[:-1]
    reason = error.message
    if error.validator == "type":
        reason = f"must be of type {error.validator_value}, not {json.dumps(error.instance)[:60]}"
    elif error.validator == "format":
        reason = f"{json.dumps(error.instance)[:60]} is not a valid {error.validator_value}"
    elif error.validator == "enum":
        allowed = ", ".join(map(str, _listed(error.validator_value)))
        reason = f"{json.dumps(error.instance)[:60]} is not one of {allowed}"
    return _pointer(path), field, reason


def _pointer(path: list[str]) -> str:
    return "".join(f"/{p}" for p in path)


def _listed(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else []
