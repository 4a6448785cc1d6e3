"""Keyword search over service names and descriptions, one interface for two databases.

SQLite: an FTS5 table over the service table (external content), kept in step by triggers.
PostgreSQL: a GIN index on the same text's tsvector, which PostgreSQL keeps in step itself.
Both match every word typed (stemmed, accents ignored) and rank by relevance.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import DatabaseError, transaction
from django.db import connection as default_connection
from django.db.backends.base.base import BaseDatabaseWrapper

from waypost.search import points, tables

MAX_WORDS = 12
_WORD = re.compile(r"\w+", re.UNICODE)

FTS_TABLE = f"{tables.SERVICE}_fts"
SERVICE_TABLE = tables.SERVICE
# English stemming, accents folded (unaccent) so "clinica" finds "clínica" as on SQLite.
PG_CONFIG = "waypost_english"
PG_INDEX = f"{tables.SERVICE}_fulltext"
# The PostgreSQL index is on this expression; queries must repeat it exactly to use it.
PG_DOCUMENT = (
    f"to_tsvector('{PG_CONFIG}'::regconfig, "
    "coalesce(s.name, '') || ' ' || coalesce(s.description, ''))"
)

_SQLITE_TRIGGERS = {
    f"{FTS_TABLE}_ai": f"""
        CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ai AFTER INSERT ON {SERVICE_TABLE} BEGIN
          INSERT INTO {FTS_TABLE}(rowid, name, description)
          VALUES (new.id, new.name, new.description);
        END""",
    f"{FTS_TABLE}_ad": f"""
        CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ad AFTER DELETE ON {SERVICE_TABLE} BEGIN
          INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, name, description)
          VALUES ('delete', old.id, old.name, old.description);
        END""",
    f"{FTS_TABLE}_au": f"""
        CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_au
        AFTER UPDATE OF name, description ON {SERVICE_TABLE} BEGIN
          INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, name, description)
          VALUES ('delete', old.id, old.name, old.description);
          INSERT INTO {FTS_TABLE}(rowid, name, description)
          VALUES (new.id, new.name, new.description);
        END""",
}


class NoWords(ValueError):
    """The keywords hold no word to search for."""


def words(text: str) -> list[str]:
    """The words of a keyword query; punctuation and operators are ignored, never parsed."""
    found = _WORD.findall(text.lower())
    if not found:
        raise NoWords("Type at least one word to search for.")
    return found[:MAX_WORDS]


@dataclass
class KeywordSQL:
    """Fragments to splice into a query whose service table is aliased `s`.

    `join` goes after the FROM list, `where` into the WHERE clause; `rank` orders best
    first when sorted ascending. Parameters are listed per fragment, in order.
    """

    join: str
    join_params: list[Any] = field(default_factory=list)
    where: str = ""
    where_params: list[Any] = field(default_factory=list)
    rank: str = "0"
    # SQLite only, for a search near a place: `probe` is a condition true when service
    # `{service_id}` matches (a rowid lookup in the index, no ranking); `ranked` reads the
    # rank of the services listed by the subquery `{ids}` alone. Ranking every match of a
    # common word cost more than the rest of a search; bm25 is then computed for the
    # services found near the place only (the same values as ranking all of them).
    probe: str = ""
    ranked: str = ""
    match_params: list[Any] = field(default_factory=list)


def keyword_sql(text: str, conn: BaseDatabaseWrapper | None = None) -> KeywordSQL:
    conn = conn or default_connection
    terms = words(text)
    if conn.vendor == "postgresql":
        return KeywordSQL(
            join=f"CROSS JOIN plainto_tsquery('{PG_CONFIG}'::regconfig, %s) AS kwq",
            join_params=[" ".join(terms)],
            where=f"{PG_DOCUMENT} @@ kwq",
            rank=f"-ts_rank({PG_DOCUMENT}, kwq)",
        )
    # Each word quoted: FTS5 then reads it as a plain term, never as syntax (OR, NEAR, -).
    match = " ".join(f'"{t}"' for t in terms)
    return KeywordSQL(
        join=(
            f"JOIN (SELECT rowid AS service_id, bm25({FTS_TABLE}) AS rank FROM {FTS_TABLE} "
            f"WHERE {FTS_TABLE} MATCH %s) AS kw ON kw.service_id = s.id"
        ),
        join_params=[match],
        rank="kw.rank",
        probe=(
            f"EXISTS (SELECT 1 FROM {FTS_TABLE} kwp WHERE kwp.rowid = {{service_id}} "
            f"AND {FTS_TABLE} MATCH %s)"
        ),
        # `+rowid`: a filter on the scan, never a lookup per listed id (each lookup would
        # count the words' matches anew for bm25).
        ranked=(
            f"SELECT rowid AS sid, bm25({FTS_TABLE}) AS rank FROM {FTS_TABLE} "
            f"WHERE {FTS_TABLE} MATCH %s AND +rowid IN ({{ids}})"
        ),
        match_params=[match],
    )


def install(conn: BaseDatabaseWrapper | None = None) -> None:
    """Create the keyword index if it is missing, and fill it if it was (idempotent)."""
    conn = conn or default_connection
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            _install_pg_config(conn, cursor)
            cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [PG_INDEX])
            if cursor.fetchone():
                return
            cursor.execute(
                f"CREATE INDEX {PG_INDEX} ON {SERVICE_TABLE} USING GIN "
                f"({PG_DOCUMENT.replace('s.', '')})"
            )
            return
        if conn.vendor != "sqlite":
            return
        cursor.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
            f"name, description, content='{SERVICE_TABLE}', content_rowid='id', "
            "tokenize='porter unicode61 remove_diacritics 2')"
        )
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
            [SERVICE_TABLE],
        )
        present = {row[0] for row in cursor.fetchall()}
        for sql in _SQLITE_TRIGGERS.values():
            cursor.execute(sql)
        if set(_SQLITE_TRIGGERS) - present:
            # Rows written while a trigger was missing are not indexed: index them all.
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")


def _install_pg_config(conn: BaseDatabaseWrapper, cursor: Any) -> None:
    cursor.execute("SELECT 1 FROM pg_ts_config WHERE cfgname = %s", [PG_CONFIG])
    if cursor.fetchone():
        return
    cursor.execute(f"CREATE TEXT SEARCH CONFIGURATION {PG_CONFIG} (COPY = english)")
    try:
        # unaccent ships with PostgreSQL (contrib) and is a trusted extension; a server
        # without it still gets English stemming, only accents then count.
        with transaction.atomic(using=conn.alias):
            cursor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    except DatabaseError:
        return
    cursor.execute(
        f"ALTER TEXT SEARCH CONFIGURATION {PG_CONFIG} ALTER MAPPING FOR "
        "hword, hword_part, word WITH unaccent, english_stem"
    )


def uninstall(conn: BaseDatabaseWrapper | None = None) -> None:
    conn = conn or default_connection
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            cursor.execute(f"DROP INDEX IF EXISTS {PG_INDEX}")
            cursor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {PG_CONFIG}")
        elif conn.vendor == "sqlite":
            for name in _SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")


def rebuild(conn: BaseDatabaseWrapper | None = None) -> None:
    """Re-index every service (after a bulk load made with `bulk_load`, or to repair)."""
    conn = conn or default_connection
    install(conn)
    with conn.cursor() as cursor:
        if conn.vendor == "sqlite":
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')")
        elif conn.vendor == "postgresql":
            # The index follows every write; the planner's statistics need refreshing.
            cursor.execute(f"ANALYZE {SERVICE_TABLE}")


@contextmanager
def bulk_load(conn: BaseDatabaseWrapper | None = None) -> Iterator[None]:
    """Write many services without per-row index upkeep, then index them all at once.

    On SQLite the triggers are dropped for the duration and the index rebuilt at the end
    (also when the block fails, so the index always matches what is in the table).
    PostgreSQL keeps its index itself; statistics are refreshed at the end. The search
    table (`points`) is handled the same way on both databases.
    """
    conn = conn or default_connection
    if conn.vendor == "sqlite":
        with conn.cursor() as cursor:
            for name in _SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
    try:
        # The search table is derived from the same rows: rebuilt once at the end too.
        with points.bulk_load(conn):
            yield
    finally:
        rebuild(conn)


def after_migrate(using: str = "default", **kwargs: Any) -> None:
    from django.db import connections

    install(connections[using])


def add_sqlite_math(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """Distances are computed in SQL; a SQLite built without its math functions gets them here."""
    if connection.vendor != "sqlite":
        return
    raw = connection.connection
    try:
        raw.execute("SELECT asin(radians(1.0))")
    except Exception:  # an OperationalError names the missing function
        for name, fn in (
            ("radians", math.radians),
            ("sin", math.sin),
            ("cos", math.cos),
            ("asin", math.asin),
            ("sqrt", math.sqrt),
        ):
            raw.create_function(name, 1, fn, deterministic=True)
        raw.create_function("power", 2, math.pow, deterministic=True)
