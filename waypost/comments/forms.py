from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from waypost.comments.models import MAX_BODY, MAX_NAME
from waypost.safeguards.forms import HoneypotForm


class CommentForm(HoneypotForm):
    name = forms.CharField(
        label=_("Name"),
        max_length=MAX_NAME,
        required=False,
        help_text=_('Shown with your comment. Leave it empty to appear as "Anonymous".'),
    )
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        help_text=_(
            "Never published. Only so we can answer you privately; we erase it 30 days "
            "after your comment is moderated."
        ),
        error_messages={"invalid": _("Enter a valid e-mail address, or leave it empty.")},
    )
    body = forms.CharField(
        label=_("Comment or question"),
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Plain text. Please do not name or describe any private person, and do not post "
            "where or when to buy or sell sex: such comments are not published."
        ),
        error_messages={"required": _("Please write your comment or question.")},
    )
    field_order = ["name", "email", "body", "website"]

    def clean_body(self) -> str:
        body = str(self.cleaned_data["body"]).strip()
        if not body:
            raise forms.ValidationError(_("Please write your comment or question."))
        return body
