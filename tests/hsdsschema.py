"""Validating documents against the official HSDS 3.1 JSON schemas (read, never copied)."""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

REPO_ROOT = Path(__file__).resolve().parents[1]
SPEC_DIR = Path(os.environ.get("WAYPOST_HSDS_SPEC", REPO_ROOT.parent / "shared" / "hsds-3.1"))
SCHEMA_DIR = SPEC_DIR / "schema"


@functools.cache
def _registry() -> Registry:
    resources = []
    for path in sorted(SCHEMA_DIR.glob("*.json")):
        contents = json.loads(path.read_text())
        resources.append((path.name, Resource.from_contents(contents, DRAFT202012)))
    return Registry().with_resources(resources)


@functools.cache
def validator(name: str) -> Draft202012Validator:
    """A validator for `service.json`, `compiled/service_list.json` and so on."""
    schema = json.loads((SCHEMA_DIR / name).read_text())
    return Draft202012Validator(schema, registry=_registry(), format_checker=FormatChecker())


def errors(name: str, document: Any) -> list[str]:
    found = validator(name).iter_errors(document)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in found]


@functools.cache
def page_keys() -> tuple[str, ...]:
    """The page wrapper's fields, as the HSDS OpenAPI document lists them."""
    openapi = json.loads((SCHEMA_DIR / "openapi.json").read_text())
    return (*openapi["components"]["schemas"]["Page"]["properties"], "contents")
