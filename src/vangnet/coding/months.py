"""Months as one integer (year * 12 + month - 1): the finest time unit of coded contacts."""

from __future__ import annotations

from datetime import date


def month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def month_start(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)
