"""A check with a long method still enters the change history (its reason column holds 100)."""

from __future__ import annotations

import datetime as dt

import pytest

from waypost.evidence.models import Fact, Outcome
from waypost.evidence.services import HISTORY_REASON_LENGTH, record_check

pytestmark = pytest.mark.django_db


def test_a_long_check_method_is_shortened_for_the_history() -> None:
    fact = Fact.objects.create(label="a fact")
    method = "stored copy of the official statute or agency page, read in full " * 3
    record_check(
        fact,
        checked_on=dt.date(2026, 12, 5),
        checked_by="Waypost data team",
        method=method,
        outcome=Outcome.CONFIRMED,
    )
    reason = fact.history.latest().history_change_reason
    assert reason.startswith("check recorded by Waypost data team: confirmed (stored copy")
    assert len(reason) == HISTORY_REASON_LENGTH
