"""Abuse resistance without tracking: what is kept to count clients and failed logins.

A client is known only by a hash of its address with a random salt that is replaced every
day (the address itself is never written anywhere). Once the salt of a day is deleted, that
day's hashes cannot be tied back to an address, even by someone holding the database.
"""

from __future__ import annotations

from django.db import models


class DailySalt(models.Model):
    day = models.DateField(unique=True)
    salt = models.CharField(max_length=64)

    def __str__(self) -> str:
        return str(self.day)


class RateCount(models.Model):
    """How many times one client did one thing (comment, report) in one window."""

    scope = models.CharField(max_length=20)
    client = models.CharField(max_length=64, help_text="Salted hash of the client address.")
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


class LoginFailure(models.Model):
    """Failed sign-ins per account name: the lockout counts these, not addresses."""

    username = models.CharField(max_length=150, unique=True)
    failures = models.PositiveIntegerField(default=0)
    first_failed_at = models.DateTimeField()
    locked_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.username}: {self.failures}"
