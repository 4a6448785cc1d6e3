"""HSDS import: what the standard allows is read, what it refuses or what a database cannot
keep is refused plainly (file, line or pointer, field), and the summary says what was left out.

Each test here stands for a defect found by importing files as other directories publish
them: a crash, a refusal stricter than HSDS, a value changed in silence.
"""

from __future__ import annotations

import codecs
import json
import uuid
from io import StringIO
from pathlib import Path
from typing import Any

import pytest

from tests.test_hsds_import import (
    OWN,
    SERVICE_ID,
    _edit_csv,
    _empty_directory,
    _service_doc,
    _set,
    package_copy,
    snapshot,
)
from waypost.datasets.errors import DataFileError
from waypost.directory import models as directory
from waypost.hsds.importer import ImportResult, import_hsds

pytestmark = pytest.mark.django_db


def refused(path: Path, **options: Any) -> DataFileError:
    """The import's refusal, after checking it changed nothing."""
    before = snapshot()
    with pytest.raises(DataFileError) as caught:
        import_hsds(path, **options)
    assert snapshot() == before
    return caught.value


def _new_id() -> str:
    return str(uuid.uuid4())


def _service(organization: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A small service of its own (new ids throughout) held by `organization`."""
    doc = _service_doc(id=_new_id(), organization=organization, **changes)
    doc["name"] = f"Service {doc['id'][:8]}"
    for key in ("phones", "schedules", "service_areas", "languages"):
        doc[key] = [{**item, "id": _new_id()} for item in doc.get(key, [])]
    doc["attributes"] = []
    doc["service_at_locations"] = []
    return doc


def _write(path: Path, document: Any) -> Path:
    path.write_text(json.dumps(document))
    return path


def _organization(name: str) -> dict[str, Any]:
    return {"id": _new_id(), "name": name, "description": f"{name}, a test organization"}


# A record held in many documents --------------------------------------------------------


def test_an_organization_held_by_services_batches_apart_imports_once(tmp_path: Path) -> None:
    """A page of services into an empty directory, the fast way (as for files over 4 MB):
    the organization of the first service comes again in the last batch."""
    _empty_directory()
    shared, other = _organization("Shared Org"), _organization("Other Org")
    services = [_service(shared), *(_service(other) for _ in range(4)), _service(shared)]
    path = _write(tmp_path / "page.json", {"total_items": 6, "contents": services})
    result = import_hsds(path, bulk=True, batch_size=2)
    assert directory.Organization.objects.count() == 2
    assert directory.Service.objects.filter(organization__name="Shared Org").count() == 2
    assert result.counts["organizations"] == 2
    assert result.counts["services"] == 6


# JSON that would take unbounded memory or crash the parser ------------------------------


@pytest.mark.parametrize("opening", ["[", '{"a":', '{"contents": ['])
def test_deep_nesting_is_refused_before_it_is_built(tmp_path: Path, opening: str) -> None:
    depth = 20_000
    closing = {"[": "]", '{"a":': "}", '{"contents": [': "]}"}[opening]
    path = tmp_path / "deep.json"
    path.write_text(opening * depth + "1" + closing * depth)
    error = refused(path)
    assert error.file == "deep.json" and "more than 48 deep" in error.reason, str(error)


def test_a_byte_order_mark_is_read_past(tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(codecs.BOM_UTF8 + json.dumps(_service_doc()).encode())
    import_hsds(path)
    assert directory.Service.objects.filter(hsds_id=SERVICE_ID).exists()


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-32"])
def test_json_in_another_encoding_is_named(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "wide.json"
    path.write_bytes(json.dumps(_service_doc()).encode(encoding))
    error = refused(path)
    assert (error.file, error.record) == ("wide.json", "the start")
    assert "UTF-16" in error.reason or "UTF-32" in error.reason, str(error)


@pytest.mark.parametrize("contents", [None, {}, "services", 3])
def test_a_page_without_a_list_of_contents_is_refused(tmp_path: Path, contents: Any) -> None:
    path = _write(tmp_path / "page.json", {"total_items": 0, "contents": contents})
    error = refused(path)
    assert (error.file, error.record, error.field) == ("page.json", "/contents", "contents")


def test_text_after_the_json_value_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "two.json"
    path.write_text(json.dumps(_service_doc()) + " {}")
    assert "not valid JSON" in refused(path).reason or "more after" in refused(path).reason


# The standard's own required fields, no stricter ----------------------------------------


def test_a_language_without_code_is_left_out_with_a_note(tmp_path: Path) -> None:
    doc = _service_doc(languages=[{"id": _new_id(), "name": "Welsh"}])
    result = import_hsds(_write(tmp_path / "one.json", doc))
    assert directory.Service.objects.filter(hsds_id=SERVICE_ID).exists()
    assert result.notes["languages without code (not modelled)"] == 1


@pytest.mark.parametrize("bulk", [False, True])
def test_a_language_row_without_code_is_left_out_with_a_note(tmp_path: Path, bulk: bool) -> None:
    if bulk:
        _empty_directory()
    package = package_copy(tmp_path)
    _edit_csv(package, "languages.csv", _set("code", ""))
    result = import_hsds(package, bulk=bulk)
    assert result.notes["languages without code (not modelled)"] == 1
    assert not directory.ServiceLanguage.objects.filter(service__hsds_id=SERVICE_ID).exists()


def test_an_organization_without_services_is_an_organization(tmp_path: Path) -> None:
    org = {**_organization("Lone Org"), "legal_status": "charity"}
    result = import_hsds(_write(tmp_path / "org.json", org))
    assert directory.Organization.objects.filter(name="Lone Org").exists()
    assert result.counts["organizations"] == 1
    # Name, id and description only: an organization too (a service would need a status).
    plain = _organization("Plain Org")
    import_hsds(_write(tmp_path / "plain.json", plain))
    assert directory.Organization.objects.filter(name="Plain Org").exists()


def test_a_taxonomy_and_a_term_document_import(tmp_path: Path) -> None:
    taxonomy = {
        "id": _new_id(),
        "name": "Example taxonomy",
        "description": "Terms of an example",
        "version": "2",
    }
    import_hsds(_write(tmp_path / "taxonomy.json", taxonomy))
    found = directory.Taxonomy.objects.get(name="Example taxonomy")
    assert found.version == "2"
    term = {
        "id": _new_id(),
        "code": "food",
        "name": "Food",
        "description": "Food banks",
        "taxonomy_id": taxonomy["id"],
    }
    import_hsds(_write(tmp_path / "term.json", term))
    assert directory.TaxonomyTerm.objects.get(code="food").taxonomy == found


def test_a_service_at_location_document_is_named_as_such(tmp_path: Path) -> None:
    doc = {"id": _new_id(), "service": _service_doc(), "location": {"id": _new_id()}}
    error = refused(_write(tmp_path / "sal.json", doc))
    assert error.record == "/" and "is a service at location" in error.reason, str(error)


# Recurrence: kept only when it is "these weekdays, every week" ---------------------------

RECURRENCES = [
    ({"interval": 2}, "schedules repeating every 2 or more weeks (not modelled)"),
    ({"until": "2026-06-30"}, "schedules with until (not modelled)"),
    ({"count": 4}, "schedules with count (not modelled)"),
    ({"bymonthday": "1,15"}, "schedules with bymonthday (not modelled)"),
    ({"freq": None}, "schedules without freq (not modelled)"),
    ({"freq": "MONTHLY"}, "schedules with freq MONTHLY (not modelled)"),
]


@pytest.mark.parametrize(("changes", "note"), RECURRENCES)
def test_json_recurrence_not_weekly_is_left_out_with_a_note(
    tmp_path: Path, changes: dict[str, Any], note: str
) -> None:
    doc = _service_doc()
    doc["schedules"] = [{**doc["schedules"][0], **changes}]
    result = import_hsds(_write(tmp_path / "one.json", doc))
    assert result.notes[note] == 1, result.notes
    assert not directory.Schedule.objects.filter(service__hsds_id=SERVICE_ID).exists()


def test_weekly_with_interval_one_is_kept(tmp_path: Path) -> None:
    doc = _service_doc()
    doc["schedules"] = [{**doc["schedules"][0], "interval": 1}]
    import_hsds(_write(tmp_path / "one.json", doc))
    assert directory.Schedule.objects.filter(service__hsds_id=SERVICE_ID).count() == 2


@pytest.mark.parametrize("bulk", [False, True])
@pytest.mark.parametrize(("changes", "note"), RECURRENCES)
def test_csv_recurrence_not_weekly_is_left_out_with_a_note(
    tmp_path: Path, changes: dict[str, Any], note: str, bulk: bool
) -> None:
    if bulk:
        _empty_directory()
    package = package_copy(tmp_path)
    ((column, value),) = changes.items()
    _edit_csv(package, "schedules.csv", _set(column, "" if value is None else str(value)))
    result = import_hsds(package, bulk=bulk)
    assert result.notes[note] == 1, result.notes
    assert not directory.Schedule.objects.filter(service__hsds_id=SERVICE_ID).exists()


# Versions other than 3.x ----------------------------------------------------------------


@pytest.mark.parametrize("version", ["1.1", "2.0.1"])
def test_a_package_of_another_version_is_refused_naming_it(tmp_path: Path, version: str) -> None:
    package = package_copy(tmp_path)
    descriptor = json.loads((package / "datapackage.json").read_text())
    descriptor["version"] = version
    (package / "datapackage.json").write_text(json.dumps(descriptor))
    error = refused(package)
    assert (error.file, error.record, error.field) == ("datapackage.json", "/version", "version")
    assert version in error.reason and "3.x" in error.reason


# Values a database cannot keep ----------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "value", "words"),
    [
        ("latitude", "100.5", "not between -90 and 90"),
        ("longitude", "-200", "not between -180 and 180"),
    ],
)
@pytest.mark.parametrize("bulk", [False, True])
def test_csv_coordinates_out_of_range_are_refused(
    tmp_path: Path, column: str, value: str, words: str, bulk: bool
) -> None:
    if bulk:
        _empty_directory()
    package = package_copy(tmp_path)
    _edit_csv(package, "locations.csv", _set(column, value))
    error = refused(package, bulk=bulk)
    assert (error.file, error.record, error.field) == ("locations.csv", "line 2", column)
    assert words in error.reason, str(error)


def test_json_coordinates_out_of_range_are_refused(tmp_path: Path) -> None:
    doc = _service_doc()
    doc["service_at_locations"][0]["location"]["latitude"] = 100.5
    error = refused(_write(tmp_path / "one.json", doc))
    assert error.record == "/service_at_locations/0/location" and error.field == "latitude"


@pytest.mark.parametrize(
    ("value", "words"),
    [("x" * 5000, "5000 characters long; at most 200"), ("Nul\x00l", "NUL character")],
)
@pytest.mark.parametrize("bulk", [False, True])
def test_csv_text_too_long_or_with_nul_is_refused(
    tmp_path: Path, value: str, words: str, bulk: bool
) -> None:
    if bulk:
        _empty_directory()
    package = package_copy(tmp_path)
    _edit_csv(package, "services.csv", _set("name", value))
    error = refused(package, bulk=bulk)
    assert (error.file, error.record, error.field) == ("services.csv", "line 2", "name")
    assert words in error.reason, str(error)


@pytest.mark.parametrize(
    ("value", "words"),
    [("x" * 5000, "5000 characters long; at most 200"), ("Nul\x00l", "NUL character")],
)
def test_json_text_too_long_or_with_nul_is_refused(tmp_path: Path, value: str, words: str) -> None:
    error = refused(_write(tmp_path / "one.json", _service_doc(name=value)))
    assert (error.record, error.field) == ("/", "name") and words in error.reason, str(error)


def test_a_csv_cell_over_the_limit_is_named(tmp_path: Path) -> None:
    package = package_copy(tmp_path)
    _edit_csv(package, "services.csv", _set("description", "x" * 140_000))
    error = refused(package)
    assert (error.file, error.record) == ("services.csv", "line 2")
    assert "over 131,072 characters" in error.reason, str(error)


# Package paths --------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/etc/passwd", "../outside.csv", "sub/../../outside.csv"])
def test_package_paths_stay_in_the_package_folder(tmp_path: Path, path: str) -> None:
    package = package_copy(tmp_path)
    (tmp_path / "outside.csv").write_text((package / "phones.csv").read_text())
    descriptor = json.loads((package / "datapackage.json").read_text())
    index = next(i for i, r in enumerate(descriptor["resources"]) if r["path"] == "phones.csv")
    descriptor["resources"][index]["path"] = path
    (package / "datapackage.json").write_text(json.dumps(descriptor))
    error = refused(package)
    assert (error.file, error.record, error.field) == (
        "datapackage.json",
        f"/resources/{index}",
        "path",
    )
    assert "outside the package's folder" in error.reason


# An honest summary ----------------------------------------------------------------------


def test_the_summary_names_what_a_document_holds_that_is_not_kept(tmp_path: Path) -> None:
    doc = _service_doc(
        contacts=[{"id": _new_id(), "name": "A. Person"}],
        cost_options=[{"id": _new_id(), "amount": 5}, {"id": _new_id(), "amount": 7}],
        funding=[{"id": _new_id(), "source": "City"}],
    )
    doc["service_at_locations"][0]["location"]["phones"] = [{"id": _new_id(), "number": "1"}]
    result = import_hsds(_write(tmp_path / "one.json", doc))
    assert result.notes["contacts of services (not modelled)"] == 1
    assert result.notes["cost_options of services (not modelled)"] == 2
    assert result.notes["funding of services (not modelled)"] == 1
    assert result.notes["phones of locations (not modelled)"] == 1
    assert "cost_options of services" in str(result)


def test_an_organization_held_by_many_services_counts_once(tmp_path: Path) -> None:
    shared = _organization("Counted Org")
    services = [_service(shared) for _ in range(3)]
    result = import_hsds(_write(tmp_path / "list.json", services), batch_size=1)
    assert result.counts["organizations"] == 1
    assert "1 organizations" in str(ImportResult(result.counts, result.notes))


def test_own_example_still_imports_unchanged(tmp_path: Path) -> None:
    """The limits leave a good file alone (Waypost's own example, both forms)."""
    import_hsds(OWN / "service_full.json")
    import_hsds(package_copy(tmp_path))
    assert directory.Schedule.objects.filter(service__hsds_id=SERVICE_ID).count() == 2


# Ids Waypost defines --------------------------------------------------------------------


def test_waypost_taxonomies_and_terms_have_the_same_ids_on_every_instance(
    tmp_path: Path,
) -> None:
    from waypost.directory.taxonomy import CATEGORY_TAXONOMY, ensure_taxonomies, stable_id

    ensure_taxonomies()
    term = directory.TaxonomyTerm.objects.get(taxonomy__name=CATEGORY_TAXONOMY, code="sti-testing")
    assert term.hsds_id == stable_id(CATEGORY_TAXONOMY, "sti-testing")
    assert term.taxonomy.hsds_id == stable_id(CATEGORY_TAXONOMY)
    # An instance set up before the ids were stable takes them at its next import.
    directory.TaxonomyTerm.objects.filter(pk=term.pk).update(hsds_id=uuid.uuid4())
    import_hsds(OWN / "service_full.json")
    term.refresh_from_db()
    assert term.hsds_id == stable_id(CATEGORY_TAXONOMY, "sti-testing")
    # The value is fixed, not only repeatable: another instance computes the same.
    assert str(stable_id(CATEGORY_TAXONOMY, "sti-testing")) == str(
        uuid.uuid5(
            uuid.UUID("0ef50815-b945-4b6b-9b49-23c13e142806"), "waypost-categories/sti-testing"
        )
    )


# Exports meet the package's constraints -------------------------------------------------


def test_an_address_without_postal_code_is_left_out_of_the_package_and_said(
    tmp_path: Path,
) -> None:
    import csv

    from django.core.management import call_command

    import_hsds(OWN / "service_full.json")
    directory.Address.objects.update(postal_code="")
    out = tmp_path / "out"
    stdout = StringIO()
    call_command("export_hsds", str(out), stdout=stdout)
    with (out / "addresses.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows == []
    assert "left out of addresses.csv" in stdout.getvalue()
    descriptor = json.loads((out / "datapackage.json").read_text())
    (address,) = [r for r in descriptor["resources"] if r["name"] == "address"]
    (postal,) = [f for f in address["schema"]["fields"] if f["name"] == "postal_code"]
    assert postal["constraints"] == {"required": True}


@pytest.mark.parametrize("bulk", [False, True])
def test_two_organizations_may_share_a_name(tmp_path: Path, bulk: bool) -> None:
    """HSDS knows organizations by id: two branches of one charity share its name."""
    if bulk:
        _empty_directory()
    package = package_copy(tmp_path)
    other = _new_id()
    _edit_csv(package, "organizations.csv", lambda rows: [*rows, [other, *rows[1][1:]]])
    result = import_hsds(package, bulk=bulk)
    name = directory.Organization.objects.get(hsds_id=other).name
    assert directory.Organization.objects.filter(name=name).count() == 2
    assert result.counts["organizations"] == 2


def test_the_summary_counts_the_rows_of_tables_not_modelled(tmp_path: Path) -> None:
    package = package_copy(tmp_path)
    (package / "contacts.csv").write_text("id,name\n1,A\n2,B\n3,C\n")
    descriptor = json.loads((package / "datapackage.json").read_text())
    descriptor["resources"].append({"name": "contact", "path": "contacts.csv"})
    descriptor["resources"].append({"name": "funding", "path": "funding.csv"})  # not there
    (package / "datapackage.json").write_text(json.dumps(descriptor))
    result = import_hsds(package)
    assert result.notes["rows of contacts.csv (table not modelled)"] == 3
    assert result.notes["table funding.csv (not modelled)"] == 1
