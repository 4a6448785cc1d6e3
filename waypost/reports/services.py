"""Opening and closing problems on facts. Closing a reader's report records a check."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from waypost.evidence.models import Fact, Outcome, Source
from waypost.evidence.services import close_dispute, open_dispute, record_check
from waypost.reports.models import Kind, ProblemReport, State


@transaction.atomic
def file_report(
    fact: Fact, *, what_is_wrong: str, correction: str = "", contact: str = ""
) -> ProblemReport:
    report = ProblemReport.objects.create(
        fact=fact,
        kind=Kind.READER,
        what_is_wrong=what_is_wrong,
        correction=correction,
        contact=contact,
        disputes=True,
    )
    open_dispute(fact, "a reader reported a problem")
    return report


def note_dead_link(fact: Fact, source: Source, reason: str) -> ProblemReport | None:
    """One open problem per fact and dead source; a second run adds none."""
    if ProblemReport.objects.filter(
        fact=fact, source=source, kind=Kind.DEAD_LINK, state=State.OPEN
    ).exists():
        return None
    return ProblemReport.objects.create(
        fact=fact,
        kind=Kind.DEAD_LINK,
        source=source,
        what_is_wrong=f"The source {source.url} did not answer: {reason}",
        disputes=False,
    )


def _close(report: ProblemReport, state: State, by: str, note: str) -> None:
    if report.state != State.OPEN:
        return
    report.state = state
    report.closed_at = timezone.now()
    report.closed_by = by
    report.resolution = note
    report.save(update_fields=["state", "closed_at", "closed_by", "resolution"])
    if report.disputes:
        close_dispute(report.fact, f"reader's report {state} by {by}")


@transaction.atomic
def resolve(
    reports: list[ProblemReport],
    *,
    by: str,
    checked_on: dt.date,
    method: str,
    outcome: Outcome | str,
    note: str = "",
    source: Source | None = None,
    source_date: str = "",
) -> int:
    """Close open reports after a check: one check per fact, then each report closed.

    Returns how many facts were checked.
    """
    open_reports = [r for r in reports if r.state == State.OPEN]
    facts = {r.fact_id: r.fact for r in open_reports}
    for report in open_reports:
        _close(report, State.RESOLVED, by, note)
    for fact in facts.values():
        fact.refresh_from_db()
        cited = (
            source if source is not None and fact.sources.filter(pk=source.pk).exists() else None
        )
        record_check(
            fact,
            checked_on=checked_on,
            checked_by=by,
            method=method,
            outcome=outcome,
            note=note,
            source=cited,
            source_date=source_date if cited else "",
        )
    return len(facts)


@transaction.atomic
def dismiss(reports: list[ProblemReport], *, by: str, note: str = "") -> int:
    """Close reports that were wrong or abusive: no check is recorded."""
    count = 0
    for report in reports:
        if report.state == State.OPEN:
            _close(report, State.DISMISSED, by, note)
            count += 1
    return count


def erase_old_contacts(now: dt.datetime | None = None, days: int = 30) -> int:
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    return ProblemReport.objects.exclude(contact="").filter(closed_at__lt=cutoff).update(contact="")
