"""Counting a retention term, the way the law counts it.

The day of the event does not count; a term of years ends at the end of the day with the same
date in the last year, or, where that date does not exist (29 February), at the end of the last
day of that month (Regulation (EEC, Euratom) No 1182/71, art. 3). Erasure may happen from the
day after the last day of the term.
"""

from __future__ import annotations

from datetime import date, timedelta


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year + years, day=28)


def last_day_of_term(start: date, *, years: int = 0, days: int = 0) -> date:
    """The last day on which the record must still be kept."""
    return add_years(start, years) + timedelta(days=days)


def erasable_from(start: date, *, years: int = 0, days: int = 0) -> date:
    return last_day_of_term(start, years=years, days=days) + timedelta(days=1)
