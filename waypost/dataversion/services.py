"""The data version: a value that moves on with every write to what readers see.

Reader pages are kept in Django's cache under keys that hold this version (waypost/site/
pagecache.py), so a page rendered before a change is never served after it, whichever
process rendered it and however the change was written.

Every write of a model through the ORM moves it on (model signals, below). Writers that go
around the ORM (bulk SQL imports, the gazetteer) or save thousands of rows at once wrap their
work in `many_writes()`, which moves it on once when they are done.

The version is read from the rows of `DataChange`: its highest id and its number of rows. A
row becomes visible when the transaction that wrote it commits, together with the data it
stands for; a transaction that commits after a later one still changes the count. Old rows
are pruned in the same transaction as a new one, so a pair is never seen twice.
"""

from __future__ import annotations

import contextvars
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from django.db.models import Count, Max, Model, signals

from waypost.dataversion.models import DataChange

# Waypost's apps whose models no reader page shows: abuse counters, and this one.
NOT_READ_BY_PAGES = frozenset({"safeguards", "dataversion"})
# Rows kept: enough that the count moves on for any transaction committing late.
KEEP = 100
CODE_ROOT = Path(__file__).resolve().parent.parent
CODE_SUFFIXES = (".py", ".html", ".mo", ".css", ".js", ".txt")

_batch_depth: contextvars.ContextVar[int] = contextvars.ContextVar("batch_depth", default=0)
_page_version: contextvars.ContextVar[str] = contextvars.ContextVar("page_version", default="")


def current() -> str:
    found = DataChange.objects.aggregate(last=Max("id"), rows=Count("id"))
    return f"{found['last'] or 0}.{found['rows']}"


@contextmanager
def read_once() -> Iterator[str]:
    """The version, read once for everything one page reads inside (see `of_page`)."""
    token = _page_version.set(current())
    try:
        yield _page_version.get()
    finally:
        _page_version.reset(token)


def of_page() -> str:
    """The version that what a page reads from a cache is kept under: the one read when the
    page began (the rows it reads after are at least as new), else the current one."""
    return _page_version.get() or current()


def kept_key(kind: str, version: str, part: object = "") -> str:
    """A cache key for rows read under a data version by this version of the code."""
    return f"{kind}:{code_version()}:{version}:{part}"


@cache
def code_version() -> str:
    """A digest of the code, templates and translations: what is kept in a cache shared by
    app servers was made by one version of them, and a deploy must not read it as its own."""
    digest = hashlib.sha256()
    for path in sorted(CODE_ROOT.rglob("*")):
        if path.suffix in CODE_SUFFIXES and path.is_file():
            digest.update(str(path.relative_to(CODE_ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def bump() -> None:
    change = DataChange.objects.create()
    if change.pk % KEEP == 0:
        DataChange.objects.filter(pk__lte=change.pk - KEEP).delete()


@contextmanager
def many_writes() -> Iterator[None]:
    """Writes inside move the version on once, at the end (also when they fail: a version
    moved on for nothing only costs the cache)."""
    token = _batch_depth.set(_batch_depth.get() + 1)
    try:
        yield
    finally:
        _batch_depth.reset(token)
        if _batch_depth.get() == 0:
            bump()


def _model_written(sender: type[Model], **kwargs: Any) -> None:
    # m2m_changed comes before and after each change; the one after is enough.
    if kwargs.get("action", "post_").startswith("pre_"):
        return
    if _batch_depth.get() == 0 and _shown_to_readers(sender):
        bump()


def _shown_to_readers(model: type[Model]) -> bool:
    # Only Waypost's own models: Django's (accounts, sessions, the migrations applied) show on
    # no page, and migrations write through models of their own (module "__fake__") before
    # this table may exist.
    if not model.__module__.startswith("waypost."):
        return False
    return model._meta.app_label not in NOT_READ_BY_PAGES


def follow_model_writes() -> None:
    for signal in (signals.post_save, signals.post_delete, signals.m2m_changed):
        signal.connect(_model_written, dispatch_uid=f"dataversion-{id(signal)}")
