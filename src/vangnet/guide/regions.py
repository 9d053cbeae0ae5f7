"""Provinces, and which provinces a four-digit postcode area may lie in.

Dutch postcode areas do not follow province borders exactly, so a two-digit area maps to every
province it touches (an approximation a visitor can correct by choosing their province).
"""

from __future__ import annotations

import re

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
