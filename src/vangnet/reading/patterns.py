"""The small pattern language of the word lists, so that a counsellor can read and edit them.

A pattern is a regular expression over the normal form (see `text.py`), with four additions:
- `{NAME}` inserts a macro from the same file (e.g. `{MY}` = mijn|mn|m'n|me);
- a space stands for one or more spaces or commas;
- `~` stands for a gap of up to three words ("wil ~ dood" = "wil echt gewoon dood"), `~~` for
  up to six;
- `*` after a letter or `)` means "any word ending" (`verkracht*`, `foto*` = foto's); it is
  never a quantifier.
Every pattern ends at a word boundary; `starts_at_word` checks the start, which is left out
of the expression itself so that the regular expression engine can skip ahead on the first
letters (four to ten times faster on long messages).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

_MACRO = re.compile(r"\{([A-Z_]+)\}")
# A gap never crosses the end of a sentence: cues are read within one clause.
_GAP = r"(?:[\s,]+[^\s,.!?;]+){0,3}[\s,]+"
_WIDE_GAP = r"(?:[\s,]+[^\s,.!?;]+){0,6}[\s,]+"


class PatternError(ValueError):
    pass


def expand(pattern: str, macros: Mapping[str, str]) -> str:
    def macro(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in macros:
            raise PatternError(f"unknown macro {{{name}}} in {pattern!r}")
        return f"(?:{expand(macros[name], macros)})"

    return _MACRO.sub(macro, pattern)


def translate(pattern: str, macros: Mapping[str, str]) -> str:
    body = expand(pattern, macros)
    body = re.sub(r"(?<=[\w)])\*", lambda _m: r"[\w']*", body)
    body = body.replace(" ~~ ", "\1").replace(" ~ ", "\0").replace(" ", r"[\s,]+")
    body = body.replace("\0", _GAP).replace("\1", _WIDE_GAP)
    return rf"(?:{body})(?!\w)"


def compile_pattern(pattern: str, macros: Mapping[str, str]) -> re.Pattern[str]:
    try:
        return re.compile(translate(pattern, macros))
    except re.error as error:
        raise PatternError(f"{pattern!r}: {error}") from None


def starts_at_word(text: str, start: int) -> bool:
    return start == 0 or not (text[start - 1].isalnum() or text[start - 1] == "_")


def find_words(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """Every match of a pattern from `compile_pattern` that starts at the start of a word."""
    position = 0
    while True:
        match = pattern.search(text, position)
        if match is None:
            return
        if starts_at_word(text, match.start()):
            yield match
            position = max(match.end(), match.start() + 1)
        else:
            position = match.start() + 1


def compile_any(
    patterns: list[str], macros: Mapping[str, str], *, anchored: bool = True
) -> re.Pattern[str]:
    """One regular expression matching any of the patterns (fast for long lists).

    `anchored=False` leaves the word-start check to the caller (see `find_words`), which lets
    the engine skip ahead on first letters: for lists scanned over whole messages."""
    if not patterns:
        return re.compile(r"(?!x)x")
    start = r"(?<!\w)" if anchored else ""
    parts = [rf"{start}{translate(p, macros)}" for p in patterns]
    try:
        return re.compile("|".join(parts))
    except re.error as error:
        raise PatternError(str(error)) from None


def required_strings(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Strings of which every match of the pattern contains at least one, or None if no such
    set is known. A cue whose strings are all absent from a message cannot match it, so its
    (much slower) regular expression is not run: the triage of a long message stays fast.

    Read from the compiled expression's parse tree (CPython's `re._parser`); anything it does
    not understand gives None, which only means "always run the expression"."""
    try:
        from re import _parser  # type: ignore[attr-defined]

        return _sequence(list(_parser.parse(pattern.pattern, pattern.flags)))
    except Exception:  # noqa: BLE001 - a missing shortcut, never a wrong answer
        return None


def _sequence(items: list[tuple[object, object]]) -> frozenset[str] | None:
    from re import _constants as c  # type: ignore[attr-defined]

    candidates: list[frozenset[str]] = []
    run: list[str] = []
    for op, arg in [*items, (None, None)]:
        if op is c.LITERAL:
            run.append(chr(arg))  # type: ignore[arg-type]
            continue
        if run:
            candidates.append(frozenset({"".join(run)}))
            run = []
        found: frozenset[str] | None = None
        if op is c.SUBPATTERN:
            found = _sequence(list(arg[-1]))  # type: ignore[index]
        elif op is c.BRANCH:
            parts = [_sequence(list(branch)) for branch in arg[1]]  # type: ignore[index]
            if all(part is not None for part in parts):
                found = frozenset().union(*parts)  # type: ignore[arg-type]
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT) and arg[0] >= 1:  # type: ignore[index]
            found = _sequence(list(arg[2]))  # type: ignore[index]
        if found:
            candidates.append(found)
    if not candidates:
        return None
    # The most selective set: the one whose shortest string is longest.
    return max(candidates, key=lambda strings: min(len(s) for s in strings))
