"""The record-relief checker's questions. Every answer is a choice from a fixed list, so a
forged or oversized value is refused by name, never stored or shown back."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from waypost.laws.models import ReliefRecord
from waypost.relief.services import NO, RECORD_CHOICES, UNSURE, YES, Answers

YES_NO = [(YES, _("Yes")), (NO, _("No")), (UNSURE, _("I am not sure"))]
YEARS_LABELS = {
    "0": _("Less than 1 year"),
    "1": _("1 to 2 years"),
    "3": _("3 to 4 years"),
    "5": _("5 to 9 years"),
    "10": _("10 years or more"),
    UNSURE: _("I am not sure"),
}
PICK_ONE = {
    "required": _("Please choose an answer."),
    "invalid_choice": _("Please choose one of the answers listed."),
}


class ReliefForm(forms.Form):
    state = forms.ChoiceField(
        label=_("State"),
        error_messages={
            "required": _("Please choose the state where the record is."),
            "invalid_choice": _("Please choose one of the states listed."),
        },
    )
    records = forms.MultipleChoiceField(
        label=_("What is the record for? Choose all that fit."),
        choices=RECORD_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Please choose at least one kind of record."),
            "invalid_choice": _("Please choose from the kinds of record listed."),
        },
    )
    trafficked = forms.ChoiceField(
        label=_(
            "At the time, were you trafficked, or forced, tricked or pressured (coerced) into it?"
        ),
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages=PICK_ONE,
    )
    years_ago = forms.ChoiceField(
        label=_("How long ago was the conviction, or the end of the sentence?"),
        choices=list(YEARS_LABELS.items()),
        widget=forms.RadioSelect,
        error_messages=PICK_ONE,
    )
    other_convictions = forms.ChoiceField(
        label=_("Do you have other convictions, or charges still open?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages=PICK_ONE,
    )
    under_18 = forms.ChoiceField(
        label=_("Were you under 18 when it happened?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages=PICK_ONE,
    )

    def __init__(self, *args: Any, states: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        state_field = self.fields["state"]
        assert isinstance(state_field, forms.ChoiceField)
        state_field.choices = states

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        records = set(data.get("records") or ())
        if ReliefRecord.TRAFFICKING_RELATED in records and data.get("trafficked") == NO:
            self.add_error(
                "trafficked",
                _(
                    "You chose a record that came out of being trafficked. Please answer "
                    "Yes or I am not sure here, or change the kinds of record above."
                ),
            )
        return data

    def answers(self) -> Answers:
        data = self.cleaned_data
        return Answers(
            records=frozenset(data["records"]),
            trafficked=data["trafficked"],
            years_ago=data["years_ago"],
            other_convictions=data["other_convictions"],
            under_18=data["under_18"],
        )
