"""A large import into empty tables (SQLite): each CSV file is staged whole, checked, and
written with a few set statements.

The Writer's way (Python looks up every reference, then builds and sends every row) spent
more time in Python than SQLite spent writing. Here Python reads and converts the cells a
column at a time (`tabular.read_batches`); SQLite resolves each row's references while the
row is staged (a subquery on the parent's unique index), and one INSERT … SELECT per target
table writes the rows. The rules are the Writer's: the same refusals, notes and counts, which
tests/test_hsds_import.py checks by importing the same package both ways.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import sqlite3
import tempfile
import traceback
from collections.abc import Callable, Iterator, Sequence
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
    ServiceAtLocation,
    ServiceLanguage,
)
from waypost.evidence.models import Fact
from waypost.hsds import tables as t
from waypost.hsds.tabular import Batch, read_batches
from waypost.hsds.values import not_found, show_id
from waypost.hsds.writer import (
    ADDRESS_REPLACED,
    LANGUAGE_WITHOUT_CODE,
    IdFilter,
    Writer,
    model_field,
    not_weekly,
    rising_id_prefix,
    to_db,
    weekly_hours,
)

STAGE = "hsds_stage"
TERMS = "hsds_stage_terms"
SUSPECTS = "hsds_stage_suspects"
STAGE_ROWS = 5_000


@dataclass(frozen=True)
class Ref:
    """A stage column holding the primary key a CSV column names, looked up as it is staged."""

    name: str
    column: str
    model: type[models.Model]
    key: str = "hsds_id"
    value: str = "id"


@dataclass(frozen=True)
class Plan:
    table: t.Table
    # The models the table fills: the fast way is taken only when all of them are empty.
    fills: tuple[type[models.Model], ...]
    refs: tuple[Ref, ...] = ()
    # Columns Python works out from a batch (see `_schedule_days`).
    extra: tuple[str, ...] = ()
    more: Callable[[Batch], list[list[Any]]] | None = field(default=None)


def _schedule_days(batch: Batch) -> list[list[Any]]:
    """Each schedule's weekdays as bits (None: not kept, see `writer.not_weekly`, whose note
    goes in the problem column then), and the first thing wrong with it, which refuses the
    import only if the schedule belongs to a service."""
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
        byday, opening, closing = get("byday"), get("opens_at"), get("closes_at")
        key = (byday, opening, closing)
        found = read.get(key)
        if found is None:
            listed, problem = weekly_hours(byday, opening, closing)
            found = read[key] = (sum(1 << d for d in listed), problem)
        bits, problem = found
        days.append(bits)
        fields.append(problem[0] if problem else None)
        problems.append(problem[1] if problem else None)
    return [days, fields, problems]


_SAL = ServiceAtLocation
PLANS = {
    plan.table.name: plan
    for plan in (
        Plan(t.ORGANIZATION, (Organization,)),
        Plan(t.SERVICE, (Service,), (Ref("_organization", "organization_id", Organization),)),
        Plan(t.LOCATION, (Location,), (Ref("_organization", "organization_id", Organization),)),
        Plan(t.ADDRESS, (Address, Location), (Ref("_location", "location_id", Location),)),
        Plan(
            t.SERVICE_AT_LOCATION,
            (ServiceAtLocation,),
            (Ref("_service", "service_id", Service), Ref("_location", "location_id", Location)),
        ),
        Plan(
            t.PHONE,
            (Phone,),
            (
                Ref("_service", "service_id", Service),
                Ref("_via_service", "service_at_location_id", _SAL, value="service_id"),
            ),
        ),
        Plan(
            t.SCHEDULE,
            (Schedule,),
            (
                Ref("_service", "service_id", Service),
                Ref("_location", "location_id", Location),
                Ref("_via_service", "service_at_location_id", _SAL, value="service_id"),
                Ref("_via_location", "service_at_location_id", _SAL, value="location_id"),
            ),
            ("_days", "_problem_field", "_problem"),
            _schedule_days,
        ),
        Plan(
            t.LANGUAGE,
            (ServiceLanguage,),
            (Ref("_service", "service_id", Service), Ref("_phone", "phone_id", Phone)),
        ),
        Plan(
            t.ATTRIBUTE,
            (Service.categories.through, Service.attributes.through),
            (Ref("_service", "link_id", Service),),
        ),
    )
}


class Loader:
    """Loads the tables of `PLANS` the writer found empty; the writer keeps the counts,
    notes, terms and set-aside indexes, and writes every other table itself."""

    def __init__(self, writer: Writer) -> None:
        self.writer = writer
        self.raw: sqlite3.Connection = connection.connection
        self.reader: Reader | None = None
        self._table_writers: dict[str, Callable[[str], None]] = {
            t.ORGANIZATION.name: self._write_organization,
            t.SERVICE.name: self._write_service,
            t.LOCATION.name: self._write_location,
            t.ADDRESS.name: self._write_address,
            t.SERVICE_AT_LOCATION.name: self._write_service_at_location,
            t.PHONE.name: self._write_phone,
            t.SCHEDULE.name: self._write_schedule,
            t.LANGUAGE.name: self._write_language,
            t.ATTRIBUTE.name: self._write_attribute,
        }

    def read_ahead(self, files: list[tuple[t.Table, Path]]) -> None:
        """Read and convert these files (those `takes`) in a second process, in this order,
        while this one writes."""
        jobs = [(table, file) for table, file in files if self.takes(table)]
        if jobs:
            self.reader = Reader(jobs)

    def close(self) -> None:
        if self.reader is not None:
            self.reader.close()
            self.reader = None

    @staticmethod
    def possible(writer: Writer) -> bool:
        return connection.vendor == "sqlite" and bool(writer.fresh)

    def takes(self, table: t.Table) -> bool:
        plan = PLANS.get(table.name)
        return plan is not None and all(self.writer.is_fresh(m) for m in plan.fills)

    def load(self, table: t.Table, file: Path, advance: Callable[[int], None]) -> None:
        plan = PLANS[table.name]
        try:
            self._stage(plan, file, advance)
            self._table_writers[table.name](file.name)
        finally:
            self.raw.execute(f"DROP TABLE IF EXISTS temp.{STAGE}")
            self.raw.execute(f"DROP TABLE IF EXISTS temp.{SUSPECTS}_rows")

    # Staging ------------------------------------------------------------------------------

    def _stage(self, plan: Plan, file: Path, advance: Callable[[int], None]) -> None:
        table = plan.table
        names = [c.name for c in table.columns]
        columns = ["line INTEGER PRIMARY KEY", *(_q(n) for n in names), *plan.extra]
        columns += [ref.name for ref in plan.refs]
        self.raw.execute(f"DROP TABLE IF EXISTS temp.{STAGE}")
        self.raw.execute(f"CREATE TEMP TABLE {STAGE} ({', '.join(columns)})")
        if self.reader is not None:
            batches = self.reader.batches(table.name, advance)
        else:
            batches = staged_values(plan, file, advance)
        statements: dict[tuple[str, ...], tuple[str, list[int]]] = {}
        for given, values in batches:
            found = statements.get(given)
            if found is None:
                found = statements[given] = self._staging(plan, list(given))
            sql, looked_up = found
            # Each reference is looked up from its column's value, given once more.
            values += [values[i] for i in looked_up]
            self.raw.executemany(sql, zip(*values, strict=True))

    def _staging(self, plan: Plan, given: list[str]) -> tuple[str, list[int]]:
        """The INSERT of a staged row whose file has the columns `given`, and the positions
        of the values its references are looked up by."""
        refs = [ref for ref in plan.refs if ref.column in given]
        columns = ["line", *(_q(n) for n in given), *plan.extra, *(ref.name for ref in refs)]
        marks = ["?"] + ["nullif(?, '')"] * (len(given) + len(plan.extra))
        marks += [
            f"(SELECT {_q(ref.value)} FROM {_q(ref.model._meta.db_table)} WHERE {_q(ref.key)} = ?)"
            for ref in refs
        ]
        sql = f"INSERT INTO temp.{STAGE} ({', '.join(columns)}) VALUES ({', '.join(marks)})"
        return sql, [given.index(ref.column) + 1 for ref in refs]

    def _first(self, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        row: tuple[Any, ...] | None = self.raw.execute(sql, params).fetchone()
        return row

    def _row(self, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...]:
        row = self._first(sql, params)
        assert row is not None
        return row

    def _one(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self._row(sql, params)[0]

    # Checks -------------------------------------------------------------------------------

    def _refuse_unresolved(
        self, file: str, column: str, ref: str, model: type[models.Model], where: str = "1"
    ) -> None:
        """A required reference: empty, or naming a record that is not there, stops the
        import at the first such row."""
        found = self._first(
            f"SELECT line, {_q(column)} FROM temp.{STAGE} WHERE {ref} IS NULL AND ({where}) "
            "ORDER BY line LIMIT 1"
        )
        if found is None:
            return
        line, value = found
        if value is None:
            raise DataFileError(file, f"line {line}", column, "is required")
        raise DataFileError(
            file,
            f"line {line}",
            column,
            not_found(str(model._meta.verbose_name), value),
        )

    def _refuse_repeats(self, file: str) -> None:
        """An id read twice in one file stops the import at its second line. The reading
        process names the few ids it may have read twice (`writer.IdFilter`); only their
        rows are then compared. Otherwise every id is."""
        suspects = self.reader.suspects if self.reader is not None else None
        rows = STAGE
        if suspects is not None:
            if not suspects:
                return
            self.raw.execute(f"DROP TABLE IF EXISTS temp.{SUSPECTS}")
            self.raw.execute(f"CREATE TEMP TABLE {SUSPECTS} (id TEXT PRIMARY KEY)")
            self.raw.executemany(f"INSERT INTO temp.{SUSPECTS} VALUES (?)", suspects)
            self.raw.execute(
                f"CREATE TEMP TABLE {SUSPECTS}_rows AS SELECT line, id FROM temp.{STAGE} "
                f"WHERE id IN (SELECT id FROM temp.{SUSPECTS})"
            )
            rows = f"{SUSPECTS}_rows"
        try:
            self.raw.execute(f"CREATE UNIQUE INDEX temp.{rows}_id ON {rows} (id)")
        except sqlite3.IntegrityError:
            pass
        else:
            return
        finally:
            if suspects is not None:
                self.raw.execute(f"DROP TABLE IF EXISTS temp.{SUSPECTS}")
        self.raw.execute(f"CREATE INDEX temp.{rows}_id_line ON {rows} (id, line)")
        second, first, hsds_id = self._row(
            f"SELECT b.line, a.line, b.id FROM temp.{rows} b JOIN temp.{rows} a "
            "ON a.id = b.id AND a.line < b.line ORDER BY b.line LIMIT 1"
        )
        raise DataFileError(
            file,
            f"line {second}",
            "id",
            f"duplicate id {show_id(hsds_id)} (also at {file} line {first})",
        )

    def _note_dangling(self, refs: Sequence[tuple[str, str]], where: str = "1") -> None:
        """Optional references naming a record that is not there: left empty, and noted."""
        counts = ", ".join(f"count({_q(column)}) - count({ref})" for column, ref in refs)
        found = self._first(f"SELECT {counts} FROM temp.{STAGE} WHERE {where}")
        assert found is not None
        for (column, _ref), missing in zip(refs, found, strict=True):
            if missing:
                self.writer.notes[f"{column} naming a record that is not there (left empty)"] += (
                    missing
                )

    def _note(self, note: str, where: str) -> int:
        count: int = self._one(f"SELECT count(*) FROM temp.{STAGE} WHERE {where}")
        if count:
            self.writer.notes[note] += count
        return count

    def _count(self, where: str = "1") -> int:
        count: int = self._one(f"SELECT count(*) FROM temp.{STAGE} WHERE {where}")
        return count

    # Writing ------------------------------------------------------------------------------

    def _insert(
        self,
        model: type[models.Model],
        given: dict[str, str],
        source: str,
        *,
        conflict: str = "",
        params: Sequence[Any] = (),
    ) -> None:
        """INSERT … SELECT: `given` maps model fields to SQL over the stage; other fields take
        their defaults (auto_now fields the time of the import), as `writer._upsert` does."""
        now = timezone.now()
        columns, exprs, values = [], [], []
        for f in model._meta.concrete_fields:
            if f.primary_key:
                continue
            columns.append(_q(f.column))
            if f.attname in given:
                expr = given[f.attname]
                if isinstance(f, models.CharField | models.TextField) and not f.null:
                    expr = f"coalesce({expr}, '')"
                exprs.append(expr)
                continue
            stamped = getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
            if not stamped and f.has_default() and callable(f.default):
                raise AssertionError(f"{model.__name__}.{f.name} differs per row: give it")
            exprs.append("?")
            values.append(to_db(f)(now if stamped else f.get_default()))
        self.raw.execute(
            f"INSERT INTO {_q(model._meta.db_table)} ({', '.join(columns)}) "
            f"SELECT {', '.join(exprs)} {source} {conflict}",
            [*values, *params],
        )

    def _facts(self, label: str, where: str) -> int:
        """One unchecked fact per staged row (`label` is SQL); the id of row `line` is then
        the result plus its line."""
        table = _q(Fact._meta.db_table)
        base = self._one(
            f"SELECT max(coalesce((SELECT max(id) FROM {table}), 0), "
            f"coalesce((SELECT seq FROM sqlite_sequence WHERE name = ?), 0))",
            [Fact._meta.db_table],
        )
        self.raw.execute(
            f"INSERT INTO {table} (id, label, note, last_checked_on, last_outcome, "
            f"open_disputes) SELECT ? + line, substr({label}, 1, 300), '', NULL, '', 0 "
            f"FROM temp.{STAGE} WHERE {where} ORDER BY line",
            [base],
        )
        return int(base)

    def _stored(self, table: t.Table, alias: str = "") -> dict[str, str]:
        return {attname: f"{alias}{_q(column)}" for column, attname, _ in table.storage}

    def _write_organization(self, file: str) -> None:
        self._refuse_repeats(file)
        self._insert(
            Organization,
            {"hsds_id": "id", **self._stored(t.ORGANIZATION)},
            f"FROM temp.{STAGE} ORDER BY line",
        )
        self.writer.counts["organizations"] += self._count()

    def _write_service(self, file: str) -> None:
        self._refuse_unresolved(file, "organization_id", "_organization", Organization)
        self._refuse_repeats(file)
        base = self._facts("'Service: ' || name", "1")
        self._insert(
            Service,
            {
                "hsds_id": "id",
                **self._stored(t.SERVICE),
                "organization_id": "_organization",
                "fact_id": f"{base} + line",
            },
            f"FROM temp.{STAGE} ORDER BY line",
        )
        self.writer.counts["services"] += self._count()

    def _write_location(self, file: str) -> None:
        found = self._first(
            f"SELECT line, latitude IS NULL FROM temp.{STAGE} "
            "WHERE latitude IS NULL OR longitude IS NULL ORDER BY line LIMIT 1"
        )
        if found is not None:
            raise DataFileError(
                file,
                f"line {found[0]}",
                "latitude" if found[1] else "longitude",
                "is required here: Waypost places every location on the map",
            )
        self._refuse_repeats(file)
        self._note_dangling([("organization_id", "_organization")])
        self._insert(
            Location,
            {
                "hsds_id": "id",
                **self._stored(t.LOCATION),
                "organization_id": "_organization",
                "location_type": "coalesce(location_type, 'physical')",
            },
            f"FROM temp.{STAGE} ORDER BY line",
        )
        self.writer.counts["locations"] += self._count()

    def _write_address(self, file: str) -> None:
        self._refuse_unresolved(file, "location_id", "_location", Location)
        self._refuse_repeats(file)
        stored = self._stored(t.ADDRESS)
        columns = [_q(model_field(Address, a).column) for a in stored]
        updates = ", ".join(f"{c} = excluded.{c}" for c in columns)
        # A location keeps one address (see `writer._keeps_address`).
        self._insert(
            Address,
            {"location_id": "_location", **stored},
            f"FROM temp.{STAGE} WHERE true ORDER BY line",
            conflict=f"ON CONFLICT (location_id) DO UPDATE SET {updates} WHERE {ADDRESS_REPLACED}",
        )
        rows = self._count()
        kept = self._one(f"SELECT count(DISTINCT _location) FROM temp.{STAGE}")
        if rows > kept:
            self.writer.notes[
                "a location's second address (Waypost keeps one, physical first)"
            ] += rows - kept
        self.writer.counts["addresses"] += kept

    def _write_service_at_location(self, file: str) -> None:
        found = self._first(
            f"SELECT line FROM temp.{STAGE} WHERE _service IS NULL OR _location IS NULL "
            "ORDER BY line LIMIT 1"
        )
        if found is not None:
            where = f"line = {int(found[0])}"
            self._refuse_unresolved(file, "service_id", "_service", Service, where)
            self._refuse_unresolved(file, "location_id", "_location", Location, where)
        self._refuse_repeats(file)
        self._insert(
            ServiceAtLocation,
            {
                "hsds_id": "id",
                "service_id": "_service",
                "location_id": "_location",
                "description": "description",
            },
            f"FROM temp.{STAGE} WHERE true ORDER BY line",
            conflict="ON CONFLICT (service_id, location_id) DO UPDATE SET "
            "hsds_id = excluded.hsds_id, description = excluded.description",
        )
        self.writer.counts["services at locations"] += self._count()

    def _linked(self, what: str) -> str:
        """Rows that belong to a service, directly or through a service_at_location; the
        others are noted and left out. SQL for each row's service."""
        self._note_dangling([("service_id", "_service")])
        self._note(
            f"{what} not linked to a service (not modelled)",
            "_service IS NULL AND _via_service IS NULL",
        )
        return "coalesce(_service, _via_service)"

    def _write_phone(self, file: str) -> None:
        self._refuse_repeats(file)
        owner = self._linked("phones")
        linked = f"{owner} IS NOT NULL"
        base = self._facts("'Phone: ' || number", linked)
        self._insert(
            Phone,
            {
                "hsds_id": "id",
                **self._stored(t.PHONE),
                "service_id": owner,
                "fact_id": f"{base} + line",
                "type": "CASE WHEN type IS NULL THEN 'voice' "
                "WHEN type = 'textphone' THEN 'tty' ELSE type END",
                "language": "''",
            },
            f"FROM temp.{STAGE} WHERE {linked} ORDER BY line",
        )
        self.writer.counts["phones"] += self._count(linked)

    def _write_schedule(self, file: str) -> None:
        self._refuse_repeats(file)
        owner = self._linked("schedules")
        linked = f"{owner} IS NOT NULL"
        found = self._first(
            f"SELECT line, _problem_field, _problem FROM temp.{STAGE} "
            f"WHERE _problem_field IS NOT NULL AND {linked} ORDER BY line LIMIT 1"
        )
        if found is not None:
            raise DataFileError(file, f"line {found[0]}", found[1], found[2])
        self._note_dangling([("location_id", "_location")], linked)
        for note, count in self.raw.execute(
            f"SELECT _problem, count(*) FROM temp.{STAGE} WHERE {linked} AND _days IS NULL "
            "GROUP BY _problem"
        ):
            self.writer.notes[note] += count
        kept = f"{linked} AND _days IS NOT NULL"
        # Each weekday its own row, under an id that rises as rows are written
        # (`writer.rising_id_prefix`).
        self._insert(
            Schedule,
            {
                "hsds_id": f"'{rising_id_prefix()}' || printf('%015x', line * 8 + day)",
                "hsds_group": "id",
                **self._stored(t.SCHEDULE),
                "service_id": owner,
                "location_id": "coalesce(_location, _via_location)",
                "weekday": "day",
                "opens_at": "opens_at",
                "closes_at": "closes_at",
            },
            f"FROM temp.{STAGE} JOIN ({_WEEK}) AS week ON (_days >> day) & 1 "
            f"WHERE {kept} ORDER BY line, day",
        )
        self.writer.counts["schedules"] += self._count(kept)

    def _write_language(self, file: str) -> None:
        self._refuse_repeats(file)
        self._note_dangling([("service_id", "_service"), ("phone_id", "_phone")])
        phone = _q(Phone._meta.db_table)
        if self._count("_phone IS NOT NULL AND code IS NOT NULL"):
            # A phone's language: the code of the last row naming it.
            self.raw.execute(
                f"UPDATE {phone} SET language = (SELECT substr(code, 1, 12) FROM temp.{STAGE} "
                f"WHERE _phone = {phone}.id AND code IS NOT NULL ORDER BY line DESC LIMIT 1) "
                f"WHERE id IN (SELECT _phone FROM temp.{STAGE} WHERE code IS NOT NULL)"
            )
        self._note(
            "languages of locations or phones only (not modelled)",
            "_service IS NULL AND NOT (_phone IS NOT NULL AND service_id IS NULL)",
        )
        self._note(LANGUAGE_WITHOUT_CODE, "_service IS NOT NULL AND code IS NULL")
        services = "_service IS NOT NULL AND code IS NOT NULL"
        self._insert(
            ServiceLanguage,
            {"service_id": "_service", **self._stored(t.LANGUAGE)},
            f"FROM temp.{STAGE} WHERE {services} ORDER BY line",
            conflict="ON CONFLICT (service_id, code) DO UPDATE SET "
            "hsds_id = excluded.hsds_id, name = excluded.name, note = excluded.note",
        )
        self.writer.counts["languages"] += self._count(services)

    def _write_attribute(self, file: str) -> None:
        self._refuse_repeats(file)
        linked = "link_entity = 'service'"
        self._note("attributes of records other than services (not modelled)", f"NOT ({linked})")
        self._refuse_unresolved(file, "link_id", "_service", Service, linked)
        self.raw.execute(f"DROP TABLE IF EXISTS temp.{TERMS}")
        self.raw.execute(
            f"CREATE TEMP TABLE {TERMS} "
            "(hsds_id TEXT PRIMARY KEY, pk INTEGER, is_attribute INTEGER)"
        )
        self.raw.executemany(
            f"INSERT INTO temp.{TERMS} VALUES (?, ?, ?)",
            [
                (hsds_id, pk, int(is_attribute))
                for hsds_id, (pk, is_attribute) in self.writer.terms.by_id.items()
            ],
        )
        found = self._first(
            f"SELECT line, taxonomy_term_id FROM temp.{STAGE} "
            f"WHERE {linked} AND taxonomy_term_id NOT IN (SELECT hsds_id FROM temp.{TERMS}) "
            "ORDER BY line LIMIT 1"
        )
        if found is not None:
            raise DataFileError(
                file,
                f"line {found[0]}",
                "taxonomy_term_id",
                not_found("taxonomy term", found[1]),
            )
        for through, is_attribute in (
            (Service.categories.through, 0),
            (Service.attributes.through, 1),
        ):
            self._insert(
                through,
                {"service_id": "_service", "taxonomyterm_id": "term.pk"},
                f"FROM temp.{STAGE} JOIN temp.{TERMS} AS term "
                f"ON term.hsds_id = taxonomy_term_id AND term.is_attribute = {is_attribute} "
                f"WHERE {linked} ORDER BY line",
                conflict="ON CONFLICT (service_id, taxonomyterm_id) DO NOTHING",
            )
        self.raw.execute(f"DROP TABLE IF EXISTS temp.{TERMS}")
        self.writer.counts["attributes"] += self._count(linked)


def staged_values(
    plan: Plan, file: Path, advance: Callable[[int], None]
) -> Iterator[tuple[tuple[str, ...], list[list[Any]]]]:
    """The file's rows as they are staged, a batch at a time: the names of the columns given
    (those of the file with a value in the batch), and the values by column: line numbers
    first, then those columns as stored, then the plan's `extra` columns.

    An empty value is sent as '' (the staging statement makes it NULL again): the sqlite3
    module binds None by way of its adapter protocol, which cost more than the rest of the
    row. A column empty throughout the batch is not sent at all."""
    table = plan.table
    adapt = {c.name: _db_value(c.kind) for c in table.columns}
    for batch in read_batches(table, file, advance, STAGE_ROWS):
        n = len(batch)
        given: list[str] = []
        values: list[list[Any]] = [batch.lines]
        for column in table.columns:
            found = batch.columns.get(column.name)
            if found is None or found.count(None) == n:
                continue
            convert = adapt[column.name]
            given.append(column.name)
            values.append(_unempty(found if convert is None else convert(found)))
        if plan.more is not None:
            values += [_unempty(extra) for extra in plan.more(batch)]
        yield tuple(given), values


def _unempty(values: list[Any]) -> list[Any]:
    # Converted values are never '' (an empty cell is None): '' can stand for NULL.
    return ["" if v is None else v for v in values] if None in values else values


class Reader:
    """A second process that reads and converts the CSV files while this one writes (the
    reading is Python's work, the writing mostly SQLite's: on two cores they overlap).

    Batches go through a temporary file, and only their place in it through the pipe: the
    reader can then run ahead by whole tables (reading services.csv costs it more than
    writing them costs here, attributes.csv less), and the memory of neither process grows.
    """

    def __init__(self, jobs: list[tuple[t.Table, Path]]) -> None:
        # Closed by `close`, which the importer calls whatever happens.
        self.spool = tempfile.TemporaryFile(prefix="waypost-import-")  # noqa: SIM115
        # Forked: the process starts with Django set up and the package's plans at hand. It
        # never touches the database connection it inherits (nor closes it: it ends with
        # os._exit, as forked multiprocessing children do).
        context = multiprocessing.get_context("fork")
        self.pipe, sender = context.Pipe(duplex=False)
        self.process = context.Process(
            target=_read_tables,
            args=([(table.name, str(file)) for table, file in jobs], sender, self.spool.fileno()),
            daemon=True,
        )
        self.process.start()
        sender.close()
        # The ids of the last table read that may have come twice (None: any of them).
        self.suspects: list[tuple[str]] | None = None

    def batches(
        self, table: str, advance: Callable[[int], None]
    ) -> Iterator[tuple[tuple[str, ...], list[list[Any]]]]:
        while True:
            try:
                message = self.pipe.recv()
            except EOFError:
                raise RuntimeError("the process reading the package stopped") from None
            kind = message[0]
            if kind == "batch":
                _, offset, length = message
                # pread: the reader writes on at the end of the same open file.
                data = os.pread(self.spool.fileno(), length, offset)
                assert len(data) == length, (len(data), length)
                yield pickle.loads(data)
            elif kind == "read":
                advance(message[1])
            elif kind == "done":
                assert message[1] == table, (message[1], table)
                self.suspects = message[2]
                return
            elif kind == "refused":
                raise DataFileError(*message[1:])
            else:
                raise RuntimeError(f"reading the package failed:\n{message[1]}")

    def close(self) -> None:
        if self.process.is_alive():
            self.process.terminate()
        self.process.join()
        self.pipe.close()
        self.spool.close()


def _read_tables(jobs: list[tuple[str, str]], pipe: Any, spool: int) -> None:
    """The reading process: each table's batches, then "done"; a file that cannot be read
    ends it with the refusal, which the writing process raises when it gets there."""
    offset = os.lseek(spool, 0, os.SEEK_END)
    try:
        for name, path in jobs:
            file = Path(path)
            ids = IdFilter(file.stat().st_size)
            for batch in staged_values(
                PLANS[name], file, lambda position: pipe.send(("read", position))
            ):
                given, values = batch
                ids.add(0, values[given.index("id") + 1])
                data = pickle.dumps(batch, protocol=pickle.HIGHEST_PROTOCOL)
                view = memoryview(data)
                while view:
                    view = view[os.write(spool, view) :]
                pipe.send(("batch", offset, len(data)))
                offset += len(data)
            suspects = ids.suspects
            pipe.send(("done", name, None if suspects is None else [(i,) for _, i in suspects]))
    except DataFileError as exc:
        pipe.send(("refused", exc.file, exc.record, exc.field, exc.reason))
    except Exception:
        pipe.send(("failed", traceback.format_exc()))
    finally:
        pipe.close()


_WEEK = " UNION ALL ".join(f"SELECT {day} AS day" for day in range(len(HSDS_DAYS)))


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


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
