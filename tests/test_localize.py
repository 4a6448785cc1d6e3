"""Labels, days and choices memoized per language must still follow the active language."""

from __future__ import annotations

import datetime as dt

from django.utils import translation

from waypost.directory.models import PhoneType, Weekday
from waypost.translations.language import choice_label, gettext_memo, short_day


def test_choice_labels_follow_the_language() -> None:
    with translation.override("en"):
        assert choice_label(Weekday, 0) == "Monday"
        assert choice_label(PhoneType, "text") == "Text"
    with translation.override("es"):
        assert choice_label(Weekday, 0) == "lunes"
        assert choice_label(PhoneType, "voice") == "Llamar"
    with translation.override("en"):
        assert choice_label(Weekday, 0) == "Monday"


def test_an_unknown_choice_shows_its_value() -> None:
    with translation.override("en"):
        assert choice_label(PhoneType, "carrier-pigeon") == "carrier-pigeon"


def test_memoized_text_and_days_per_language() -> None:
    day = dt.date(2026, 11, 3)
    with translation.override("es"):
        assert gettext_memo("Sources") == "Fuentes"
        assert short_day(dt.date(2026, 1, 3)) == "3 Ene 2026"
    with translation.override("en"):
        assert gettext_memo("Sources") == "Sources"
        assert short_day(day) == "3 Nov 2026"
