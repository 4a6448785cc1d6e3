"""Per-page numbering of sources, and what a page says about each fact's evidence."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from waypost.evidence.models import Fact, Source, Status, newest_outdated


@dataclass
class CitationRegistry:
    """Numbers sources in the order a page first cites them: [1], [2], …"""

    numbers: dict[int, int] = field(default_factory=dict)
    sources: list[Source] = field(default_factory=list)

    def number(self, source: Source) -> int:
        if source.pk not in self.numbers:
            self.sources.append(source)
            self.numbers[source.pk] = len(self.sources)
        return self.numbers[source.pk]


@dataclass(frozen=True)
class Evidence:
    """What the page shows beside a fact: its numbered sources, status and check date."""

    refs: tuple[int, ...]
    status: Status
    checked_on: dt.date | None
    caveat: str
    fact_id: int = 0
    # A reader's problem report is open (as opposed to a check that found a conflict).
    reported: bool = False
    # Contact details resting only on sources older than the check window: the newest of
    # them, which the page names with its date instead of a check date.
    old_source: Source | None = None

    def reads_as(self, other: Evidence) -> bool:
        """Whether a reader would see the same mark (a phone's evidence as its service's)."""
        return (
            self.refs,
            self.status,
            self.checked_on,
            self.caveat,
            self.reported,
            self.old_source,
        ) == (
            other.refs,
            other.status,
            other.checked_on,
            other.caveat,
            other.reported,
            other.old_source,
        )

    @property
    def settled(self) -> bool:
        return self.status in (Status.CHECKED, Status.DUE)


def evidence_for(
    fact: Fact,
    sources: list[Source],
    registry: CitationRegistry,
    today: dt.date,
    *,
    ages_with_sources: bool = False,
) -> Evidence:
    """`ages_with_sources` for contact details (services, phones): they go out of date with
    the pages and data sets they come from."""
    refs = tuple(registry.number(source) for source in sources)
    old = newest_outdated(sources, today) if ages_with_sources else None
    return Evidence(
        refs,
        fact.status(today, outdated=old is not None),
        fact.last_checked_on,
        fact.caveat,
        fact_id=fact.pk,
        reported=fact.open_disputes > 0,
        old_source=old,
    )
