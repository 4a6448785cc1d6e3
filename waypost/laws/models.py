"""Laws, the changes that made them, and programs (diversion, record relief, safe harbor)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from waypost.evidence.models import Fact
from waypost.places.models import Place


class LawTopic(models.TextChoices):
    SELLING = "selling", _("Selling sex")
    BUYING = "buying", _("Buying sex")
    PROMOTING = "promoting", _("Promoting prostitution")
    TRAFFICKING = "trafficking", _("Trafficking")
    RELATED = "related", _("Related law")


def in_force(effective_from: dt.date | None, effective_to: dt.date | None, on: dt.date) -> bool:
    """Whether an effective period contains the date (open ends count as open); the same
    rule as InForceQuerySet.in_force, for rows already read."""
    return (effective_from is None or effective_from <= on) and (
        effective_to is None or effective_to >= on
    )


class InForceQuerySet(models.QuerySet):
    def in_force(self, on: dt.date) -> InForceQuerySet:
        """Rows whose effective period contains the date (open ends count as open)."""
        return self.filter(
            models.Q(effective_from__isnull=True) | models.Q(effective_from__lte=on),
            models.Q(effective_to__isnull=True) | models.Q(effective_to__gte=on),
        )

    def ended_before(self, on: dt.date) -> InForceQuerySet:
        return self.filter(effective_to__lt=on)

    def for_places(self, places: list[Place]) -> InForceQuerySet:
        return self.filter(jurisdiction__in=places)


_DESCRIPTIVE_TAIL = re.compile(r"\s*\([^()]*\s[^()]*\)\s*$")


def citation_key(citation: str) -> str:
    """The key that makes two spellings of one citation one law.

    "Conn. Gen. Stat. § 53a-83 (patronizing a prostitute)" and "Conn. Gen. Stat. § 53a-83"
    are the same law; a subsection such as "(b)" (no space inside) is kept.
    """
    text = _DESCRIPTIVE_TAIL.sub("", citation.strip())
    return " ".join(text.lower().split())


class Law(models.Model):
    """A law of one jurisdiction, known by its citation; what sources say about it are
    its statements, each with its own evidence."""

    jurisdiction = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="laws")
    citation = models.CharField(
        max_length=200, blank=True, help_text='e.g. "Cal. Penal Code § 647(b)"; blank if unknown'
    )
    citation_key = models.CharField(max_length=200, blank=True, editable=False)
    title = models.CharField(max_length=200)
    effective_from = models.DateField(null=True, blank=True)
    effective_to = models.DateField(null=True, blank=True)

    objects = InForceQuerySet.as_manager()

    class Meta:
        ordering = ["jurisdiction__path", "citation"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "citation_key"],
                condition=~models.Q(citation_key=""),
                name="unique_cited_law",
            ),
            models.UniqueConstraint(
                fields=["jurisdiction", "title"],
                condition=models.Q(citation_key=""),
                name="unique_uncited_law",
            ),
        ]

    def __str__(self) -> str:
        return self.citation or self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.citation_key = citation_key(self.citation)
        super().save(*args, **kwargs)

    def ended_by(self) -> list[LawChange]:
        """The changes that took effect once this law stopped."""
        if self.effective_to is None:
            return []
        return [
            c for c in self.changes.all() if c.effective_on and c.effective_on > self.effective_to
        ]

    def in_force_on(self, on: dt.date) -> bool:
        return in_force(self.effective_from, self.effective_to, on)


class LawStatement(models.Model):
    """What one source says about a law: the act it covers, its class and penalties.

    A law can carry several (a first offense and repeat offenses, or two sources that
    disagree): each is shown with its own source rather than one picked silently.
    """

    law = models.ForeignKey(Law, on_delete=models.CASCADE, related_name="statements")
    # Blank when the data does not say which act the statement covers.
    topic = models.CharField(max_length=12, choices=LawTopic.choices, blank=True)
    # What this statement is about, in the source's terms: one section can hold the seller's
    # and the buyer's offence, so the law's own title cannot head both.
    title = models.CharField(max_length=200, blank=True)
    summary = models.TextField(help_text="Plain-language summary.")
    classification = models.CharField(max_length=120, blank=True)
    max_jail = models.CharField(max_length=120, blank=True)
    max_fine_usd = models.PositiveIntegerField(null=True, blank=True)
    penalty_note = models.TextField(blank=True)
    fact = models.OneToOneField(Fact, on_delete=models.PROTECT, related_name="law_statement")

    class Meta:
        ordering = ["law", "topic", "id"]

    def __str__(self) -> str:
        return f"{self.law}: {self.summary[:60]}"

    @property
    def heading(self) -> str:
        return self.title or self.law.title

    @property
    def has_penalty(self) -> bool:
        return bool(self.classification or self.max_jail or self.max_fine_usd is not None)


class LawChange(models.Model):
    jurisdiction = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="law_changes")
    bill = models.CharField(max_length=120, help_text='e.g. "SB 357 (2022)"')
    name = models.CharField(max_length=200, blank=True)
    signed_on = models.DateField(null=True, blank=True)
    effective_on = models.DateField(null=True, blank=True)
    change = models.TextField(help_text="What the change did, in plain words.")
    laws = models.ManyToManyField(Law, blank=True, related_name="changes")
    fact = models.OneToOneField(Fact, on_delete=models.PROTECT, related_name="law_change")

    class Meta:
        ordering = ["-effective_on", "bill"]
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "bill"], name="unique_bill")]

    def __str__(self) -> str:
        return self.bill


class ProgramKind(models.TextChoices):
    DIVERSION = "diversion", _("Diversion")
    RECORD_RELIEF = "record relief", _("Record relief")
    SAFE_HARBOR = "safe harbor", _("Safe harbor for minors")
    BENEFIT = "benefit", _("Income support")


class Program(models.Model):
    jurisdiction = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="programs")
    kind = models.CharField(max_length=16, choices=ProgramKind.choices)
    citation = models.CharField(max_length=200, blank=True)
    title = models.CharField(max_length=200)
    summary = models.TextField()
    amount_usd_month = models.PositiveIntegerField(
        null=True, blank=True, help_text="For income support: the most paid a month."
    )
    effective_from = models.DateField(null=True, blank=True)
    effective_to = models.DateField(null=True, blank=True)
    fact = models.OneToOneField(Fact, on_delete=models.PROTECT, related_name="program")

    objects = InForceQuerySet.as_manager()

    class Meta:
        ordering = ["jurisdiction__path", "kind", "title"]

    def __str__(self) -> str:
        return self.title

    def in_force_on(self, on: dt.date) -> bool:
        return in_force(self.effective_from, self.effective_to, on)


class Remedy(models.TextChoices):
    VACATUR = "vacatur", _("Vacatur (the conviction is set aside)")
    EXPUNGEMENT = "expungement", _("Expungement (the record is erased)")
    SEALING = "sealing", _("Sealing (the record is hidden from the public)")


class ReliefRecord(models.TextChoices):
    """The convictions a relief law can clear, as the checker asks about them."""

    SELLING = "selling", _("Selling or offering sex (prostitution)")
    BUYING = "buying", _("Buying sex")
    LOITERING = "loitering", _("Loitering for prostitution")
    TRAFFICKING_RELATED = (
        "trafficking-related",
        _("Other offences that came out of being trafficked"),
    )
    ANY = "any", _("Most offences (a general law)")


class TraffickingRule(models.TextChoices):
    REQUIRED = "required", _("Only for people who were trafficked or coerced")
    NOT_REQUIRED = "not-required", _("For anyone with such a record")


class OtherConvictionsRule(models.TextChoices):
    ALLOWED = "allowed", _("Other convictions do not stop it")
    MAY_BAR = "may-bar", _("Other convictions can stop it")


class ReliefRule(models.Model):
    """Who a record-relief program is for, read from its statute: what the record-relief
    checker matches a reader's answers against. A blank or null field is one the sources
    did not settle; the checker then says it is unknown rather than guess."""

    program = models.OneToOneField(Program, on_delete=models.CASCADE, related_name="relief")
    # Lists of Remedy and ReliefRecord values, checked by the loader.
    remedies = models.JSONField(default=list)
    records = models.JSONField(default=list)
    trafficking = models.CharField(max_length=12, choices=TraffickingRule.choices, blank=True)
    wait_years = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Years to wait before applying; 0 for none."
    )
    other_convictions = models.CharField(
        max_length=8, choices=OtherConvictionsRule.choices, blank=True
    )
    minors_only = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.program}: {', '.join(self.remedies)}"
