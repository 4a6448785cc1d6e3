"""Abuse resistance without tracking: what is kept to count clients.

A client is known only by a keyed hash of its address; the key of each day lives outside the
database and is deleted the next day (keys.py). Counts of ended windows are deleted too.
"""

from __future__ import annotations

from django.db import models


class RateCount(models.Model):
    """How many times one client did one thing (comment, report, sign-in) in one window."""

    scope = models.CharField(max_length=20)
    client = models.CharField(max_length=64, help_text="Keyed hash of the client address.")
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "client", "window_start"], name="unique_rate_window"
            )
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.client[:8]}… {self.count}"
