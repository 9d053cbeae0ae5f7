"""Age and the 17½ / 18 / 23 milestones, from the date of birth, in Europe/Amsterdam days."""

from __future__ import annotations

import calendar
from datetime import date

from django.utils import timezone

TRANSITION_PLAN_FROM_MONTHS = 17 * 12 + 6  # the plan for the 18th birthday starts at 17½
ADULT_AGE = 18
COALITION_AGE_LIMIT = 23  # the coalition works with victims up to and including 23


def today() -> date:
    """The current day where the organisations work (settings.TIME_ZONE = Europe/Amsterdam)."""
    return timezone.localdate()


def add_months(start: date, months: int) -> date:
    """The same day `months` later; a day that month lacks (29 February) becomes its last day."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def age_on(date_of_birth: date, on: date) -> int:
    years = on.year - date_of_birth.year
    return years - 1 if birthday(date_of_birth, years) > on else years


def birthday(date_of_birth: date, years: int) -> date:
    return add_months(date_of_birth, years * 12)


def transition_plan_from(date_of_birth: date) -> date:
    return add_months(date_of_birth, TRANSITION_PLAN_FROM_MONTHS)
