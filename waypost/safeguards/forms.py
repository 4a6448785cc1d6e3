"""What every reader-facing form shares: a honeypot field that people never fill."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.utils.formats import time_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from waypost.safeguards.lockout import locked_until


class HoneypotForm(forms.Form):
    # Hidden from people by the stylesheet (class "hp"), left in the page for robots.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    @property
    def is_robot(self) -> bool:
        return bool(self.data.get("website", "").strip())


class LockoutAdminLoginForm(AdminAuthenticationForm):
    """The editors' login, which says when an account is locked instead of only failing."""

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except forms.ValidationError:
            username = self.cleaned_data.get("username") or ""
            until = locked_until(self.request, username) if self.request else None
            if until is None:
                raise
            raise forms.ValidationError(
                _(
                    "Too many failed sign-ins for this account. It is locked until %(time)s "
                    "(UTC); try again then, or ask an administrator."
                ),
                code="locked",
                params={"time": time_format(localtime(until), "H:i")},
            ) from None
