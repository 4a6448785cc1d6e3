"""Reading a data set file into rows of text cells, each with the line it starts on.

Anything that makes the file unreadable as a whole (not UTF-8, broken CSV or JSON, a cell
far larger than any real one, a row with the wrong number of cells) raises DataFileError
naming the file, the line and the reason; the import then writes nothing. Judging the
values of a readable row is the data set module's business.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from waypost.datasets.errors import DataFileError

# The largest real file (HRSA's current download) is some 20 MB.
MAX_FILE_BYTES = 256 << 20
# The longest real cell is an address or a name of a few hundred characters.
MAX_CELL_CHARS = 2000


@dataclass(frozen=True)
class Row:
    line: int
    cells: dict[str, str]

    def get(self, column: str) -> str:
        return self.cells.get(column) or ""


@dataclass(frozen=True)
class Format:
    """A file layout one importer reads, recognised by the columns it must have."""

    kind: str
    name: str
    columns: frozenset[str]


@dataclass(frozen=True)
class Table:
    file: str
    columns: list[str]
    rows: list[Row]


def read_text(path: Path) -> str:
    file = path.name
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise DataFileError(file, "file", None, "does not exist") from None
    if not path.is_file():
        raise DataFileError(file, "file", None, "is not a file")
    if size > MAX_FILE_BYTES:
        raise DataFileError(file, "file", None, f"is larger than {MAX_FILE_BYTES >> 20} MB")
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise DataFileError(
            file, f"line {line}", None, f"is not UTF-8 text (byte {exc.object[exc.start]:#04x})"
        ) from None


def read_table(path: Path) -> Table:
    """A CSV file (header first) or a JSON list of objects, as rows of text cells."""
    text = read_text(path)
    if path.suffix.lower() == ".json" or text.lstrip()[:1] in ("[", "{"):
        return _json_table(path.name, text)
    return _csv_table(path.name, text)


def _cell_sized(file: str, line: int, column: str, value: str) -> str:
    if len(value) > MAX_CELL_CHARS:
        raise DataFileError(
            file, f"line {line}", column, f"is longer than {MAX_CELL_CHARS:,} characters"
        )
    return value


def _csv_table(file: str, text: str) -> Table:
    # Strict: a stray or unclosed quote is an error, not a row quietly run into the next.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[Row] = []
    header: list[str] | None = None
    line = 1
    try:
        for record in reader:
            start, line = line, reader.line_num + 1
            if not any(cell.strip() for cell in record):
                continue
            if header is None:
                header = [_cell_sized(file, start, "header", c).strip() for c in record]
                continue
            if len(record) != len(header):
                raise DataFileError(
                    file,
                    f"line {start}",
                    None,
                    f"has {len(record)} cells where the header has {len(header)}",
                )
            rows.append(
                Row(
                    start,
                    {
                        name: _cell_sized(file, start, name, value)
                        for name, value in zip(header, record, strict=True)
                        if name
                    },
                )
            )
    except csv.Error as exc:
        # A cell over the csv module's own limit, a stray quote, a NUL byte.
        raise DataFileError(file, f"line {line}", None, f"is not valid CSV ({exc})") from None
    if header is None:
        raise DataFileError(file, "file", None, "is empty")
    return Table(file, [c for c in header if c], rows)


def _json_table(file: str, text: str) -> Table:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataFileError(
            file, f"line {exc.lineno}, column {exc.colno}", None, f"is not valid JSON ({exc.msg})"
        ) from None
    if not isinstance(document, list):
        raise DataFileError(file, "file", None, "must hold a JSON list of records")
    rows: list[Row] = []
    columns: dict[str, None] = {}
    for line, record in zip(_item_lines(text), document, strict=True):
        if not isinstance(record, dict):
            raise DataFileError(file, f"line {line}", None, "is not a JSON object (a record)")
        cells: dict[str, str] = {}
        for name, value in record.items():
            if value is None:
                value = ""
            if not isinstance(value, str):
                raise DataFileError(
                    file, f"line {line}", name, f"must be text, not {type(value).__name__}"
                )
            cells[name] = _cell_sized(file, line, name, value)
            columns.setdefault(name)
        rows.append(Row(line, cells))
    return Table(file, list(columns), rows)


def _item_lines(text: str) -> Iterator[int]:
    """The line each item of a (valid) top-level JSON list starts on."""
    decoder = json.JSONDecoder()
    index = text.index("[") + 1
    line = text.count("\n", 0, index) + 1
    while True:
        while index < len(text) and text[index] in " \t\r\n,":
            if text[index] == "\n":
                line += 1
            index += 1
        if index >= len(text) or text[index] == "]":
            return
        yield line
        _value, end = decoder.raw_decode(text, index)
        line += text.count("\n", index, end)
        index = end


def choose_format(table: Table, kind: str, formats: Iterable[Format]) -> Format:
    """The layout of `kind` whose columns the file has. A file of another data set, or of
    none, is refused, naming what is missing."""
    have = set(table.columns)
    known = list(formats)
    for fmt in known:
        if fmt.kind == kind and fmt.columns <= have:
            return fmt
    other = next((f for f in known if f.columns <= have), None)
    if other is not None:
        raise DataFileError(
            table.file,
            "header",
            None,
            f"is a {other.name} file, not {kind}: import it as {other.kind}",
        )
    closest = min(
        (f for f in known if f.kind == kind), key=lambda f: (len(f.columns - have), f.name)
    )
    missing = ", ".join(sorted(closest.columns - have))
    found = ", ".join(table.columns[:12]) or "none"
    raise DataFileError(
        table.file,
        "header",
        None,
        f"is not a {kind} file: the {closest.name} layout needs the columns {missing} "
        f"(columns found: {found})",
    )
