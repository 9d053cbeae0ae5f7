"""Codes suggested from a transcript, each with a confidence and the words that support it.

First layer: transparent word lists per codebook question and code
(`coding/codebooks/reading/suggestions-<version>.json`), read here. Second layer: a statistical
model per question (`models.py`), used only where it beat these rules on held-out data. A
suggestion never guesses beyond the text: where nothing in the transcript speaks to a question,
the suggestion is `unknown`. The counsellor confirms or changes every suggestion.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from vangnet.coding import codebook
from vangnet.coding.codebook import UNKNOWN, Codebook
from vangnet.reading import triage, wordlists
from vangnet.reading.patterns import compile_pattern, find_words
from vangnet.reading.text import Normalised, normalise

VISITOR, COUNSELLOR = "visitor", "counsellor"
SPEAKERS = (VISITOR, COUNSELLOR)
_NUMBER = re.compile(r"\d{1,2}")


@dataclass(frozen=True)
class Turn:
    speaker: str  # "visitor" or "counsellor"
    text: str


@dataclass(frozen=True)
class Evidence:
    turn: int
    start: int
    end: int

    def as_json(self) -> dict[str, int]:
        return {"turn": self.turn, "start": self.start, "end": self.end}


@dataclass
class Suggestions:
    codebook_version: str
    rules_version: str
    codes: dict[str, str | list[str]] = field(default_factory=dict)
    confidence: dict[str, float] = field(default_factory=dict)
    evidence: dict[str, list[Evidence]] = field(default_factory=dict)
    source: dict[str, str] = field(default_factory=dict)  # "rules" or "model"

    def as_json(self, ident: Any) -> dict[str, Any]:
        return {
            "id": ident,
            "codes": self.codes,
            "confidence": self.confidence,
            "evidence": {q: [e.as_json() for e in ev] for q, ev in self.evidence.items()},
        }


@dataclass(frozen=True)
class _Rule:
    pattern: re.Pattern[str]
    weight: float


class SuggestionRules:
    def __init__(self, data: dict[str, Any], book: Codebook) -> None:
        macros = data["macros"]
        self.version: str = data["version"]
        self.read: dict[str, str] = {}
        # question -> audience ("any", "self", "other") -> code -> rules
        self.rules: dict[str, dict[str, dict[str, list[_Rule]]]] = {}
        self.min_weight: dict[str, float] = {}
        self.priority: dict[str, list[str]] = {}
        for key, spec in data["questions"].items():
            question = book.question(key)  # a question the codebook does not know fails here
            self.read[key] = spec["read"]
            self.min_weight[key] = float(spec.get("min_weight", 0.5))
            self.priority[key] = spec.get("priority", question.code_names)
            audiences: dict[str, dict[str, list[_Rule]]] = {}
            for field_name, audience in (
                ("codes", "any"),
                ("codes_self", "self"),
                ("codes_other", "other"),
            ):
                for code, patterns in spec.get(field_name, {}).items():
                    question.get(code)  # and so does a code it does not know
                    audiences.setdefault(audience, {})[code] = [
                        _Rule(compile_pattern(p, macros), 1.0)
                        if isinstance(p, str)
                        else _Rule(compile_pattern(p[0], macros), float(p[1]))
                        for p in patterns
                    ]
            self.rules[key] = audiences
        self.acute = data["acute_danger"]
        self.exploited = data["exploited"]
        self.ages = [(compile_pattern(p, macros), who) for p, who in data["ages"]["patterns"]]
        self.age_bands = data["ages"]["bands"]
        durations = data["durations"]
        self.durations = [compile_pattern(p, macros) for p in durations["patterns"]]
        self.duration_words: dict[str, float] = durations["words"]
        self.duration_phrases: dict[str, float] = durations["phrases"]
        self.duration_bands = durations["bands"]


@cache
def rules_for(version: str) -> SuggestionRules:
    import json

    book = codebook.get(version)
    path = wordlists.suggestion_rules_path(version)
    return SuggestionRules(json.loads(path.read_text(encoding="utf-8")), book)


def as_turns(raw: Iterable[Mapping[str, Any] | Turn]) -> list[Turn]:
    turns = []
    for item in raw:
        if isinstance(item, Turn):
            turns.append(item)
        else:
            turns.append(Turn(str(item["from"]), str(item["text"])))
    return turns


class _Reader:
    """One transcript, normalised once, read by every question."""

    def __init__(self, turns: Sequence[Turn]) -> None:
        self.turns = turns
        self.normal: list[Normalised] = [normalise(t.text) for t in turns]

    def matches(self, pattern: re.Pattern[str], read: str) -> Iterable[tuple[int, Evidence, str]]:
        for index, (turn, normal) in enumerate(zip(self.turns, self.normal, strict=True)):
            if read != "all" and turn.speaker != read:
                continue
            for match in find_words(pattern, normal.text):
                start, end = normal.span(match.start(), match.end())
                yield index, Evidence(index, start, end), match.group(0)

    def tally(
        self, codes: Mapping[str, list[_Rule]], read: str
    ) -> tuple[dict[str, float], dict[str, list[Evidence]]]:
        weights: dict[str, float] = {}
        evidence: dict[str, list[Evidence]] = {}
        for code, rules in codes.items():
            for rule in rules:
                for _index, found, _text in self.matches(rule.pattern, read):
                    weights[code] = weights.get(code, 0.0) + rule.weight
                    if found not in evidence.setdefault(code, []):
                        evidence[code].append(found)
        return weights, evidence


def _confidence(top: float, rest: float) -> float:
    return round(top / (top + rest + 1.0), 2)


def _band(value: float, bands: list[list[Any]]) -> str:
    for low, high, code in bands:
        if low <= value <= high:
            return str(code)
    return UNKNOWN


def suggest(
    raw_turns: Iterable[Mapping[str, Any] | Turn],
    book: Codebook | None = None,
    questions: Sequence[str] | None = None,
) -> Suggestions:
    """Rule-based suggestions for every question of the codebook (or the ones asked for)."""
    book = book or codebook.current()
    rules = rules_for(book.version)
    reader = _Reader(as_turns(raw_turns))
    out = Suggestions(codebook_version=book.version, rules_version=rules.version)
    wanted = set(questions or book.keys)

    def single(key: str, code: str, confidence: float, evidence: list[Evidence]) -> None:
        out.codes[key] = code
        out.confidence[key] = confidence
        out.evidence[key] = evidence[:5]
        out.source[key] = "rules"

    # Who is chatting first: several questions read differently for a victim and for others.
    role = _single_by_rules(reader, rules, "role")
    single("role", *role)
    audience = "self" if role[0] in ("victim_self", UNKNOWN) else "other"

    for question in book.questions:
        key = question.key
        if key == "role":
            continue
        if key == "acute_danger":
            single(key, *_acute(reader, rules))
        elif key == "victim_age_band":
            single(key, *_age(reader, rules, audience))
        elif key == "duration":
            single(key, *_duration(reader, rules))
        elif key == "victim_exploited":
            continue  # after exploitation_forms
        elif question.is_multi:
            codes, confidence, evidence = _multi(reader, rules, key, audience)
            out.codes[key] = codes
            out.confidence[key] = confidence
            out.evidence[key] = evidence[:8]
            out.source[key] = "rules"
        elif key in rules.rules:
            single(key, *_single_by_rules(reader, rules, key, audience))
        else:
            single(key, UNKNOWN, 0.5, [])
    forms = out.codes.get("exploitation_forms", [UNKNOWN])
    if forms != [UNKNOWN]:
        status = rules.exploited["self" if role[0] == "victim_self" else "other"]
        single(
            "victim_exploited",
            status,
            out.confidence["exploitation_forms"],
            out.evidence["exploitation_forms"],
        )
    else:
        single("victim_exploited", *_single_by_rules(reader, rules, "victim_exploited", audience))
    if questions is not None:
        for mapping in (out.codes, out.confidence, out.evidence, out.source):
            for key in list(mapping):
                if key not in wanted:
                    del mapping[key]
    return out


def _codes_for(rules: SuggestionRules, key: str, audience: str) -> dict[str, list[_Rule]]:
    merged: dict[str, list[_Rule]] = {}
    for part in ("any", audience):
        for code, found in rules.rules.get(key, {}).get(part, {}).items():
            merged.setdefault(code, []).extend(found)
    return merged


def _single_by_rules(
    reader: _Reader, rules: SuggestionRules, key: str, audience: str = "self"
) -> tuple[str, float, list[Evidence]]:
    weights, evidence = reader.tally(_codes_for(rules, key, audience), rules.read.get(key, VISITOR))
    weights = {c: w for c, w in weights.items() if w >= rules.min_weight[key]}
    if not weights:
        return UNKNOWN, 0.5, []
    order = rules.priority[key]
    best = max(weights, key=lambda c: (weights[c], -order.index(c) if c in order else -99))
    rest = sum(w for c, w in weights.items() if c != best)
    return best, _confidence(weights[best], rest), evidence[best]


def _multi(
    reader: _Reader, rules: SuggestionRules, key: str, audience: str
) -> tuple[list[str], float, list[Evidence]]:
    weights, evidence = reader.tally(_codes_for(rules, key, audience), rules.read.get(key, VISITOR))
    chosen = [c for c, w in weights.items() if w >= rules.min_weight[key]]
    if not chosen:
        return [UNKNOWN], 0.5, []
    confidence = round(sum(weights[c] / (weights[c] + 1.0) for c in chosen) / len(chosen), 2)
    found = sorted((e for c in chosen for e in evidence[c]), key=lambda e: (e.turn, e.start))
    order = rules.priority[key]
    return sorted(chosen, key=lambda c: order.index(c) if c in order else 99), confidence, found


def _acute(reader: _Reader, rules: SuggestionRules) -> tuple[str, float, list[Evidence]]:
    visitor_turns = 0
    for index, turn in enumerate(reader.turns):
        if turn.speaker != VISITOR:
            continue
        visitor_turns += 1
        # The word lists alone: the learned layer trades precision for recall in the queue
        # (first messages), and a coding suggestion over every turn needs the precision.
        result = triage.score(turn.text, with_model=False)
        if result.acute:
            return "yes", result.score, [Evidence(index, r.start, r.end) for r in result.reasons]
    if visitor_turns >= int(rules.acute["min_visitor_turns"]):
        return str(rules.acute["otherwise"]), 0.6, []
    return UNKNOWN, 0.5, []


def _age(
    reader: _Reader, rules: SuggestionRules, audience: str
) -> tuple[str, float, list[Evidence]]:
    for pattern, who in rules.ages:
        if who not in ("any", audience):
            continue
        for _index, found, text in reader.matches(pattern, VISITOR):
            numbers = _NUMBER.findall(text)
            if numbers:
                return _band(int(numbers[-1]), rules.age_bands), 0.8, [found]
    return UNKNOWN, 0.5, []


def _months(text: str, rules: SuggestionRules) -> float | None:
    for phrase, months in sorted(rules.duration_phrases.items(), key=lambda kv: -len(kv[0])):
        if re.search(rf"\b{re.escape(phrase)}\b", text) and not re.search(r"\d", text):
            return float(months)
    amount: float | None = None
    for token in text.split():
        if token.isdigit():
            amount = float(token)
        elif token in rules.duration_words and amount is None:
            amount = float(rules.duration_words[token])
    if amount is None:
        return None
    for unit, factor in (
        ("dag", 1 / 30),
        ("week", 0.25),
        ("weken", 0.25),
        ("maand", 1),
        ("jaar", 12),
    ):
        if re.search(rf"\b{unit}", text):
            return amount * factor
    return None


def _duration(reader: _Reader, rules: SuggestionRules) -> tuple[str, float, list[Evidence]]:
    for pattern in rules.durations:
        for _index, found, text in reader.matches(pattern, VISITOR):
            months = _months(text, rules)
            if months is not None:
                return _band(months, rules.duration_bands), 0.7, [found]
    return UNKNOWN, 0.5, []
