"""Chat spelling made standard before the triage reads it: abbreviations and typos.

Chat language writes "nie", "gwn", "idk", "kwil", and mistypes the very words that matter
("zelmoord", "verkracth", "pleggen"). The word lists are written in standard spelling; this
module rewrites a message's normal form (see `text.py`) token by token, keeping the map back to
what was typed, so a flag still shows the person's own words.

- Abbreviations: a fixed table in the word lists (`spelling.abbreviations`), whole tokens only.
- Typos: a token that is not a word (Dutch or English word frequency below `max_zipf`, from
  the `wordfreq` package's lists) and lies one edit (a letter left out, added, changed, or two
  letters swapped) from exactly one word the cue patterns use is read as that word. Real words
  are never changed ("blond" stays "blond", though it is one letter from "bloed").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import cache

from vangnet.reading.text import Normalised

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|'[a-z]+")
_PATTERN_WORD = re.compile(r"[a-z]+")


@cache
def _frequency(word: str) -> float:
    from wordfreq import zipf_frequency

    return max(zipf_frequency(word, "nl"), zipf_frequency(word, "en"))


def load_lexicon() -> None:
    """Load wordfreq's Dutch and English lists (about a second): at start-up, not in a chat."""
    _frequency.cache_clear()
    _frequency("warm")
    _frequency("opwarmen")


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _one_edit(a: str, b: str) -> bool:
    """Whether a and b differ by one insertion, deletion, substitution or adjacent swap."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        i = diff[0]
        return len(diff) == 2 and diff[1] == i + 1 and a[i] == b[i + 1] and a[i + 1] == b[i]
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


class Speller:
    def __init__(
        self,
        abbreviations: Mapping[str, str],
        vocabulary: Iterable[str],
        *,
        min_length: int,
        max_zipf: float,
    ) -> None:
        self.abbreviations = dict(abbreviations)
        self.min_length = min_length
        self.max_zipf = max_zipf
        self.vocabulary = {w for w in vocabulary if len(w) >= min_length}
        # Symmetric-delete index: a word and each of its one-letter deletions -> the word.
        self.index: dict[str, set[str]] = {}
        for word in self.vocabulary:
            for key in _deletes(word) | {word}:
                self.index.setdefault(key, set()).add(word)

    @classmethod
    def from_patterns(cls, patterns: Iterable[str], data: Mapping[str, object]) -> Speller:
        abbreviations = data.get("abbreviations", {})
        assert isinstance(abbreviations, dict)
        words = {w for p in patterns for w in _PATTERN_WORD.findall(p)}
        return cls(
            abbreviations,
            words,
            min_length=int(str(data.get("min_length", 5))),
            max_zipf=float(str(data.get("max_zipf", 2.0))),
        )

    def correct(self, token: str) -> str | None:
        """The vocabulary word a mistyped token stands for, or None."""
        if len(token) < self.min_length or token in self.vocabulary or not token.isalpha():
            return None
        candidates: set[str] = set(self.index.get(token, ()))
        for key in _deletes(token):
            candidates |= self.index.get(key, set())
        found = {c for c in candidates if _one_edit(token, c)}
        if len(found) != 1:  # none, or ambiguous: do not guess
            return None
        if _frequency(token) >= self.max_zipf:  # a real word, only looked up when it matters
            return None
        return found.pop()

    def rewrite(self, normal: Normalised) -> Normalised:
        text = normal.text
        pieces: list[str] = []
        origin: list[int] = []
        position = 0
        changed = False
        for match in _TOKEN.finditer(text):
            token = match.group(0)
            replacement = self.abbreviations.get(token) or self.correct(token)
            if replacement is None or replacement == token:
                continue
            changed = True
            start, end = match.span()
            pieces.append(text[position:start])
            origin.extend(range(position, start))
            pieces.append(replacement)
            # Every character of the replacement points into the token it replaces.
            origin.extend(start + min(i, end - start - 1) for i in range(len(replacement)))
            position = end
        if not changed:
            return normal
        pieces.append(text[position:])
        origin.extend(range(position, len(text) + 1))
        if normal.origin is not None:
            origin = [normal.origin[i] for i in origin]
        return Normalised("".join(pieces), tuple(origin))
