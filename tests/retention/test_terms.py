"""Counting a term as the law does: the boundaries."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from vangnet.retention.terms import erasable_from, last_day_of_term


def test_a_term_of_twenty_years_ends_on_the_same_date():
    assert last_day_of_term(date(2026, 3, 15), years=20) == date(2046, 3, 15)
    assert erasable_from(date(2026, 3, 15), years=20) == date(2046, 3, 16)


def test_a_leap_day_start_ends_on_28_february_in_a_common_year():
    assert last_day_of_term(date(2024, 2, 29), years=1) == date(2025, 2, 28)
    assert erasable_from(date(2024, 2, 29), years=1) == date(2025, 3, 1)
    # ...and on 29 February when the last year has one.
    assert last_day_of_term(date(2024, 2, 29), years=20) == date(2044, 2, 29)
    assert erasable_from(date(2024, 2, 29), years=20) == date(2044, 3, 1)


def test_a_term_in_days_crosses_a_leap_day():
    assert last_day_of_term(date(2028, 2, 28), days=1) == date(2028, 2, 29)
    assert erasable_from(date(2028, 2, 28), days=180) == date(2028, 8, 27)


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)), st.integers(1, 40))
def test_never_erasable_before_the_full_term(start: date, years: int):
    first = erasable_from(start, years=years)
    # At least `years` calendar years have passed, counted on the calendar.
    assert (first.year - start.year) * 12 + first.month - start.month >= years * 12
    assert first > last_day_of_term(start, years=years)
