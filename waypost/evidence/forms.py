"""The form an editor fills to record a check of one or more facts."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from waypost.evidence.models import Outcome, Source

METHODS = [
    ("source page", _("Read the source page")),
    ("phone call", _("Phone call")),
    ("archived copy", _("Archived copy of the source")),
    ("other", _("Other (say how in the note)")),
]
SOURCE_DATE = re.compile(r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$")


class CheckForm(forms.Form):
    checked_on = forms.DateField(label=_("Checked on"), initial=dt.date.today)
    method = forms.ChoiceField(label=_("How"), choices=METHODS)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    source = forms.ModelChoiceField(
        label=_("Source consulted"),
        queryset=Source.objects.none(),
        required=False,
        help_text=_("Optional: the source compared, to date it."),
    )
    source_date = forms.CharField(
        label=_("Date of the source"),
        required=False,
        max_length=10,
        help_text=_("As the source shows it: YYYY, YYYY-MM or YYYY-MM-DD."),
    )

    def __init__(self, *args: Any, sources: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = sources if sources is not None else Source.objects.none()  # type: ignore[attr-defined]

    def clean_checked_on(self) -> dt.date:
        day: dt.date = self.cleaned_data["checked_on"]
        if day > dt.date.today():
            raise forms.ValidationError(_("A check cannot be dated in the future."))
        return day

    def clean_source_date(self) -> str:
        value = str(self.cleaned_data.get("source_date") or "").strip()
        if value and not SOURCE_DATE.match(value):
            raise forms.ValidationError(_("Write the date as YYYY, YYYY-MM or YYYY-MM-DD."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("source_date") and not data.get("source"):
            self.add_error("source", _("Choose the source this date belongs to."))
        if data.get("method") == "other" and not data.get("note"):
            self.add_error("note", _("Say how the fact was checked."))
        return data
