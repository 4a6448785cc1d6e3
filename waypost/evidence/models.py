"""Provenance: sources, the facts that cite them, and the checks that date them.

Every citable thing (a law, a service, a phone number, a statistic) owns one `Fact`.
Citations and checks hang off the fact, so a new kind of fact needs no change here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.db import models


class Source(models.Model):
    key = models.SlugField(max_length=120, unique=True)
    url = models.URLField(max_length=500)
    title = models.CharField(max_length=300)
    publisher = models.CharField(max_length=200, blank=True)
    # The year (or date) of the source's own content, when known: an old source ages a fact.
    as_of = models.CharField(max_length=10, blank=True)
    # Published by the lawmaker, a court or an agency (or, for a service, the organisation
    # itself): the law review counts how many facts rest on such a source.
    official = models.BooleanField(default=False)

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return self.title


class Status(models.TextChoices):
    CHECKED = "checked", "Checked"
    DUE = "due", "Due for a re-check"
    UNCHECKED = "unchecked", "Unchecked"
    DISPUTED = "disputed", "Disputed"


class Outcome(models.TextChoices):
    CONFIRMED = "confirmed", "Confirmed"
    UNCONFIRMED = "unconfirmed", "Could not be confirmed"
    CONFLICT = "conflict", "Found a conflict"


class FactQuerySet(models.QuerySet["Fact"]):
    def with_status(self, status: Status | str, today: dt.date | None = None) -> FactQuerySet:
        """The facts that `fact_status` puts in this status, as one database filter."""
        today = today or dt.date.today()
        oldest_valid = today - dt.timedelta(days=settings.CHECK_VALID_DAYS)
        disputed = models.Q(open_disputes__gt=0) | models.Q(last_outcome=Outcome.CONFLICT)
        confirmed = models.Q(last_checked_on__isnull=False, last_outcome=Outcome.CONFIRMED)
        if status == Status.DISPUTED:
            return self.filter(disputed)
        rest = self.exclude(disputed)
        if status == Status.UNCHECKED:
            return rest.exclude(confirmed)
        if status == Status.DUE:
            return rest.filter(confirmed, last_checked_on__lt=oldest_valid)
        if status == Status.CHECKED:
            return rest.filter(confirmed, last_checked_on__gte=oldest_valid)
        raise ValueError(f"unknown status {status!r}")


class Fact(models.Model):
    """A statement shown to readers, with what is known about its truth."""

    label = models.CharField(max_length=300, help_text="What the fact is, for editors.")
    # Two audiences: the note is the editors' working record (what was read, what to
    # verify) and never reaches a reader; the caveat is the short plain warning readers see.
    note = models.TextField(
        blank=True, help_text="For editors only: what was read, what to verify."
    )
    # db_default: the bulk writers insert facts in SQL without naming this column.
    caveat = models.TextField(
        blank=True,
        default="",
        db_default="",
        help_text="Shown to readers beside the fact, in plain words (translated).",
    )
    sources: models.ManyToManyField[Source, Citation] = models.ManyToManyField(
        Source, through="Citation", related_name="facts"
    )
    # Copied from the newest check (see record_check) so a page learns every fact's
    # status from the fact rows alone, without reading the check history.
    last_checked_on = models.DateField(null=True, blank=True)
    last_outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True)
    open_disputes = models.PositiveIntegerField(default=0)

    objects = FactQuerySet.as_manager()

    def __str__(self) -> str:
        return self.label

    def status(self, today: dt.date | None = None, *, outdated: bool = False) -> Status:
        return fact_status(
            self.last_checked_on,
            self.last_outcome,
            self.open_disputes,
            today=today,
            outdated=outdated,
        )


def fact_status(
    last_checked_on: dt.date | None,
    last_outcome: str,
    open_disputes: int,
    today: dt.date | None = None,
    *,
    outdated: bool = False,
) -> Status:
    """The status rule: disputes win, then an unsettled check, then the age of the check.
    A fact whose sources are all older than the check window (`outdated`) is never checked,
    however recently someone compared it with them: the source itself may be out of date."""
    if open_disputes > 0 or last_outcome == Outcome.CONFLICT:
        return Status.DISPUTED
    if last_checked_on is None or last_outcome != Outcome.CONFIRMED:
        return Status.UNCHECKED
    today = today or dt.date.today()
    if outdated or (today - last_checked_on).days > settings.CHECK_VALID_DAYS:
        return Status.DUE
    return Status.CHECKED


def source_date(as_of: str) -> dt.date | None:
    """The last day a source's own date can mean ("2020" → 31 Dec 2020), or None."""
    text = as_of.strip()
    try:
        if len(text) == 4:
            return dt.date(int(text), 12, 31)
        if len(text) == 7:
            first = dt.date(int(text[:4]), int(text[5:7]), 1)
            following = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
            return following - dt.timedelta(days=1)
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def newest_outdated(sources: Iterable[Source], today: dt.date) -> Source | None:
    """The newest of the sources when every one is dated and older than the check window
    (contact details resting only on old pages or data sets), else None."""
    dated = [(source_date(s.as_of), s) for s in sources]
    if not dated or any(day is None for day, _ in dated):
        return None
    day, newest = max(dated, key=lambda pair: pair[0] or dt.date.min)
    assert day is not None
    if (today - day).days > settings.CHECK_VALID_DAYS:
        return newest
    return None


class Citation(models.Model):
    fact = models.ForeignKey(Fact, on_delete=models.CASCADE, related_name="citations")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="citations")
    excerpt = models.TextField(blank=True, help_text="The words in the source that support it.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["fact", "source"], name="unique_citation")]

    def __str__(self) -> str:
        return f"{self.fact} ← {self.source}"


class Check(models.Model):
    fact = models.ForeignKey(Fact, on_delete=models.CASCADE, related_name="checks")
    checked_on = models.DateField()
    checked_by = models.CharField(max_length=120)
    method = models.CharField(max_length=200, help_text="Source page, phone call, archived copy…")
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    note = models.TextField(blank=True)
    # The source the check compared the fact with, and the date that source carried then.
    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.SET_NULL, related_name="checks"
    )
    source_date = models.CharField(
        max_length=10, blank=True, help_text="Date of the source (YYYY, YYYY-MM or YYYY-MM-DD)."
    )

    class Meta:
        ordering = ["-checked_on", "-id"]

    def __str__(self) -> str:
        return f"{self.fact}: {self.outcome} on {self.checked_on}"
