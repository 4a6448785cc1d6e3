"""Login lockout keyed on the account name, so no address is ever kept.

A lock on a name stops guessing that account's password; it does not stop one client trying
many names, which the argon2 hashing and the per-name lock together make slow.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User
from django.http import HttpRequest
from django.utils import timezone

from waypost.safeguards.models import LoginFailure


def _key(username: str) -> str:
    return username.strip().lower()[:150]


def locked_until(username: str) -> dt.datetime | None:
    row = LoginFailure.objects.filter(username=_key(username)).first()
    if row is None or row.locked_until is None or row.locked_until <= timezone.now():
        return None
    return row.locked_until


def note_failure(username: str) -> None:
    now = timezone.now()
    window = dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    # Names tried once and long ago are forgotten, so guessed names do not pile up.
    LoginFailure.objects.filter(
        first_failed_at__lt=now - dt.timedelta(days=1), locked_until__isnull=True
    ).delete()
    row, _ = LoginFailure.objects.get_or_create(
        username=_key(username), defaults={"first_failed_at": now}
    )
    if now - row.first_failed_at > window:
        row.failures, row.first_failed_at, row.locked_until = 0, now, None
    row.failures += 1
    if row.failures >= settings.LOGIN_FAILURE_LIMIT:
        row.locked_until = now + window
    row.save()


def clear(username: str) -> None:
    LoginFailure.objects.filter(username=_key(username)).delete()


class LockoutBackend(ModelBackend):
    """Django's backend, refusing a locked account even with the right password."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if username is None:
            return None
        if locked_until(username) is not None:
            return None
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            note_failure(username)
        else:
            clear(username)
        return user
