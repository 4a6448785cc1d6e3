"""Recording evidence: the one way checks and citations are written."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from waypost.evidence.models import Check, Citation, Fact, Outcome, Source


@transaction.atomic
def record_check(
    fact: Fact,
    *,
    checked_on: dt.date,
    checked_by: str,
    method: str,
    outcome: Outcome | str,
    note: str = "",
    source: Source | None = None,
    source_date: str = "",
) -> Check:
    """Record a check and bring the fact's status fields up to date.

    A check that names its source and the date that source now carries also dates the
    source, since an old source ages every fact citing it.
    """
    check = Check.objects.create(
        fact=fact,
        checked_on=checked_on,
        checked_by=checked_by,
        method=method,
        outcome=outcome,
        note=note,
        source=source,
        source_date=source_date,
    )
    if source is not None and source_date and source.as_of != source_date:
        source.as_of = source_date
        source.save(update_fields=["as_of"])
    newest = Check.objects.filter(fact=fact).order_by("-checked_on", "-id").first()
    assert newest is not None
    fact.last_checked_on = newest.checked_on
    fact.last_outcome = newest.outcome
    # Read by the change history, when one is kept.
    reason = f"check recorded by {checked_by}: {outcome} ({method})"
    fact._change_reason = history_reason(reason)  # type: ignore[attr-defined]
    fact.save(update_fields=["last_checked_on", "last_outcome"])
    return check


# The change history keeps at most this many characters of a reason (its column's length).
HISTORY_REASON_LENGTH = 100


def history_reason(text: str) -> str:
    """A reason short enough for the history column: a long check method must not stop a load."""
    if len(text) <= HISTORY_REASON_LENGTH:
        return text
    return text[: HISTORY_REASON_LENGTH - 1] + "…"


def cite(fact: Fact, source: Source, excerpt: str = "") -> Citation:
    """Attach a source to a fact; citing the same source twice keeps one citation."""
    citation, created = Citation.objects.get_or_create(
        fact=fact, source=source, defaults={"excerpt": excerpt}
    )
    if not created and excerpt and excerpt not in citation.excerpt:
        citation.excerpt = f"{citation.excerpt} | {excerpt}" if citation.excerpt else excerpt
        citation.save(update_fields=["excerpt"])
    return citation


@transaction.atomic
def open_dispute(fact: Fact, reason: str = "problem reported") -> None:
    """A problem is open on the fact: readers see it as disputed from now on."""
    _add_disputes(fact, 1, reason)


@transaction.atomic
def close_dispute(fact: Fact, reason: str = "problem closed") -> None:
    _add_disputes(fact, -1, reason)


def _add_disputes(fact: Fact, delta: int, reason: str) -> None:
    # Read under a row lock and saved (not update()) so the change enters the fact's history.
    locked = Fact.objects.select_for_update().get(pk=fact.pk)
    locked.open_disputes = max(0, locked.open_disputes + delta)
    locked._change_reason = history_reason(reason)  # type: ignore[attr-defined]
    locked.save(update_fields=["open_disputes"])
    fact.open_disputes = locked.open_disputes
