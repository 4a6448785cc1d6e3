"""The strict value readers every parameter goes through (waypost/parsing.py)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.http import QueryDict

from waypost import parsing
from waypost.parsing import InvalidParameter


def refused(read: object, *args: object) -> InvalidParameter:
    with pytest.raises(InvalidParameter) as caught:
        read(*args)  # type: ignore[operator]
    return caught.value


@pytest.mark.parametrize("raw", ["1", "42", "0042", "1000"])
def test_whole_numbers_in_ascii_digits(raw: str) -> None:
    assert parsing.whole_number("page", raw, 1, 1000) == int(raw)


@pytest.mark.parametrize(
    "raw", ["²", "١٢", "１２", "+1", "-1", " 1", "1.0", "1e3", "1_000", "", "0x10", "\x00"]
)
def test_anything_else_is_not_a_whole_number(raw: str) -> None:
    error = refused(parsing.whole_number, "page", raw, 1, 1000)
    assert error.parameter == "page"
    assert "whole number" in error.message or "NUL" in error.message


@pytest.mark.parametrize("raw", ["0", "1001", "9" * 5000])
def test_a_whole_number_out_of_range_says_the_range(raw: str) -> None:
    # Thousands of digits are out of range, not a ValueError from int().
    assert "from 1 to 1000" in refused(parsing.whole_number, "page", raw, 1, 1000).message


@pytest.mark.parametrize(("raw", "value"), [("10", 10.0), ("2.5", 2.5), (".5", 0.5), ("1e1", 10.0)])
def test_decimal_numbers(raw: str, value: float) -> None:
    assert parsing.decimal("radius", raw) == value


@pytest.mark.parametrize("raw", ["١٢", "1_0", "nan", "inf", "-infinity", "1e999", "²", "1,5", ""])
def test_anything_else_is_not_a_number(raw: str) -> None:
    assert refused(parsing.decimal, "radius", raw).parameter == "radius"


def test_dates_between_1900_and_2100() -> None:
    assert parsing.date("date", "2023-01-01") == dt.date(2023, 1, 1)
    for raw in ("1899-12-31", "2101-01-01", "0001-01-01"):
        assert "between 1900 and 2100" in refused(parsing.date, "date", raw).message
    for raw in ("٢٠٢٣-٠١-٠١", "2023-13-01", "²", "yesterday"):
        assert "not a date" in refused(parsing.date, "date", raw).message


def test_date_times_are_bounded_so_any_time_zone_can_hold_them() -> None:
    aware = parsing.date_time("open", "2026-05-02T14:00+14:00")
    assert aware.astimezone(dt.UTC) == dt.datetime(2026, 5, 2, tzinfo=dt.UTC)
    assert parsing.date_time("open", "2026-05-02T14:00").tzinfo is None
    for raw in ("0001-01-01T00:00+14:00", "9999-12-31T23:59-14:00", "1899-12-31T23:59"):
        assert "between 1900 and 2100" in refused(parsing.date_time, "open", raw).message
    assert refused(parsing.date_time, "open", "²", "custom").message == "custom"


def test_ids_are_hexadecimal_ascii() -> None:
    value = uuid.uuid4()
    assert parsing.identifier("id", str(value)) == value
    for raw in ("١" * 32, "x", "\x00"):
        assert "not an id" in refused(parsing.identifier, "id", raw).message


def test_text_is_one_value_without_nul_within_its_length() -> None:
    assert parsing.single_text("q", ["  ", " testing "], 10) == "testing"
    assert parsing.single_text("q", ["", " "], 10) is None
    assert "once" in refused(parsing.single_text, "q", ["a", "b"], 10).message
    assert "10 characters" in refused(parsing.single_text, "q", ["x" * 11], 10).message
    assert "NUL" in refused(parsing.single_text, "q", ["tes\x00ting"], 10).message


def test_a_nul_anywhere_in_a_query_names_its_parameter() -> None:
    parsing.refuse_nul_in(QueryDict("q=testing&page=2"))
    assert refused(parsing.refuse_nul_in, QueryDict("q=ok&q=te%00st")).parameter == "q"
    assert refused(parsing.refuse_nul_in, QueryDict("q%00x=1")).parameter == "q%00x"
