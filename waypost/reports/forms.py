from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from waypost.safeguards.forms import HoneypotForm


class ReportForm(HoneypotForm):
    what_is_wrong = forms.CharField(
        label=_("What is wrong?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_('For example: "this number no longer works" or "this law changed in 2024".'),
        error_messages={"required": _("Please say what is wrong.")},
    )
    correction = forms.CharField(
        label=_("What is right, if you know"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    contact = forms.CharField(
        label=_("How we can reach you"),
        max_length=200,
        required=False,
        help_text=_(
            "An e-mail address or phone number, only if you want an answer. It is never "
            "published, and we erase it 30 days after we close your report."
        ),
    )
    field_order = ["what_is_wrong", "correction", "contact", "website"]
