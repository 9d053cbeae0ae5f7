"""Is an organisation open at a given moment? Always answered in Europe/Amsterdam time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo

from vangnet.guide.holidays import holiday_name

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
HOLIDAY = 7  # the "day" of opening-hours rows that apply on Dutch public holidays


@dataclass(frozen=True)
class Interval:
    """Opening hours on one day; `closes` at or before `opens` means it runs past midnight."""

    day: int  # 0 = Monday … 6 = Sunday, 7 = public holiday
    opens: dt.time
    closes: dt.time

    @property
    def overnight(self) -> bool:
        return self.closes <= self.opens


class Status(StrEnum):
    ALWAYS = "always"
    OPEN = "open"
    CLOSED = "closed"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Schedule:
    always_open: bool
    closed_on_public_holidays: bool
    intervals: tuple[Interval, ...]

    def day_kind(self, day: dt.date) -> int | None:
        """Which rows apply on this date: the weekday, the holiday rows, or none (closed)."""
        if holiday_name(day) is not None:
            if any(i.day == HOLIDAY for i in self.intervals):
                return HOLIDAY
            if self.closed_on_public_holidays:
                return None
        return day.weekday()

    def status_at(self, moment: dt.datetime) -> Status:
        if self.always_open:
            return Status.ALWAYS
        if not self.intervals:
            return Status.UNKNOWN
        local = moment.astimezone(AMSTERDAM)
        today, now = local.date(), local.time()
        kind = self.day_kind(today)
        for interval in self._on(kind):
            if interval.overnight:
                if now >= interval.opens:
                    return Status.OPEN
            elif interval.opens <= now < interval.closes:
                return Status.OPEN
        # Yesterday's evening hours may run on past midnight into today.
        yesterday_kind = self.day_kind(today - dt.timedelta(days=1))
        for interval in self._on(yesterday_kind):
            if interval.overnight and now < interval.closes:
                return Status.OPEN
        return Status.CLOSED

    def _on(self, kind: int | None) -> Iterable[Interval]:
        return () if kind is None else (i for i in self.intervals if i.day == kind)


def now() -> dt.datetime:
    return dt.datetime.now(tz=AMSTERDAM)
