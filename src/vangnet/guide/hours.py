"""Is an organisation open at a given moment? Always answered in Europe/Amsterdam time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo

from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _

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

    def describe(self) -> list[str]:
        """The opening hours as lines a visitor reads ("Monday to Friday: 09:00–22:00"),
        days with the same hours taken together; empty when there are no hours to show."""
        if self.always_open or not self.intervals:
            return []
        times = {day: _times(self._on(day)) for day in range(HOLIDAY + 1)}
        lines = []
        day = 0
        while day < HOLIDAY:
            last = day
            while last + 1 < HOLIDAY and times[last + 1] == times[day]:
                last += 1
            if times[day]:
                lines.append(f"{_days(day, last)}: {times[day]}")
            day = last + 1
        if times[HOLIDAY]:
            lines.append(_("Public holidays: %(times)s") % {"times": times[HOLIDAY]})
        elif self.closed_on_public_holidays:
            lines.append(_("Closed on public holidays"))
        return lines


def _times(intervals: Iterable[Interval]) -> str:
    return ", ".join(
        f"{i.opens:%H:%M}–{i.closes:%H:%M}" for i in sorted(intervals, key=lambda i: i.opens)
    )


def _days(first: int, last: int) -> str:
    name = str(WEEKDAYS[first])
    if last == first:
        return name[:1].upper() + name[1:]
    if last == first + 1:
        text = _("%(first)s and %(last)s") % {"first": name, "last": WEEKDAYS[last]}
    else:
        text = _("%(first)s to %(last)s") % {"first": name, "last": WEEKDAYS[last]}
    return text[:1].upper() + text[1:]


def now() -> dt.datetime:
    return dt.datetime.now(tz=AMSTERDAM)


def seconds_until_next_minute(moment: dt.datetime) -> int:
    """Opening times are whole minutes: a status worked out now holds until the next minute
    starts (at least 1 s, so that a page rendered at hh:mm:59.9 is still worth keeping)."""
    return max(1, 60 - moment.second)
