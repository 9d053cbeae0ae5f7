"""The codebook as data: versioned JSON files in `codebooks/`, one per version.

A later version may add codes (and must keep every earlier code with the same meaning and bit),
so contacts coded with an older version stay comparable. Questions are fixed: each one is a
column of `Contact`, and adding a question is a schema change, not a codebook change.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.translation import get_language
from django.utils.translation import gettext as _

CODEBOOK_DIR = Path(__file__).resolve().parent / "codebooks"
UNKNOWN = "unknown"

Answer = str | frozenset[str]
Answers = dict[str, Answer]


class CodebookError(ValueError):
    """Answers that do not fit the codebook; the message is safe to show."""


def _pick(labels: Mapping[str, str]) -> str:
    language = (get_language() or "nl")[:2]
    return labels.get(language) or labels["en"]


@dataclass(frozen=True)
class Code:
    code: str
    labels: tuple[tuple[str, str], ...]
    bit: int | None = None

    @property
    def label(self) -> str:
        return _pick(dict(self.labels))


@dataclass(frozen=True)
class Question:
    key: str
    kind: str  # "single" or "multi"
    about: str  # "contact", "victim" or "outcome"
    labels: tuple[tuple[str, str], ...]
    codes: tuple[Code, ...]

    @property
    def label(self) -> str:
        return _pick(dict(self.labels))

    @property
    def is_multi(self) -> bool:
        return self.kind == "multi"

    @property
    def code_names(self) -> list[str]:
        return [code.code for code in self.codes]

    def get(self, code: str) -> Code:
        for candidate in self.codes:
            if candidate.code == code:
                return candidate
        raise CodebookError(
            _("“%(code)s” is not a code of question “%(question)s”.")
            % {"code": code, "question": self.key}
        )

    def bit_of(self, code: str) -> int:
        bit = self.get(code).bit
        assert bit is not None
        return 1 << bit

    def mask_of(self, codes: Iterable[str]) -> int:
        mask = 0
        for code in codes:
            mask |= self.bit_of(code)
        return mask

    def codes_in(self, mask: int) -> list[str]:
        """The codes whose bits are set, in codebook order (unknown bits are ignored)."""
        return [c.code for c in self.codes if c.bit is not None and mask & (1 << c.bit)]

    @property
    def unknown_mask(self) -> int:
        return self.bit_of(UNKNOWN) if self.is_multi else 0

    @property
    def known_mask(self) -> int:
        """Bits that say something is known (every code except `unknown`)."""
        return self.mask_of(c for c in self.code_names if c != UNKNOWN) if self.is_multi else 0


EXCLUSIVE_CODES = frozenset({UNKNOWN, "none"})


@dataclass(frozen=True)
class Codebook:
    version: str
    published: str
    questions: tuple[Question, ...]

    def question(self, key: str) -> Question:
        for question in self.questions:
            if question.key == key:
                return question
        raise KeyError(key)

    @property
    def keys(self) -> list[str]:
        return [q.key for q in self.questions]

    def clean(self, raw: Mapping[str, object]) -> Answers:
        """Check answers against this version; a missing or empty answer means `unknown`."""
        answers: Answers = {}
        unexpected = set(raw) - set(self.keys)
        if unexpected:
            raise CodebookError(
                _("Unknown question: %(keys)s.") % {"keys": ", ".join(sorted(unexpected))}
            )
        for question in self.questions:
            value = raw.get(question.key)
            if question.is_multi:
                if value is None or value == "":
                    codes: set[str] = set()
                elif isinstance(value, str):
                    codes = {part.strip() for part in value.split(";") if part.strip()}
                else:
                    codes = {str(part).strip() for part in value}  # type: ignore[attr-defined]
                for code in codes:
                    question.get(code)
                if len(codes) > 1 and codes & EXCLUSIVE_CODES:
                    raise CodebookError(
                        _(
                            "Question “%(question)s”: “%(code)s” cannot be combined "
                            "with other codes."
                        )
                        % {"question": question.key, "code": sorted(codes & EXCLUSIVE_CODES)[0]}
                    )
                answers[question.key] = frozenset(codes or {UNKNOWN})
            else:
                code = str(value).strip() if value not in (None, "") else UNKNOWN
                question.get(code)
                answers[question.key] = code
        return answers

    def to_columns(self, answers: Answers) -> dict[str, str | int]:
        """Answers as Contact columns: a code per single question, a bitmask per multi question."""
        columns: dict[str, str | int] = {}
        for question in self.questions:
            value = answers[question.key]
            if question.is_multi:
                assert isinstance(value, frozenset)
                columns[question.key] = question.mask_of(value)
            else:
                columns[question.key] = str(value)
        return columns

    def from_columns(self, columns: Mapping[str, object]) -> Answers:
        answers: Answers = {}
        for question in self.questions:
            value = columns[question.key]
            if question.is_multi:
                answers[question.key] = frozenset(question.codes_in(int(value)))  # type: ignore[call-overload]
            else:
                answers[question.key] = str(value)
        return answers


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def _parse(data: Mapping[str, object]) -> Codebook:
    def labels(raw: object) -> tuple[tuple[str, str], ...]:
        assert isinstance(raw, dict)
        return tuple(sorted((str(k), str(v)) for k, v in raw.items()))

    questions = []
    for q in data["questions"]:  # type: ignore[attr-defined]
        codes = tuple(
            Code(code=c["code"], labels=labels(c["label"]), bit=c.get("bit")) for c in q["codes"]
        )
        questions.append(
            Question(
                key=q["key"],
                kind=q["kind"],
                about=q["about"],
                labels=labels(q["label"]),
                codes=codes,
            )
        )
    return Codebook(
        version=str(data["version"]), published=str(data["published"]), questions=tuple(questions)
    )


def check_compatible(older: Codebook, newer: Codebook) -> None:
    """A newer version keeps every question and every code (with its bit) of the older one."""
    if older.keys != newer.keys:
        raise CodebookError(f"{newer.version} changes the questions of {older.version}")
    for question in older.questions:
        new_question = newer.question(question.key)
        for code in question.codes:
            if new_question.get(code.code).bit != code.bit:
                raise CodebookError(f"{newer.version} moves {question.key}.{code.code}")
        bits = [c.bit for c in new_question.codes if c.bit is not None]
        if len(bits) != len(set(bits)):
            raise CodebookError(f"{newer.version}: {question.key} uses a bit twice")


@cache
def codebooks() -> dict[str, Codebook]:
    """Every version, oldest first; checked to be append-only."""
    found = [
        _parse(json.loads(path.read_text(encoding="utf-8"))) for path in CODEBOOK_DIR.glob("*.json")
    ]
    found.sort(key=lambda book: _version_key(book.version))
    for older, newer in zip(found, found[1:], strict=False):
        check_compatible(older, newer)
    return {book.version: book for book in found}


def current() -> Codebook:
    """The newest version: new contacts are coded with it, and it labels every older code."""
    return list(codebooks().values())[-1]


def get(version: str) -> Codebook:
    try:
        return codebooks()[version]
    except KeyError:
        raise CodebookError(
            _("Unknown codebook version “%(version)s”.") % {"version": version}
        ) from None


def question_keys() -> list[str]:
    return current().keys
