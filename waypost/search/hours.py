"""Is a service open at a moment? Decided in SQL from weekly schedule rows.

Schedules are wall-clock hours in the location's time zone. An instant ("now") is a different
wall-clock time in each zone, so the condition groups the zones by the local weekday and time
they show at that instant: a handful of groups, whatever the number of locations. A
wall-clock request ("Saturday 14:00") needs no zone at all.
"""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper


@functools.cache
def _zones() -> tuple[zoneinfo.ZoneInfo, ...]:
    return tuple(zoneinfo.ZoneInfo(name) for name in sorted(zoneinfo.available_timezones()))


def local_times(instant: dt.datetime) -> dict[tuple[int, dt.time], list[str]]:
    """(weekday, wall-clock minute) → the zones showing it at this instant."""
    minute = instant.astimezone(dt.UTC).replace(second=0, microsecond=0)
    return _local_times(minute)


@functools.lru_cache(maxsize=4)
def _local_times(instant: dt.datetime) -> dict[tuple[int, dt.time], list[str]]:
    groups: dict[tuple[int, dt.time], list[str]] = {}
    for zone in _zones():
        local = instant.astimezone(zone)
        key = (local.weekday(), local.time().replace(second=0, microsecond=0))
        groups.setdefault(key, []).append(zone.key)
    return groups


def _slot(conn: BaseDatabaseWrapper, weekday: int, at: dt.time) -> tuple[str, list[Any]]:
    """Open at `at` on `weekday`: a row that day spanning it, or last night's row running on.

    A row that closes at or before it opens runs past midnight (opens == closes: all day).
    """
    t = conn.ops.adapt_timefield_value(at)
    sql = (
        "((sc.weekday = %s AND sc.opens_at <= %s AND (sc.closes_at > %s OR sc.closes_at <= "
        "sc.opens_at)) OR (sc.weekday = %s AND sc.closes_at <= sc.opens_at AND sc.closes_at > %s))"
    )
    return sql, [weekday, t, t, (weekday - 1) % 7, t]


def open_sql(
    conn: BaseDatabaseWrapper,
    location: str,
    *,
    instant: dt.datetime | None,
    wall: dt.datetime | None,
) -> tuple[str, list[Any]]:
    """An EXISTS condition: service `s` has a schedule open at `location` (an alias or column).

    A schedule row without a location applies at every location of its service.
    """
    params: list[Any] = []
    if instant is not None:
        parts = []
        for (weekday, at), zones in local_times(instant).items():
            slot, slot_params = _slot(conn, weekday, at)
            marks = ", ".join(["%s"] * len(zones))
            parts.append(f"({location}.timezone IN ({marks}) AND {slot})")
            params += zones + slot_params
        when = " OR ".join(parts)
    elif wall is not None:
        when, params = _slot(conn, wall.weekday(), wall.time().replace(second=0, microsecond=0))
    else:
        raise ValueError("open_sql needs an instant or a wall-clock time")
    sql = (
        "EXISTS (SELECT 1 FROM directory_schedule sc WHERE sc.service_id = s.id AND "
        f"(sc.location_id IS NULL OR sc.location_id = {location}.id) AND ({when}))"
    )
    return sql, params
