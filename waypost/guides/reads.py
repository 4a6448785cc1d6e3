"""The rows a city guide is composed from, each set read in one plain SQL statement.

Guides are the pages read most, and for them queryset construction cost more than the
queries (see waypost/sqlreads.py). Each function returns model instances with the related
objects a guide shows already attached, so templates never trigger a query.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TypeVar

from django.db.models import Model

from waypost.directory.models import Organization, Phone, Schedule, Service
from waypost.evidence.models import Citation, Fact, Source
from waypost.guides.models import EditorialAnswer, PlaceFact
from waypost.laws.models import Law, LawChange, LawStatement, Program
from waypost.sqlreads import Part, attach, fetch, placeholders, table

FACT = Part(Fact, "f")
M = TypeVar("M", bound=Model)


def law_statements(place_ids: Sequence[int]) -> list[LawStatement]:
    """Every statement about every law of the places, by citation then topic."""
    st, law = Part(LawStatement, "st"), Part(Law, "l")
    sql = (
        f"SELECT {st.columns}, {law.columns}, {FACT.columns} FROM {st.table}"
        f" JOIN {law.table} ON l.id = st.law_id JOIN {FACT.table} ON f.id = st.fact_id"
        f" WHERE l.jurisdiction_id IN ({placeholders(place_ids)})"
        " ORDER BY l.citation, st.topic, st.id"
    )
    out = []
    for statement, law_row, fact in fetch(sql, place_ids, st, law, FACT):
        attach(statement, "law", law_row)
        attach(statement, "fact", fact)
        out.append(statement)
    return out


def law_changes(place_ids: Sequence[int]) -> list[LawChange]:
    change = Part(LawChange, "c")
    sql = (
        f"SELECT {change.columns}, {FACT.columns} FROM {change.table}"
        f" JOIN {FACT.table} ON f.id = c.fact_id"
        f" WHERE c.jurisdiction_id IN ({placeholders(place_ids)})"
        " ORDER BY c.effective_on DESC, c.bill"
    )
    return [_with_fact(row, fact) for row, fact in fetch(sql, place_ids, change, FACT)]


def programs_in_force(place_ids: Sequence[int], on: dt.date) -> list[Program]:
    program = Part(Program, "p")
    sql = (
        f"SELECT {program.columns}, {FACT.columns} FROM {program.table}"
        f" JOIN {FACT.table} ON f.id = p.fact_id"
        f" WHERE p.jurisdiction_id IN ({placeholders(place_ids)})"
        " AND (p.effective_from IS NULL OR p.effective_from <= %s)"
        " AND (p.effective_to IS NULL OR p.effective_to >= %s)"
        " ORDER BY p.kind, p.title"
    )
    rows = fetch(sql, [*place_ids, on, on], program, FACT)
    return [_with_fact(row, fact) for row, fact in rows]


def place_facts(place_ids: Sequence[int]) -> list[PlaceFact]:
    pf = Part(PlaceFact, "pf")
    sql = (
        f"SELECT {pf.columns}, {FACT.columns} FROM {pf.table}"
        f" JOIN {FACT.table} ON f.id = pf.fact_id"
        f" WHERE pf.place_id IN ({placeholders(place_ids)}) ORDER BY pf.id"
    )
    return [_with_fact(row, fact) for row, fact in fetch(sql, place_ids, pf, FACT)]


def editorial_answers(place_ids: Sequence[int], languages: Sequence[str]) -> list[EditorialAnswer]:
    answer = Part(EditorialAnswer, "a")
    sql = (
        f"SELECT {answer.columns}, {FACT.columns} FROM {answer.table}"
        f" JOIN {FACT.table} ON f.id = a.fact_id"
        f" WHERE a.place_id IN ({placeholders(place_ids)})"
        f" AND a.language IN ({placeholders(languages)}) ORDER BY a.id"
    )
    rows = fetch(sql, [*place_ids, *languages], answer, FACT)
    return [_with_fact(row, fact) for row, fact in rows]


def services(service_ids: Sequence[int]) -> list[Service]:
    """Services with their organisation and fact."""
    service, org = Part(Service, "s"), Part(Organization, "o")
    sql = (
        f"SELECT {service.columns}, {org.columns}, {FACT.columns} FROM {service.table}"
        f" JOIN {org.table} ON o.id = s.organization_id JOIN {FACT.table} ON f.id = s.fact_id"
        f" WHERE s.id IN ({placeholders(service_ids)})"
    )
    out = []
    for row, organization, fact in fetch(sql, service_ids, service, org, FACT):
        attach(row, "organization", organization)
        out.append(_with_fact(row, fact))
    return out


def schedules(service_ids: Sequence[int]) -> list[Schedule]:
    schedule = Part(Schedule, "sc")
    sql = (
        f"SELECT {schedule.columns} FROM {schedule.table}"
        f" WHERE sc.service_id IN ({placeholders(service_ids)})"
        " ORDER BY sc.weekday, sc.opens_at, sc.id"
    )
    return [row for (row,) in fetch(sql, service_ids, schedule)]


def phones(service_ids: Sequence[int]) -> list[Phone]:
    phone = Part(Phone, "ph")
    sql = (
        f"SELECT {phone.columns}, {FACT.columns} FROM {phone.table}"
        f" JOIN {FACT.table} ON f.id = ph.fact_id"
        f" WHERE ph.service_id IN ({placeholders(service_ids)}) ORDER BY ph.id"
    )
    return [_with_fact(row, fact) for row, fact in fetch(sql, service_ids, phone, FACT)]


def sources_by_fact(fact_ids: Sequence[int]) -> dict[int, list[Source]]:
    """Each fact's sources in citation order; a source cited twice is one object."""
    source = Part(Source, "so")
    sql = (
        f"SELECT {source.columns}, c.fact_id FROM {table(Citation)} c"
        f" JOIN {source.table} ON so.id = c.source_id"
        f" WHERE c.fact_id IN ({placeholders(fact_ids)}) ORDER BY c.id"
    )
    built: dict[int, Source] = {}
    by_fact: dict[int, list[Source]] = {}
    for row, fact_id in fetch(sql, fact_ids, source):
        by_fact.setdefault(fact_id, []).append(built.setdefault(row.pk, row))
    return by_fact


def _with_fact(row: M, fact: Fact) -> M:
    attach(row, "fact", fact)
    return row
