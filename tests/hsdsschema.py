"""Validating documents against the official HSDS 3.1 JSON schemas (read, never copied).

The files come from the folder named by `WAYPOST_HSDS_REFERENCE_DIR`; without it, a test
that asks for them is skipped, saying why.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SKIP_REASON = "WAYPOST_HSDS_REFERENCE_DIR is not set: the official HSDS 3.1 files are not here"


def schema_dir() -> Path:
    if settings.HSDS_REFERENCE_DIR is None:
        pytest.skip(SKIP_REASON)
    return Path(settings.HSDS_REFERENCE_DIR) / "schema"


@functools.cache
def _registry(folder: Path) -> Registry:
    resources = []
    for path in sorted(folder.glob("*.json")):
        contents = json.loads(path.read_text())
        resources.append((path.name, Resource.from_contents(contents, DRAFT202012)))
    return Registry().with_resources(resources)


@functools.cache
def _validator(folder: Path, name: str) -> Draft202012Validator:
    schema = json.loads((folder / name).read_text())
    return Draft202012Validator(schema, registry=_registry(folder), format_checker=FormatChecker())


def official_schema(name: str) -> dict[str, Any]:
    """One official schema file (`service.json`, …), as read."""
    return dict(json.loads((schema_dir() / name).read_text()))


def errors(name: str, document: Any) -> list[str]:
    """Errors of a document against `service.json`, `compiled/service_list.json` and so on."""
    found = _validator(schema_dir(), name).iter_errors(document)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in found]


def page_keys() -> tuple[str, ...]:
    """The page wrapper's fields, as the HSDS OpenAPI document lists them."""
    openapi = json.loads((schema_dir() / "openapi.json").read_text())
    return (*openapi["components"]["schemas"]["Page"]["properties"], "contents")
