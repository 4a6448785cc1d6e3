"""Writes HSDS records in batches: upserts by HSDS id, references resolved per batch.

Readers (JSON documents, CSV tables) hand over one `Row` at a time; rows wait in a buffer per
table and are written together, parents before children, with a handful of statements per
batch. Memory holds one batch per table whatever the size of the import; ids already written
by this import are remembered in a temporary table, not in memory. HSDS ids travel as 32
lowercase hex digits (see `values.HsdsId`) and become UUIDs only for a database that has them.
"""

from __future__ import annotations

import datetime as dt
import itertools
import secrets
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from django.db import IntegrityError, connection, models
from django.utils import timezone

from waypost.datasets.errors import DataFileError
from waypost.directory.models import (
    HSDS_DAYS,
    Address,
    Location,
    Organization,
    Phone,
    PhoneType,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceLanguage,
)
from waypost.evidence.models import Fact
from waypost.hsds import indexes
from waypost.hsds import tables as t
from waypost.hsds.terms import TermMap
from waypost.hsds.values import MEMO_SIZE, HsdsId, not_found, show_id
from waypost.places.models import Place, ZipCode

BATCH_SIZE = 5000
# HSDS requires only a language's id; Waypost knows a service's languages by code.
LANGUAGE_WITHOUT_CODE = "languages without code (not modelled)"
SEEN_TABLE = "hsds_import_seen"
SUSPECTS_TABLE = "hsds_import_suspects"
# Rows per IN (...) lookup: within every database's limit on parameters.
LOOKUP_CHUNK = 900


@dataclass
class Row:
    """One record as read: where it came from, and its HSDS values (already converted)."""

    file: str
    record: str  # "line 12" in a CSV file, a JSON pointer in a document
    values: dict[str, Any]
    strict: bool = True  # its id must not come twice in one import
    extra: dict[str, Any] = field(default_factory=dict)

    def error(self, column: str | None, reason: str) -> DataFileError:
        return DataFileError(self.file, self.record, column, reason)

    @property
    def id(self) -> HsdsId:
        value: HsdsId = self.values["id"]
        return value


# The tables an import fills, whose indexes a large import into empty tables builds at the end.
FILLED = (
    Organization,
    Service,
    Service.categories.through,
    Service.attributes.through,
    Fact,
    Location,
    Address,
    ServiceAtLocation,
    Phone,
    Schedule,
    ServiceLanguage,
    ServiceArea,
)


class Writer:
    def __init__(
        self, batch_size: int = BATCH_SIZE, *, bulk: bool = False, size_hint: int = 0
    ) -> None:
        """`bulk`: a large import. On SQLite, the tables it finds empty then take plain
        inserts (nothing there to update or delete), their secondary indexes are built once
        at the end, and locations are placed by their ZIP codes in one statement at the end.
        `size_hint`: the bytes to be read, to size the filter of ids read (`IdFilter`)."""
        self.batch_size = batch_size
        self.buffers: dict[str, dict[HsdsId, Row]] = {table.name: {} for table in t.TABLES}
        self.counts: Counter[str] = Counter()
        self.notes: Counter[str] = Counter()
        self.terms = TermMap(self.notes)
        self.embedded: set[tuple[str, HsdsId]] = set()
        self.entities = {table.name: number for number, table in enumerate(t.TABLES)}
        # Every id this import has read, in reading order, unindexed: appending costs little
        # whatever the size, and one sort at the end finds an id read twice (see `finish`).
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {SEEN_TABLE}")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {SEEN_TABLE} (n BIGINT NOT NULL, "
                "entity SMALLINT NOT NULL, hsds_id VARCHAR(32) NOT NULL, "
                "file VARCHAR(300) NOT NULL, record VARCHAR(300) NOT NULL)"
            )
        self.seen = 0
        self.maybe_seen = IdFilter(size_hint)
        self.day_ids = _rising_ids()
        self.fresh: set[str] = set()
        if bulk and connection.vendor == "sqlite":
            self.fresh = {m._meta.db_table for m in FILLED if not m._default_manager.exists()}
        self.set_aside = indexes.set_aside(self.fresh)
        # Tables the writer writes itself; taxonomies and terms go to `TermMap` as read.
        self._table_writers: dict[str, Callable[[list[Row]], None]] = {
            t.ORGANIZATION.name: self._write_organization,
            t.SERVICE.name: self._write_service,
            t.LOCATION.name: self._write_location,
            t.ADDRESS.name: self._write_address,
            t.SERVICE_AT_LOCATION.name: self._write_service_at_location,
            t.PHONE.name: self._write_phone,
            t.SCHEDULE.name: self._write_schedule,
            t.LANGUAGE.name: self._write_language,
            t.ATTRIBUTE.name: self._write_attribute,
            t.SERVICE_AREA.name: self._write_service_area,
        }

    def is_fresh(self, model: type[models.Model]) -> bool:
        return model._meta.db_table in self.fresh

    # Reading side -------------------------------------------------------------------------

    def add(self, table: t.Table, row: Row) -> None:
        if table is t.TAXONOMY:
            self.terms.taxonomy(row, strict=row.strict)
            self.counts["taxonomies"] += self._first_time(table, [row])
            return
        if table is t.TAXONOMY_TERM:
            self.terms.term(row, strict=row.strict)
            self.counts["taxonomy terms"] += self._first_time(table, [row])
            return
        buffer = self.buffers[table.name]
        earlier = buffer.get(row.id)
        if earlier is not None and row.strict and earlier.strict:
            raise row.error(
                "id", f"duplicate id {show_id(row.id)} (also at {earlier.file} {earlier.record})"
            )
        buffer[row.id] = row
        if len(buffer) >= self.batch_size:
            self.flush()

    def _first_time(self, table: t.Table, rows: list[Row]) -> int:
        """How many of the rows this import has not counted yet. A record a document holds
        inside others comes once for each (the one organization of a hundred services):
        those ids are remembered, one per distinct record; any other id comes once."""
        new = 0
        for row in rows:
            if row.strict:
                new += (table.name, row.id) not in self.embedded
            elif (table.name, row.id) not in self.embedded:
                self.embedded.add((table.name, row.id))
                new += 1
        return new

    def flush(self) -> None:
        for table in t.TABLES:
            rows = list(self.buffers[table.name].values())
            if rows:
                self.buffers[table.name] = {}
                self._check_repeats(table, rows)
                self._table_writers[table.name](rows)

    def finish(self) -> None:
        self.flush()
        self.terms.finish()
        self._refuse_repeats()
        if self.is_fresh(Location):
            _place_all_locations()
        indexes.restore(self.set_aside)
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {SEEN_TABLE}")

    def _check_repeats(self, table: t.Table, rows: list[Row]) -> None:
        """Note the ids of a batch (a batch holds each id once: `add` saw to that)."""
        entity = self.entities[table.name]
        first = self.seen
        params = [
            (first + n, entity, row.values["id"], row.file[:300], row.record[:300])
            for n, row in enumerate((r for r in rows if r.strict), start=1)
        ]
        self.seen += len(params)
        self.maybe_seen.add(entity, [p[2] for p in params])
        if params:
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"INSERT INTO {SEEN_TABLE} (n, entity, hsds_id, file, record) "
                    "VALUES (%s, %s, %s, %s, %s)",
                    params,
                )

    def _refuse_repeats(self) -> None:
        """An id read twice in one import (in two batches) stops it, naming the second time."""
        suspects = self.maybe_seen.suspects
        if suspects is not None:
            self._refuse_suspects(suspects)
            return
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT 1 FROM {SEEN_TABLE} GROUP BY entity, hsds_id HAVING count(*) > 1 LIMIT 1"
            )
            if cursor.fetchone() is None:
                return
            each = "OVER (PARTITION BY entity, hsds_id ORDER BY n)"
            cursor.execute(
                "SELECT hsds_id, file, record, first_file, first_record FROM ("
                f"SELECT n, hsds_id, file, record, row_number() {each} AS occurrence, "
                f"first_value(file) {each} AS first_file, "
                f"first_value(record) {each} AS first_record FROM {SEEN_TABLE}) AS numbered "
                "WHERE occurrence = 2 ORDER BY n LIMIT 1"
            )
            hsds_id, file, record, first_file, first_record = cursor.fetchone()
        raise DataFileError(
            file,
            record,
            "id",
            f"duplicate id {show_id(hsds_id)} (also at {first_file} {first_record})",
        )

    def _refuse_suspects(self, suspects: set[tuple[int, HsdsId]]) -> None:
        """Look for the suspects alone among the ids read (one pass, no sort)."""
        if not suspects:
            return
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {SUSPECTS_TABLE}")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {SUSPECTS_TABLE} (entity SMALLINT NOT NULL, "
                "hsds_id VARCHAR(32) NOT NULL, PRIMARY KEY (entity, hsds_id))"
            )
            cursor.executemany(
                f"INSERT INTO {SUSPECTS_TABLE} (entity, hsds_id) VALUES (%s, %s)", list(suspects)
            )
            # CROSS JOIN: SQLite reads the ids in order and looks each up among the suspects.
            cursor.execute(
                f"SELECT s.entity, s.hsds_id, s.file, s.record FROM {SEEN_TABLE} s "
                f"CROSS JOIN {SUSPECTS_TABLE} x WHERE x.entity = s.entity "
                "AND x.hsds_id = s.hsds_id ORDER BY s.n"
            )
            first: dict[tuple[int, str], tuple[str, str]] = {}
            repeat = None
            for entity, hsds_id, file, record in cursor.fetchall():
                if (entity, hsds_id) in first:
                    repeat = (hsds_id, file, record, *first[entity, hsds_id])
                    break
                first[entity, hsds_id] = (file, record)
            cursor.execute(f"DROP TABLE IF EXISTS {SUSPECTS_TABLE}")
        if repeat is not None:
            hsds_id, file, record, first_file, first_record = repeat
            raise DataFileError(
                file,
                record,
                "id",
                f"duplicate id {show_id(hsds_id)} (also at {first_file} {first_record})",
            )

    # One method per table -----------------------------------------------------------------

    def _write_organization(self, rows: list[Row]) -> None:
        self._upsert_by_id(Organization, rows, t.ORGANIZATION)
        self.counts["organizations"] += self._first_time(t.ORGANIZATION, rows)

    def _write_service(self, rows: list[Row]) -> None:
        organizations = self._resolve(rows, "organization_id", Organization, required=True)
        existing = {} if self.is_fresh(Service) else _facts_of(Service, rows)
        new = [r for r in rows if r.id not in existing]
        facts = _new_facts([f"Service: {r.values['name']}"[:300] for r in new])
        existing.update(zip([r.id for r in new], facts, strict=True))
        self._upsert_by_id(
            Service,
            rows,
            t.SERVICE,
            lambda r: {
                "organization_id": organizations[r.values["organization_id"]],
                "fact_id": existing[r.id],
            },
            keep=("fact_id",),
        )
        self.counts["services"] += len(rows)

    def _write_location(self, rows: list[Row]) -> None:
        organizations = self._resolve(rows, "organization_id", Organization, required=False)
        for row in rows:
            for name in ("latitude", "longitude"):
                if row.values.get(name) is None:
                    raise row.error(
                        name, "is required here: Waypost places every location on the map"
                    )
        self._upsert_by_id(
            Location,
            rows,
            t.LOCATION,
            lambda r: {
                "organization_id": organizations.get(r.values.get("organization_id")),
                "location_type": r.values.get("location_type") or "physical",
            },
        )
        self.counts["locations"] += len(rows)

    def _write_address(self, rows: list[Row]) -> None:
        locations = self._resolve(rows, "location_id", Location, required=True)
        by_location: dict[int, Row] = {}
        for row in rows:
            pk = locations[row.values["location_id"]]
            kept = by_location.get(pk)
            if kept is not None:
                self.notes["a location's second address (Waypost keeps one, physical first)"] += 1
                if _keeps_address(kept.values.get("address_type"), row.values.get("address_type")):
                    continue
            by_location[pk] = row
        values = [{"location_id": pk, **_stored(t.ADDRESS, row)} for pk, row in by_location.items()]
        _upsert(Address, values, conflict=("location_id",), only_if=ADDRESS_REPLACED)
        if not self.is_fresh(Location):
            self._place_locations(by_location)
        self.counts["addresses"] += len(by_location)

    def _place_locations(self, by_location: dict[int, Row]) -> None:
        """A location without a place takes the place and time zone of its US ZIP code."""
        zips = {
            pk: code[:5]
            for pk, row in by_location.items()
            if (code := str(row.values.get("postal_code") or ""))[:5].isdigit()
            and row.values.get("country") in ("US", "USA", None)
        }
        found = {
            z.code: (z.place_id, z.place.timezone if z.place else "")
            for z in ZipCode.objects.filter(code__in=set(zips.values())).select_related("place")
        }
        updates = [(*found[code], pk) for pk, code in zips.items() if code in found]
        table = connection.ops.quote_name(Location._meta.db_table)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table} SET place_id = %s, timezone = %s "
                "WHERE id = %s AND place_id IS NULL",
                updates,
            )

    def _write_service_at_location(self, rows: list[Row]) -> None:
        services = self._resolve(rows, "service_id", Service, required=True)
        locations = self._resolve(rows, "location_id", Location, required=True)
        if not self.is_fresh(ServiceAtLocation):
            _delete_where_in(ServiceAtLocation, "hsds_id", [r.id for r in rows])
        values = [
            {
                "hsds_id": r.id,
                "service_id": services[r.values["service_id"]],
                "location_id": locations[r.values["location_id"]],
                "description": r.values.get("description") or "",
            }
            for r in rows
        ]
        _upsert(ServiceAtLocation, values, conflict=("service_id", "location_id"))
        self.counts["services at locations"] += len(rows)

    def _service_of(self, rows: list[Row], what: str) -> tuple[list[Row], dict[HsdsId, int]]:
        """Rows that belong to a service (directly or through a service_at_location)."""
        via = self._pairs([r.values.get("service_at_location_id") for r in rows])
        services = self._resolve(rows, "service_id", Service, required=False)
        kept, owner = [], {}
        for row in rows:
            if row.values.get("service_id") in services:
                owner[row.id] = services[row.values["service_id"]]
            elif row.values.get("service_at_location_id") in via:
                owner[row.id] = via[row.values["service_at_location_id"]][0]
            else:
                self.notes[f"{what} not linked to a service (not modelled)"] += 1
                continue
            kept.append(row)
        return kept, owner

    def _write_phone(self, rows: list[Row]) -> None:
        rows, owner = self._service_of(rows, "phones")
        existing = {} if self.is_fresh(Phone) else _facts_of(Phone, rows)
        new = [r for r in rows if r.id not in existing]
        facts = _new_facts([f"Phone: {r.values['number']}"[:300] for r in new])
        existing.update(zip([r.id for r in new], facts, strict=True))
        self._upsert_by_id(
            Phone,
            rows,
            t.PHONE,
            lambda r: {
                "service_id": owner[r.id],
                "fact_id": existing[r.id],
                "type": _phone_type(r.values.get("type")),
                "language": r.extra.get("language", ""),
            },
            keep=("fact_id",),
        )
        self.counts["phones"] += len(rows)

    def _write_schedule(self, rows: list[Row]) -> None:
        rows, owner = self._service_of(rows, "schedules")
        via = self._pairs([r.values.get("service_at_location_id") for r in rows])
        locations = self._resolve(rows, "location_id", Location, required=False)
        values = []
        kept = []
        for row in rows:
            note = not_weekly(row.values.get)
            if note is not None:
                self.notes[note] += 1
                continue
            opens, closes = row.values["opens_at"], row.values["closes_at"]
            days, problem = weekly_hours(row.values["byday"], opens, closes)
            if problem is not None:
                raise row.error(*problem)
            location = locations.get(row.values.get("location_id"))
            if location is None and row.values.get("service_at_location_id") in via:
                location = via[row.values["service_at_location_id"]][1]
            kept.append(row.id)
            stored = _stored(t.SCHEDULE, row)
            for day in days:
                values.append(
                    {
                        "hsds_id": next(self.day_ids),
                        "hsds_group": row.id,
                        "service_id": owner[row.id],
                        "location_id": location,
                        "weekday": day,
                        "opens_at": opens,
                        "closes_at": closes,
                        **stored,
                    }
                )
        if not self.is_fresh(Schedule):
            _delete_where_in(Schedule, "hsds_group", kept)
            # A row typed in here went out as a schedule of its own, under its own id.
            _delete_where_in(Schedule, "hsds_id", kept)
        self._insert(Schedule, values)
        self.counts["schedules"] += len(kept)

    def _write_language(self, rows: list[Row]) -> None:
        services = self._resolve(rows, "service_id", Service, required=False)
        phones = self._resolve(rows, "phone_id", Phone, required=False)
        spoken = [
            (str(row.values["code"])[:12], phones[row.values["phone_id"]])
            for row in rows
            if row.values.get("phone_id") in phones and row.values.get("code")
        ]
        table = connection.ops.quote_name(Phone._meta.db_table)
        with connection.cursor() as cursor:
            cursor.executemany(f"UPDATE {table} SET language = %s WHERE id = %s", spoken)
        values = []
        for row in rows:
            if row.values.get("phone_id") in phones and row.values.get("service_id") is None:
                continue
            if row.values.get("service_id") not in services:
                self.notes["languages of locations or phones only (not modelled)"] += 1
                continue
            if not row.values.get("code"):
                self.notes[LANGUAGE_WITHOUT_CODE] += 1
                continue
            values.append(
                {"service_id": services[row.values["service_id"]], **_stored(t.LANGUAGE, row)}
            )
        _upsert(ServiceLanguage, values, conflict=("service_id", "code"))
        self.counts["languages"] += len(values)

    def _write_attribute(self, rows: list[Row]) -> None:
        linked = []
        for row in rows:
            if row.values.get("link_entity") != "service":
                self.notes["attributes of records other than services (not modelled)"] += 1
            else:
                linked.append(row)
        services = self._resolve(linked, "link_id", Service, required=True)
        pairs: dict[bool, list[dict[str, Any]]] = {True: [], False: []}
        for row in linked:
            term_pk, is_attribute = self.terms.resolve(row, "taxonomy_term_id")
            pairs[is_attribute].append(
                {"service_id": services[row.values["link_id"]], "taxonomyterm_id": term_pk}
            )
        _upsert(
            Service.categories.through, pairs[False], conflict=("service_id", "taxonomyterm_id")
        )
        _upsert(Service.attributes.through, pairs[True], conflict=("service_id", "taxonomyterm_id"))
        self.counts["attributes"] += len(linked)

    def _write_service_area(self, rows: list[Row]) -> None:
        rows, owner = self._service_of(rows, "service areas")
        self._upsert_by_id(ServiceArea, rows, t.SERVICE_AREA, lambda r: {"service_id": owner[r.id]})
        self.counts["service areas"] += len(rows)

    # Helpers ------------------------------------------------------------------------------

    def _resolve(
        self, rows: Sequence[Row], column: str, model: type[models.Model], *, required: bool
    ) -> dict[Any, int]:
        """HSDS id → primary key for the records the rows name; a missing one is an error
        when the reference is required, and a note otherwise."""
        wanted = {r.values.get(column) for r in rows}
        wanted.discard(None)
        found = {_from_db(hsds_id): pk for hsds_id, pk in _lookup(model, "hsds_id", wanted, ["id"])}
        for row in rows:
            value = row.values.get(column)
            if value is None and required:
                raise row.error(column, "is required")
            if value is not None and value not in found:
                if required:
                    raise row.error(
                        column,
                        not_found(str(model._meta.verbose_name), value),
                    )
                self.notes[f"{column} naming a record that is not there (left empty)"] += 1
        return found

    def _pairs(self, ids: Iterable[HsdsId | None]) -> dict[HsdsId, tuple[int, int]]:
        wanted = set(ids)
        wanted.discard(None)
        return {
            _from_db(hsds_id): (service, location)
            for hsds_id, service, location in _lookup(
                ServiceAtLocation, "hsds_id", wanted, ["service_id", "location_id"]
            )
        }

    def _upsert_by_id(
        self,
        model: type[models.Model],
        rows: list[Row],
        table: t.Table,
        more: Any = None,
        keep: tuple[str, ...] = (),
    ) -> None:
        values = [{"hsds_id": r.id, **_stored(table, r), **(more(r) if more else {})} for r in rows]
        # A record a document holds inside others (an organization in each of its services)
        # may come again in a later batch, to be updated rather than inserted twice.
        if self.is_fresh(model) and all(r.strict for r in rows):
            self._insert(model, values)
        else:
            _upsert(model, values, conflict=("hsds_id",), keep=keep)

    def _insert(self, model: type[models.Model], values: list[dict[str, Any]]) -> None:
        """Plain inserts; an id this import already wrote is then named as a duplicate."""
        try:
            _upsert(model, values, conflict=None)
        except IntegrityError:
            self._refuse_repeats()
            raise


def _place_all_locations() -> None:
    """Every location without a place takes the place and time zone of its address's US ZIP
    code, in one statement (SQLite; what `_place_locations` does batch by batch)."""
    location, address = Location._meta.db_table, Address._meta.db_table
    zipcode, place = ZipCode._meta.db_table, Place._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {location} SET place_id = z.place_id, timezone = coalesce(p.timezone, '') "
            f"FROM {address} a JOIN {zipcode} z ON z.code = substr(a.postal_code, 1, 5) "
            f"LEFT JOIN {place} p ON p.id = z.place_id "
            f"WHERE a.location_id = {location}.id AND {location}.place_id IS NULL "
            "AND a.country IN ('US', 'USA') "
            "AND substr(a.postal_code, 1, 5) GLOB '[0-9][0-9][0-9][0-9][0-9]'"
        )


def _keeps_address(kept: str | None, later: str | None) -> bool:
    """A location keeps one address: a later one replaces it unless it is physical and the
    later one is not (`ADDRESS_REPLACED` says the same in SQL)."""
    return kept == "physical" and later != "physical"


ADDRESS_REPLACED = (
    "NOT (directory_address.address_type = 'physical' AND excluded.address_type <> 'physical')"
)


def _stored(table: t.Table, row: Row) -> dict[str, Any]:
    """Model values for the HSDS columns kept as they are (empty text becomes '' in SQL:
    see `_upsert`)."""
    columns, attnames, pick = _storage(table)
    values = row.values
    try:
        return dict(zip(attnames, pick(values), strict=True))
    except KeyError:  # a CSV file without some of the table's columns
        return {a: values.get(c) for c, a in zip(columns, attnames, strict=True)}


_STORAGE: dict[str, tuple[list[str], list[str], Any]] = {}


def _storage(table: t.Table) -> tuple[list[str], list[str], Any]:
    found = _STORAGE.get(table.name)
    if found is None:
        columns = [column for column, _attname, _textual in table.storage]
        attnames = [attname for _column, attname, _textual in table.storage]
        getter = itemgetter(*columns) if columns else (lambda values: ())
        pick = getter if len(columns) != 1 else (lambda values: (getter(values),))
        found = _STORAGE[table.name] = (columns, attnames, pick)
    return found


def _phone_type(value: str | None) -> str:
    if not value:
        return PhoneType.VOICE
    return PhoneType.TTY if value == "textphone" else value


# Recurrence parts that change which days a schedule means: Waypost keeps none of them.
RECURRENCE_PARTS = ("until", "count", "byweekno", "bymonthday", "byyearday")


def not_weekly(get: Callable[[str], Any]) -> str | None:
    """Why a schedule (its values by `get`) is not "these weekdays, every week, at these
    hours", the one recurrence Waypost keeps: the import's note for it; None when it is."""
    freq = get("freq")
    if not freq:
        return "schedules without freq (not modelled)"
    if str(freq).upper() != "WEEKLY":
        return f"schedules with freq {str(freq).upper()} (not modelled)"
    if get("interval") not in (None, 1):
        return "schedules repeating every 2 or more weeks (not modelled)"
    for name in RECURRENCE_PARTS:
        if get(name) is not None:
            return f"schedules with {name} (not modelled)"
    if not get("byday") or not get("opens_at") or not get("closes_at"):
        return "schedules without byday, opens_at and closes_at (not modelled)"
    return None


def weekly_hours(
    byday: str, opens: dt.time, closes: dt.time
) -> tuple[list[int], tuple[str, str] | None]:
    """The weekdays of a weekly schedule, or what is wrong with it: (field, reason)."""
    days, problem = weekdays(byday)
    if problem is not None:
        return [], ("byday", problem)
    if closes <= opens:
        return [], ("closes_at", f"{closes} is not after opens_at {opens}")
    return days, None


def weekdays(byday: str) -> tuple[list[int], str | None]:
    """The weekdays of `byday`, or the reason one of its words is not a weekday."""
    days = set()
    for code in byday.split(","):
        code = code.strip().upper()
        if code not in HSDS_DAYS:
            return [], f"{code!r} is not a weekday ({', '.join(HSDS_DAYS)})"
        days.add(HSDS_DAYS.index(code))
    return sorted(days), None


def _uses_uuid_type() -> bool:
    return bool(connection.features.has_native_uuid_field)


def _id_as_uuid(value: Any) -> Any:
    return uuid.UUID(hex=value) if isinstance(value, str) else value


def _id_as_hex(value: Any) -> Any:
    return value.hex if isinstance(value, uuid.UUID) else value


def _from_db(value: Any) -> HsdsId:
    return value.hex if isinstance(value, uuid.UUID) else str(value)


class IdFilter:
    """Which ids may have been read before in this import (a Bloom filter, two bits an id).

    Sorting the millions of ids of a national import to find one read twice took longer than
    reading them; the filter answers "certainly not" for nearly all of them in memory (at
    most 32 MB), and only the few suspects are then looked for among the ids read. Past
    MAX_SUSPECTS (a filter too small for the import), `suspects` is None: sort them all.
    """

    MAX_SUSPECTS = 200_000

    def __init__(self, size_hint: int) -> None:
        # About one id per 40 bytes of CSV; 16 bits an id keeps suspects near 1 in 500.
        bits = 1 << 16
        while bits < min(size_hint // 40 * 16, 1 << 28):
            bits <<= 1
        self.mask = bits - 1
        self.bits = bytearray(bits >> 3)
        self.suspects: set[tuple[int, HsdsId]] | None = set()

    def add(self, entity: int, ids: list[HsdsId]) -> None:
        bits, mask = self.bits, self.mask
        salt = entity * 0x9E3779B97F4A7C15
        for hsds_id in ids:
            code = hash(hsds_id) ^ salt
            one, two = code & mask, (code >> 28) & mask
            byte1, bit1, byte2, bit2 = one >> 3, 1 << (one & 7), two >> 3, 1 << (two & 7)
            if bits[byte1] & bit1 and bits[byte2] & bit2:
                self._suspect(entity, hsds_id)
            bits[byte1] |= bit1
            bits[byte2] |= bit2

    def _suspect(self, entity: int, hsds_id: HsdsId) -> None:
        if self.suspects is None:
            return
        self.suspects.add((entity, hsds_id))
        if len(self.suspects) > self.MAX_SUSPECTS:
            self.suspects = None


def rising_id_prefix() -> str:
    """The first 17 hex digits of the ids of imported schedules' weekday rows (the HSDS id is
    the rows' `hsds_group`), laid out as UUID version 7: the time, a random part (two imports
    within one millisecond still differ) and the variant. The 15 digits after it count up, so
    each id is greater than the one before and the unique index on them grows at one end
    instead of at random places."""
    millis = time.time_ns() // 1_000_000
    return f"{millis:012x}7{secrets.randbits(12):03x}8"


def _rising_ids() -> Iterator[HsdsId]:
    prefix = rising_id_prefix()
    for count in itertools.count():
        yield f"{prefix}{count:015x}"


def _lookup(
    model: type[models.Model], column: str, keys: Iterable[Any], wanted: list[str]
) -> Iterable[tuple[Any, ...]]:
    """(key, *wanted) for the model's rows whose `column` is one of `keys`, in raw SQL (the
    ORM spent more time building each query than the database spent answering it)."""
    keys = list(keys)
    if not keys:
        return []
    qn = connection.ops.quote_name
    convert = to_db(model_field(model, column))
    selected = ", ".join(qn(c) for c in [column, *wanted])
    found: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        for chunk in _chunks(keys, LOOKUP_CHUNK):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"SELECT {selected} FROM {qn(model._meta.db_table)} "
                f"WHERE {qn(column)} IN ({marks})",
                [convert(k) for k in chunk],
            )
            found.extend(cursor.fetchall())
    return found


def _facts_of(model: type[models.Model], rows: list[Row]) -> dict[HsdsId, int]:
    """The fact of each row's record already in the database (HSDS id → fact id)."""
    return {
        _from_db(hsds_id): fact
        for hsds_id, fact in _lookup(model, "hsds_id", [r.id for r in rows], ["fact_id"])
    }


def _new_facts(labels: list[str]) -> list[int]:
    """Create one unchecked fact per label; their ids, in the same order."""
    if not labels:
        return []
    table = connection.ops.quote_name(Fact._meta.db_table)
    ids: list[int] = []
    with connection.cursor() as cursor:
        for chunk in _chunks(labels, 500):
            rows = ", ".join(["(%s, '', NULL, '', 0)"] * len(chunk))
            # Rows come back in the order of VALUES on both databases (as bulk_create relies).
            cursor.execute(
                f"INSERT INTO {table} (label, note, last_checked_on, last_outcome, "
                f"open_disputes) VALUES {rows} RETURNING id",
                chunk,
            )
            ids.extend(pk for (pk,) in cursor.fetchall())
    return ids


def _chunks(items: list[Any], size: int) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _delete_where_in(model: type[models.Model], column: str, values: list[Any]) -> None:
    table = connection.ops.quote_name(model._meta.db_table)
    convert = to_db(model_field(model, column))
    with connection.cursor() as cursor:
        for chunk in _chunks(values, LOOKUP_CHUNK):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"DELETE FROM {table} WHERE {connection.ops.quote_name(column)} IN ({marks})",
                [convert(v) for v in chunk],
            )


def _upsert(
    model: type[models.Model],
    rows: list[dict[str, Any]],
    *,
    conflict: tuple[str, ...] | None,
    keep: tuple[str, ...] = (),
    only_if: str = "",
) -> None:
    """INSERT … ON CONFLICT DO UPDATE for plain dicts of model values (SQLite and PostgreSQL).

    Fields a row leaves out take their default on insert and are left alone on update, as are
    those in `keep`; `only_if` (SQL) limits which existing rows are updated. Raw SQL because
    building model instances costs more than the write.
    """
    if not rows:
        return
    qn = connection.ops.quote_name
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    # auto_now fields (when a record last changed) are stamped as Django's save() would.
    stamped = {
        f.attname
        for f in fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    }
    given = set().union(*(r.keys() for r in rows)) - stamped
    # Columns the rows give first (read with one itemgetter), then those left to defaults.
    named = [f for f in fields if f.attname in given]
    left = [f for f in fields if f.attname not in given]
    calls = [f for f in left if f.has_default() and callable(f.default)]
    fixed = [f for f in left if f not in calls]
    ordered = [*named, *calls, *fixed]
    columns = ", ".join(qn(f.column) for f in ordered)
    # Text columns that take no NULL store an empty value as '' (as forms do).
    marks = ", ".join(
        "coalesce(%s, '')"
        if isinstance(f, models.CharField | models.TextField) and not f.null
        else "%s"
        for f in ordered
    )
    sql = f"INSERT INTO {qn(model._meta.db_table)} ({columns}) VALUES ({marks})"
    if conflict is not None:
        targets = ", ".join(qn(model_field(model, c).column) for c in conflict)
        updates = [
            f"{qn(f.column)} = excluded.{qn(f.column)}"
            for f in fields
            if (f.attname in given or f.attname in stamped)
            and f.attname not in conflict
            and f.attname not in keep
            and not getattr(f, "auto_now_add", False)
        ]
        action = f"DO UPDATE SET {', '.join(updates)}" if updates else "DO NOTHING"
        if only_if and updates:
            action += f" WHERE {only_if}"
        sql += f" ON CONFLICT ({targets}) {action}"
    with connection.cursor() as cursor:
        cursor.executemany(sql, _parameters(rows, named, calls, fixed))


def _parameters(
    rows: list[dict[str, Any]],
    named: list[models.Field[Any, Any]],
    calls: list[models.Field[Any, Any]],
    fixed: list[models.Field[Any, Any]],
) -> list[list[Any]]:
    """Each row's values for the columns `named`, then `calls` (a callable default, such as a
    fresh UUID, differs per row), then `fixed` (a default computed once), ready for the database.
    """
    conversions = [(i, to_db(f)) for i, f in enumerate(named)]
    conversions = [(i, c) for i, c in conversions if c is not _identity]
    now = timezone.now()
    constant = [
        to_db(f)(
            now
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
            else f.get_default()
        )
        for f in fixed
    ]
    names = [f.attname for f in named]
    getter = itemgetter(*names)
    try:
        if len(names) == 1:
            params = [[getter(row)] for row in rows]
        else:
            params = [list(getter(row)) for row in rows]
    except KeyError:  # a row leaves out a field others give: it takes the default there
        params = [
            [row[f.attname] if f.attname in row else f.get_default() for f in named] for row in rows
        ]
    for values in params:
        for i, convert in conversions:
            values[i] = convert(values[i])
        for f in calls:
            values.append(to_db(f)(f.get_default()))
        values.extend(constant)
    return params


def _identity(value: Any) -> Any:
    return value


def to_db(field: models.Field[Any, Any]) -> Any:
    """The one conversion a column's Python value needs for this database, chosen once
    (what get_db_prep_save does, without its cost per value)."""
    ops = connection.ops
    if isinstance(field, models.UUIDField):
        return _id_as_uuid if _uses_uuid_type() else _id_as_hex
    if isinstance(field, models.DateTimeField):
        return _memo(ops.adapt_datetimefield_value)
    if isinstance(field, models.DateField):
        return _memo(ops.adapt_datefield_value)
    if isinstance(field, models.TimeField):
        return _memo(ops.adapt_timefield_value)
    return _identity


def _memo(adapt: Any) -> Any:
    """`adapt` for values that repeat (opening hours, a file's one modification time); at
    most MEMO_SIZE values are kept, for one batch."""
    memo: dict[Any, Any] = {}

    def adapted(value: Any) -> Any:
        if value is None:
            return None
        found = memo.get(value)
        if found is None:
            found = adapt(value)
            if len(memo) < MEMO_SIZE:
                memo[value] = found
        return found

    return adapted


def model_field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    return field
