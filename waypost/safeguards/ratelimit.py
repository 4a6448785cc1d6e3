"""Rate limits on a keyed hash of the client address (see keys.py): counts per window.

A count lives only as long as it is useful: rows of windows that have ended are deleted on
the next count and by `manage.py forget_clients`, so the table never holds a history of
when a client posted.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from waypost.safeguards.keys import client_address, keyed_hash
from waypost.safeguards.models import RateCount

# The longest window any limit uses; older counts are of no use to any limit.
LONGEST_WINDOW = dt.timedelta(minutes=60)


def window_start(now: dt.datetime, window_minutes: int) -> dt.datetime:
    minutes = (now.hour * 60 + now.minute) // window_minutes * window_minutes
    return now.replace(hour=minutes // 60, minute=minutes % 60, second=0, microsecond=0)


def client_key(request: HttpRequest, now: dt.datetime | None = None) -> str:
    return keyed_hash("client", client_address(request), now)


def count(scope: str, client: str, window_minutes: int, now: dt.datetime | None = None) -> int:
    """Add one to this client's count in the current window; returns the new count. Counted
    before the action is judged, so concurrent attempts cannot all pass a limit at once."""
    now = now or timezone.now()
    key = {"scope": scope, "client": client, "window_start": window_start(now, window_minutes)}
    with transaction.atomic():
        forget_counts(now)
        updated = RateCount.objects.filter(**key).update(count=F("count") + 1)
        if not updated:
            try:
                with transaction.atomic():
                    RateCount.objects.create(**key, count=1)
            except IntegrityError:
                RateCount.objects.filter(**key).update(count=F("count") + 1)
        return RateCount.objects.filter(**key).values_list("count", flat=True).get()


def current(scope: str, client: str, window_minutes: int, now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    found = RateCount.objects.filter(
        scope=scope, client=client, window_start=window_start(now, window_minutes)
    ).values_list("count", flat=True)
    return found.first() or 0


def allow(request: HttpRequest, scope: str, limit: int, window_minutes: int = 60) -> bool:
    """Count one attempt by this client; False once it is over the limit for the window."""
    return count(scope, client_key(request), window_minutes) <= limit


def forget_counts(now: dt.datetime | None = None) -> int:
    """Delete counts of windows that have ended; returns how many."""
    now = now or timezone.now()
    deleted, _ = RateCount.objects.filter(window_start__lte=now - LONGEST_WINDOW).delete()
    return deleted
