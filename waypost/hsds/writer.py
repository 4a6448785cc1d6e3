"""The one way HSDS records reach the directory: staged, checked and written by set statements.

Readers hand over rows: a CSV table a batch of columns at a time (`Writer.load`), a JSON
document one `Row` at a time (`Writer.add`). The rows of each HSDS table wait in a temporary
table of their own (its stage), on disk, so memory stays flat whatever the size of the
import. A stage is then checked and written by a few statements over it (`_write_*`), parents
before children. The statements are the same on SQLite and PostgreSQL, into an empty or a full
directory: a record already there (by HSDS id) is updated. A refusal names the file, the line
or JSON pointer and the field; a row Waypost does not keep is counted in the notes.

Each reference (`organization_id` …) is resolved once to the primary key it names, into a
column of the stage (`Ref`): while the row is staged when the records it names are already
written (a package's tables come parents first), otherwise just before the stage is written.
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
from pathlib import Path
from typing import Any

from django.db import connection, models
from django.utils import timezone

from waypost.datasets.errors import DataFileError
from waypost.directory.models import (
    HSDS_DAYS,
    Address,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceLanguage,
)
from waypost.evidence.models import Fact
from waypost.hsds import indexes
from waypost.hsds import tables as t
from waypost.hsds.tabular import Batch, read_batches
from waypost.hsds.terms import TermMap
from waypost.hsds.values import HsdsId, not_found, show_id
from waypost.places.models import Place, ZipCode

BATCH_SIZE = 5000
# HSDS requires only a language's id; Waypost knows a service's languages by code.
LANGUAGE_WITHOUT_CODE = "languages without code (not modelled)"
TERMS = "hsds_stage_terms"
SUSPECTS = "hsds_stage_suspects"
# Stage columns besides the table's: where a document's row was read (a CSV row's place is its
# line), whether its id may come again (a record a document holds inside others, such as the
# organization of each of its services), and the language a document gives a phone.
META = ("_record", "_loose", "_language")
# What the summary counts, in the order it gives them.
COUNTED = {
    t.TAXONOMY.name: "taxonomies",
    t.TAXONOMY_TERM.name: "taxonomy terms",
    t.ORGANIZATION.name: "organizations",
    t.SERVICE.name: "services",
    t.LOCATION.name: "locations",
    t.ADDRESS.name: "addresses",
    t.SERVICE_AT_LOCATION.name: "services at locations",
    t.PHONE.name: "phones",
    t.SCHEDULE.name: "schedules",
    t.LANGUAGE.name: "languages",
    t.ATTRIBUTE.name: "attributes",
    t.SERVICE_AREA.name: "service areas",
}


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


@dataclass(frozen=True)
class Ref:
    """A stage column holding the primary key (or `value`) of the record a column names."""

    name: str
    column: str
    model: type[models.Model]
    key: str = "hsds_id"
    value: str = "id"


@dataclass(frozen=True)
class Plan:
    table: t.Table
    model: type[models.Model]
    refs: tuple[Ref, ...] = ()
    # Columns Python works out from a batch (see `_schedule_days`), with their kinds.
    extra: tuple[tuple[str, str], ...] = ()
    more: Callable[[Batch], list[list[Any]]] | None = None

    @property
    def stage(self) -> str:
        return f"hsds_stage_{self.table.name}"


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
    def __init__(self, batch_size: int = BATCH_SIZE, *, bulk: bool = False) -> None:
        """`batch_size`: rows of a document staged together. `bulk`: a large import, for which
        the secondary indexes of the tables it finds empty are built once at the end (SQLite)."""
        self.batch_size = batch_size
        self.counts: Counter[str] = Counter()
        self.notes: Counter[str] = Counter()
        self.terms = TermMap(self.notes)
        self.read_terms: dict[str, set[HsdsId]] = {
            t.TAXONOMY.name: set(),
            t.TAXONOMY_TERM.name: set(),
        }
        self.buffers: dict[str, list[Row]] = {}
        self.staged: dict[str, str] = {}  # table → the file its rows come from
        # The references each stage looked up for every row (see `_stage`).
        self.looked_up: dict[str, set[str]] = {}
        self.loose: set[str] = set()
        self.lines = itertools.count(1)
        self.empty = {m for m in FILLED if not m._default_manager.exists()}
        self.written: set[type[models.Model]] = set()
        self.set_aside = indexes.set_aside(m._meta.db_table for m in self.empty) if bulk else []
        self._table_writers: dict[str, Callable[[Plan, str], None]] = {
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

    # Reading side -------------------------------------------------------------------------

    def add(self, table: t.Table, row: Row) -> None:
        """One record of a document (or of a taxonomy table, which `TermMap` keeps)."""
        if table is t.TAXONOMY:
            self.terms.taxonomy(row, strict=row.strict)
        elif table is t.TAXONOMY_TERM:
            self.terms.term(row, strict=row.strict)
        else:
            buffer = self.buffers.setdefault(table.name, [])
            buffer.append(row)
            if len(buffer) >= self.batch_size:
                self._stage_rows(table)
            return
        self.read_terms[table.name].add(row.id)

    def load(
        self,
        table: t.Table,
        file: Path,
        advance: Callable[[int], None],
        read: Iterable[tuple[tuple[str, ...], list[list[Any]]]] | None = None,
        suspects: Callable[[], list[tuple[str]] | None] | None = None,
    ) -> None:
        """Stage and write one CSV table, whose parents are written. `read`: its batches as
        another process read them (`readahead.Reader`), with the ids that may have come
        twice (`suspects`); by default the file is read here."""
        plan = PLANS[table.name]
        if read is None:
            read = staged_values(plan, read_batches(table, file, advance, self.batch_size))
        self._stage(plan, file.name, read, inline=True)
        self._write(plan, suspects() if suspects is not None else None)

    def finish(self) -> None:
        """Write what documents gave, then what waits for the whole import."""
        for table in t.TABLES:
            if table.name in self.buffers:
                self._stage_rows(table)
        for table in t.TABLES:
            if table.name in self.staged:
                self._write(PLANS[table.name], None)
        self.terms.finish()
        indexes.restore(self.set_aside)
        for name, read in self.read_terms.items():
            self.counts[COUNTED[name]] += len(read)
        order = list(COUNTED.values())
        self.counts = Counter(dict(sorted(self.counts.items(), key=lambda c: order.index(c[0]))))

    # Staging ------------------------------------------------------------------------------

    def _stage_rows(self, table: t.Table) -> None:
        rows = self.buffers.pop(table.name, [])
        if not rows:
            return
        present = set().union(*(r.values for r in rows))
        columns = {
            c.name: [r.values.get(c.name) for r in rows] for c in table.columns if c.name in present
        }
        columns["_record"] = [r.record for r in rows]
        if not all(r.strict for r in rows):
            columns["_loose"] = [None if r.strict else 1 for r in rows]
            self.loose.add(table.name)
        if any(r.extra.get("language") for r in rows):
            columns["_language"] = [r.extra.get("language") for r in rows]
        batch = Batch(rows[0].file, [next(self.lines) for _ in rows], columns)
        plan = PLANS[table.name]
        self._stage(plan, rows[0].file, staged_values(plan, [batch]), inline=False)

    def _stage(
        self,
        plan: Plan,
        file: str,
        batches: Iterable[tuple[tuple[str, ...], list[list[Any]]]],
        *,
        inline: bool,
    ) -> None:
        if plan.table.name not in self.staged:
            _execute(f"DROP TABLE IF EXISTS {plan.stage}")
            _execute(f"CREATE TEMPORARY TABLE {plan.stage} ({', '.join(_stage_columns(plan))})")
            self.staged[plan.table.name] = file
        # PostgreSQL copies the rows in (its fastest way) and looks references up later.
        copy = connection.vendor == "postgresql"
        refs = [r for r in plan.refs if inline and not copy and self._may_hold(r.model)]
        self.looked_up.setdefault(plan.table.name, set()).update(r.name for r in refs)
        statements: dict[tuple[str, ...], tuple[str, list[int]]] = {}
        with connection.cursor() as cursor:
            for given, values in batches:
                if copy:
                    columns = ", ".join(["line", *(_q(n) for n in given)])
                    with cursor.copy(f"COPY {plan.stage} ({columns}) FROM STDIN") as copying:
                        for row in zip(*values, strict=True):
                            copying.write_row(row)
                    continue
                found = statements.get(given)
                if found is None:
                    found = statements[given] = _staging(plan, list(given), refs)
                sql, looked_up = found
                # Each reference is looked up from its column's value, given once more.
                values += [values[i] for i in looked_up]
                # The rows as the columns' values zipped (a list of them costs more time).
                cursor.executemany(sql, zip(*values, strict=True))  # type: ignore[arg-type]

    def _may_hold(self, model: type[models.Model]) -> bool:
        """Whether a record of `model` can be found (not if it was empty and is not written)."""
        return model not in self.empty or model in self.written

    def _write(self, plan: Plan, suspects: list[tuple[str]] | None) -> None:
        name = plan.table.name
        file = self.staged[name]
        try:
            if connection.vendor == "postgresql":
                _execute(f"ANALYZE {plan.stage}")  # temporary tables have no statistics
            self._refuse_repeats(plan, file, suspects)
            if name in self.loose:
                # The last time a record comes is the one kept.
                _execute(
                    f"DELETE FROM {plan.stage} WHERE line NOT IN "
                    f"(SELECT max(line) FROM {plan.stage} GROUP BY id)"
                )
            self._resolve(plan)
            self._table_writers[name](plan, file)
            self.written.add(plan.model)
        finally:
            del self.staged[name]
            _execute(f"DROP TABLE IF EXISTS {plan.stage}")
            _execute(f"DROP TABLE IF EXISTS {SUSPECTS}_rows")

    def _resolve(self, plan: Plan) -> None:
        """The references staging could not look up (their records were not written yet)."""
        looked_up = self.looked_up.pop(plan.table.name, set())
        for ref in plan.refs:
            if self._may_hold(ref.model) and ref.name not in looked_up:
                column = f"{plan.stage}.{_q(ref.column)}"
                _execute(
                    f"UPDATE {plan.stage} SET {ref.name} = (SELECT {_q(ref.value)} FROM "
                    f"{_q(ref.model._meta.db_table)} WHERE {_q(ref.key)} = {column}) "
                    f"WHERE {ref.name} IS NULL AND {column} IS NOT NULL"
                )

    # Checks -------------------------------------------------------------------------------

    def _refuse_repeats(self, plan: Plan, file: str, suspects: list[tuple[str]] | None) -> None:
        """An id that comes twice (but for a record a document holds inside others) stops the
        import at its second row. A reading process names the few ids it may have read twice;
        only their rows are then compared. Otherwise every id is."""
        rows = plan.stage
        if suspects is not None:
            if not suspects:
                return
            _execute(f"DROP TABLE IF EXISTS {SUSPECTS}")
            _execute(f"CREATE TEMPORARY TABLE {SUSPECTS} (id {_type('uuid')} PRIMARY KEY)")
            with connection.cursor() as cursor:
                cursor.executemany(f"INSERT INTO {SUSPECTS} VALUES (%s)", suspects)
            rows = f"{SUSPECTS}_rows"
            _execute(
                f"CREATE TEMPORARY TABLE {rows} AS SELECT line, _record, _loose, id "
                f"FROM {plan.stage} WHERE id IN (SELECT id FROM {SUSPECTS})"
            )
            _execute(f"DROP TABLE {SUSPECTS}")
        strict = "_loose IS NULL"
        if _first(f"SELECT id FROM {rows} WHERE {strict} GROUP BY id HAVING count(*) > 1") is None:
            return
        _execute(f"CREATE INDEX {rows}_id_line ON {rows} (id, line)")
        second, record, first, first_record, hsds_id = _row(
            f"SELECT b.line, b._record, a.line, a._record, b.id FROM {rows} b JOIN {rows} a "
            f"ON a.id = b.id AND a.line < b.line WHERE a.{strict} AND b.{strict} "
            "ORDER BY b.line LIMIT 1"
        )
        raise DataFileError(
            file,
            _where(second, record),
            "id",
            f"duplicate id {show_id(_hex(hsds_id))} (also at {file} {_where(first, first_record)})",
        )

    def _refuse_unresolved(
        self,
        plan: Plan,
        file: str,
        column: str,
        ref: str,
        model: type[models.Model],
        where: str = "true",
    ) -> None:
        """A required reference: empty, or naming a record that is not there, stops the
        import at the first such row."""
        found = _first(
            f"SELECT line, _record, {_q(column)} FROM {plan.stage} "
            f"WHERE {ref} IS NULL AND ({where}) ORDER BY line LIMIT 1"
        )
        if found is None:
            return
        line, record, value = found
        if value is None:
            raise DataFileError(file, _where(line, record), column, "is required")
        raise DataFileError(
            file,
            _where(line, record),
            column,
            not_found(str(model._meta.verbose_name), _hex(value)),
        )

    def _note_dangling(
        self, plan: Plan, refs: Sequence[tuple[str, str]], where: str = "true"
    ) -> None:
        """Optional references naming a record that is not there: left empty, and noted."""
        counts = ", ".join(f"count({_q(column)}) - count({ref})" for column, ref in refs)
        found = _row(f"SELECT {counts} FROM {plan.stage} WHERE {where}")
        for (column, _ref), missing in zip(refs, found, strict=True):
            if missing:
                self.notes[f"{column} naming a record that is not there (left empty)"] += missing

    def _note(self, plan: Plan, note: str, where: str) -> None:
        count = _count(plan, where)
        if count:
            self.notes[note] += count

    def _linked(self, plan: Plan, what: str) -> str:
        """Rows that belong to a service, directly or through a service_at_location; the
        others are noted and left out. SQL for each row's service."""
        self._note_dangling(plan, [("service_id", "_service")])
        self._note(
            plan,
            f"{what} not linked to a service (not modelled)",
            "_service IS NULL AND _via_service IS NULL",
        )
        return "coalesce(_service, _via_service)"

    # Writing ------------------------------------------------------------------------------

    def _insert(
        self,
        model: type[models.Model],
        given: dict[str, str],
        source: str,
        *,
        conflict: tuple[str, ...] = (),
        keep: tuple[str, ...] = (),
        only_if: str = "",
    ) -> None:
        """INSERT … SELECT: `given` maps model fields to SQL over `source`; other fields take
        their defaults (auto_now fields the time of the import). A row whose `conflict`
        columns match a record's updates that record's given fields, but those in `keep`
        (and only where `only_if`, SQL, holds); with no field to update, the row is dropped.
        Raw SQL: the ORM writes no INSERT … SELECT."""
        now = timezone.now()
        columns, exprs, params, updates = [], [], [], []
        for f in model._meta.concrete_fields:
            if f.primary_key:
                continue
            column = _q(f.column)
            stamped = getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
            if f.attname in given:
                expr = given[f.attname]
                if isinstance(f, models.CharField | models.TextField) and not f.null:
                    expr = f"coalesce({expr}, '')"  # empty text is '' (as forms keep it)
                exprs.append(expr)
            else:
                if not stamped and f.has_default() and callable(f.default):
                    raise AssertionError(f"{model.__name__}.{f.name} differs per row: give it")
                exprs.append("%s")
                params.append(f.get_db_prep_save(now if stamped else f.get_default(), connection))
            columns.append(column)
            if (f.attname in given or getattr(f, "auto_now", False)) and f.attname not in (
                *conflict,
                *keep,
            ):
                updates.append(f"{column} = excluded.{column}")
        sql = (
            f"INSERT INTO {_q(model._meta.db_table)} ({', '.join(columns)}) "
            f"SELECT {', '.join(exprs)} {source}"
        )
        if conflict:
            targets = ", ".join(_q(_field(model, c).column) for c in conflict)
            action = f"DO UPDATE SET {', '.join(updates)}" if updates else "DO NOTHING"
            if only_if and updates:
                action += f" WHERE {only_if}"
            sql += f" ON CONFLICT ({targets}) {action}"
        _execute(sql, params)

    def _facts(self, plan: Plan, label: str, where: str) -> int:
        """An unchecked fact for each staged row `where` holds (`label` is SQL): row `line`'s
        fact is then the result plus its line."""
        last = _one(f"SELECT max(line) FROM {plan.stage} WHERE {where}")
        if last is None:
            return 0
        base = _reserve_ids(Fact, int(last))
        _execute(
            f"INSERT INTO {_q(Fact._meta.db_table)} (id, label, note, last_checked_on, "
            f"last_outcome, open_disputes) SELECT %s + line, substr({label}, 1, 300), '', NULL, "
            f"'', 0 FROM {plan.stage} WHERE {where} ORDER BY line",
            [base],
        )
        return base

    def _write_organization(self, plan: Plan, file: str) -> None:
        self._insert(
            Organization,
            {"hsds_id": "id", **_stored(plan.table)},
            f"FROM {plan.stage} WHERE true ORDER BY line",
            conflict=("hsds_id",),
        )
        self.counts["organizations"] += _count(plan)

    def _write_service(self, plan: Plan, file: str) -> None:
        self._refuse_unresolved(plan, file, "organization_id", "_organization", Organization)
        base = self._facts(plan, "'Service: ' || name", "_fact IS NULL")
        self._insert(
            Service,
            {
                "hsds_id": "id",
                **_stored(plan.table),
                "organization_id": "_organization",
                "fact_id": f"coalesce(_fact, {base} + line)",
            },
            f"FROM {plan.stage} WHERE true ORDER BY line",
            conflict=("hsds_id",),
            keep=("fact_id",),
        )
        self.counts["services"] += _count(plan)

    def _write_location(self, plan: Plan, file: str) -> None:
        found = _first(
            f"SELECT line, _record, latitude IS NULL FROM {plan.stage} "
            "WHERE latitude IS NULL OR longitude IS NULL ORDER BY line LIMIT 1"
        )
        if found is not None:
            raise DataFileError(
                file,
                _where(found[0], found[1]),
                "latitude" if found[2] else "longitude",
                "is required here: Waypost places every location on the map",
            )
        self._note_dangling(plan, [("organization_id", "_organization")])
        self._insert(
            Location,
            {
                "hsds_id": "id",
                **_stored(plan.table),
                "organization_id": "_organization",
                "location_type": "coalesce(location_type, 'physical')",
            },
            f"FROM {plan.stage} WHERE true ORDER BY line",
            conflict=("hsds_id",),
        )
        self.counts["locations"] += _count(plan)

    def _write_address(self, plan: Plan, file: str) -> None:
        self._refuse_unresolved(plan, file, "location_id", "_location", Location)
        # A location keeps one address: its last physical one, or else its last one; one it
        # has already gives way unless it is physical and the new one is not.
        physical_first = "CASE WHEN address_type = 'physical' THEN 0 ELSE 1 END"
        kept = _last(plan, "_location", first=physical_first)
        stored = _stored(plan.table)
        self._insert(
            Address,
            {"location_id": "_location", **stored},
            f"FROM {plan.stage} WHERE {kept} ORDER BY line",
            conflict=("location_id",),
            only_if=f"NOT ({_q(Address._meta.db_table)}.address_type = 'physical' "
            "AND excluded.address_type <> 'physical')",
        )
        rows = _count(plan)
        addresses = int(_one(f"SELECT count(DISTINCT _location) FROM {plan.stage}"))
        if rows > addresses:
            self.notes["a location's second address (Waypost keeps one, physical first)"] += (
                rows - addresses
            )
        self.counts["addresses"] += addresses
        # A location without a place takes the place and time zone of its US ZIP code.
        location, address = _q(Location._meta.db_table), _q(Address._meta.db_table)
        _execute(
            f"UPDATE {location} SET place_id = z.place_id, timezone = coalesce(p.timezone, '') "
            f"FROM {plan.stage} s JOIN {address} a ON a.location_id = s._location "
            f"JOIN {_q(ZipCode._meta.db_table)} z ON z.code = substr(a.postal_code, 1, 5) "
            f"LEFT JOIN {_q(Place._meta.db_table)} p ON p.id = z.place_id "
            f"WHERE {location}.id = s._location AND {location}.place_id IS NULL "
            "AND a.country IN ('US', 'USA', '')"
        )

    def _write_service_at_location(self, plan: Plan, file: str) -> None:
        found = _first(
            f"SELECT line FROM {plan.stage} WHERE _service IS NULL OR _location IS NULL "
            "ORDER BY line LIMIT 1"
        )
        if found is not None:
            where = f"line = {int(found[0])}"
            self._refuse_unresolved(plan, file, "service_id", "_service", Service, where)
            self._refuse_unresolved(plan, file, "location_id", "_location", Location, where)
        if self._may_hold(ServiceAtLocation):
            # A link that now joins another service or location is replaced.
            _execute(
                f"DELETE FROM {_q(ServiceAtLocation._meta.db_table)} "
                f"WHERE hsds_id IN (SELECT id FROM {plan.stage})"
            )
        self._insert(
            ServiceAtLocation,
            {
                "hsds_id": "id",
                "service_id": "_service",
                "location_id": "_location",
                "description": "description",
            },
            f"FROM {plan.stage} WHERE {_last(plan, '_service, _location')} ORDER BY line",
            conflict=("service_id", "location_id"),
        )
        self.counts["services at locations"] += _count(plan)

    def _write_phone(self, plan: Plan, file: str) -> None:
        owner = self._linked(plan, "phones")
        linked = f"{owner} IS NOT NULL"
        base = self._facts(plan, "'Phone: ' || number", f"{linked} AND _fact IS NULL")
        self._insert(
            Phone,
            {
                "hsds_id": "id",
                **_stored(plan.table),
                "service_id": owner,
                "fact_id": f"coalesce(_fact, {base} + line)",
                "type": "CASE WHEN type IS NULL THEN 'voice' "
                "WHEN type = 'textphone' THEN 'tty' ELSE type END",
                "language": "coalesce(_language, '')",
            },
            f"FROM {plan.stage} WHERE {linked} ORDER BY line",
            conflict=("hsds_id",),
            keep=("fact_id",),
        )
        self.counts["phones"] += _count(plan, linked)

    def _write_schedule(self, plan: Plan, file: str) -> None:
        owner = self._linked(plan, "schedules")
        linked = f"{owner} IS NOT NULL"
        found = _first(
            f"SELECT line, _record, _problem_field, _problem FROM {plan.stage} "
            f"WHERE _problem_field IS NOT NULL AND {linked} ORDER BY line LIMIT 1"
        )
        if found is not None:
            raise DataFileError(file, _where(found[0], found[1]), found[2], found[3])
        self._note_dangling(plan, [("location_id", "_location")], linked)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT _problem, count(*) FROM {plan.stage} "
                f"WHERE {linked} AND _days IS NULL GROUP BY _problem"
            )
            for note, count in cursor.fetchall():
                self.notes[note] += count
        kept = f"{linked} AND _days IS NOT NULL"
        if self._may_hold(Schedule):
            # The weekday rows of a schedule imported before; a schedule typed in here went
            # out as one of its own, under its own id.
            for column in ("hsds_group", "hsds_id"):
                _execute(
                    f"DELETE FROM {_q(Schedule._meta.db_table)} WHERE {column} IN "
                    f"(SELECT id FROM {plan.stage} WHERE {kept})"
                )
        # Each weekday its own row, under an id that rises as rows are written
        # (see `rising_id_prefix`).
        day_id = _as_uuid(f"'{rising_id_prefix()}' || {_hex15('line * 8 + day')}")
        week = " UNION ALL ".join(f"SELECT {day} AS day" for day in range(len(HSDS_DAYS)))
        self._insert(
            Schedule,
            {
                "hsds_id": day_id,
                "hsds_group": "id",
                **_stored(plan.table),
                "service_id": owner,
                "location_id": "coalesce(_location, _via_location)",
                "weekday": "day",
                "opens_at": "opens_at",
                "closes_at": "closes_at",
            },
            f"FROM {plan.stage} JOIN ({week}) AS week ON (_days >> day) & 1 = 1 "
            f"WHERE {kept} ORDER BY line, day",
        )
        self.counts["schedules"] += _count(plan, kept)

    def _write_language(self, plan: Plan, file: str) -> None:
        self._note_dangling(plan, [("service_id", "_service"), ("phone_id", "_phone")])
        phone = _q(Phone._meta.db_table)
        # A phone's language: the code of the last row naming it.
        _execute(
            f"UPDATE {phone} SET language = (SELECT substr(code, 1, 12) FROM {plan.stage} "
            f"WHERE _phone = {phone}.id AND code IS NOT NULL ORDER BY line DESC LIMIT 1) "
            f"WHERE id IN (SELECT _phone FROM {plan.stage} WHERE code IS NOT NULL)"
        )
        self._note(
            plan,
            "languages of locations or phones only (not modelled)",
            "_service IS NULL AND NOT (_phone IS NOT NULL AND service_id IS NULL)",
        )
        self._note(plan, LANGUAGE_WITHOUT_CODE, "_service IS NOT NULL AND code IS NULL")
        spoken = "_service IS NOT NULL AND code IS NOT NULL"
        self._insert(
            ServiceLanguage,
            {"service_id": "_service", **_stored(plan.table)},
            f"FROM {plan.stage} WHERE {spoken} AND {_last(plan, '_service, code', spoken)} "
            "ORDER BY line",
            conflict=("service_id", "code"),
        )
        self.counts["languages"] += _count(plan, spoken)

    def _write_attribute(self, plan: Plan, file: str) -> None:
        linked = "link_entity = 'service'"
        self._note(
            plan, "attributes of records other than services (not modelled)", f"NOT ({linked})"
        )
        self._refuse_unresolved(plan, file, "link_id", "_service", Service, linked)
        _execute(f"DROP TABLE IF EXISTS {TERMS}")
        _execute(
            f"CREATE TEMPORARY TABLE {TERMS} "
            f"(hsds_id {_type('uuid')} PRIMARY KEY, pk BIGINT, is_attribute INTEGER)"
        )
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {TERMS} VALUES (%s, %s, %s)",
                [
                    (hsds_id, pk, int(is_attribute))
                    for hsds_id, (pk, is_attribute) in self.terms.by_id.items()
                ],
            )
        found = _first(
            f"SELECT line, _record, taxonomy_term_id FROM {plan.stage} WHERE {linked} "
            f"AND taxonomy_term_id NOT IN (SELECT hsds_id FROM {TERMS}) ORDER BY line LIMIT 1"
        )
        if found is not None:
            raise DataFileError(
                file,
                _where(found[0], found[1]),
                "taxonomy_term_id",
                not_found("taxonomy term", _hex(found[2])),
            )
        for through, is_attribute in (
            (Service.categories.through, 0),
            (Service.attributes.through, 1),
        ):
            self._insert(
                through,
                {"service_id": "_service", "taxonomyterm_id": "term.pk"},
                f"FROM {plan.stage} JOIN {TERMS} AS term ON term.hsds_id = taxonomy_term_id "
                f"AND term.is_attribute = {is_attribute} WHERE {linked} ORDER BY line",
                conflict=("service_id", "taxonomyterm_id"),
            )
        _execute(f"DROP TABLE IF EXISTS {TERMS}")
        self.counts["attributes"] += _count(plan, linked)

    def _write_service_area(self, plan: Plan, file: str) -> None:
        owner = self._linked(plan, "service areas")
        linked = f"{owner} IS NOT NULL"
        self._insert(
            ServiceArea,
            {"hsds_id": "id", **_stored(plan.table), "service_id": owner},
            f"FROM {plan.stage} WHERE {linked} ORDER BY line",
            conflict=("hsds_id",),
        )
        self.counts["service areas"] += _count(plan, linked)


# Schedules ------------------------------------------------------------------------------

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
    days: set[int] = set()
    for code in byday.split(","):
        code = code.strip().upper()
        if code not in HSDS_DAYS:
            return [], ("byday", f"{code!r} is not a weekday ({', '.join(HSDS_DAYS)})")
        days.add(HSDS_DAYS.index(code))
    if closes <= opens:
        return [], ("closes_at", f"{closes} is not after opens_at {opens}")
    return sorted(days), None


def _schedule_days(batch: Batch) -> list[list[Any]]:
    """Each schedule's weekdays as bits (None: not kept, see `not_weekly`, whose note goes in
    the problem column then), and the first thing wrong with it, which refuses the import
    only if the schedule belongs to a service."""
    n = len(batch)
    empty = [None] * n
    columns = {c.name: batch.columns.get(c.name) or empty for c in t.SCHEDULE.columns}
    days: list[int | None] = []
    fields: list[str | None] = []
    problems: list[str | None] = []
    read: dict[tuple[str, Any, Any], tuple[int, tuple[str, str] | None]] = {}
    for i in range(n):

        def get(name: str, i: int = i) -> Any:
            return columns[name][i]

        note = not_weekly(get)
        if note is not None:
            days.append(None)
            fields.append(None)
            problems.append(note)
            continue
        key = (get("byday"), get("opens_at"), get("closes_at"))
        found = read.get(key)
        if found is None:
            listed, problem = weekly_hours(*key)
            found = read[key] = (sum(1 << d for d in listed), problem)
        bits, problem = found
        days.append(bits)
        fields.append(problem[0] if problem else None)
        problems.append(problem[1] if problem else None)
    return [days, fields, problems]


def rising_id_prefix() -> str:
    """The first 17 hex digits of the ids of imported schedules' weekday rows (the HSDS id is
    the rows' `hsds_group`), laid out as UUID version 7: the time, a random part (two imports
    within one millisecond still differ) and the variant. The 15 digits after it count up, so
    each id is greater than the one before and the unique index on them grows at one end
    instead of at random places."""
    millis = time.time_ns() // 1_000_000
    return f"{millis:012x}7{secrets.randbits(12):03x}8"


_SAL = ServiceAtLocation
_SERVICE = Ref("_service", "service_id", Service)
_VIA_SERVICE = Ref("_via_service", "service_at_location_id", _SAL, value="service_id")
PLANS = {
    plan.table.name: plan
    for plan in (
        Plan(t.ORGANIZATION, Organization),
        Plan(
            t.SERVICE,
            Service,
            (
                Ref("_organization", "organization_id", Organization),
                Ref("_fact", "id", Service, value="fact_id"),
            ),
        ),
        Plan(t.LOCATION, Location, (Ref("_organization", "organization_id", Organization),)),
        Plan(t.ADDRESS, Address, (Ref("_location", "location_id", Location),)),
        Plan(
            t.SERVICE_AT_LOCATION,
            ServiceAtLocation,
            (_SERVICE, Ref("_location", "location_id", Location)),
        ),
        Plan(
            t.PHONE,
            Phone,
            (_SERVICE, _VIA_SERVICE, Ref("_fact", "id", Phone, value="fact_id")),
        ),
        Plan(
            t.SCHEDULE,
            Schedule,
            (
                _SERVICE,
                Ref("_location", "location_id", Location),
                _VIA_SERVICE,
                Ref("_via_location", "service_at_location_id", _SAL, value="location_id"),
            ),
            (("_days", "int"), ("_problem_field", "text"), ("_problem", "text")),
            _schedule_days,
        ),
        Plan(t.LANGUAGE, ServiceLanguage, (_SERVICE, Ref("_phone", "phone_id", Phone))),
        Plan(t.ATTRIBUTE, Service.categories.through, (Ref("_service", "link_id", Service),)),
        Plan(t.SERVICE_AREA, ServiceArea, (_SERVICE, _VIA_SERVICE)),
    )
}


# Staging --------------------------------------------------------------------------------


def staged_values(
    plan: Plan, batches: Iterable[Batch]
) -> Iterator[tuple[tuple[str, ...], list[list[Any]]]]:
    """Batches of rows as they are staged: the names of the columns given (those with a value
    in the batch), and the values by column: line numbers first, then those columns as
    stored, then the plan's `extra` columns.

    On SQLite an empty value is sent as '' (the staging statement makes it NULL again): the
    sqlite3 module binds None by way of its adapter protocol, which cost more than the rest
    of the row. A column empty throughout the batch is not sent at all."""
    table = plan.table
    adapt = {c.name: _db_value(c.kind) for c in table.columns}
    unempty = _unempty if connection.vendor == "sqlite" else _same
    for batch in batches:
        n = len(batch)
        given: list[str] = []
        values: list[list[Any]] = [batch.lines]
        for name in [*(c.name for c in table.columns), *META]:
            found = batch.columns.get(name)
            if found is None or found.count(None) == n:
                continue
            convert = adapt.get(name)
            given.append(name)
            values.append(unempty(found if convert is None else convert(found)))
        if plan.more is not None:
            given += [name for name, _type in plan.extra]
            values += [unempty(extra) for extra in plan.more(batch)]
        yield tuple(given), values


def _stage_columns(plan: Plan) -> list[str]:
    columns = [f"line {'INTEGER' if connection.vendor == 'sqlite' else 'BIGINT'} PRIMARY KEY"]
    columns += [f"{name} {_type('text')}" for name in ("_record", "_language")]
    columns += [f"_loose {_type('int')}"]
    columns += [f"{_q(c.name)} {_type(c.kind)}" for c in plan.table.columns]
    columns += [f"{name} {_type(kind)}" for name, kind in plan.extra]
    columns += [f"{ref.name} {_type('int')}" for ref in plan.refs]
    return columns


def _staging(plan: Plan, given: list[str], refs: list[Ref]) -> tuple[str, list[int]]:
    """The INSERT of a staged row whose batch has the columns `given`, and the positions of
    the values the `refs` (of those given) are looked up by."""
    refs = [ref for ref in refs if ref.column in given]
    columns = ["line", *(_q(n) for n in given), *(ref.name for ref in refs)]
    marks = ["%s"] + ["nullif(%s, '')"] * len(given)
    marks += [
        f"(SELECT {_q(ref.value)} FROM {_q(ref.model._meta.db_table)} WHERE {_q(ref.key)} = %s)"
        for ref in refs
    ]
    sql = f"INSERT INTO {plan.stage} ({', '.join(columns)}) VALUES ({', '.join(marks)})"
    return sql, [given.index(ref.column) + 1 for ref in refs]


def _unempty(values: list[Any]) -> list[Any]:
    # Converted values are never '' (an empty cell is None): '' can stand for NULL.
    return ["" if v is None else v for v in values] if None in values else values


def _same(values: list[Any]) -> list[Any]:
    return values


def _db_value(kind: str) -> Callable[[list[Any]], list[Any]] | None:
    """How a column's converted values are stored (SQLite keeps dates and times as text)."""
    ops = connection.ops
    adapt: Callable[[Any], Any]
    if kind == "date":
        adapt = ops.adapt_datefield_value
    elif kind == "datetime":
        adapt = ops.adapt_datetimefield_value
    elif kind == "time":
        adapt = ops.adapt_timefield_value
    else:
        return None

    def stored(values: list[Any]) -> list[Any]:
        found = {v: (None if v is None else adapt(v)) for v in set(values)}
        return list(map(found.__getitem__, values))

    return stored


# SQL --------------------------------------------------------------------------------------

# Stage column types on PostgreSQL (SQLite's are left untyped: a column typed there converts
# what it stores, such as an all-digit id to a number).
_PG_TYPES = {
    "uuid": "uuid",
    "int": "bigint",
    "number": "double precision",
    "date": "date",
    "datetime": "timestamp with time zone",
    "time": "time",
}


def _type(kind: str) -> str:
    if connection.vendor == "sqlite":
        return ""
    return _PG_TYPES.get(kind, "text")


def _hex15(expr: str) -> str:
    if connection.vendor == "sqlite":
        return f"printf('%%015x', {expr})"
    return f"lpad(to_hex({expr}), 15, '0')"


def _as_uuid(expr: str) -> str:
    return expr if connection.vendor == "sqlite" else f"CAST({expr} AS uuid)"


def _reserve_ids(model: type[models.Model], count: int) -> int:
    """A block of `count` primary keys no record has nor will be given: base + 1 … base + count."""
    table = model._meta.db_table
    if connection.vendor == "sqlite":
        return int(
            _one(
                f"SELECT max(coalesce((SELECT max(id) FROM {_q(table)}), 0), "
                "coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0))",
                [table],
            )
        )
    sequence = "pg_get_serial_sequence(%s, 'id')::regclass"
    return int(
        _one(
            f"SELECT setval({sequence}, greatest(coalesce((SELECT max(id) FROM {_q(table)}), 0), "
            f"nextval({sequence})) + %s) - %s",
            [table, table, count, count],
        )
    )


def _stored(table: t.Table) -> dict[str, str]:
    """Model fields kept as the HSDS columns are: the SQL of each over the stage."""
    return {attname: _q(column) for column, attname, _ in table.storage}


def _last(plan: Plan, key: str, where: str = "true", first: str = "") -> str:
    """SQL: the row is the one kept of the rows with its `key` that `where` holds: the last,
    or the last of those `first` (SQL) puts first. PostgreSQL updates a record once per
    statement, so the others must be left out there. SQLite updates it once for each row, in
    the order of the rows, and the ON CONFLICT clause of the write leaves the same row last."""
    if connection.vendor == "sqlite":
        return "true"
    order = f"{first}, line DESC" if first else "line DESC"
    ranked = (
        f"SELECT line, row_number() OVER (PARTITION BY {key} ORDER BY {order}) AS rank "
        f"FROM {plan.stage} WHERE {where}"
    )
    return f"line IN (SELECT line FROM ({ranked}) AS ranked WHERE rank = 1)"


def _where(line: int, record: str | None) -> str:
    return record or f"line {line}"


def _hex(value: Any) -> str:
    return value.hex if isinstance(value, uuid.UUID) else str(value)


def _field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    found = model._meta.get_field(name)
    assert isinstance(found, models.Field)
    return found


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _execute(sql: str, params: Sequence[Any] = ()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _first(sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row: tuple[Any, ...] | None = cursor.fetchone()
    return row


def _row(sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...]:
    row = _first(sql, params)
    assert row is not None
    return row


def _one(sql: str, params: Sequence[Any] = ()) -> Any:
    return _row(sql, params)[0]


def _count(plan: Plan, where: str = "true") -> int:
    return int(_one(f"SELECT count(*) FROM {plan.stage} WHERE {where}"))
