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
from collections.abc import Iterable
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

from waypost.search import tables


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


def _slot(weekday: int, at: Any) -> tuple[str, list[Any]]:
    """Open at `at` on `weekday`: a row that day spanning it, or last night's row running on.

    A row that closes at or before it opens runs past midnight (opens == closes: all day).
    """
    sql = (
        "((sc.weekday = %s AND sc.opens_at <= %s AND (sc.closes_at > %s OR "
        "sc.closes_at <= sc.opens_at)) OR (sc.weekday = %s AND "
        "sc.closes_at <= sc.opens_at AND sc.closes_at > %s))"
    )
    return sql, [weekday, at, at, (weekday - 1) % 7, at]


def open_sql(
    conn: BaseDatabaseWrapper,
    location: str,
    *,
    instant: dt.datetime | None,
    wall: dt.datetime | None,
    zones: Iterable[str] | None = None,
    service_id: str = "s.id",
    location_id: str | None = None,
) -> tuple[str, list[Any]]:
    """An EXISTS condition: service `service_id` has a schedule open at `location`.

    `location` is an alias of a row with a `timezone` column, `location_id` the location's
    id (default `location`.id). A schedule row without a location applies at every
    location of its service. For an instant, `zones` are the time zones the candidate
    locations can be in (all known zones when None); zones showing the same local time
    share one condition.
    """
    params: list[Any] = []
    if instant is not None:
        wanted = set(zones) if zones is not None else None
        parts = []
        for (weekday, at), names in local_times(instant).items():
            chosen = [z for z in names if wanted is None or z in wanted]
            if not chosen:
                continue
            slot, slot_params = _slot(weekday, conn.ops.adapt_timefield_value(at))
            marks = ", ".join(["%s"] * len(chosen))
            parts.append(f"({location}.timezone IN ({marks}) AND {slot})")
            params += [*chosen, *slot_params]
        when = " OR ".join(parts) or "1 = 0"
    elif wall is not None:
        wall_at = conn.ops.adapt_timefield_value(wall.time().replace(second=0, microsecond=0))
        when, params = _slot(wall.weekday(), wall_at)
    else:
        raise ValueError("open_sql needs an instant or a wall-clock time")
    sql = (
        f"EXISTS (SELECT 1 FROM {tables.SCHEDULE} sc WHERE sc.service_id = {service_id} AND "
        f"(sc.location_id IS NULL OR sc.location_id = {location_id or location + '.id'}) "
        f"AND ({when}))"
    )
    return sql, params
