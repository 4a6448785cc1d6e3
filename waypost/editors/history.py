"""A fact's history: every change to the fact, its citations and the record showing it,
as rows of who, when, what, old → new."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from waypost.evidence.models import Citation, Fact
from waypost.guides.owners import KINDS, owner_of


@dataclass(frozen=True)
class Change:
    when: dt.datetime
    who: str
    record: str
    action: str
    field: str = ""
    old: str = ""
    new: str = ""
    reason: str = ""


ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}


def _who(record: Any) -> str:
    user = record.history_user
    if user is not None:
        return str(user.get_username())
    # No one signed in: a reader's report, or a loader or command run by an operator.
    reason = record.history_change_reason or ""
    return "a reader" if "reader reported" in reason else "system"


def _changes(records: Iterable[Any], label: str) -> list[Change]:
    out: list[Change] = []
    previous = None
    for record in records:
        action = ACTIONS.get(record.history_type, record.history_type)
        base = {
            "when": record.history_date,
            "who": _who(record),
            "record": label,
            "action": action,
            "reason": record.history_change_reason or "",
        }
        if record.history_type == "~" and previous is not None:
            delta = record.diff_against(previous)
            for change in delta.changes:
                out.append(
                    Change(**base, field=change.field, old=str(change.old), new=str(change.new))
                )
            if not delta.changes:
                out.append(Change(**base))
        else:
            out.append(Change(**base, new=str(record.instance) if action == "created" else ""))
        previous = record
    return out


def fact_history(fact: Fact) -> list[Change]:
    """Newest first."""
    changes = _changes(
        Fact.history.filter(id=fact.pk)  # type: ignore[attr-defined]
        .select_related("history_user")
        .order_by("history_date", "history_id"),
        "fact",
    )
    citations = Citation.history.filter(  # type: ignore[attr-defined]
        fact_id=fact.pk
    ).select_related("history_user")
    by_citation: dict[int, list[Any]] = {}
    for record in citations.order_by("history_date", "history_id"):
        by_citation.setdefault(record.id, []).append(record)
    for records in by_citation.values():
        changes += _changes(records, "citation")
    owner = owner_of(fact)
    if owner is not None:
        model = type(owner.obj)
        history = model.history.filter(id=owner.obj.pk).select_related("history_user")
        changes += _changes(history.order_by("history_date", "history_id"), KINDS[owner.kind])
        if owner.kind == "law_statement":
            law = owner.obj.law
            laws = type(law).history.filter(id=law.pk).select_related("history_user")
            changes += _changes(laws.order_by("history_date", "history_id"), "law")
    changes.sort(key=lambda c: c.when, reverse=True)
    return changes


def _cell(value: object) -> str:
    """A cell a spreadsheet will not run as a formula."""
    text = str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


CSV_HEADER = ["fact_id", "fact", "when", "who", "record", "action", "field", "old", "new", "note"]


def history_csv(facts: Iterable[Fact]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADER)
    for fact in facts:
        for c in fact_history(fact):
            writer.writerow(
                _cell(v)
                for v in [
                    fact.pk,
                    fact.label,
                    c.when.isoformat(),
                    c.who,
                    c.record,
                    c.action,
                    c.field,
                    c.old,
                    c.new,
                    c.reason,
                ]
            )
    return buffer.getvalue()
