"""Open now: always in Europe/Amsterdam, with Dutch public holidays."""

import datetime as dt
from zoneinfo import ZoneInfo

from vangnet.guide.hours import HOLIDAY, Interval, Schedule, Status

AMS = ZoneInfo("Europe/Amsterdam")
UTC = dt.UTC
WEEKDAYS_9_TO_17 = tuple(Interval(day, dt.time(9), dt.time(17)) for day in range(5))


def office(**kwargs: object) -> Schedule:
    values: dict[str, object] = {
        "always_open": False,
        "closed_on_public_holidays": False,
        "intervals": WEEKDAYS_9_TO_17,
    }
    values.update(kwargs)
    return Schedule(**values)  # type: ignore[arg-type]


def test_open_and_closed_on_a_weekday_in_amsterdam_time() -> None:
    # Monday 23 November 2026: winter time, UTC+1.
    assert office().status_at(dt.datetime(2026, 11, 23, 9, 30, tzinfo=AMS)) == Status.OPEN
    assert office().status_at(dt.datetime(2026, 11, 23, 17, 0, tzinfo=AMS)) == Status.CLOSED
    # 8:30 UTC is 9:30 in Amsterdam: open, though a UTC clock would say 8:30.
    assert office().status_at(dt.datetime(2026, 11, 23, 8, 30, tzinfo=UTC)) == Status.OPEN
    # 16:30 UTC is 17:30 in Amsterdam: closed.
    assert office().status_at(dt.datetime(2026, 11, 23, 16, 30, tzinfo=UTC)) == Status.CLOSED


def test_summer_time_is_two_hours_ahead_of_utc() -> None:
    # Monday 6 July 2026, 7:30 UTC = 9:30 CEST.
    assert office().status_at(dt.datetime(2026, 7, 6, 7, 30, tzinfo=UTC)) == Status.OPEN
    assert office().status_at(dt.datetime(2026, 7, 6, 6, 30, tzinfo=UTC)) == Status.CLOSED


def test_closed_at_the_weekend() -> None:
    assert office().status_at(dt.datetime(2026, 11, 28, 11, 0, tzinfo=AMS)) == Status.CLOSED


def test_public_holiday_closes_an_office_that_closes_on_holidays() -> None:
    whit_monday = dt.datetime(2026, 5, 25, 11, 0, tzinfo=AMS)
    assert office(closed_on_public_holidays=True).status_at(whit_monday) == Status.CLOSED
    assert office().status_at(whit_monday) == Status.OPEN  # hours as usual


def test_holiday_hours_replace_the_weekday_hours() -> None:
    schedule = office(intervals=(*WEEKDAYS_9_TO_17, Interval(HOLIDAY, dt.time(12), dt.time(14))))
    kings_day = dt.date(2026, 4, 27)  # a Monday
    at = dt.datetime.combine(kings_day, dt.time(10), tzinfo=AMS)
    assert schedule.status_at(at) == Status.CLOSED
    at = dt.datetime.combine(kings_day, dt.time(13), tzinfo=AMS)
    assert schedule.status_at(at) == Status.OPEN
    # Christmas Day on a Saturday still opens with holiday hours.
    assert schedule.status_at(dt.datetime(2027, 12, 25, 13, tzinfo=AMS)) == Status.OPEN


def test_hours_past_midnight() -> None:
    night = office(intervals=(Interval(4, dt.time(20), dt.time(2)),))  # Friday 20:00-02:00
    assert night.status_at(dt.datetime(2026, 11, 27, 23, 0, tzinfo=AMS)) == Status.OPEN
    assert night.status_at(dt.datetime(2026, 11, 28, 1, 30, tzinfo=AMS)) == Status.OPEN
    assert night.status_at(dt.datetime(2026, 11, 28, 2, 30, tzinfo=AMS)) == Status.CLOSED


def test_always_open_and_unknown() -> None:
    at = dt.datetime(2026, 12, 25, 3, 0, tzinfo=AMS)
    assert office(always_open=True).status_at(at) == Status.ALWAYS
    assert office(intervals=()).status_at(at) == Status.UNKNOWN


def test_describe_takes_days_with_the_same_hours_together() -> None:
    from django.utils import translation

    nine, ten, twelve, six = (dt.time(h) for h in (9, 22, 12, 18))
    week = tuple(Interval(day=d, opens=nine, closes=ten) for d in range(5))
    weekend = tuple(Interval(day=d, opens=twelve, closes=six) for d in (5, 6))
    schedule = Schedule(always_open=False, closed_on_public_holidays=True, intervals=week + weekend)
    with translation.override("en"):
        assert schedule.describe() == [
            "Monday to Friday: 09:00–22:00",
            "Saturday and Sunday: 12:00–18:00",
            "Closed on public holidays",
        ]
    with translation.override("nl"):
        assert schedule.describe()[0] == "Maandag t/m vrijdag: 09:00–22:00"
    gap = Schedule(
        always_open=False,
        closed_on_public_holidays=False,
        intervals=(
            Interval(day=0, opens=nine, closes=six),
            Interval(day=2, opens=nine, closes=six),
        ),
    )
    with translation.override("en"):
        assert gap.describe() == ["Monday: 09:00–18:00", "Wednesday: 09:00–18:00"]
    assert (
        Schedule(always_open=True, closed_on_public_holidays=False, intervals=()).describe() == []
    )
