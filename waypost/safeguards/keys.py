"""The day's secret key that turns a client address into a count key, kept off the database.

A client is counted (comments, reports, sign-ins) by a keyed hash (HMAC-SHA256) of its
address. The key of each day is 32 random bytes in a file of `CLIENT_KEY_DIR`, never in the
database: a copy of the database or of its backups holds hashes that cannot be reversed,
since trying every IPv4 address needs the key. Keys of past days are deleted (on the first
use of a new day, and by `manage.py forget_clients` on a schedule), after which nobody,
Waypost included, can tie a stored hash to an address.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import os
import secrets
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

KEY_BYTES = 32
SUFFIX = ".key"

# Read once per process and day: every worker reads the same file.
_known: dict[tuple[str, dt.date], bytes] = {}


def key_dir() -> Path:
    return Path(settings.CLIENT_KEY_DIR)


def day_key(day: dt.date) -> bytes:
    folder = key_dir()
    known = _known.get((str(folder), day))
    if known is not None:
        return known
    path = folder / f"{day.isoformat()}{SUFFIX}"
    if not path.exists():
        _create(path)
        forget_keys_before(day)
    key = path.read_bytes()
    if len(key) != KEY_BYTES:
        raise OSError(f"{path} is not a {KEY_BYTES}-byte key: delete it to make a new one")
    _known.clear()
    _known[(str(folder), day)] = key
    return key


def _create(path: Path) -> None:
    """Write a new key so that no reader ever sees a part of one, and two workers racing
    keep the same key: written aside, then linked into place (linking never replaces)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    aside = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
    descriptor = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as f:
            f.write(secrets.token_bytes(KEY_BYTES))
        # Another worker may have been first: its key is the day's.
        with contextlib.suppress(FileExistsError):
            os.link(aside, path)
    finally:
        aside.unlink(missing_ok=True)


def forget_keys_before(day: dt.date) -> int:
    """Delete the keys of days before `day`; returns how many."""
    folder = key_dir()
    if not folder.is_dir():
        return 0
    gone = 0
    for path in folder.glob(f"*{SUFFIX}"):
        if path.name[: -len(SUFFIX)] < day.isoformat():
            path.unlink(missing_ok=True)
            gone += 1
    _known.clear()
    return gone


def keyed_hash(purpose: str, value: str, now: dt.datetime | None = None) -> str:
    """64 hex digits; the same value gives the same hash all day, and another one tomorrow."""
    day = (now or timezone.now()).date()
    message = f"{purpose}\0{value}".encode()
    return hmac.new(day_key(day), message, hashlib.sha256).hexdigest()


def client_address(request: HttpRequest) -> str:
    peer = str(request.META.get("REMOTE_ADDR", ""))
    # Only a trusted proxy may name another address: a reader's own X-Real-IP is ignored.
    if peer in settings.TRUSTED_PROXIES:
        return str(request.META.get("HTTP_X_REAL_IP", "")).strip() or peer
    return peer
