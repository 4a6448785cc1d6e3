from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.cache import caches
from django.db import transaction
from django.utils import timezone

from waypost.comments.models import Comment, Reply, Status
from waypost.dataversion.services import kept_key, of_page
from waypost.places.models import Place


def submit(place: Place, *, name: str, email: str, body: str) -> Comment:
    """A new comment, always held for moderation."""
    return Comment.objects.create(
        place=place, name=name.strip(), email=email.strip(), body=body, status=Status.HELD
    )


@transaction.atomic
def moderate(comments: list[Comment], status: Status, by: str) -> int:
    now = timezone.now()
    for comment in comments:
        comment.status = status
        comment.moderated_at = now
        comment.moderated_by = by
        comment.save(update_fields=["status", "moderated_at", "moderated_by"])
    return len(comments)


# A guide shows its latest comments only, so a busy guide stays light; the rest are on
# the guide's comments page.
ON_GUIDE = 10
PER_PAGE = 50


@dataclass(frozen=True)
class Shown:
    """An approved comment as a page shows it: with the site's replies."""

    comment: Comment
    replies: list[Reply]


@dataclass(frozen=True)
class CommentList:
    comments: list[Shown]
    total: int


def places_with_comments() -> frozenset[int]:
    """The places with any approved comment: most guides have none, and then ask nothing."""
    cache = caches["shared"]
    key = kept_key("places-with-comments", of_page())
    found = cache.get(key)
    if found is None:
        published = Comment.objects.published().order_by().values_list("place_id", flat=True)
        found = frozenset(published.distinct())
        cache.set(key, found)
    return found


def published_for(place: Place, limit: int = ON_GUIDE) -> CommentList:
    """The latest approved comments, oldest first, with how many there are in all."""
    if place.pk not in places_with_comments():
        return CommentList([], 0)
    published = Comment.objects.published().filter(place=place)
    latest = list(published.order_by("-created_at", "-id")[:limit])
    latest.reverse()
    # Most guides have few comments: count them only when the page is full.
    total = len(latest)
    if total == limit:
        total = published.count()
    return CommentList(_with_replies(latest), total)


def _with_replies(comments: list[Comment]) -> list[Shown]:
    if not comments:
        return []
    by_comment: dict[int, list[Reply]] = {}
    replies = Reply.objects.filter(comment__in=comments).order_by("created_at", "id")
    for reply in replies:
        by_comment.setdefault(reply.comment_id, []).append(reply)
    return [Shown(c, by_comment.get(c.pk, [])) for c in comments]


def published_page(place: Place, page: int) -> tuple[list[Shown], int]:
    """One page of every approved comment, oldest first, and the number of pages."""
    published = Comment.objects.published().filter(place=place)
    pages = max(1, -(-published.count() // PER_PAGE))
    start = (page - 1) * PER_PAGE
    ordered = published.order_by("created_at", "id")
    return _with_replies(list(ordered[start : start + PER_PAGE])), pages


def reply(comment: Comment, body: str, author: User | None) -> Reply:
    return Reply.objects.create(comment=comment, body=body, author=author)


def erase_old_emails(now: dt.datetime | None = None, days: int = 30) -> int:
    """E-mail addresses are kept only until a moderator has dealt with the comment, plus
    the retention period (for answering privately); then erased."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    return Comment.objects.exclude(email="").filter(moderated_at__lt=cutoff).update(email="")
