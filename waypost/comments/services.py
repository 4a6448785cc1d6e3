from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from waypost.comments.models import Comment, Reply, Status
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


def published_for(place: Place) -> list[Comment]:
    comments = list(Comment.objects.published().filter(place=place).prefetch_related("replies"))
    return comments


def reply(comment: Comment, body: str, author: User | None) -> Reply:
    return Reply.objects.create(comment=comment, body=body, author=author)


def erase_old_emails(now: dt.datetime | None = None, days: int = 30) -> int:
    """E-mail addresses are kept only until a moderator has dealt with the comment, plus
    the retention period (for answering privately); then erased."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    return Comment.objects.exclude(email="").filter(moderated_at__lt=cutoff).update(email="")
