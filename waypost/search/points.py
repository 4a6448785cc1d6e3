"""Keeping the search table (`SearchPoint`) in step with the directory, on both databases.

Every write to a location, a service's status, a service at a location or a service's
categories or attributes reaches the table through database triggers, whichever code path
made it (the ORM, the admin, the importer, raw SQL). A bulk load drops the triggers and
rebuilds the table once at the end (`bulk_load`), as the keyword index does.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection as default_connection
from django.db.backends.base.base import BaseDatabaseWrapper

from waypost.search import tables

TABLE = tables.SEARCH_POINT
BITS = 62  # term id mod 62: the bit stays clear of a signed 64-bit integer's sign


# Grid cells of one degree of latitude by one of longitude. A circle's box spans a band of
# latitude right across the country; the index on (cell, latitude, …) reads only the few
# cells the box touches instead of the whole band.
CELL_COLUMNS = 361


def cell(latitude: float, longitude: float) -> int:
    return math.floor(latitude + 90) * CELL_COLUMNS + math.floor(longitude + 180)


def cells(box: tuple[float, float, float, float]) -> list[int]:
    """Every cell a (min_lat, max_lat, min_lng, max_lng) box touches."""
    min_lat, max_lat, min_lng, max_lng = box
    rows = range(math.floor(max(min_lat, -90) + 90), math.floor(min(max_lat, 90) + 90) + 1)
    columns = range(math.floor(max(min_lng, -180) + 180), math.floor(min(max_lng, 180) + 180) + 1)
    return [row * CELL_COLUMNS + column for row in rows for column in columns]


def _cell_sql(vendor: str, latitude: str, longitude: str) -> str:
    # Both sums are never negative, so SQLite's cast (which truncates) is a floor;
    # PostgreSQL's cast rounds, hence floor() there.
    if vendor == "postgresql":
        return (
            f"(floor({latitude} + 90)::integer * {CELL_COLUMNS} "
            f"+ floor({longitude} + 180)::integer)"
        )
    return (
        f"(CAST({latitude} + 90 AS INTEGER) * {CELL_COLUMNS} + CAST({longitude} + 180 AS INTEGER))"
    )


def bit(term_id: int) -> int:
    return 1 << (term_id % BITS)


def mask(term_ids: Iterable[int]) -> int:
    out = 0
    for term_id in term_ids:
        out |= bit(term_id)
    return out


def _bits_sql(vendor: str, link_table: str, service: str) -> str:
    if vendor == "postgresql":
        total = f"bit_or(1::bigint << (x.taxonomyterm_id % {BITS})::integer)"
    else:  # SQLite has no bitwise aggregate; distinct powers of two sum to their OR
        total = f"sum(DISTINCT 1 << (x.taxonomyterm_id % {BITS}))"
    return f"(SELECT coalesce({total}, 0) FROM {link_table} x WHERE x.service_id = {service})"


def _select_points(vendor: str, where: str) -> str:
    """The search table's rows for the services at locations matching `where` (on `sal`)."""
    categories = _bits_sql(vendor, f"{tables.SERVICE_CATEGORIES}", "sal.service_id")
    attributes = _bits_sql(vendor, f"{tables.SERVICE_ATTRIBUTES}", "sal.service_id")
    return (
        f"SELECT sal.id, sal.service_id, sal.location_id, l.latitude, l.longitude, "
        f"{_cell_sql(vendor, 'l.latitude', 'l.longitude')}, l.timezone, "
        f"s.status = 'active', {categories}, {attributes} "
        f"FROM {tables.SERVICE_AT_LOCATION} sal "
        f"JOIN {tables.LOCATION} l ON l.id = sal.location_id "
        f"JOIN {tables.SERVICE} s ON s.id = sal.service_id WHERE {where}"
    )


_COLUMNS = (
    "id, service_id, location_id, latitude, longitude, cell, timezone, active, "
    "category_bits, attribute_bits"
)


def _statements(vendor: str) -> dict[str, list[str]]:
    """What each trigger does, on the changed row (NEW / OLD on both databases)."""
    new, old = "NEW", "OLD"
    insert = f"INSERT INTO {TABLE} ({_COLUMNS}) " + _select_points(vendor, f"sal.id = {new}.id")

    def bits(column: str, link: str, row: str) -> str:
        return (
            f"UPDATE {TABLE} SET {column} = {_bits_sql(vendor, link, f'{row}.service_id')} "
            f"WHERE service_id = {row}.service_id"
        )

    return {
        "sal_ai": [insert],
        "sal_ad": [f"DELETE FROM {TABLE} WHERE id = {old}.id"],
        "sal_au": [f"DELETE FROM {TABLE} WHERE id = {old}.id", insert],
        "loc_au": [
            f"UPDATE {TABLE} SET latitude = {new}.latitude, longitude = {new}.longitude, "
            f"cell = {_cell_sql(vendor, f'{new}.latitude', f'{new}.longitude')}, "
            f"timezone = {new}.timezone WHERE location_id = {new}.id"
        ],
        "svc_au": [
            f"UPDATE {TABLE} SET active = ({new}.status = 'active') WHERE service_id = {new}.id"
        ],
        "cat_ai": [bits("category_bits", f"{tables.SERVICE_CATEGORIES}", new)],
        "cat_ad": [bits("category_bits", f"{tables.SERVICE_CATEGORIES}", old)],
        "attr_ai": [bits("attribute_bits", f"{tables.SERVICE_ATTRIBUTES}", new)],
        "attr_ad": [bits("attribute_bits", f"{tables.SERVICE_ATTRIBUTES}", old)],
    }


# trigger suffix → (event, table)
_EVENTS = {
    "sal_ai": ("AFTER INSERT", f"{tables.SERVICE_AT_LOCATION}"),
    "sal_ad": ("AFTER DELETE", f"{tables.SERVICE_AT_LOCATION}"),
    "sal_au": ("AFTER UPDATE", f"{tables.SERVICE_AT_LOCATION}"),
    "loc_au": ("AFTER UPDATE OF latitude, longitude, timezone", f"{tables.LOCATION}"),
    "svc_au": ("AFTER UPDATE OF status", f"{tables.SERVICE}"),
    "cat_ai": ("AFTER INSERT", f"{tables.SERVICE_CATEGORIES}"),
    "cat_ad": ("AFTER DELETE", f"{tables.SERVICE_CATEGORIES}"),
    "attr_ai": ("AFTER INSERT", f"{tables.SERVICE_ATTRIBUTES}"),
    "attr_ad": ("AFTER DELETE", f"{tables.SERVICE_ATTRIBUTES}"),
}


def _name(suffix: str) -> str:
    return f"{TABLE}_{suffix}"


def install(conn: BaseDatabaseWrapper | None = None) -> None:
    """Create the triggers that are missing; if any was, rebuild the table (idempotent)."""
    conn = conn or default_connection
    if conn.vendor not in ("sqlite", "postgresql"):
        return
    with conn.cursor() as cursor:
        if conn.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        present = {row[0] for row in cursor.fetchall()}
        missing = [suffix for suffix in _EVENTS if _name(suffix) not in present]
        statements = _statements(conn.vendor)
        for suffix in missing:
            event, table = _EVENTS[suffix]
            body = "; ".join(statements[suffix])
            if conn.vendor == "sqlite":
                cursor.execute(
                    f"CREATE TRIGGER {_name(suffix)} {event} ON {table} "
                    f"FOR EACH ROW BEGIN {body}; END"
                )
            else:
                cursor.execute(
                    f"CREATE OR REPLACE FUNCTION {_name(suffix)}() RETURNS trigger "
                    f"LANGUAGE plpgsql AS $$ BEGIN {body}; RETURN NULL; END $$"
                )
                cursor.execute(
                    f"CREATE TRIGGER {_name(suffix)} {event} ON {table} "
                    f"FOR EACH ROW EXECUTE FUNCTION {_name(suffix)}()"
                )
    if missing:
        # Rows written while a trigger was missing are not in the table: read them all.
        rebuild(conn)


def uninstall(conn: BaseDatabaseWrapper | None = None) -> None:
    conn = conn or default_connection
    with conn.cursor() as cursor:
        for suffix, (_event, table) in _EVENTS.items():
            if conn.vendor == "sqlite":
                cursor.execute(f"DROP TRIGGER IF EXISTS {_name(suffix)}")
            elif conn.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {_name(suffix)} ON {table}")
                cursor.execute(f"DROP FUNCTION IF EXISTS {_name(suffix)}()")


def rebuild(conn: BaseDatabaseWrapper | None = None) -> None:
    """Refill the table from the directory (after `bulk_load`, or to repair)."""
    conn = conn or default_connection
    if conn.vendor not in ("sqlite", "postgresql"):
        return
    with conn.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")
        cursor.execute(f"INSERT INTO {TABLE} ({_COLUMNS}) " + _select_points(conn.vendor, "1 = 1"))
        if conn.vendor == "postgresql":
            cursor.execute(f"ANALYZE {TABLE}")


@contextmanager
def bulk_load(conn: BaseDatabaseWrapper | None = None) -> Iterator[None]:
    """Write many rows without per-row upkeep, then rebuild the table once (also on failure,
    so the table always matches the directory)."""
    conn = conn or default_connection
    uninstall(conn)
    try:
        yield
    finally:
        install(conn)


def after_migrate(using: str = "default", **kwargs: Any) -> None:
    from django.db import connections

    install(connections[using])
