"""Provinces, and which provinces a four-digit postcode area may lie in.

Dutch postcode areas do not follow province borders exactly, so a two-digit area maps to every
province it touches (an approximation a visitor can correct by choosing their province).

A *region* is the set of provinces a search covers, written as their codes in alphabetical
order joined by dashes (`NH-ZH`). The browser maps a postcode to its region itself, with the
table in guide/static/guide/postcode-regions.json (made by `postcode_regions_json()`, checked by
a test), so a search by postcode can ask `/help/?region=NH-ZH` and the postcode stays in the
browser.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from django.db import models
from django.utils.translation import gettext_lazy as _


class Province(models.TextChoices):
    DRENTHE = "DR", "Drenthe"
    FLEVOLAND = "FL", "Flevoland"
    FRIESLAND = "FR", "Fryslân"
    GELDERLAND = "GE", "Gelderland"
    GRONINGEN = "GR", "Groningen"
    LIMBURG = "LI", "Limburg"
    NOORD_BRABANT = "NB", "Noord-Brabant"
    NOORD_HOLLAND = "NH", "Noord-Holland"
    OVERIJSSEL = "OV", "Overijssel"
    UTRECHT = "UT", "Utrecht"
    ZEELAND = "ZE", "Zeeland"
    ZUID_HOLLAND = "ZH", "Zuid-Holland"


P = Province
_AREAS: dict[range, tuple[Province, ...]] = {
    range(10, 13): (P.NOORD_HOLLAND,),
    range(13, 14): (P.FLEVOLAND,),
    range(14, 21): (P.NOORD_HOLLAND,),
    range(21, 22): (P.NOORD_HOLLAND, P.ZUID_HOLLAND),
    range(22, 34): (P.ZUID_HOLLAND,),
    range(34, 37): (P.UTRECHT,),
    range(37, 39): (P.UTRECHT, P.GELDERLAND),
    range(39, 40): (P.UTRECHT,),
    range(40, 42): (P.GELDERLAND, P.UTRECHT),
    range(42, 43): (P.ZUID_HOLLAND, P.UTRECHT, P.NOORD_BRABANT),
    range(43, 46): (P.ZEELAND,),
    range(46, 53): (P.NOORD_BRABANT,),
    range(53, 54): (P.NOORD_BRABANT, P.GELDERLAND),
    range(54, 58): (P.NOORD_BRABANT,),
    range(58, 59): (P.LIMBURG, P.NOORD_BRABANT),
    range(59, 60): (P.LIMBURG,),
    range(60, 61): (P.LIMBURG, P.NOORD_BRABANT),
    range(61, 65): (P.LIMBURG,),
    range(65, 66): (P.GELDERLAND, P.LIMBURG, P.NOORD_BRABANT),
    range(66, 74): (P.GELDERLAND,),
    range(74, 77): (P.OVERIJSSEL,),
    range(77, 78): (P.OVERIJSSEL, P.DRENTHE),
    range(78, 80): (P.DRENTHE,),
    range(80, 82): (P.OVERIJSSEL, P.GELDERLAND),
    range(82, 84): (P.FLEVOLAND, P.OVERIJSSEL),
    range(84, 93): (P.FRIESLAND,),
    range(93, 94): (P.DRENTHE, P.GRONINGEN),
    range(94, 95): (P.DRENTHE,),
    range(95, 96): (P.GRONINGEN, P.DRENTHE),
    range(96, 100): (P.GRONINGEN,),
}

POSTCODE_RE = re.compile(r"^\s*([1-9][0-9]{3})\s*(?:[A-Za-z]{2})?\s*$")
POSTCODE_HELP = _("A Dutch postcode, like 1234 or 1234 AB.")


def provinces_for_postcode(postcode: str) -> tuple[Province, ...]:
    """The provinces a postcode's area lies in; empty when the postcode is not Dutch."""
    match = POSTCODE_RE.match(postcode)
    if match is None:
        return ()
    area = int(match.group(1)[:2])
    for numbers, provinces in _AREAS.items():
        if area in numbers:
            return provinces
    return ()


REGION_SEPARATOR = "-"
_CODES = frozenset(str(province) for province in Province)
# Every province once, with separators: anything longer is not a region of ours.
REGION_MAX_LENGTH = len(REGION_SEPARATOR.join(sorted(_CODES)))
STATIC_TABLE = "guide/postcode-regions.json"


def normalised(provinces: Iterable[str]) -> tuple[str, ...]:
    """Province codes in the one order every search uses (alphabetical), each once."""
    return tuple(sorted({str(province) for province in provinces}))


def region_code(provinces: Iterable[str]) -> str:
    """The region of these provinces as a query value: `NH-ZH`."""
    return REGION_SEPARATOR.join(normalised(provinces))


def parse_region(value: str) -> tuple[str, ...] | None:
    """The provinces of a region value, normalised; None when it is not one (unknown codes,
    empty parts, too long). Any order and repeats are accepted and normalised."""
    if not value or len(value) > REGION_MAX_LENGTH:
        return None
    codes = value.split(REGION_SEPARATOR)
    if not all(code in _CODES for code in codes):
        return None
    return normalised(codes)


def postcode_regions() -> dict[str, str]:
    """Every two-digit postcode area (10-99) and its region: the browser's lookup table."""
    table = {}
    for area in range(10, 100):
        provinces = provinces_for_postcode(f"{area}00")
        if provinces:
            table[str(area)] = region_code(provinces)
    return table


def postcode_regions_json() -> str:
    """The static file's text: the table and the postcode pattern the browser checks first."""
    document = {
        "pattern": POSTCODE_RE.pattern,
        "areas": postcode_regions(),
    }
    return json.dumps(document, indent=1, sort_keys=True) + "\n"
