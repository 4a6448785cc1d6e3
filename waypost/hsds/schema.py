"""Checks HSDS 3.1 JSON documents against Waypost's own schema of them, in Waypost's words.

The schema is derived from `tables.py`, Waypost's description of the HSDS fields it reads
(kind, required, allowed values), and from the way documents nest records (`NESTING`): a
service holds phones, schedules, service areas, languages, attributes and its locations; an
organization holds services. It needs nothing outside this repository. Values are judged by
`values.convert`, the rule the import applies to every field, so a document and a CSV cell
are refused with the same words. Fields Waypost does not model are let through unread.

The tests compare this schema with the official Open Referral files where they are present.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError, best_match

from waypost.hsds import tables as t
from waypost.hsds.values import BadValue, Column, convert

# Column kind → (JSON type, format checked by `values.convert`).
JSON_TYPES: dict[str, tuple[str, str | None]] = {
    "text": ("string", None),
    "uuid": ("string", "uuid"),
    "email": ("string", "email"),
    "uri": ("string", "uri"),
    "date": ("string", "date"),
    "datetime": ("string", "date-time"),
    "time": ("string", "time"),
    "int": ("integer", None),
    "number": ("number", None),
}
FORMAT_KINDS = {fmt: kind for kind, (_, fmt) in JSON_TYPES.items() if fmt}


@dataclass(frozen=True)
class Nested:
    """How a record appears inside a document: its table, the columns its place in the
    document supplies (a nested address needs no `location_id`), and what it holds."""

    table: t.Table
    implied: tuple[str, ...] = ()
    objects: dict[str, Nested] = field(default_factory=dict)
    lists: dict[str, Nested] = field(default_factory=dict)


def _service_children() -> dict[str, Nested]:
    owner = ("service_id", "service_at_location_id", "location_id")
    return {
        "phones": Nested(
            t.PHONE, owner, lists={"languages": Nested(t.LANGUAGE, ("phone_id", *owner))}
        ),
        "schedules": Nested(t.SCHEDULE, owner),
        "service_areas": Nested(t.SERVICE_AREA, owner),
    }


TERM = Nested(
    t.TAXONOMY_TERM,
    objects={"taxonomy_detail": Nested(t.TAXONOMY)},
)
LOCATION = Nested(
    t.LOCATION,
    ("organization_id",),
    lists={"addresses": Nested(t.ADDRESS, ("location_id",))},
)
SERVICE = Nested(
    t.SERVICE,
    ("organization_id",),
    objects={"organization": Nested(t.ORGANIZATION)},
    lists={
        **_service_children(),
        "languages": Nested(t.LANGUAGE, ("service_id",)),
        "attributes": Nested(
            t.ATTRIBUTE,
            ("link_id", "link_entity", "taxonomy_term_id"),
            objects={"taxonomy_term": TERM},
        ),
        "service_at_locations": Nested(
            t.SERVICE_AT_LOCATION,
            ("service_id", "location_id"),
            objects={"location": LOCATION},
            lists=_service_children(),
        ),
    },
)
ORGANIZATION = Nested(t.ORGANIZATION, lists={"services": SERVICE})
# The kinds of document an import reads, by name.
NESTING = {
    "service": SERVICE,
    "organization": ORGANIZATION,
    "location": LOCATION,
    "taxonomy": Nested(t.TAXONOMY),
    "taxonomy_term": TERM,
}


def _property(column: Column, *, required: bool) -> dict[str, Any]:
    json_type, fmt = JSON_TYPES[column.kind]
    # An optional field may be null: many publishers write null rather than leave it out.
    found: dict[str, Any] = {"type": json_type if required else [json_type, "null"]}
    if fmt:
        found["format"] = fmt
    if column.choices:
        found["enum"] = [*column.choices, *([] if required else [None])]
    return found


def json_schema(nested: Nested, *, nullable: bool = False) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one record as it appears in a document."""
    required = [c.name for c in nested.table.columns if c.required and c.name not in nested.implied]
    properties: dict[str, Any] = {
        c.name: _property(c, required=c.name in required) for c in nested.table.columns
    }
    for name, child in nested.objects.items():
        properties[name] = json_schema(child, nullable=True)
    for name, child in nested.lists.items():
        properties[name] = {"type": ["array", "null"], "items": json_schema(child)}
    # `required` and `properties` apply to objects only, so a nullable record is null or whole.
    json_type = ["object", "null"] if nullable else "object"
    return {"type": json_type, "required": required, "properties": properties}


def _format_checker() -> FormatChecker:
    checker = FormatChecker(formats=())
    for fmt, kind in FORMAT_KINDS.items():

        def check(instance: object, kind: str = kind) -> bool:
            if isinstance(instance, str):
                convert(Column("value", kind), instance)  # BadValue says why
            return True

        checker.checks(fmt, raises=BadValue)(check)
    return checker


@cache
def validator(entity: str) -> Draft202012Validator:
    """The validator of a document of one of the kinds in `NESTING`."""
    schema = {"$schema": Draft202012Validator.META_SCHEMA["$id"], **json_schema(NESTING[entity])}
    return Draft202012Validator(schema, format_checker=_format_checker())


def problem(entity: str, document: Any) -> tuple[str, str | None, str] | None:
    """(JSON pointer inside the document, field, reason) of the most telling error, or None."""
    error = best_match(validator(entity).iter_errors(document))
    if error is None:
        return None
    return _describe(error)


def _describe(error: ValidationError) -> tuple[str, str | None, str]:
    path = [str(p) for p in error.absolute_path]
    if error.validator == "required" and isinstance(error.instance, dict):
        missing = [p for p in _listed(error.validator_value) if p not in error.instance]
        return _pointer(path), (missing[0] if missing else None), "is required"
    # Point at the record that holds the field, as the import's own checks do.
    field_name = path[-1] if path and not path[-1].isdigit() else None
    if field_name is not None:
        path = path[:-1]
    reason = error.message
    shown = json.dumps(error.instance)[:60]
    if error.validator == "type":
        wanted = [v for v in _listed(error.validator_value) if v != "null"]
        kinds = " or ".join(wanted) if wanted else str(error.validator_value)
        reason = f"must be of type {kinds}, not {shown}"
    elif error.validator == "format" and isinstance(error.cause, BadValue):
        reason = str(error.cause)
    elif error.validator == "enum":
        allowed = ", ".join(str(v) for v in _listed(error.validator_value) if v is not None)
        reason = f"{shown} is not one of {allowed}"
    return _pointer(path), field_name, reason


def _pointer(path: list[str]) -> str:
    return "".join(f"/{p}" for p in path)


def _listed(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else []
