"""Writes HSDS records in batches: upserts by HSDS id, references resolved per batch.

Readers (JSON documents, CSV tables) hand over one `Row` at a time; rows wait in a buffer per
table and are written together, parents before children, with a handful of statements per
batch. Memory holds one batch per table whatever the size of the import; ids already written
by this import are remembered in a temporary table, not in memory.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
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
    PhoneType,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceLanguage,
)
from waypost.evidence.models import Fact
from waypost.hsds import tables as t
from waypost.hsds.terms import TermMap
from waypost.places.models import ZipCode

BATCH_SIZE = 2000
SEEN_TABLE = "hsds_import_seen"


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
    def id(self) -> uuid.UUID:
        value: uuid.UUID = self.values["id"]
        return value


class Writer:
    def __init__(self, batch_size: int = BATCH_SIZE) -> None:
        self.batch_size = batch_size
        self.buffers: dict[str, dict[uuid.UUID, Row]] = {table.name: {} for table in t.TABLES}
        self.counts: Counter[str] = Counter()
        self.notes: Counter[str] = Counter()
        self.terms = TermMap(self.notes)
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {SEEN_TABLE}")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {SEEN_TABLE} (entity VARCHAR(24) NOT NULL, "
                "hsds_id VARCHAR(32) NOT NULL, place VARCHAR(300) NOT NULL, "
                "PRIMARY KEY (entity, hsds_id))"
            )

    # Reading side -------------------------------------------------------------------------

    def add(self, table: t.Table, row: Row) -> None:
        if table is t.TAXONOMY:
            self.terms.taxonomy(row, strict=row.strict)
            self.counts["taxonomies"] += 1
            return
        if table is t.TAXONOMY_TERM:
            self.terms.term(row, strict=row.strict)
            self.counts["taxonomy terms"] += 1
            return
        buffer = self.buffers[table.name]
        earlier = buffer.get(row.id)
        if earlier is not None and row.strict and earlier.strict:
            raise row.error(
                "id", f"duplicate id {row.id} (also at {earlier.file} {earlier.record})"
            )
        buffer[row.id] = row
        if len(buffer) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        for table in t.TABLES:
            rows = list(self.buffers[table.name].values())
            if rows:
                self.buffers[table.name] = {}
                self._check_repeats(table, rows)
                getattr(self, f"_write_{table.name}")(rows)

    def finish(self) -> None:
        self.flush()
        self.terms.finish()
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {SEEN_TABLE}")

    def _check_repeats(self, table: t.Table, rows: list[Row]) -> None:
        strict = [r for r in rows if r.strict]
        if not strict:
            return
        ids = [r.id.hex for r in strict]
        with connection.cursor() as cursor:
            for chunk in _chunks(ids, 500):
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(
                    f"SELECT hsds_id, place FROM {SEEN_TABLE} "
                    f"WHERE entity = %s AND hsds_id IN ({marks})",
                    [table.name, *chunk],
                )
                found = dict(cursor.fetchall())
                if found:
                    row = next(r for r in strict if r.id.hex in found)
                    raise row.error("id", f"duplicate id {row.id} (also at {found[row.id.hex]})")
            cursor.executemany(
                f"INSERT INTO {SEEN_TABLE} (entity, hsds_id, place) VALUES (%s, %s, %s)",
                [(table.name, r.id.hex, f"{r.file} {r.record}"[:300]) for r in strict],
            )

    # One method per table -----------------------------------------------------------------

    def _write_organization(self, rows: list[Row]) -> None:
        names: dict[str, Row] = {}
        for row in rows:
            other = names.get(row.values["name"])
            if other is not None:
                raise row.error("name", f"{other.id} has the same name; Waypost needs unique names")
            names[row.values["name"]] = row
        for chunk in _chunks(list(names), 500):
            for name, hsds_id in Organization.objects.filter(name__in=chunk).values_list(
                "name", "hsds_id"
            ):
                if hsds_id != names[name].id:
                    raise names[name].error("name", f"organization {hsds_id} already has this name")
        self._upsert_by_id(Organization, rows, t.ORGANIZATION)
        self.counts["organizations"] += len(rows)

    def _write_service(self, rows: list[Row]) -> None:
        organizations = self._resolve(rows, "organization_id", Organization, required=True)
        existing = dict(
            Service.objects.filter(hsds_id__in=[r.id for r in rows]).values_list(
                "hsds_id", "fact_id"
            )
        )
        new = [r for r in rows if r.id not in existing]
        facts = Fact.objects.bulk_create(
            [Fact(label=f"Service: {r.values['name']}"[:300]) for r in new]
        )
        existing.update({r.id: f.pk for r, f in zip(new, facts, strict=True)})
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
                if kept.values.get("address_type") == "physical":
                    continue
            by_location[pk] = row
        values = [{"location_id": pk, **_stored(t.ADDRESS, row)} for pk, row in by_location.items()]
        _upsert(Address, values, conflict=("location_id",))
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

    def _service_of(self, rows: list[Row], what: str) -> tuple[list[Row], dict[uuid.UUID, int]]:
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
        existing = dict(
            Phone.objects.filter(hsds_id__in=[r.id for r in rows]).values_list("hsds_id", "fact_id")
        )
        new = [r for r in rows if r.id not in existing]
        facts = Fact.objects.bulk_create(
            [Fact(label=f"Phone: {r.values['number']}"[:300]) for r in new]
        )
        existing.update({r.id: f.pk for r, f in zip(new, facts, strict=True)})
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
            days = _weekly_days(row)
            if days is None:
                self.notes["schedules other than weekly days and hours (not modelled)"] += 1
                continue
            opens, closes = row.values["opens_at"], row.values["closes_at"]
            if closes <= opens:
                raise row.error("closes_at", f"{closes} is not after opens_at {opens}")
            location = locations.get(row.values.get("location_id"))
            if location is None and row.values.get("service_at_location_id") in via:
                location = via[row.values["service_at_location_id"]][1]
            kept.append(row.id)
            for day in days:
                values.append(
                    {
                        "hsds_id": uuid.uuid5(row.id, HSDS_DAYS[day]),
                        "hsds_group": row.id,
                        "service_id": owner[row.id],
                        "location_id": location,
                        "weekday": day,
                        "opens_at": opens,
                        "closes_at": closes,
                        **_stored(t.SCHEDULE, row),
                    }
                )
        _delete_where_in(Schedule, "hsds_group", kept)
        # A row typed in here went out as a schedule of its own, under its own id.
        _delete_where_in(Schedule, "hsds_id", kept)
        _upsert(Schedule, values, conflict=None)
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
                raise row.error("code", "is required here: Waypost filters services by code")
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
        wanted = {r.values.get(column) for r in rows} - {None}
        found: dict[Any, int] = {}
        for chunk in _chunks(list(wanted), 500):
            found.update(
                model._default_manager.filter(hsds_id__in=chunk).values_list("hsds_id", "pk")
            )
        for row in rows:
            value = row.values.get(column)
            if value is None and required:
                raise row.error(column, "is required")
            if value is not None and value not in found:
                if required:
                    raise row.error(
                        column,
                        f"names {model._meta.verbose_name} {value}, which is neither in this "
                        "import nor in the database",
                    )
                self.notes[f"{column} naming a record that is not there (left empty)"] += 1
        return found

    def _pairs(self, ids: Iterable[uuid.UUID | None]) -> dict[uuid.UUID, tuple[int, int]]:
        wanted = [i for i in set(ids) if i is not None]
        found: dict[uuid.UUID, tuple[int, int]] = {}
        for chunk in _chunks(wanted, 500):
            for hsds_id, service, location in ServiceAtLocation.objects.filter(
                hsds_id__in=chunk
            ).values_list("hsds_id", "service_id", "location_id"):
                found[hsds_id] = (service, location)
        return found

    def _upsert_by_id(
        self,
        model: type[models.Model],
        rows: list[Row],
        table: t.Table,
        more: Any = None,
        keep: tuple[str, ...] = (),
    ) -> None:
        values = [{"hsds_id": r.id, **_stored(table, r), **(more(r) if more else {})} for r in rows]
        _upsert(model, values, conflict=("hsds_id",), keep=keep)


def _stored(table: t.Table, row: Row) -> dict[str, Any]:
    """Model values for the HSDS columns kept as they are; empty text is stored as ''."""
    out: dict[str, Any] = {}
    values = row.values
    for column, attname, textual in table.storage:
        value = values.get(column)
        out[attname] = "" if value is None and textual else value
    return out


def _phone_type(value: str | None) -> str:
    if not value:
        return PhoneType.VOICE
    return PhoneType.TTY if value == "textphone" else value


def _weekly_days(row: Row) -> list[int] | None:
    """Weekdays of a weekly schedule with hours, or None for a schedule Waypost cannot keep."""
    byday = row.values.get("byday") or ""
    freq = (row.values.get("freq") or "WEEKLY").upper()
    if (
        freq != "WEEKLY"
        or not byday
        or not row.values.get("opens_at")
        or not row.values.get("closes_at")
    ):
        return None
    days = []
    for code in byday.split(","):
        code = code.strip().upper()
        if code not in HSDS_DAYS:
            raise row.error("byday", f"{code!r} is not a weekday ({', '.join(HSDS_DAYS)})")
        days.append(HSDS_DAYS.index(code))
    return sorted(set(days))


def _chunks(items: list[Any], size: int) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _delete_where_in(model: type[models.Model], column: str, values: list[Any]) -> None:
    table = connection.ops.quote_name(model._meta.db_table)
    field = _field(model, column)
    with connection.cursor() as cursor:
        for chunk in _chunks(values, 500):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"DELETE FROM {table} WHERE {connection.ops.quote_name(column)} IN ({marks})",
                [field.get_db_prep_value(v, connection) for v in chunk],
            )


def _upsert(
    model: type[models.Model],
    rows: list[dict[str, Any]],
    *,
    conflict: tuple[str, ...] | None,
    keep: tuple[str, ...] = (),
) -> None:
    """INSERT … ON CONFLICT DO UPDATE for plain dicts of model values (SQLite and PostgreSQL).

    Fields a row leaves out take their default on insert and are left alone on update, as are
    those in `keep`. Raw SQL because building model instances costs more than the write.
    """
    if not rows:
        return
    qn = connection.ops.quote_name
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    # auto_now fields (when a record last changed) are stamped as Django's save() would.
    now = timezone.now()
    stamped = {f.attname for f in fields if getattr(f, "auto_now", False)}
    stamped |= {f.attname for f in fields if getattr(f, "auto_now_add", False)}
    if stamped:
        rows = [{**{name: now for name in stamped}, **r} for r in rows]
    given = set().union(*(r.keys() for r in rows)) - {
        f.attname for f in fields if getattr(f, "auto_now_add", False)
    }
    columns = ", ".join(qn(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {qn(model._meta.db_table)} ({columns}) VALUES ({marks})"
    if conflict is not None:
        targets = ", ".join(qn(_field(model, c).column) for c in conflict)
        updates = [
            f"{qn(f.column)} = excluded.{qn(f.column)}"
            for f in fields
            if f.attname in given and f.attname not in conflict and f.attname not in keep
        ]
        action = f"DO UPDATE SET {', '.join(updates)}" if updates else "DO NOTHING"
        sql += f" ON CONFLICT ({targets}) {action}"
    columns_in = [(f.attname, _to_db(f), f) for f in fields]
    defaults = {f.attname: f.get_default() for f in fields if f.attname not in given}
    params = []
    for row in rows:
        params.append(
            [
                convert(row[name] if name in row else _default(field, defaults, name))
                for name, convert, field in columns_in
            ]
        )
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _default(field: models.Field[Any, Any], defaults: dict[str, Any], name: str) -> Any:
    # A callable default (a fresh UUID) must differ per row; others are computed once.
    return (
        field.get_default()
        if field.has_default() and callable(field.default)
        else defaults.get(name)
    )


def _identity(value: Any) -> Any:
    return value


def _to_db(field: models.Field[Any, Any]) -> Any:
    """The one conversion a column's Python value needs for this database, chosen once
    (what get_db_prep_save does, without its cost per value)."""
    ops = connection.ops
    if isinstance(field, models.UUIDField) and not connection.features.has_native_uuid_field:
        return lambda v: v.hex if isinstance(v, uuid.UUID) else v
    if isinstance(field, models.DateTimeField):
        return ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return ops.adapt_datefield_value
    if isinstance(field, models.TimeField):
        return ops.adapt_timefield_value
    return _identity


def _field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    return field
