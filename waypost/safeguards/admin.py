from django.contrib import admin
from django.http import HttpRequest

from waypost.safeguards.models import LoginFailure


@admin.register(LoginFailure)
class LoginFailureAdmin(admin.ModelAdmin):
    """Failed sign-ins per account; an admin unlocks an account by deleting its row."""

    list_display = ["username", "failures", "first_failed_at", "locked_until"]
    search_fields = ["username"]
    readonly_fields = ["username", "failures", "first_failed_at", "locked_until"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
