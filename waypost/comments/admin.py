"""The moderation queue: held comments first; approve, reject or mark as spam; reply as
the site."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.forms import BaseInlineFormSet
from django.http import HttpRequest

from waypost.comments.models import Comment, Reply, Status
from waypost.comments.services import moderate


class HeldFirstFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(s.value, str(s.label)) for s in Status] + [("all", "All")]

    def choices(self, changelist: Any) -> Any:
        for lookup, title in self.lookup_choices:
            yield {
                "selected": (self.value() or Status.HELD) == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request: HttpRequest, queryset: QuerySet[Comment]) -> Any:
        value = self.value() or Status.HELD
        return queryset if value == "all" else queryset.filter(status=value)


class ReplyInline(admin.StackedInline):
    model = Reply
    extra = 1
    fields = ["body", "author", "created_at"]
    readonly_fields = ["author", "created_at"]
    verbose_name = "reply as Waypost"

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a published reply is changed by an admin only (delete and rewrite)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("comments.delete_reply")


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["created_at", "status", "place", "display_name", "body_start", "has_email"]
    list_filter = [HeldFirstFilter]
    search_fields = ["body", "name", "place__path"]
    list_select_related = ["place"]
    readonly_fields = [
        "place",
        "name",
        "email",
        "body",
        "status",
        "created_at",
        "moderated_at",
        "moderated_by",
    ]
    fields = list(readonly_fields)
    inlines = [ReplyInline]
    actions = ["approve", "reject", "mark_spam"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description="comment")
    def body_start(self, obj: Comment) -> str:
        return obj.body if len(obj.body) <= 140 else obj.body[:139] + "…"

    @admin.display(description="e-mail given", boolean=True)
    def has_email(self, obj: Comment) -> bool:
        return bool(obj.email)

    def has_moderate_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("comments.moderate_comment")

    def _moderate(self, request: HttpRequest, queryset: QuerySet[Comment], status: Status) -> None:
        count = moderate(list(queryset), status, request.user.get_username())
        self.message_user(request, f"{count} comments: {status.label}.", messages.SUCCESS)

    @admin.action(description="Approve: publish under the guide", permissions=["moderate"])
    def approve(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        self._moderate(request, queryset, Status.APPROVED)

    @admin.action(description="Reject", permissions=["moderate"])
    def reject(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        self._moderate(request, queryset, Status.REJECTED)

    @admin.action(description="Mark as spam", permissions=["moderate"])
    def mark_spam(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        self._moderate(request, queryset, Status.SPAM)

    def save_formset(
        self, request: HttpRequest, form: Any, formset: BaseInlineFormSet, change: bool
    ) -> None:
        replies = formset.save(commit=False)
        for reply in replies:
            if reply.pk is None:
                reply.author = request.user
            reply.save()
        for gone in formset.deleted_objects:
            gone.delete()
