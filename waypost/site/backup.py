"""Copies of the database, taken while the site keeps serving and writing, checked before
they are kept.

A copy is written to a temporary file beside the one asked for and renamed into place only
once it has been read back and found whole, so a failed or interrupted backup never leaves an
empty or partial file where the last good one was expected.

SQLite: SQLite's own online backup, from a read transaction; in write-ahead-log mode (see
settings.py) it holds no lock that a writer waits for. The copy's row counts are compared with
the database's, counted in that same transaction (the same snapshot). PostgreSQL: `pg_dump`
in its custom format (one consistent snapshot of its own), checked with `pg_restore --list`.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.db import DatabaseError, connections
from django.db.backends.base.base import BaseDatabaseWrapper

# How long the backup waits for a lock (a writer converting the file to WAL, say).
BUSY_SECONDS = 20
# What SQLite may keep beside a database file.
SIDE_FILES = ("-journal", "-wal", "-shm")
# libpq reads these from the environment; Django passes the same from OPTIONS.
LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "options": "PGOPTIONS",
}


# Writes the copy to the temporary file it is given; (tables checked, rows or None).
Writer = Callable[[Path], tuple[int, int | None]]
# A table's rows, in `pg_restore --list`: "3456; 0 16390 TABLE DATA public places_place owner".
TABLE_DATA = re.compile(r"^\d+; \d+ \d+ TABLE DATA (\S+) (\S+) ", re.M)


class BackupError(Exception):
    """A backup that was refused or failed; the message names the file or the tool."""


@dataclass(frozen=True)
class Backup:
    path: Path
    size: int
    tables: int
    rows: int | None  # None when the format gives no row count (pg_dump)
    seconds: float


def model_tables() -> list[str]:
    """Every table Django's models keep rows in, many-to-many tables included."""
    tables = {
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }
    return sorted(tables)


def backup(path: Path, *, alias: str = "default", overwrite: bool = False) -> Backup:
    started = time.perf_counter()
    target = _target(path, overwrite)
    # The folder is known writable (the temporary file is made) before the database is read.
    with _temporary_beside(target) as temp:
        write = _writer(connections[alias], target)
        tables, rows = write(temp)
        _replace(temp, target, overwrite)
    size = target.stat().st_size
    return Backup(target, size, tables, rows, time.perf_counter() - started)


def _writer(connection: BaseDatabaseWrapper, target: Path) -> Writer:
    if connection.vendor == "sqlite":
        name = str(connection.settings_dict["NAME"])
        if name == ":memory:" or "mode=memory" in name:
            raise BackupError("the database is in memory: there is no file to back up")
        return _sqlite_writer(Path(name), target)
    if connection.vendor == "postgresql":
        return _postgresql_writer(connection)
    raise BackupError(f"no backup method for a {connection.vendor} database")


def _target(path: Path, overwrite: bool) -> Path:
    target = path.expanduser().absolute()
    if target.is_dir():
        raise BackupError(f"{path} is a folder: name the backup file to write")
    if target.exists() and not overwrite:
        raise BackupError(f"{path} already exists: name another file, or pass --overwrite")
    if not target.parent.is_dir():
        raise BackupError(f"{path}: the folder {target.parent} does not exist")
    return target


@contextlib.contextmanager
def _temporary_beside(target: Path) -> Iterator[Path]:
    """A new private file in the target's folder (so the final rename stays on one file
    system), removed with whatever SQLite left beside it unless it was renamed into place."""
    try:
        handle, name = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".part", dir=target.parent
        )
    except OSError as exc:
        raise BackupError(f"{target}: cannot write in {target.parent} ({exc.strerror})") from None
    os.close(handle)
    temp = Path(name)
    try:
        yield temp
    finally:
        for leftover in (temp, *(Path(f"{temp}{s}") for s in SIDE_FILES)):
            leftover.unlink(missing_ok=True)


def _replace(temp: Path, target: Path, overwrite: bool) -> None:
    # The data reaches the disk before the name does: after a crash, the path holds either
    # the previous file or the whole new one.
    with open(temp, "rb") as copy:
        os.fsync(copy.fileno())
    if target.exists() and not overwrite:  # made meanwhile by someone else
        raise BackupError(f"{target} appeared during the backup: kept as it is")
    os.replace(temp, target)
    folder = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


# -- SQLite ----------------------------------------------------------------------------------


def _sqlite_writer(name: Path, target: Path) -> Writer:
    source_path = name.resolve()
    if not source_path.is_file():
        raise BackupError(f"the database {source_path} does not exist")
    if target.resolve() in {source_path, *(Path(f"{source_path}{s}") for s in SIDE_FILES)}:
        # Renamed over the live file, the copy would take its name while the server kept
        # writing to the old one, and those writes would be lost.
        raise BackupError(f"{target} is the database itself: name another file")

    def write(temp: Path) -> tuple[int, int | None]:
        return backup_sqlite(source_path, temp)

    return write


def backup_sqlite(source_path: Path, temp: Path) -> tuple[int, int]:
    """Copy the database at `source_path` into `temp` and check the copy; (tables, rows)."""
    # Read-only: the backup can never write to the live database.
    uri = f"{source_path.as_uri()}?mode=ro"
    try:
        source = sqlite3.connect(uri, uri=True, timeout=BUSY_SECONDS, isolation_level=None)
    except sqlite3.Error as exc:
        raise BackupError(f"the database {source_path} cannot be opened ({exc})") from None
    try:
        copy = sqlite3.connect(temp, isolation_level=None)
        try:
            return _copy_and_check(source, copy, source_path)
        finally:
            copy.close()
    except sqlite3.Error as exc:
        raise BackupError(f"the backup of {source_path} failed ({exc})") from None
    finally:
        source.close()


def _copy_and_check(
    source: sqlite3.Connection, copy: sqlite3.Connection, source_path: Path
) -> tuple[int, int]:
    source.execute("BEGIN")  # a read transaction: its first read fixes the snapshot
    present = {row[0] for row in source.execute("SELECT name FROM sqlite_master")}
    tables = [t for t in model_tables() if t in present]
    expected = {table: _count(source, table) for table in tables}
    # In one step (-1 pages): a stepwise backup restarts whenever another connection writes,
    # and under steady comment posts it might never finish.
    source.backup(copy, pages=-1)
    source.execute("COMMIT")
    # One self-contained file: in WAL mode the copy would come with a log file beside it.
    copy.execute("PRAGMA journal_mode = DELETE")
    problems = [row[0] for row in copy.execute("PRAGMA integrity_check")]
    if problems != ["ok"]:
        raise BackupError(f"the copy of {source_path} is damaged: {'; '.join(problems[:5])}")
    found = {table: _count(copy, table) for table in tables}
    differ = [f"{t} ({expected[t]} → {found[t]})" for t in tables if found[t] != expected[t]]
    if differ:
        raise BackupError(f"the copy of {source_path} has other row counts: {', '.join(differ)}")
    return len(tables), sum(found.values())


def _count(db: sqlite3.Connection, table: str) -> int:
    # Table names come from the models' _meta, quoted as SQLite identifiers.
    quoted = '"' + table.replace('"', '""') + '"'
    (count,) = db.execute(f"SELECT count(*) FROM {quoted}").fetchone()
    return int(count)


# -- PostgreSQL ------------------------------------------------------------------------------


def postgresql_environment(settings_dict: Mapping[str, Any]) -> dict[str, str]:
    """The environment pg_dump connects with: nothing of the connection, the password above
    all, goes on a command line, where any user of the machine could read it."""
    env = dict(os.environ)
    for key, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("NAME", "PGDATABASE"),
    ):
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    for option, variable in LIBPQ_OPTIONS.items():
        value = (settings_dict.get("OPTIONS") or {}).get(option)
        if value is not None:
            env[variable] = str(value)
    return env


def _postgresql_writer(connection: BaseDatabaseWrapper) -> Writer:
    pg_dump, pg_restore = shutil.which("pg_dump"), shutil.which("pg_restore")
    if pg_dump is None or pg_restore is None:
        missing = [n for n, p in (("pg_dump", pg_dump), ("pg_restore", pg_restore)) if p is None]
        raise BackupError(
            f"{' and '.join(missing)} not found on the PATH: install PostgreSQL's client "
            "programs (Debian: postgresql-client) of the server's version or newer"
        )
    env = postgresql_environment(connection.settings_dict)
    try:
        existing = set(connection.introspection.table_names())
    except DatabaseError as exc:
        # The driver's message names the host and the reason, never the password.
        raise BackupError(f"cannot connect to the database ({exc})") from None
    tables = [t for t in model_tables() if t in existing]

    def write(temp: Path) -> tuple[int, int | None]:
        dumped = subprocess.run(
            [pg_dump, "--format=custom", "--no-password", f"--file={temp}"],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if dumped.returncode != 0:
            raise BackupError(f"pg_dump failed: {dumped.stderr.strip()}")
        listed = subprocess.run(
            [pg_restore, "--list", str(temp)], capture_output=True, text=True, check=False
        )
        if listed.returncode != 0:
            raise BackupError(f"pg_restore cannot read the dump: {listed.stderr.strip()}")
        with_data = {table for _schema, table in TABLE_DATA.findall(listed.stdout)}
        absent = [t for t in tables if t not in with_data]
        if absent:
            raise BackupError(f"the dump lacks the tables {', '.join(absent)}")
        return len(tables), None

    return write
