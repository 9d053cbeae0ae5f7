"""Acute danger in a chat's first message: a score, a yes/no, and the words that raised it.

Rules first: every flag can be explained by the phrase that raised it, and the word lists
(`coding/codebooks/reading/triage.json`) can be read and corrected by counsellors. Beside them
a small learned layer (`triage_model.py`) flags what the lists have no cue for, and shows the
words that weighed most. The scorer is a tool for the queue, never a decision: nobody is
refused, a counsellor can raise or lower a flag.

The message's spelling is made standard first (`spelling.py`: chat abbreviations, typos of cue
words), then cues are matched on word order within a clause and weighed by what surrounds them
(the past, negation, hypotheticals, habits, ordinary jobs, "it has passed").

Compiled once per process (at start-up); a first message takes about half a millisecond, a
4,000-character one 20-40 ms of CPU (see docs/benchmarks.md).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from vangnet.reading import triage_model, wordlists
from vangnet.reading.patterns import compile_any, compile_pattern, find_words, required_strings
from vangnet.reading.spelling import Speller, load_lexicon
from vangnet.reading.text import Normalised, normalise

MAX_CHARS = 4000
_CLAUSE_END = re.compile(r"[.!?;\n]+|\s(?:maar|but|alleen|echter)\s")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Reason:
    start: int
    end: int
    text: str
    category: str
    weight: float

    def as_json(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text}


@dataclass(frozen=True)
class TriageResult:
    acute: bool
    score: float
    reasons: tuple[Reason, ...] = field(default=())
    prechat: str = ""  # "yes", "unsure" or "" for the answer to "Ben je nu in gevaar?"

    @property
    def phrase(self) -> str:
        """The strongest reason, for the queue line."""
        if not self.reasons:
            return ""
        return max(self.reasons, key=lambda r: r.weight).text


@dataclass(frozen=True)
class _Cue:
    category: str
    weight: float
    pattern: re.Pattern[str]
    negation_inside: bool  # the pattern itself speaks of "niet": a negation is its meaning
    recent: bool  # the pattern carries its own time ("net verkracht"): past tense is no discount
    needs_now: bool  # only acute when its clause says now/tonight ("moet ... klanten")
    needs: frozenset[str] | None  # a match contains one of these (None: unknown), see patterns.py


class TriageRules:
    def __init__(self, data: dict[str, Any]) -> None:
        macros = data["macros"]
        self.version: str = data["version"]
        self.threshold: float = data["threshold"]
        self.figures = compile_any(data["figures_of_speech"], macros, anchored=False)
        self.past_strong = compile_any(data["past"]["strong"], macros)
        self.past_weak = compile_any(data["past"]["weak"], macros)
        self.present_strong = compile_any(data["present"]["strong"], macros)
        self.present_weak = compile_any(data["present"]["weak"], macros)
        self.negation = compile_any(data["negation"], macros)
        self.hypothetical = compile_any(data["hypothetical"], macros)
        self.ordinary = compile_any(data["ordinary"], macros)
        self.habitual = compile_any(data["habitual"], macros)
        self.resolved = compile_any(data["resolved"], macros)
        self.factors = {
            "habitual": float(data["habitual_factor"]),
            "resolved": float(data["resolved_factor"]),
            "hypothetical": float(data["hypothetical_factor"]),
            "past_strong": float(data["past_strong_factor"]),
            "past_weak": float(data["past_weak_factor"]),
            "negation": float(data["negation_factor"]),
            "ordinary": float(data["ordinary_factor"]),
        }
        self.cues: list[_Cue] = []
        for group in data["cues"]:
            for source in group["patterns"]:
                pattern = compile_pattern(source, macros)
                self.cues.append(
                    _Cue(
                        category=group["category"],
                        weight=float(group["weight"]),
                        pattern=pattern,
                        needs=required_strings(pattern),
                        negation_inside=bool(self.negation.search(source)),
                        recent=bool(group.get("recent", False)),
                        needs_now=bool(group.get("needs_now", False)),
                    )
                )
        sources = [p for group in data["cues"] for p in group["patterns"]]
        self.speller = Speller.from_patterns([*sources, *macros.values()], data["spelling"])
        prechat = data["prechat"]
        self.prechat_weights = {"yes": float(prechat["yes"]), "unsure": float(prechat["unsure"])}
        self.prechat_yes = {w.lower() for w in prechat["yes_words"]}
        self.prechat_unsure = {w.lower() for w in prechat["unsure_words"]}

    def prechat_answer(self, answer: str | None) -> str:
        if not answer:
            return ""
        cleaned = " ".join(_WORD.findall(answer.lower()))
        if cleaned in self.prechat_yes or answer.strip().lower() in self.prechat_yes:
            return "yes"
        if any(word in cleaned for word in self.prechat_unsure):
            return "unsure"
        return ""


@cache
def rules() -> TriageRules:
    """The compiled word lists, the spelling lexicon and the learned layer: loaded once per
    process, at start-up
    (`asgi.py`, `prepare-reading`), because the triage sits in the path of starting a chat."""
    load_lexicon()
    book = TriageRules(wordlists.load("triage.json"))
    triage_model.loaded(book.version)  # the learned layer too (or the notice that it is off)
    return book


def version() -> str:
    """What scored a message, for counsellors' feedback: the word lists' version, with
    "+model" while the learned layer is in use (its file records that same version)."""
    book = rules()
    in_use = triage_model.loaded(book.version).model is not None
    return f"{book.version}+model" if in_use else book.version


def _mask(norm: str, pattern: re.Pattern[str]) -> str:
    """Blank out figures of speech, keeping every other character where it was."""
    pieces, position = [], 0
    for match in find_words(pattern, norm):
        pieces.append(norm[position : match.start()])
        pieces.append(" " * (match.end() - match.start()))
        position = match.end()
    pieces.append(norm[position:])
    return "".join(pieces)


def _clauses(text: str) -> list[tuple[int, int]]:
    bounds, start = [], 0
    for match in _CLAUSE_END.finditer(text):
        bounds.append((start, match.start()))
        start = match.end()
    bounds.append((start, len(text)))
    return [(s, e) for s, e in bounds if e > s]


class _Seen:
    """Whether a marker list occurs in a piece of text, remembered for one message: a long
    message has many cues in the same clause, and the markers need reading only once."""

    def __init__(self) -> None:
        self.found: dict[tuple[int, str], bool] = {}

    def __call__(self, pattern: re.Pattern[str], text: str) -> bool:
        key = (id(pattern), text)
        if key not in self.found:
            self.found[key] = pattern.search(text) is not None
        return self.found[key]


def _factor(
    book: TriageRules, cue: _Cue, clause: str, part: str, before: str, matched: str, seen: _Seen
) -> float:
    """How much a cue counts where it was found: `part` is its comma-separated piece of the
    clause, where the time markers are read ("vorige week weg, nu is ze terug")."""
    factor = 1.0
    negated_before = bool(book.negation.search(" ".join(before.split()[-2:])))
    negated_inside = not cue.negation_inside and bool(book.negation.search(matched))
    if negated_before or negated_inside:
        factor *= book.factors["negation"]
    if seen(book.hypothetical, clause):
        factor *= book.factors["hypothetical"]
    if seen(book.ordinary, clause):  # "ik moet vanavond werken bij de Albert Heijn"
        factor *= book.factors["ordinary"]
    if seen(book.habitual, clause):  # "ik voel me soms onveilig": a state, not tonight
        factor *= book.factors["habitual"]
    now = seen(book.present_strong, part)
    if cue.needs_now and not (now or seen(book.present_strong, clause)):
        factor *= book.factors["past_weak"] * 0.5
    if not now:
        if seen(book.past_strong, part):
            factor *= book.factors["past_strong"]
        elif not cue.recent and seen(book.past_weak, part) and not seen(book.present_weak, part):
            factor *= book.factors["past_weak"]
    return factor


def score(text: str, prechat: str | None = None, *, with_model: bool = True) -> TriageResult:
    """Score one message (and the optional answer to "Ben je nu in gevaar?"): the word lists,
    and beside them the learned layer (`triage_model.py`) unless `with_model` is False or its
    file is missing or stale."""
    book = rules()
    text = text[:MAX_CHARS]
    normal: Normalised = book.speller.rewrite(normalise(text))
    masked = _mask(normal.text, book.figures)
    # "... maar ze is weer thuis", "... nu gaat het weer": the danger has passed.
    resolved = book.factors["resolved"] if book.resolved.search(masked) else 1.0
    clauses = _clauses(masked)
    starts = [start for start, _end in clauses]
    best: dict[str, Reason] = {}
    seen = _Seen()
    for cue in book.cues:
        if cue.needs is not None and not any(s in masked for s in cue.needs):
            continue  # cannot match: skip the regular expression
        for match in find_words(cue.pattern, masked):
            start, end = clauses[max(bisect_right(starts, match.start()) - 1, 0)]
            clause = masked[start:end]
            before = masked[start : match.start()]
            part_start = masked.rfind(",", start, match.start()) + 1 or start
            part_end = masked.find(",", match.end(), end)
            part = masked[max(part_start, start) : part_end if part_end >= 0 else end]
            factor = _factor(book, cue, clause, part, before, match.group(0), seen)
            weight = cue.weight * factor * resolved
            held = best.get(cue.category)
            if held is not None and held.weight >= weight:
                continue
            o_start, o_end = normal.span(match.start(), match.end())
            best[cue.category] = Reason(o_start, o_end, text[o_start:o_end], cue.category, weight)
    answer = book.prechat_answer(prechat)
    weights = [r.weight for r in best.values()]
    if answer:
        weights.append(book.prechat_weights[answer])
    remaining = 1.0
    for weight in weights:
        remaining *= 1.0 - min(weight, 0.99)
    value = round(1.0 - remaining, 3)
    shown = [r for r in best.values() if r.weight >= 0.2]
    if with_model and text.strip() and (model := triage_model.loaded(book.version).model):
        value, flagged = _with_model(model, normal, text, value, book.threshold)
        if value >= book.threshold and not any(r.weight >= book.threshold for r in shown):
            shown.extend(flagged)
    ordered = tuple(sorted(shown, key=lambda r: r.start))
    return TriageResult(acute=value >= book.threshold, score=value, reasons=ordered, prechat=answer)


def _with_model(
    model: triage_model.TriageModel, normal: Normalised, text: str, value: float, threshold: float
) -> tuple[float, list[Reason]]:
    """The rules' score raised to the model's where the model says more, on the same scale:
    the model's threshold maps to the rules' threshold, so a message is acute when the rules
    OR the model flag it. The model's reasons are the words that contributed most."""
    probability = model.probability(normal)
    if probability is None:  # no word the model knows (emoji, unknown words): no flag
        return value, []
    if probability >= model.threshold:
        mapped = threshold + (1 - threshold) * (probability - model.threshold) / (
            1 - model.threshold
        )
    else:
        mapped = threshold * probability / model.threshold
    mapped = round(mapped, 3)
    if mapped < threshold or value >= threshold:  # no flag of the model's own to explain
        return max(value, mapped), []
    _probability, spans = model.read(normal)  # the words that raised the flag
    if not spans:
        return value, []
    reasons = []
    for start, end in spans:
        o_start, o_end = normal.span(start, end)
        reasons.append(Reason(o_start, o_end, text[o_start:o_end], "model", mapped))
    return max(value, mapped), reasons
