"""Importers of public national data sets: HRSA health center sites, hospitals (HIFLD) and
LSC-funded legal aid programs (`manage.py import_dataset KIND PATH`).

Every imported record becomes a service whose fact cites one source per file (the
publisher's page and the date of the data) and starts unchecked; see `writer` for what
loading a newer file does.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path

from waypost.datasets.errors import DataFileError
from waypost.datasets.national import hospitals, hrsa, lsc
from waypost.datasets.national.common import Batch, Summary
from waypost.datasets.national.files import Format, Table, choose_format, read_table
from waypost.datasets.national.places import Gazetteer, NoGazetteer
from waypost.datasets.national.writer import write

Reader = Callable[[Format, Table, Gazetteer, "str | None"], Batch]

READERS: dict[str, tuple[tuple[Format, ...], Reader]] = {
    hrsa.KIND: (hrsa.FORMATS, hrsa.read),
    hospitals.KIND: (hospitals.FORMATS, hospitals.read),
    lsc.KIND: (lsc.FORMATS, lsc.read),
}
KINDS = tuple(READERS)
# How `load_demo` recognises the files of a folder (WAYPOST_DATASETS_DIR), in load order.
FILE_PATTERNS: tuple[tuple[str, str], ...] = (
    (hrsa.KIND, "hrsa*.csv"),
    (hospitals.KIND, "hospitals*.csv"),
    (lsc.KIND, "lsc*.json"),
)
AS_OF = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")


def import_dataset(kind: str, path: Path | str, *, as_of: str | None = None) -> Summary:
    """Read, judge and write one data set file, all or nothing.

    Raises DataFileError (file, line, reason) when the file cannot be read as a whole or
    is of another layout; then nothing has been written.
    """
    path = Path(path)
    if kind not in READERS:
        raise DataFileError(path.name, "file", None, f"{kind!r} is not one of {', '.join(KINDS)}")
    if as_of is not None and not AS_OF.match(as_of):
        raise DataFileError(path.name, "file", None, f"--as-of {as_of!r} is not YYYY[-MM[-DD]]")
    formats, reader = READERS[kind]
    started = time.perf_counter()
    table = read_table(path)
    every_format = [f for fs, _reader in READERS.values() for f in fs]
    fmt = choose_format(table, kind, every_format)
    assert fmt in formats
    try:
        gazetteer = Gazetteer()
    except NoGazetteer as exc:
        raise DataFileError(path.name, "file", None, f"cannot be placed: {exc}") from None
    summary = write(reader(fmt, table, gazetteer, as_of))
    summary.seconds = time.perf_counter() - started
    return summary


def dataset_files(folder: Path) -> list[tuple[str, Path]]:
    """The data set files a folder holds, recognised by name, in load order (by kind, then
    by name, so a newer file named to sort later is loaded last)."""
    found: list[tuple[str, Path]] = []
    for kind, pattern in FILE_PATTERNS:
        found += [(kind, path) for path in sorted(folder.glob(pattern)) if path.is_file()]
    return found
