"""Dutch public holidays, computed (no table to keep up to date).

The list follows the Algemene termijnenwet (art. 3): New Year's Day, Easter and Whit Sunday
and Monday, Ascension Day, King's Day, Liberation Day and both Christmas days. Good Friday is
not in it; organisations that close on Good Friday say so in their opening-hours note.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise


def easter_sunday(year: int) -> dt.date:
    """Western (Gregorian) Easter: the anonymous Gregorian algorithm (Meeus/Jones/Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def kings_day(year: int) -> dt.date:
    """27 April, or the 26th when the 27th is a Sunday (since 2014)."""
    day = dt.date(year, 4, 27)
    return day - dt.timedelta(days=1) if day.weekday() == 6 else day


@cache
def public_holidays(year: int) -> dict[dt.date, StrPromise]:
    easter = easter_sunday(year)
    days: dict[dt.date, StrPromise] = {
        dt.date(year, 1, 1): _("New Year's Day"),
        easter: _("Easter Sunday"),
        easter + dt.timedelta(days=1): _("Easter Monday"),
        kings_day(year): _("King's Day"),
        dt.date(year, 5, 5): _("Liberation Day"),
        easter + dt.timedelta(days=39): _("Ascension Day"),
        easter + dt.timedelta(days=49): _("Whit Sunday"),
        easter + dt.timedelta(days=50): _("Whit Monday"),
        dt.date(year, 12, 25): _("Christmas Day"),
        dt.date(year, 12, 26): _("Boxing Day"),
    }
    return days


def holiday_name(day: dt.date) -> StrPromise | None:
    return public_holidays(day.year).get(day)
