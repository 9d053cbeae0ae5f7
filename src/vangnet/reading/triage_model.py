"""The triage's learned layer: a small linear model beside the word lists.

The rules miss ways of saying danger they were never written for (most misses score 0: no cue
at all). This layer reads the same standard-spelled text as the rules with TF-IDF over word
uni- and bigrams and over character n-grams within words (robust to typos), weighed by a
logistic regression trained on the development sets (`bench/train_triage_model.py`,
deterministic). A message is acute when the rules flag it OR the model's probability reaches
the threshold chosen by cross-validation on those sets.

The model ships as data beside the word lists (`coding/codebooks/reading/triage-model.json`:
vocabulary, idf, coefficients), versioned with `triage.json`, and is scored here in plain
Python: every feature's contribution is known, so a model flag shows the words that
contributed most, as spans into what the person typed. A missing or unreadable file, or one
built for another version of the word lists, means the rules alone; `model_problem()` says so
to the administrator (system check, `vangnet triage`, the log).
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from vangnet.reading import wordlists
from vangnet.reading.text import Normalised

log = logging.getLogger(__name__)

FORMAT = 1
MODEL_NAME = "triage-model.json"
_TOKEN = re.compile(r"[a-z0-9]+")
MAX_REASONS = 2
PHRASE = 4


@dataclass(frozen=True)
class Features:
    """The features of one message: per block, the feature and the token it belongs to."""

    tokens: tuple[tuple[int, int], ...]  # spans of the tokens in the normal form
    words: tuple[tuple[str, tuple[int, ...]], ...]  # (feature, token indices)
    chars: tuple[tuple[str, tuple[int, ...]], ...]


def features(normal: str, word_n: int, char_range: tuple[int, int]) -> Features:
    """Word n-grams up to `word_n` and character n-grams of each word padded with spaces
    (like scikit-learn's `char_wb`). The training script uses this very function."""
    spans = tuple(m.span() for m in _TOKEN.finditer(normal))
    tokens = [normal[s:e] for s, e in spans]
    words: list[tuple[str, tuple[int, ...]]] = []
    for n in range(1, word_n + 1):
        for i in range(len(tokens) - n + 1):
            words.append(("w " + " ".join(tokens[i : i + n]), tuple(range(i, i + n))))
    chars: list[tuple[str, tuple[int, ...]]] = []
    low, high = char_range
    for i, token in enumerate(tokens):
        padded = f" {token} "
        for n in range(low, high + 1):
            for j in range(len(padded) - n + 1):
                chars.append(("c" + padded[j : j + n], (i,)))
    return Features(spans, tuple(words), tuple(chars))


@dataclass(frozen=True)
class TriageModel:
    rules_version: str
    threshold: float
    intercept: float
    word_n: int
    char_range: tuple[int, int]
    words: dict[str, tuple[float, float]]  # feature -> (idf, coefficient)
    chars: dict[str, tuple[float, float]]
    _known: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TriageModel:
        return cls(
            rules_version=str(data["rules_version"]),
            threshold=float(data["threshold"]),
            intercept=float(data["intercept"]),
            word_n=int(data["word_n"]),
            char_range=(int(data["char_range"][0]), int(data["char_range"][1])),
            words={k: (float(v[0]), float(v[1])) for k, v in data["words"].items()},
            chars={k: (float(v[0]), float(v[1])) for k, v in data["chars"].items()},
        )

    def _grams(self, token: str) -> tuple[str, ...]:
        """The character n-grams of a token that the model knows, remembered per token: a
        long message repeats its words, and most n-grams are unknown."""
        grams = self._known.get(token)
        if grams is None:
            if len(self._known) > 50_000:  # bounded: a flood of unknown tokens
                self._known.clear()
            low, high = self.char_range
            padded = f" {token} "
            grams = tuple(
                g
                for n in range(low, high + 1)
                for j in range(len(padded) - n + 1)
                if (g := "c" + padded[j : j + n]) in self.chars
            )
            self._known[token] = grams
        return grams

    def occurrences(self, normal: str) -> Features:
        """Like `features()`, keeping only features the model knows (the others weigh
        nothing, not even in the norm: TF-IDF ignores them)."""
        spans = tuple(m.span() for m in _TOKEN.finditer(normal))
        tokens = [normal[s:e] for s, e in spans]
        words: list[tuple[str, tuple[int, ...]]] = []
        for n in range(1, self.word_n + 1):
            for i in range(len(tokens) - n + 1):
                name = "w " + " ".join(tokens[i : i + n])
                if name in self.words:
                    words.append((name, tuple(range(i, i + n))))
        chars = [(g, (i,)) for i, token in enumerate(tokens) for g in self._grams(token)]
        return Features(spans, tuple(words), tuple(chars))

    def contributions(self, found: Features) -> Iterator[tuple[float, tuple[int, ...]]]:
        """(contribution to the log-odds, token indices) per feature occurrence: sublinear
        TF-IDF, L2-normalised per block, times the coefficient (as in training)."""
        for block, table in ((found.words, self.words), (found.chars, self.chars)):
            counts = Counter(name for name, _tokens in block if name in table)
            if not counts:
                continue
            values = {f: (1.0 + math.log(c)) * table[f][0] for f, c in counts.items()}
            norm = math.sqrt(sum(v * v for v in values.values()))
            shares = {f: v / norm * table[f][1] / counts[f] for f, v in values.items()}
            for name, tokens in block:
                if name in shares:
                    yield shares[name], tokens

    def probability(self, normal: Normalised) -> float | None:
        """The probability that a message is acute (None: no word the model knows), without
        the explanation: most messages are not flagged and need none."""
        found = self.occurrences(normal.text)
        logit = self.intercept
        known = False
        for block, table in ((found.words, self.words), (found.chars, self.chars)):
            counts = Counter(name for name, _tokens in block)
            if not counts:
                continue
            known = True
            values = {f: (1.0 + math.log(c)) * table[f][0] for f, c in counts.items()}
            norm = math.sqrt(sum(v * v for v in values.values()))
            logit += sum(v * table[f][1] for f, v in values.items()) / norm
        return _sigmoid(logit) if known else None

    def read(self, normal: Normalised) -> tuple[float, list[tuple[int, int]]]:
        """The probability that a message is acute, and the spans (into the normal form) of the
        words that raised it most."""
        found = self.occurrences(normal.text)
        logit = self.intercept
        per_token = [0.0] * len(found.tokens)
        for share, tokens in self.contributions(found):
            logit += share
            if len(tokens) == 1:
                per_token[tokens[0]] += share
            else:
                for index in tokens:
                    per_token[index] += share / len(tokens)
        return _sigmoid(logit), _top_spans(found.tokens, dict(enumerate(per_token)))


def _sigmoid(logit: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(min(logit, 30.0), -30.0)))


def _top_spans(
    tokens: tuple[tuple[int, int], ...], per_token: dict[int, float]
) -> list[tuple[int, int]]:
    """The phrases of up to PHRASE words whose words contributed most to the flag: a single
    word ("zit", "en") explains little to a counsellor, the words around it do. The best
    phrase, and a second one that does not overlap it if it weighs at least half as much."""
    windows: list[tuple[float, int, int]] = []
    for first in range(len(tokens)):
        total = 0.0
        for last in range(first, min(first + PHRASE, len(tokens))):
            total += per_token.get(last, 0.0)
            windows.append((total, first, last))
    windows.sort(key=lambda w: (-round(w[0], 9), w[2] - w[1], w[1]))
    chosen: list[tuple[float, int, int]] = []
    for window in windows:
        if window[0] <= 0 or len(chosen) == MAX_REASONS:
            break
        if chosen and window[0] < chosen[0][0] / 2:
            break
        if all(window[2] < c[1] or window[1] > c[2] for c in chosen):
            chosen.append(window)
    return sorted((tokens[first][0], tokens[last][1]) for _w, first, last in chosen)


def model_path() -> Path:
    return wordlists.READING_DIR / MODEL_NAME


@dataclass(frozen=True)
class Loaded:
    model: TriageModel | None
    problem: str  # "" when the model is in use


@cache
def _load(path: str, rules_version: str) -> Loaded:
    if not Path(path).exists():
        return Loaded(None, _("No triage model: acute danger is read by the word lists alone."))
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError("format")
        model = TriageModel.from_json(data)
    except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError) as error:
        log.warning("triage model unreadable: %s", type(error).__name__)
        return Loaded(
            None,
            _("The triage model cannot be read: acute danger is read by the word lists alone."),
        )
    if model.rules_version != rules_version:
        return Loaded(
            None,
            _(
                "The triage model was built for word lists %(model)s, not %(current)s: acute "
                "danger is read by the word lists alone until bench/train_triage_model.py "
                "runs again."
            )
            % {"model": model.rules_version, "current": rules_version},
        )
    return Loaded(model, "")


def loaded(rules_version: str | None = None) -> Loaded:
    """The shipped model, read once per process; `rules_version` defaults to triage.json's."""
    if rules_version is None:
        rules_version = str(wordlists.load("triage.json")["version"])
    result = _load(str(model_path()), rules_version)
    if result.problem:
        _warn_once(result.problem)
    return result


@cache
def _warn_once(problem: str) -> None:
    log.warning("%s", problem)


def model_problem() -> str:
    """What the administrator must know about the triage model ("" when it is in use)."""
    return loaded().problem
