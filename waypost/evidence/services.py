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
) -> Check:
    """Record a check and bring the fact's status fields up to date."""
    check = Check.objects.create(
        fact=fact,
        checked_on=checked_on,
        checked_by=checked_by,
        method=method,
        outcome=outcome,
        note=note,
    )
    newest = Check.objects.filter(fact=fact).order_by("-checked_on", "-id").first()
    assert newest is not None
    fact.last_checked_on = newest.checked_on
    fact.last_outcome = newest.outcome
    fact.save(update_fields=["last_checked_on", "last_outcome"])
    return check


def cite(fact: Fact, source: Source, excerpt: str = "") -> Citation:
    """Attach a source to a fact; citing the same source twice keeps one citation."""
    citation, created = Citation.objects.get_or_create(
        fact=fact, source=source, defaults={"excerpt": excerpt}
    )
    if not created and excerpt and excerpt not in citation.excerpt:
        citation.excerpt = f"{citation.excerpt} | {excerpt}" if citation.excerpt else excerpt
        citation.save(update_fields=["excerpt"])
    return citation
