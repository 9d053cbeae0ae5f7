"""Chat text made comparable: one normal form with a map back to the characters typed.

Chat language varies in ways that do not change meaning: capitals, accents (suïcide/suicide),
curly quotes, stretched letters ("nuuuu", "pleaseeee"). Rules match the normal form; every
match is mapped back to a span of the original text, so evidence always points at what the
person wrote.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


def _fold_table() -> dict[int, str]:
    table: dict[int, str] = {0x2019: "'", 0x2018: "'", 0x60: "'", 0xB4: "'"}
    for code in range(0xC0, 0x250):
        char = chr(code)
        lowered = char.lower()
        if len(lowered) != 1:
            continue
        base = unicodedata.normalize("NFD", lowered)[0]
        if base != lowered and base.isascii() and base.isalpha():
            table[code] = base
    return table


_FOLD = _fold_table()
# A letter typed three or more times counts twice (Dutch doubles letters itself: "ee", "oo").
_STRETCHED = re.compile(r"([^\W\d_])\1{2,}")


@dataclass(frozen=True)
class Normalised:
    text: str  # lower case, no accents, no stretched letters
    origin: tuple[int, ...] | None  # origin[i] = index in the original of text[i]; None: same

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of normal-form characters start..end."""
        if self.origin is None:
            return start, end
        if end <= start:
            return self.origin[start], self.origin[start]
        return self.origin[start], self.origin[end - 1] + 1


def normalise(text: str) -> Normalised:
    lowered = text.lower()
    if len(lowered) != len(text):  # rare letters whose lower case is longer ("İ"): one by one
        lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    folded = lowered.translate(_FOLD)
    if not _STRETCHED.search(folded):
        return Normalised(folded, None)
    pieces: list[str] = []
    origin: list[int] = []
    position = 0
    for match in _STRETCHED.finditer(folded):
        pieces.append(folded[position : match.start() + 2])
        origin.extend(range(position, match.start() + 2))
        position = match.end()
    pieces.append(folded[position:])
    origin.extend(range(position, len(folded) + 1))
    return Normalised("".join(pieces), tuple(origin))
