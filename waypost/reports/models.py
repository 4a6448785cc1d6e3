"""Problems found with a fact: readers' reports ("this number no longer works") and dead
source links found by the link checker. Each open problem is a task for editors."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from waypost.evidence.models import Fact, Source


class Kind(models.TextChoices):
    READER = "reader", _("Reader's report")
    DEAD_LINK = "dead_link", _("Dead source link")


class State(models.TextChoices):
    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("Resolved (checked)")
    DISMISSED = "dismissed", _("Dismissed")


class ProblemReport(models.Model):
    fact = models.ForeignKey(Fact, on_delete=models.CASCADE, related_name="problems")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.READER)
    what_is_wrong = models.TextField()
    correction = models.TextField(blank=True)
    # Never shown to readers; erased CONTACT_RETENTION_DAYS after the report is closed.
    contact = models.CharField(max_length=200, blank=True)
    # For a dead link: the source whose address failed.
    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.CASCADE, related_name="problems"
    )
    # A reader's report shows the fact as disputed while it is open; a dead link does not
    # (the fact may still be true), it only asks an editor to find the source again.
    disputes = models.BooleanField(default=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.CharField(max_length=150, blank=True)
    resolution = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "fact"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.fact}"
