"""Plain-SQL reads that return model instances, for the pages read most.

A city guide reads a dozen small sets of rows through indexes; building and compiling a
queryset for each cost Django several times what running it did (the query itself takes well
under a millisecond on either database). The reads here are hand-written SQL whose column
lists come from the models' own metadata, so a field added to a model is read without edits
here, and each value goes through the same converters Django would apply (dates on SQLite,
UUIDs, decimals). Only plain, portable SQL is written: it runs unchanged on SQLite and
PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

from django.db import connection
from django.db.models import Field, Model, signals
from django.db.models.base import ModelState

Converter = Callable[[Any, Any, Any], Any]


@dataclass(frozen=True)
class Part:
    """One model's columns in a SELECT, under a table alias.

    `optional` marks a LEFT JOIN: a row whose columns are all NULL means no related object.
    `only` names the fields to read (the primary key always is); the others are deferred,
    as with QuerySet.only(): reading one later costs a query, so list what the page shows.
    """

    model: type[Model]
    alias: str
    optional: bool = False
    only: tuple[str, ...] | None = None

    @cached_property
    def fields(self) -> tuple[Field[Any, Any], ...]:
        return _fields(self.model, self.only)

    @cached_property
    def attnames(self) -> list[str]:
        return [f.attname for f in self.fields]

    @property
    def columns(self) -> str:
        return _columns(connection.vendor, self.model, self.alias, self.only)

    @property
    def table(self) -> str:
        return f"{connection.ops.quote_name(self.model._meta.db_table)} {self.alias}"


@lru_cache(maxsize=1024)
def _fields(model: type[Model], only: tuple[str, ...] | None) -> tuple[Field[Any, Any], ...]:
    fields = model._meta.concrete_fields
    if only is None:
        return tuple(fields)
    unknown = set(only) - {f.attname for f in fields} - {f.name for f in fields}
    if unknown:
        raise ValueError(f"{model.__name__} has no field {sorted(unknown)[0]!r}")
    return tuple(f for f in fields if f.primary_key or f.attname in only or f.name in only)


@lru_cache(maxsize=1024)
def _columns(vendor: str, model: type[Model], alias: str, only: tuple[str, ...] | None) -> str:
    # Parts are made afresh for each read; the column list of a model under an alias is not.
    qn = connection.ops.quote_name
    return ", ".join(f"{alias}.{qn(f.column)}" for f in _fields(model, only))


def table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def placeholders(values: Sequence[Any]) -> str:
    """`%s, %s, …` for an IN list; an empty list matches nothing rather than failing."""
    return ", ".join(["%s"] * len(values)) if values else "NULL"


# Per column that has any: its position, the expression Django would pass to its converters,
# and the converters (most columns have none, and are not visited).
ColumnConverters = list[tuple[int, Any, list[Converter]]]
_converters: dict[tuple[str, str, Part], ColumnConverters] = {}


def _converters_for(part: Part) -> ColumnConverters:
    key = (connection.vendor, connection.alias, part)
    found = _converters.get(key)
    if found is None:
        found = []
        for i, f in enumerate(part.fields):
            col = f.get_col(part.alias)
            # The order Django's compiler applies them: the backend's, then the field's.
            convs = [*connection.ops.get_db_converters(col), *col.get_db_converters(connection)]
            if convs:
                found.append((i, col, convs))
        _converters[key] = found
    return found


def fetch(sql: str, params: Sequence[Any], *parts: Part) -> list[tuple[Any, ...]]:
    """Run a SELECT whose columns are the parts' columns in order, then any extra columns.

    Each row comes back as one instance per part (None for an empty optional part),
    followed by the extra values as read.
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    plan = [(part, _converters_for(part), len(part.fields)) for part in parts]
    db = connection.alias
    build_for = {part: _builder(part.model) for part in parts}
    out: list[tuple[Any, ...]] = []
    for row in rows:
        start = 0
        built: list[Any] = []
        for part, converters, width in plan:
            build = build_for[part]
            values = list(row[start : start + width])
            start += width
            if part.optional and all(v is None for v in values):
                built.append(None)
                continue
            for i, col, convs in converters:
                for conv in convs:
                    values[i] = conv(values[i], col, connection)
            built.append(build(db, part.attnames, values))
        built.extend(row[start:])
        out.append(tuple(built))
    return out


def _builder(model: type[Model]) -> Callable[[str, list[str], list[Any]], Model]:
    """How to make an instance of `model` from a full row of its columns.

    Model.__init__ sends two signals and goes through a descriptor per foreign key; with no
    receiver and no __init__ of the model's own, filling the instance's attributes directly
    gives the same object for a fraction of the cost (a guide builds a few hundred).
    """
    if (
        model.__init__ is not Model.__init__
        or signals.pre_init.has_listeners(model)
        or signals.post_init.has_listeners(model)
    ):
        return model.from_db

    def build(db: str, attnames: list[str], values: list[Any]) -> Model:
        obj = model.__new__(model)
        state = obj._state = ModelState()
        state.adding = False
        state.db = db
        obj.__dict__.update(zip(attnames, values, strict=True))
        return obj

    return build


def attach(obj: Model, name: str, related: Model | None) -> None:
    """Give `obj.<name>` an object already read, as select_related would: no query later."""
    obj._state.fields_cache[name] = related
