import datetime as dt

import pytest

from vangnet.guide.holidays import easter_sunday, holiday_name, kings_day, public_holidays


@pytest.mark.parametrize(
    ("year", "easter"),
    [
        (2024, dt.date(2024, 3, 31)),
        (2025, dt.date(2025, 4, 20)),
        (2026, dt.date(2026, 4, 5)),
        (2027, dt.date(2027, 3, 28)),
        (2038, dt.date(2038, 4, 25)),
        (2008, dt.date(2008, 3, 23)),
    ],
)
def test_easter_sunday(year: int, easter: dt.date) -> None:
    assert easter_sunday(year) == easter


def test_easter_based_holidays_2026() -> None:
    days = public_holidays(2026)
    assert dt.date(2026, 4, 6) in days  # Easter Monday
    assert dt.date(2026, 5, 14) in days  # Ascension Day
    assert dt.date(2026, 5, 25) in days  # Whit Monday
    assert dt.date(2026, 4, 3) not in days  # Good Friday is not a public holiday by law


def test_kings_day_moves_to_saturday_when_27_april_is_a_sunday() -> None:
    assert kings_day(2025) == dt.date(2025, 4, 26)
    assert kings_day(2026) == dt.date(2026, 4, 27)


def test_fixed_holidays() -> None:
    assert holiday_name(dt.date(2026, 12, 25)) is not None
    assert holiday_name(dt.date(2026, 12, 26)) is not None
    assert holiday_name(dt.date(2027, 1, 1)) is not None
    assert holiday_name(dt.date(2026, 11, 23)) is None
