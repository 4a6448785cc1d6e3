"""`import_hsds`: HSDS 3.1 JSON or a tabular data package into the directory, all or nothing."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path

from django.db import connection, transaction
from tqdm import tqdm

from waypost.datasets.errors import DataFileError
from waypost.directory.services import coarsen_area_only_locations
from waypost.directory.taxonomy import ensure_taxonomies
from waypost.hsds import tables as t
from waypost.hsds.documents import read_json
from waypost.hsds.readahead import Reader
from waypost.hsds.tabular import DESCRIPTOR, count_rows, package_files, read_batches
from waypost.hsds.writer import BATCH_SIZE, PLANS, Row, Writer
from waypost.search import fulltext

BULK_BYTES = 4 << 20
# A package this large is read in a second process (see `readahead.Reader`).
SEPARATE_BYTES = 16 << 20


@dataclass(frozen=True)
class ImportResult:
    counts: Counter[str]
    notes: Counter[str]

    def __str__(self) -> str:
        written = ", ".join(f"{n} {what}" for what, n in self.counts.items() if n) or "nothing"
        lines = [f"Imported {written}."]
        lines += [f"  not imported: {n} × {note}" for note, n in sorted(self.notes.items())]
        return "\n".join(lines)


def import_hsds(
    path: Path,
    *,
    progress: bool | None = None,
    batch_size: int = BATCH_SIZE,
    bulk: bool | None = None,
) -> ImportResult:
    """Import a JSON file, a package folder or its datapackage.json. Raises DataFileError
    naming the file, line or JSON pointer, and field; then nothing has been written.

    `bulk` (default: for files over BULK_BYTES) indexes keywords and the search table once at
    the end, and builds the other indexes of the tables it finds empty then (see `Writer`)."""
    path = Path(path)
    if not path.exists():
        raise DataFileError(path.name, str(path), None, "does not exist")
    tabular = path.is_dir() or path.name == DESCRIPTOR
    if path.suffix.lower() == ".csv":
        raise DataFileError(
            path.name, str(path), None, "is one table of a package: give the package's folder"
        )
    if tabular:
        files, skipped = package_files(path)
        sizes = sum(f.stat().st_size for f in files.values())
    else:
        sizes = path.stat().st_size
    show = sys.stderr.isatty() if progress is None else progress
    with tqdm(total=sizes, unit="B", unit_scale=True, disable=not show, desc="import") as bar:
        done = 0

        def advance_to(base: int) -> Callable[[int], None]:
            def advance(position: int) -> None:
                nonlocal done
                if base + position - done > 1 << 20 or position == 0:
                    bar.update(base + position - done)
                    done = base + position

            return advance

        # A big import indexes keywords once at the end rather than row by row.
        if bulk is None:
            bulk = sizes > BULK_BYTES
        indexing = fulltext.bulk_load() if bulk else nullcontext()
        # The keyword index and the search table are rebuilt (leaving `indexing`) while
        # memory-mapped reads are still off.
        with transaction.atomic(), _roomy_cache(), indexing:
            ensure_taxonomies()
            writer = Writer(batch_size, bulk=bulk)
            if tabular:
                # In the order the tables are written, which the reading process follows.
                staged = [(table, files[table]) for table in t.TABLES if table in files]
                staged = [(table, file) for table, file in staged if table.name in PLANS]
                reader = Reader(staged) if sizes > SEPARATE_BYTES else None
                try:
                    base = 0
                    for table in t.TABLES:
                        if table not in files:
                            continue
                        file, advance = files[table], advance_to(base)
                        if table.name not in PLANS:  # taxonomies and their terms
                            _read_rows(table, file, writer, advance)
                        elif reader is not None:
                            read = reader.batches(table.name, advance)
                            writer.load(table, file, advance, read, lambda: reader.suspects)
                        else:
                            writer.load(table, file, advance)
                        base += file.stat().st_size
                finally:
                    if reader is not None:
                        reader.close()
                for name, unread in skipped:
                    rows = None if unread is None else count_rows(unread)
                    if rows:
                        writer.notes[f"rows of {name} (table not modelled)"] += rows
                    else:
                        writer.notes[f"table {name} (not modelled)"] += 1
            else:
                read_json(path, writer, advance_to(0))
            writer.finish()
            # HSDS knows no confidential locations: a file's point for a location editors
            # keep as an area only is snapped back to the area before anything reads it.
            coarsen_area_only_locations()
        with _roomy_cache():
            _refresh_statistics()
        bar.update(sizes - done)
    return ImportResult(writer.counts, writer.notes)


def _read_rows(table: t.Table, file: Path, writer: Writer, advance: Callable[[int], None]) -> None:
    """Hand every row of the file to the writer, one `Row` at a time."""
    for batch in read_batches(table, file, advance, writer.batch_size):
        names = list(batch.columns)
        rows = zip(*batch.columns.values(), strict=True)
        for line, values in zip(batch.lines, rows, strict=True):
            writer.add(
                table, Row(batch.file, f"line {line}", dict(zip(names, values, strict=True)))
            )


@contextmanager
def _roomy_cache() -> Iterator[None]:
    """SQLite's default page cache (2 MB) makes every index insert of a large import read
    the disk. 128 MB keeps at hand the index pages being written and those of the ids that
    references are looked up by (at 500,000 services, staging the rows took 35 s with 64 MB
    and 28 s with 192 MB). Memory-mapped reads are turned off meanwhile: their pages would
    add to the process's memory as the file grows."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (cache,) = cursor.fetchone()
        cursor.execute("PRAGMA mmap_size")
        row = cursor.fetchone()
        mmap = row[0] if row else 0
        cursor.execute("PRAGMA cache_size = -131072")
        cursor.execute("PRAGMA mmap_size = 0")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(cache)}")
            cursor.execute(f"PRAGMA mmap_size = {int(mmap)}")


def _refresh_statistics() -> None:
    # The planner picks the location and term indexes only once it knows the tables' sizes.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
