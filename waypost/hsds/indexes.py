"""Secondary indexes set aside while a large import fills empty tables (SQLite).

Filling an index row by row costs a search of the index for every row, and once the index
outgrows the page cache most of those searches read the disk. Building it once at the end
sorts the keys instead. Unique indexes stay: they refuse duplicates and serve the upserts.
Inside the import's transaction, so a failed import leaves every index as it was.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection


def set_aside(tables: Iterable[str]) -> list[tuple[str, str]]:
    """Drop the non-unique indexes of these tables; their names and definitions."""
    names = sorted(set(tables))
    if connection.vendor != "sqlite" or not names:
        return []
    marks = ", ".join(["%s"] * len(names))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            f"AND tbl_name IN ({marks}) ORDER BY name",
            names,
        )
        dropped = [
            (name, sql)
            for name, sql in cursor.fetchall()
            if not sql.upper().startswith("CREATE UNIQUE")
        ]
        for name, _sql in dropped:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    return dropped


def restore(dropped: list[tuple[str, str]]) -> None:
    """Build the indexes again, each from the definition it had."""
    with connection.cursor() as cursor:
        for _name, sql in dropped:
            cursor.execute(sql)
