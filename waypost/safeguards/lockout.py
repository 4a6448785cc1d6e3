"""Editors' sign-in limits that an attacker cannot turn against the editors.

Two counts, both on keyed hashes (keys.py), never on a name or an address as typed:
- an account together with a client: LOGIN_FAILURE_LIMIT attempts in LOGIN_LOCKOUT_MINUTES
  lock that account *for that client* only, so guesses from elsewhere never lock the real
  editor out;
- a client whatever the account: LOGIN_CLIENT_LIMIT attempts in the same window lock the
  client, so trying one password on many accounts (spraying) is slowed as much.
Each attempt is counted before the password is checked: concurrent guesses cannot slip past
a limit together. A successful sign-in clears its account's count for that client.
`manage.py unlock_signin` clears a lock.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User
from django.http import HttpRequest
from django.utils import timezone

from waypost.safeguards.keys import client_address, keyed_hash
from waypost.safeguards.models import RateCount
from waypost.safeguards.ratelimit import count, current, window_start

ACCOUNT_SCOPE = "signin"
CLIENT_SCOPE = "signin-client"
# Half of a 64-digit count key each: the account's part first, so that an account can be
# unlocked for every client at once (its part is a prefix).
PART = 32


def account_part(username: str, now: dt.datetime | None = None) -> str:
    return keyed_hash("account", username.strip().lower(), now)[:PART]


def _keys(request: HttpRequest, username: str) -> tuple[str, str]:
    client = keyed_hash("client", client_address(request))
    return account_part(username) + client[:PART], client


def _window() -> int:
    return int(settings.LOGIN_LOCKOUT_MINUTES)


def attempt(request: HttpRequest, username: str) -> bool:
    """Count one sign-in attempt; False when the account is locked for this client, or the
    client is locked, and the password must not even be checked."""
    pair, client = _keys(request, username)
    by_pair = count(ACCOUNT_SCOPE, pair, _window())
    by_client = count(CLIENT_SCOPE, client, _window())
    return by_pair <= settings.LOGIN_FAILURE_LIMIT and by_client <= settings.LOGIN_CLIENT_LIMIT


def locked_until(request: HttpRequest, username: str) -> dt.datetime | None:
    """When the lock on this account for this client (or on this client) ends, or None."""
    pair, client = _keys(request, username)
    locked = (
        current(ACCOUNT_SCOPE, pair, _window()) > settings.LOGIN_FAILURE_LIMIT
        or current(CLIENT_SCOPE, client, _window()) > settings.LOGIN_CLIENT_LIMIT
    )
    if not locked:
        return None
    return window_start(timezone.now(), _window()) + dt.timedelta(minutes=_window())


def succeeded(request: HttpRequest, username: str) -> None:
    pair, _ = _keys(request, username)
    RateCount.objects.filter(scope=ACCOUNT_SCOPE, client=pair).delete()


def unlock(username: str | None) -> int:
    """Clear the locks on an account (for every client), or every sign-in lock when None."""
    found = RateCount.objects.filter(scope__in=[ACCOUNT_SCOPE, CLIENT_SCOPE])
    if username is not None:
        found = found.filter(scope=ACCOUNT_SCOPE, client__startswith=account_part(username))
    deleted, _ = found.delete()
    return deleted


class LockoutBackend(ModelBackend):
    """Django's backend, refusing an attempt over a limit even with the right password."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if username is None:
            return None
        # Without a request (a shell, a command) there is no client to count.
        if request is not None and not attempt(request, username):
            return None
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None and request is not None:
            succeeded(request, username)
        return user
