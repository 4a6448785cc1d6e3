"""Rate limits keyed on a salted hash of the client address; the salt rotates daily."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from waypost.safeguards.models import DailySalt, RateCount


def todays_salt(today: dt.date | None = None) -> str:
    """The salt of the day; the first request of a new day deletes older salts and counts."""
    today = today or timezone.now().date()
    salt = DailySalt.objects.filter(day=today).values_list("salt", flat=True).first()
    if salt is not None:
        return salt
    DailySalt.objects.filter(day__lt=today).delete()
    RateCount.objects.filter(window_start__date__lt=today).delete()
    try:
        with transaction.atomic():
            return DailySalt.objects.create(day=today, salt=secrets.token_hex(32)).salt
    except IntegrityError:
        # Another request created it first.
        return DailySalt.objects.get(day=today).salt


def client_key(request: HttpRequest, today: dt.date | None = None) -> str:
    address = request.META.get("REMOTE_ADDR", "")
    return hashlib.sha256(f"{todays_salt(today)}|{address}".encode()).hexdigest()


def allow(request: HttpRequest, scope: str, limit: int, window_minutes: int = 60) -> bool:
    """Count one attempt by this client; False once it is over the limit for the window."""
    now = timezone.now()
    minutes = (now.hour * 60 + now.minute) // window_minutes * window_minutes
    window_start = now.replace(hour=minutes // 60, minute=minutes % 60, second=0, microsecond=0)
    key = {"scope": scope, "client": client_key(request, now.date()), "window_start": window_start}
    with transaction.atomic():
        updated = RateCount.objects.filter(**key).update(count=F("count") + 1)
        if not updated:
            try:
                with transaction.atomic():
                    RateCount.objects.create(**key, count=1)
            except IntegrityError:
                RateCount.objects.filter(**key).update(count=F("count") + 1)
        count = RateCount.objects.filter(**key).values_list("count", flat=True).get()
    return count <= limit
