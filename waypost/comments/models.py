"""Readers' comments and questions under a guide, held for moderation, and the site's
replies. Nothing a reader writes reaches a page before a moderator approves it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from waypost.places.models import Place

MAX_NAME = 80
MAX_BODY = 3000


class Status(models.TextChoices):
    HELD = "held", _("Held for moderation")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    SPAM = "spam", _("Spam")


class CommentQuerySet(models.QuerySet["Comment"]):
    def published(self) -> CommentQuerySet:
        return self.filter(status=Status.APPROVED)


class Comment(models.Model):
    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="comments")
    name = models.CharField(max_length=MAX_NAME, blank=True)
    # Never shown on any page; erased CONTACT_RETENTION_DAYS after moderation.
    email = models.EmailField(blank=True)
    body = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.HELD)
    created_at = models.DateTimeField(auto_now_add=True)
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderated_by = models.CharField(max_length=150, blank=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["place", "status"])]
        permissions = [("moderate_comment", "Can approve, reject or mark comments as spam")]

    def __str__(self) -> str:
        return f"{self.display_name} on {self.place.path}: {self.body[:40]}"

    @property
    def display_name(self) -> str:
        return self.name.strip() or str(_("Anonymous"))


class Reply(models.Model):
    """The site's answer to a comment, written by an editor and shown as Waypost's."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="replies")
    body = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "replies"

    def __str__(self) -> str:
        return self.body[:60]
