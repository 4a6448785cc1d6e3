"""Malformed HSDS files, generated: each either imports or is refused naming file, record
(line, JSON pointer or byte) and reason; a refusal changes nothing; nothing else escapes the
importer, and no example takes more than a bounded amount of memory.

Waypost's own example (a service document and its tabular package) is changed a few ways
at a time: values replaced by others of any JSON type, keys removed, cells rewritten, rows
repeated or cut short, bytes cut off or inserted, the descriptor edited. Bounded (a fixed
number of examples, no shrinking) so it runs in `make test`.
"""

from __future__ import annotations

import csv
import json
import shutil
import sys
import tempfile
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.test_hsds_import import OWN, snapshot
from waypost.datasets.errors import DataFileError
from waypost.hsds.importer import import_hsds

pytestmark = pytest.mark.django_db

EXAMPLES = 40
# Far above what a file of a few kilobytes needs, far below what a runaway parser takes.
MEMORY_LIMIT = 64 << 20

FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)

# Values of every JSON type, with the ones importers trip on: text past column lengths and
# the csv module's cell limit, NUL, numbers out of range, deep nesting, odd UUIDs.
ODD_TEXT = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "x" * 5000,
        "not-a-uuid",
        "00000000-0000-0000-0000-000000000000",
        "25:61",
        "2026-02-30",
        "WEEKLY",
        "MO,XX",
        "http://",
        "é\u202e",
        "1e309",
        "-200",
        "100.5",
    ]
)
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**20), max_value=10**20)
    | st.floats(allow_nan=False)
    | st.text(max_size=40)
    | ODD_TEXT,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


def _paths(document: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in the document a value sits."""
    found = [prefix]
    if isinstance(document, dict):
        for key, value in document.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(document, list):
        for index, value in enumerate(document):
            found += _paths(value, (*prefix, index))
    return found


def _put(document: Any, path: tuple[Any, ...], value: Any, *, remove: bool = False) -> Any:
    if not path:
        return value
    parent = document
    for step in path[:-1]:
        parent = parent[step]
    if remove and isinstance(parent, dict):
        parent.pop(path[-1], None)
    elif remove and isinstance(parent, list):
        parent.pop(path[-1])
    else:
        parent[path[-1]] = value
    return document


@st.composite
def json_files(draw: st.DrawFn) -> bytes:
    document: Any = json.loads((OWN / "service_full.json").read_text())
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        path = draw(st.sampled_from(_paths(document)))
        document = _put(document, path, draw(JSON_VALUES), remove=draw(st.booleans()))
    wrapper = draw(st.sampled_from(["one", "list", "page"]))
    if wrapper == "list":
        document = [document, document]
    elif wrapper == "page":
        document = {"total_items": 1, "contents": [document]}
    data = json.dumps(document).encode()
    damage = draw(st.sampled_from(["none", "cut", "insert", "nest"]))
    if damage == "cut":
        data = data[: draw(st.integers(min_value=0, max_value=len(data)))]
    elif damage == "insert":
        at = draw(st.integers(min_value=0, max_value=len(data)))
        data = data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at:]
    elif damage == "nest":
        depth = draw(st.integers(min_value=40, max_value=3000))
        data = b"[" * depth + data + b"]" * depth
    return data


# Bytes that are not UTF-8 (an earlier edit's) pass through the edits unchanged. An earlier
# edit may also have written a cell past the csv module's limit, which the importer (not this
# helper) is there to refuse: the limit is lifted while the test reads its own file.
def _read(path: Path) -> list[list[str]]:
    limit = csv.field_size_limit(sys.maxsize)
    try:
        with path.open(encoding="utf-8", errors="surrogateescape", newline="") as f:
            return list(csv.reader(f))
    finally:
        csv.field_size_limit(limit)


def _write(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", errors="surrogateescape", newline="") as f:
        csv.writer(f).writerows(rows)


@st.composite
def package_edits(draw: st.DrawFn) -> list[tuple[str, Any]]:
    files = sorted(p.name for p in (OWN / "package").glob("*.csv"))
    edits: list[tuple[str, Any]] = []
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        kind = draw(
            st.sampled_from(["cell", "cell", "cell", "header", "row", "bytes", "descriptor"])
        )
        name = draw(st.sampled_from(files))
        if kind == "cell":
            text = draw(ODD_TEXT | st.text(max_size=30) | st.just("x" * 140_000))
            edits.append((name, ("cell", draw(st.integers(0, 40)), draw(st.integers(0, 3)), text)))
        elif kind == "header":
            edits.append((name, ("header", draw(st.integers(0, 40)))))
        elif kind == "row":
            edits.append(
                (name, ("row", draw(st.sampled_from(["repeat", "short", "long", "drop"]))))
            )
        elif kind == "bytes":
            edits.append((name, ("bytes", draw(st.integers(0, 2000)), draw(st.binary(max_size=6)))))
        else:
            edits.append(
                ("datapackage.json", ("descriptor", draw(st.integers(0, 20)), draw(JSON_VALUES)))
            )
    return edits


def _apply(package: Path, name: str, edit: tuple[Any, ...]) -> None:
    path = package / name
    kind = edit[0]
    if kind == "descriptor":
        try:
            descriptor = json.loads(path.read_text(errors="surrogateescape"))
        except ValueError:
            return
        places = _paths(descriptor)
        _put(descriptor, places[edit[1] % len(places)], edit[2])
        path.write_text(json.dumps(descriptor))
        return
    if kind == "bytes":
        data = path.read_bytes()
        at = edit[1] % (len(data) + 1)
        path.write_bytes(data[:at] + edit[2] + data[at:])
        return
    rows = _read(path)
    if kind == "cell" and len(rows) > 1:
        row = rows[1 + edit[2] % (len(rows) - 1)]
        row[edit[1] % len(row)] = edit[3]
    elif kind == "header":
        del rows[0][edit[1] % len(rows[0])]
    elif kind == "row" and len(rows) > 1:
        if edit[1] == "repeat":
            rows.append(rows[1])
        elif edit[1] == "short":
            rows[1] = rows[1][:-1]
        elif edit[1] == "long":
            rows[1] = [*rows[1], "extra"]
        else:
            del rows[1]
    _write(path, rows)


def _imports_or_is_refused_plainly(path: Path, *, bulk: bool) -> None:
    before = snapshot()
    tracemalloc.start()
    try:
        import_hsds(path, bulk=bulk, progress=False)
    except DataFileError as error:
        assert error.file and error.record and error.reason, repr(error)
        assert snapshot() == before, str(error)
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert peak < MEMORY_LIMIT, peak


@FUZZ
@given(data=json_files(), bulk=st.booleans())
def test_malformed_json_imports_or_is_refused_plainly(data: bytes, bulk: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.json"
        path.write_bytes(data)
        _imports_or_is_refused_plainly(path, bulk=bulk)


@FUZZ
@given(edits=package_edits(), bulk=st.booleans())
def test_malformed_packages_import_or_are_refused_plainly(
    edits: list[tuple[str, Any]], bulk: bool
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        package = Path(folder) / "package"
        shutil.copytree(OWN / "package", package)
        for name, edit in edits:
            _apply(package, name, edit)
        _imports_or_is_refused_plainly(package, bulk=bulk)
