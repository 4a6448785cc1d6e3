"""Waypost's own schema of HSDS documents (derived from `waypost/hsds/tables.py`): what it
refuses, in Waypost's words, and how it compares with the official HSDS 3.1 schemas."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from tests.hsdsschema import official_schema
from waypost.hsds import schema
from waypost.hsds.schema import NESTING, Nested

OWN_EXAMPLE = Path(__file__).parent / "data" / "hsds" / "service_full.json"


def own_example() -> dict[str, Any]:
    return dict(json.loads(OWN_EXAMPLE.read_text()))


def test_own_example_is_valid() -> None:
    assert schema.problem("service", own_example()) is None
    organization = {**own_example()["organization"], "services": [own_example()]}
    assert schema.problem("organization", organization) is None


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda d: d.pop("status"), ("", "status", "is required")),
        (lambda d: d.update(status="open"), ("", "status", '"open" is not one of active')),
        (lambda d: d.update(name=5), ("", "name", "must be of type string, not 5")),
        (lambda d: d.update(minimum_age="12"), ("", "minimum_age", "must be of type integer")),
        (lambda d: d.update(url="not a url"), ("", "url", "'not a url' is not a valid URL")),
        (lambda d: d.update(last_modified="soon"), ("", "last_modified", "not a date and time")),
        (lambda d: d.update(phones={"id": 1}), ("", "phones", "must be of type array")),
        (lambda d: d["phones"][0].pop("number"), ("/phones/0", "number", "is required")),
        (
            lambda d: d["schedules"][0].update(opens_at="25:00"),
            ("/schedules/0", "opens_at", "'25:00' is not a time"),
        ),
        (lambda d: d.update(organization=[]), ("", "organization", "must be of type object")),
        (
            lambda d: d["service_at_locations"][0]["location"].update(latitude="north"),
            ("/service_at_locations/0/location", "latitude", "must be of type number"),
        ),
        (
            lambda d: d["service_at_locations"][0]["location"]["addresses"][0].pop("city"),
            ("/service_at_locations/0/location/addresses/0", "city", "is required"),
        ),
        (
            lambda d: d["attributes"][0]["taxonomy_term"].update(id="x"),
            ("/attributes/0/taxonomy_term", "id", "'x' is not a UUID"),
        ),
    ],
)
def test_bad_documents_are_refused_naming_pointer_and_field(
    edit: Any, expected: tuple[str, str, str]
) -> None:
    document = own_example()
    edit(document)
    found = schema.problem("service", document)
    assert found is not None
    assert found[:2] == expected[:2] and expected[2] in found[2], found


def test_optional_fields_may_be_null_and_unmodelled_ones_are_let_through() -> None:
    document = own_example()
    document.update(alternate_name=None, organization=None, funding=[{"anything": True}])
    assert schema.problem("service", document) is None


def test_the_schema_needs_no_file_outside_the_repository() -> None:
    # Built from Waypost's own tables whatever the reference setting says.
    assert settings.HSDS_REFERENCE_DIR is None or Path(settings.HSDS_REFERENCE_DIR).is_dir()
    built = schema.json_schema(NESTING["service"])
    assert built["required"] == ["id", "name", "status"]
    assert "$ref" not in json.dumps(built)


# Against the official schemas (skipped, saying why, when WAYPOST_HSDS_REFERENCE_DIR is unset) --


def _records(nested: Nested) -> list[Nested]:
    found = [nested]
    for child in (*nested.objects.values(), *nested.lists.values()):
        found += _records(child)
    return found


RECORDS = {(n.table.name, n.implied): n for n in _records(NESTING["organization"])}
COMPATIBLE = {("integer", "number"), ("integer", "integer"), ("number", "number")}
# Values HSDS lists in a field's description rather than as an enumeration: Waypost holds
# to the list.
LISTED_IN_DESCRIPTION = {("phone", "type")}
# Read more loosely than HSDS enumerates it: any case, and rules other than weekly ones are
# not kept (README, "HSDS 3.1 import and export").
LOOSER = {("schedule", "freq")}


@pytest.mark.parametrize("key", sorted(RECORDS, key=str), ids=lambda k: str(k[0]))
def test_waypost_fields_agree_with_the_official_schema(key: tuple[str, tuple[str, ...]]) -> None:
    nested = RECORDS[key]
    official = official_schema(f"{nested.table.name}.json")
    ours = schema.json_schema(nested)
    # Waypost never requires what HSDS leaves optional.
    assert set(ours["required"]) <= set(official.get("required", [])), nested.table.name
    for name, prop in ours["properties"].items():
        theirs = official["properties"].get(name)
        assert theirs is not None, f"{nested.table.name}.{name} is not an HSDS field"
        mine = [t for t in _listed(prop.get("type")) if t != "null"]
        wanted = _listed(theirs.get("type"))
        if mine == ["string"] or mine == ["array"] or mine == ["object"]:
            assert mine == wanted or (not wanted and "$ref" in theirs), (name, mine, theirs)
        elif mine:
            assert (mine[0], wanted[0]) in COMPATIBLE, (name, mine, wanted)
        if (nested.table.name, name) in LOOSER:
            continue
        if (nested.table.name, name) in LISTED_IN_DESCRIPTION:
            assert all(v in theirs["description"] for v in prop["enum"] if v), name
        elif "enum" in theirs or "enum" in prop:
            allowed = [v for v in prop.get("enum", []) if v is not None]
            assert allowed == theirs.get("enum"), (name, allowed, theirs.get("enum"))


def _listed(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


@pytest.mark.parametrize(
    ("name", "entity"),
    [
        ("service_full.json", "service"),
        ("service_list.json", "service"),
        ("organization_full.json", "organization"),
    ],
)
def test_official_examples_meet_waypost_schema(name: str, entity: str) -> None:
    official_schema("service.json")  # skips without the reference folder
    assert settings.HSDS_REFERENCE_DIR is not None
    document = json.loads((Path(settings.HSDS_REFERENCE_DIR) / "examples" / name).read_text())
    items = document.get("contents", [document])
    for item in items:
        assert schema.problem(entity, item) is None, item.get("name")
