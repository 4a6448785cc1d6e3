"""Reads the HSDS 3.1 tabular form: a Frictionless data package (datapackage.json + CSV files).

Tables are read in dependency order, one CSV row at a time, so memory stays flat whatever the
size of the files.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from waypost.datasets.errors import DataFileError
from waypost.hsds import tables as t
from waypost.hsds.values import BadValue, cell_converter, column_converter

DESCRIPTOR = "datapackage.json"
MAX_DESCRIPTOR_BYTES = 1 << 20
# The longest CSV cell read (the csv module's own limit, made plain in its refusal).
MAX_CELL = 131_072


def package_files(path: Path) -> tuple[dict[t.Table, Path], list[tuple[str, Path | None]]]:
    """The CSV file of each table Waypost reads, and the tables it does not model: each
    one's path as the descriptor gives it, and its file when that is in the package."""
    descriptor = path / DESCRIPTOR if path.is_dir() else path
    try:
        if descriptor.stat().st_size > MAX_DESCRIPTOR_BYTES:
            raise DataFileError(
                DESCRIPTOR,
                "the file",
                None,
                f"is over {MAX_DESCRIPTOR_BYTES >> 20} MB (a descriptor lists files, no data)",
            )
        package = json.loads(descriptor.read_text(encoding="utf-8-sig"))
    except RecursionError:
        raise DataFileError(
            DESCRIPTOR, "the file", None, "nests lists and objects too deep"
        ) from None
    except FileNotFoundError:
        raise DataFileError(
            DESCRIPTOR, str(path), None, "is missing (a tabular package needs its descriptor)"
        ) from None
    except UnicodeDecodeError:
        raise DataFileError(DESCRIPTOR, "the file", None, "is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise DataFileError(
            DESCRIPTOR,
            f"line {exc.lineno}, column {exc.colno}",
            None,
            f"is not valid JSON ({exc.msg})",
        ) from None
    version = package.get("version") if isinstance(package, dict) else None
    if version is not None and str(version).split(".")[0] != "3":
        raise DataFileError(
            DESCRIPTOR,
            "/version",
            "version",
            f"is {version}: Waypost reads HSDS 3.x packages, whose tables and fields differ",
        )
    resources = package.get("resources") if isinstance(package, dict) else None
    if not isinstance(resources, list):
        raise DataFileError(
            DESCRIPTOR, "/resources", "resources", "must be a list of the package's files"
        )
    found: dict[t.Table, Path] = {}
    skipped: list[tuple[str, Path | None]] = []
    folder = descriptor.parent.resolve()
    for index, resource in enumerate(resources):
        where = f"/resources/{index}"
        if not isinstance(resource, dict) or not isinstance(resource.get("path"), str):
            raise DataFileError(DESCRIPTOR, where, "path", "each resource needs a path")
        relative = resource["path"]
        table = t.BY_NAME.get(str(resource.get("name"))) or t.BY_FILE.get(Path(relative).name)
        file = (folder / relative).resolve()
        inside = not ("://" in relative or Path(relative).is_absolute()) and file.is_relative_to(
            folder
        )
        if table is None:
            skipped.append((relative, file if inside and file.is_file() else None))
            continue
        if not inside:
            raise DataFileError(
                DESCRIPTOR, where, "path", f"names {relative}, outside the package's folder"
            )
        if not file.is_file():
            raise DataFileError(DESCRIPTOR, where, "path", f"names {relative}, which is missing")
        found[table] = file
    if t.SERVICE not in found:
        raise DataFileError(
            DESCRIPTOR, "/resources", "resources", "lists no services table (services.csv)"
        )
    return found, skipped


@dataclass
class Batch:
    """Rows read from one CSV file, by column: `columns[name][i]` is the converted value of
    that column on line `lines[i]`. Columns the file lacks are not there."""

    file: str
    lines: list[int]
    columns: dict[str, list[Any]]

    def __len__(self) -> int:
        return len(self.lines)


def read_batches(
    table: t.Table, file: Path, advance: Callable[[int], None], size: int
) -> Iterator[Batch]:
    """The file's rows in batches of `size`, each cell converted (see `values.Column`).
    Raises DataFileError at the first row that cannot be read, naming line and column."""
    name = file.name
    with file.open("rb") as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        csv.field_size_limit(MAX_CELL)
        reader = csv.reader(text, strict=True)
        try:
            header = next(reader, None)
            if header is None:
                raise DataFileError(name, "line 1", None, "is empty (a header line is needed)")
            header = [h.strip() for h in header]
            positions = _positions(table, header, name)
            converters = [column_converter(table.column(column)) for column, _, _ in positions]
            width = len(header)
            lines: list[int] = []
            rows: list[list[str]] = []
            for cells in reader:
                if len(cells) != width:
                    if not any(cells):
                        continue
                    raise DataFileError(
                        name,
                        f"line {reader.line_num}",
                        None,
                        f"has {len(cells)} values where the header has {width}",
                    )
                if not cells[0] and not any(cells):
                    continue
                lines.append(reader.line_num)
                rows.append(cells)
                if len(rows) >= size:
                    yield _converted(name, lines, rows, positions, converters)
                    lines, rows = [], []
                    advance(raw.tell())
            if rows:
                yield _converted(name, lines, rows, positions, converters)
        except UnicodeDecodeError:
            line, byte = _first_bad_byte(file)
            raise DataFileError(
                name, f"line {line}", None, f"is not UTF-8 text (byte {byte!r})"
            ) from None
        except csv.Error as exc:
            if "field larger than field limit" in str(exc):
                raise DataFileError(
                    name,
                    f"line {reader.line_num}",
                    None,
                    f"has a value over {MAX_CELL:,} characters long, the most one cell may hold",
                ) from None
            raise DataFileError(
                name, f"line {reader.line_num}", None, f"is not well-formed CSV ({exc})"
            ) from None


def _converted(
    name: str,
    lines: list[int],
    rows: list[list[str]],
    positions: list[tuple[str, int, Callable[[str], Any]]],
    converters: list[Callable[[list[str]], list[Any]]],
) -> Batch:
    cells = list(zip(*rows, strict=True))
    columns: dict[str, list[Any]] = {}
    try:
        for (column, position, _convert), convert in zip(positions, converters, strict=True):
            columns[column] = convert(list(cells[position]))
    except BadValue:
        # Which row first has a cell that cannot be read, and which of its cells.
        for line, row in zip(lines, rows, strict=True):
            for _column, position, convert_cell in positions:
                try:
                    convert_cell(row[position])
                except BadValue:
                    _refuse(name, line, row, positions)
        raise AssertionError("a column was refused and then each of its cells read") from None
    return Batch(name, lines, columns)


def _positions(
    table: t.Table, header: list[str], name: str
) -> list[tuple[str, int, Callable[[str], Any]]]:
    if len(set(header)) != len(header):
        repeated = next(h for h in header if header.count(h) > 1)
        raise DataFileError(name, "line 1", repeated, "column appears twice")
    positions = []
    for column in table.columns:
        if column.name in header:
            positions.append((column.name, header.index(column.name), cell_converter(column)))
        elif column.required:
            raise DataFileError(name, "line 1", column.name, "column is missing")
    return positions


def _refuse(
    name: str,
    line: int,
    cells: list[str],
    positions: list[tuple[str, int, Callable[[str], Any]]],
) -> NoReturn:
    """Name the first cell of a refused row that cannot be read, and why."""
    for column, position, convert in positions:
        try:
            convert(cells[position])
        except BadValue as exc:
            raise DataFileError(name, f"line {line}", column, str(exc)) from None
    raise AssertionError("a cell was refused once and then read")


def count_rows(file: Path) -> int | None:
    """The records of a CSV file Waypost does not read, for the summary (None: unreadable)."""
    csv.field_size_limit(MAX_CELL)
    try:
        with file.open(encoding="utf-8-sig", newline="") as text:
            return max(sum(1 for cells in csv.reader(text) if any(cells)) - 1, 0)
    except (OSError, UnicodeDecodeError, csv.Error):
        return None


def _first_bad_byte(file: Path) -> tuple[int, bytes]:
    """Where the text stops being UTF-8 (the decoder reads ahead, so find it again)."""
    with file.open("rb") as raw:
        for number, line in enumerate(raw, start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError as exc:
                return number, line[exc.start : exc.start + 1]
    return 0, b""
