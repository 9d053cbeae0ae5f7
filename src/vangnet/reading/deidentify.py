"""De-identified copies of chat transcripts, for research.

Two layers. `deduce` (the maintained Dutch de-identification library) finds names, places,
institutions, dates and numbers as they appear in written Dutch. Chats hold more, and write it
differently: lower-case names, @handles, mobile numbers in every spelling, postcodes, streets,
schools, licence plates. Those rules live in `coding/codebooks/reading/deidentify.json`.
What says *what* happened stays: platforms, organisations (politie, Veilig Thuis, Fier) and
relations (stiefvader). Names become placeholders that are consistent within a transcript
([PERSOON-1] is the same person in every message).

deduce builds lookup structures the first time it runs (about two minutes); `vangnet
prepare-reading` does that at install, and the cache is kept inside deduce's package directory.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from vangnet.reading import wordlists

TYPE_LABELS = {
    "persoon": "PERSOON",
    "account": "ACCOUNT",
    "telefoonnummer": "TELEFOONNUMMER",
    "email": "EMAIL",
    "url": "URL",
    "postcode": "POSTCODE",
    "adres": "ADRES",
    "school": "SCHOOL",
    "kenteken": "KENTEKEN",
    "geboortedatum": "GEBOORTEDATUM",
    "datum": "DATUM",
    "locatie": "LOCATIE",
    "instelling": "INSTELLING",
    "nummer": "NUMMER",
}
_DEDUCE_TYPES = {
    "persoon": "persoon",
    "patient": "persoon",
    "locatie": "locatie",
    "ziekenhuis": "instelling",
    "zorginstelling": "instelling",
    "instelling": "instelling",
    "datum": "datum",
    "telefoonnummer": "telefoonnummer",
    "emailadres": "email",
    "url": "url",
    "bsn": "nummer",
    "id": "nummer",
}
_WORD = re.compile(r"[^\W\d_][\w'-]*")


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    type: str

    def as_json(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "type": self.type}


@dataclass(frozen=True)
class Message:
    text: str  # de-identified
    spans: tuple[Span, ...]  # into the original text


@dataclass(frozen=True)
class Transcript:
    messages: tuple[Message, ...]


def _deduce_lists() -> Path:
    import deduce

    return Path(deduce.__file__).parent / "data" / "lookup" / "src"


def _read_list(path: Path) -> set[str]:
    if not path.exists():
        return set()
    return {line.strip().lower() for line in path.read_text(encoding="utf-8").splitlines() if line}


def load_deduce() -> Any:
    """A ready deduce model; builds (or loads the cached) lookup structures."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    import deduce  # its import calls logging.basicConfig(DEBUG, stdout): undo that

    root.handlers[:] = handlers
    root.setLevel(level)
    logging.getLogger("deduce").setLevel(logging.WARNING)
    return deduce.Deduce()


def _rules(data: dict[str, Any]) -> list[tuple[str, re.Pattern[str], int]]:
    """(type, pattern, group) for the chat rules; group 0 unless the pattern names a part."""
    platforms = data["handle_platforms"]
    suffixes = data["street_suffixes"]
    schools = data["school_words"]
    i = re.IGNORECASE
    plate = "|".join(
        [
            r"[a-z]{2}-\d{2}-\d{2}",
            r"\d{2}-\d{2}-[a-z]{2}",
            r"\d{2}-[a-z]{2}-\d{2}",
            r"[a-z]{2}-\d{2}-[a-z]{2}",
            r"[a-z]{2}-[a-z]{2}-\d{2}",
            r"\d{2}-[a-z]{2}-[a-z]{2}",
            r"\d{2}-[a-z]{3}-\d",
            r"\d-[a-z]{3}-\d{2}",
            r"[a-z]{2}-\d{3}-[a-z]",
            r"[a-z]-\d{3}-[a-z]{2}",
            r"[a-z]{3}-\d{2}-[a-z]",
            r"[a-z]-\d{2}-[a-z]{3}",
            r"\d-[a-z]{2}-\d{3}",
            r"\d{3}-[a-z]{2}-\d",
        ]
    )
    months = (
        r"jan(?:uari)?|feb(?:ruari)?|maart|mrt|apr(?:il)?|mei|jun(?:i)?|jul(?:i)?|aug(?:ustus)?"
        r"|sep(?:t(?:ember)?)?|okt(?:ober)?|nov(?:ember)?|dec(?:ember)?"
    )
    date = (
        rf"\d{{1,2}}[-/.]\d{{1,2}}[-/.](?:19|20)?\d{{2}}"
        rf"|\d{{1,2}}\s+(?:{months})\.?\s+(?:19|20)\d{{2}}"
    )
    return [
        ("email", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", i), 0),
        ("url", re.compile(r"(?:https?://|www\.)[^\s<>\"]+", i), 0),
        (
            "url",
            re.compile(
                r"\b[\w-]+(?:\.[\w-]+)*\.(?:nl|com|be|org|net|eu|io|me|info|tv|app)\b(?:/\S*)?", i
            ),
            0,
        ),
        ("account", re.compile(r"(?<![\w.@])@[\w.]{2,30}\w"), 0),
        ("account", re.compile(r"\b[\w.]{2,32}#\d{4}\b"), 0),
        (
            "account",
            re.compile(
                rf"\b(?:{platforms})\b\s*(?::|=|is|naam is|name is|account is|-)"
                rf"\s*@?([\w.]{{3,30}})",
                i,
            ),
            1,
        ),
        (
            "account",
            re.compile(rf"\b(?:{platforms})\b[\s?:!,]+@?((?=[\w.]*[\d_.])[\w.]{{3,30}}\w)", i),
            1,
        ),
        (
            "telefoonnummer",
            re.compile(
                r"(?<![\w+])(?:(?:\+|00)\s?31[\s.-]?(?:\(0\))?[\s.-]?|[0o])6(?:[\s.-]{0,2}\d){8}(?!\d)",
                i,
            ),
            0,
        ),
        (
            "telefoonnummer",
            re.compile(r"(?<![\w+])(?:\+|00)\s?\d{2}(?:[\s.-]?\d){7,11}(?!\d)"),
            0,
        ),
        ("telefoonnummer", re.compile(r"(?<!\d)0[1-9]\d{1,2}[\s-]?\d{6,7}(?!\d)"), 0),
        ("postcode", re.compile(r"\b[1-9]\d{3}\s?[A-Z]{2}\b"), 0),
        ("postcode", re.compile(r"\b[1-9]\d{3}[a-z]{2}\b"), 0),
        ("postcode", re.compile(r"postcode\s*(?:is\s*)?:?\s*([1-9]\d{3}\s?[a-z]{2})\b", i), 1),
        (
            "adres",
            re.compile(rf"\b[\w'-]*(?:{suffixes})\s+\d{{1,4}}(?:\s?[a-z]\b|-\d{{1,3}}\b)?", i),
            0,
        ),
        ("adres", re.compile(r"\b[A-Z][\w'-]+\s+\d{1,4}[a-z]?(?=\s+(?:in|te)\s+[A-Z])"), 0),
        ("adres", re.compile(rf"\b[A-Z][\w'-]*(?i:{suffixes})\b"), 0),
        ("locatie", re.compile(r"\b[A-Z][\w'-]+\s+(?:Centraal|CS|Noord|Zuid|Oost|West)\b"), 0),
        (
            "locatie",
            re.compile(
                r"\b(?i:hotel|motel|hostel|restaurant|cafe|café|bar|club|disco|camping)\s+"
                r"((?:(?:[A-Z][\w'-]*|de|het|van|der|den|'t)\s?)*[A-Z][\w'-]*)"
            ),
            1,
        ),
        (
            "persoon",
            re.compile(
                r"\b(?i:noemt (?:zich|hem|haar)|bijnaam(?: is)?|heet|genaamd|naam is|ik ben|k ben)"
                r"\s+([A-Z][\w'-]*(?:\s+(?:van |de |der |den |el |al )*[A-Z][\w'-]*)?)"
            ),
            1,
        ),
        (
            "school",
            re.compile(rf"(?:\b[A-Z][\w'-]*\s+){{1,3}}(?i:{schools})\b"),
            0,
        ),
        ("school", re.compile(rf"\b[A-Z][\w'-]{{2,}}(?i:{schools})\b"), 0),
        (
            "school",
            re.compile(
                rf"\b(?:{schools})\s+(?:de\s+|het\s+|'t\s+)?[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+)?"
            ),
            0,
        ),
        (
            "school",
            re.compile(r"\b(?:basisschool|obs|cbs|rkbs|pcbs)\s+(?:de\s+|het\s+|'t\s+)?[\w'-]+", i),
            0,
        ),
        ("kenteken", re.compile(rf"\b(?:{plate})\b", i), 0),
        ("kenteken", re.compile(r"kenteken\s*(?:is\s*)?:?\s*([a-z0-9]{6}|[a-z0-9-]{8})\b", i), 1),
        (
            "geboortedatum",
            re.compile(rf"(?:geboren|geb\.?|geboortedatum|jarig|verjaardag)\D{{0,12}}({date})", i),
            1,
        ),
        ("datum", re.compile(rf"\b(?:{date})\b", i), 0),
    ]


_GENERIC_BEFORE_SCHOOL = {"het", "de", "een", "mijn", "mn", "op", "naar", "dat", "die", "deze"}


class Deidentifier:
    def __init__(self, data: dict[str, Any], model: Any) -> None:
        self.model = model
        self.version: str = data["version"]
        self.keep = {w.lower() for w in data["keep"]}
        self.rules = _rules(data)
        self.triggers = re.compile(rf"(?:^|\W){data['name_triggers']}\W+$", re.IGNORECASE)
        lists = _deduce_lists()
        excluded = (
            _read_list(lists / "whitelist/lst_common_word/items.txt")
            | _read_list(lists / "whitelist/lst_stop_word/items.txt")
            | _read_list(lists / "whitelist/lst_medical_term/items.txt")
            | {w.lower() for w in data["not_names"]}
            | self.keep
        )
        self.first_names = {
            n for n in _read_list(lists / "names/lst_first_name/items.txt") if len(n) >= 3
        } - excluded
        self.surnames = {
            n for n in _read_list(lists / "names/lst_surname/items.txt") if len(n) >= 3
        } - excluded
        self.interfixes = _read_list(lists / "names/lst_interfix/items.txt")
        places = set()
        for name in ("lst_residence", "lst_municipality"):
            places |= _read_list(lists / "locations/lst_placename" / name / "items.txt")
        self.places = {p for p in places if len(p) >= 4 and " " not in p} - excluded
        self.capital_places = {p for p in places if len(p) >= 3}
        self.place_after = re.compile(
            r"\b(?:in|uit|naar|te|bij|rond|omgeving|buurt van|richting|vanuit)\s+([A-Z][\w'-]+)"
        )

    # -- finding ---------------------------------------------------------------------------
    def _rule_spans(self, text: str) -> Iterable[Span]:
        for kind, pattern, group in self.rules:
            for match in pattern.finditer(text):
                start, end = match.span(group)
                if kind == "school" and self._generic_school(match.group(0)):
                    continue
                yield Span(start, end, kind)

    @staticmethod
    def _generic_school(found: str) -> bool:
        first = found.split()[0].lower()
        return len(found.split()) == 2 and first in _GENERIC_BEFORE_SCHOOL

    def _deduce_spans(self, text: str) -> Iterable[Span]:
        document = self.model.deidentify(text, disabled={"ages", "post_processing"})
        for annotation in document.annotations:
            tag = annotation.tag.lower()
            kind = next((v for k, v in _DEDUCE_TYPES.items() if k in tag), None)
            if kind is None:
                continue
            yield Span(annotation.start_char, annotation.end_char, kind)

    def _lowercase_names(self, text: str) -> Iterable[Span]:
        """Names typed in lower case, which deduce (made for letters) does not look for."""
        words = list(_WORD.finditer(text))
        previous_name_end = -10
        for index, match in enumerate(words):
            word = match.group(0).lower()
            if word in self.places and not match.group(0)[0].isupper():
                yield Span(match.start(), match.end(), "locatie")
            elif word in self.first_names and not match.group(0)[0].isupper():
                yield Span(match.start(), match.end(), "persoon")
                previous_name_end = index
            elif word in self.surnames and index - previous_name_end <= 2 and index > 0:
                between = words[previous_name_end + 1 : index]
                if all(w.group(0).lower() in self.interfixes for w in between):
                    yield Span(
                        words[previous_name_end + 1].start() if between else match.start(),
                        match.end(),
                        "persoon",
                    )
                    previous_name_end = index
            elif (
                match.group(0)[0].islower()
                and len(word) >= 3
                and word not in self.keep
                and self.triggers.search(text[max(0, match.start() - 25) : match.start()])
                and word in self.surnames
            ):
                yield Span(match.start(), match.end(), "persoon")

    def _capital_places(self, text: str) -> Iterable[Span]:
        """ "in Leiden": place names that deduce leaves because they are also words (leiden)."""
        for match in self.place_after.finditer(text):
            if match.group(1).lower() in self.capital_places:
                yield Span(match.start(1), match.end(1), "locatie")

    def find(self, text: str) -> list[Span]:
        spans = [
            *self._capital_places(text),
            *self._rule_spans(text),
            *self._deduce_spans(text),
            *self._lowercase_names(text),
        ]
        kept = [_trim_title(text, s) for s in spans if not self._keep(text[s.start : s.end])]
        return _merge(kept)

    def _keep(self, found: str) -> bool:
        cleaned = found.strip().lower().lstrip("@")
        return cleaned in self.keep or not cleaned.strip(" .,-'")

    # -- redacting ---------------------------------------------------------------------------
    def deidentify_transcript(self, texts: Sequence[str]) -> Transcript:
        numbers: dict[tuple[str, str], int] = {}
        counters: dict[str, int] = {}
        messages = []
        for text in texts:
            spans = self.find(text)
            pieces, position = [], 0
            for span in spans:
                label = TYPE_LABELS[span.type]
                key = (label, _surface(text[span.start : span.end]))
                if key not in numbers and label == "PERSOON":
                    # "Sanne de Vries" after "sanne": the same person, the same placeholder
                    first = key[1].split(" ")[0]
                    alias = next(
                        (k for k in numbers if k[0] == label and k[1].split(" ")[0] == first), None
                    )
                    if alias is not None:
                        numbers[key] = numbers[alias]
                if key not in numbers:
                    counters[label] = counters.get(label, 0) + 1
                    numbers[key] = counters[label]
                pieces.append(text[position : span.start])
                pieces.append(f"[{label}-{numbers[key]}]")
                position = span.end
            pieces.append(text[position:])
            messages.append(Message("".join(pieces), tuple(spans)))
        return Transcript(tuple(messages))


_TITLE = re.compile(
    r"(?:meneer|mevrouw|mevr\.?|mw\.?|dhr\.?|juf|meester|dokter|dr\.?|tante|oom)\s+", re.IGNORECASE
)


def _trim_title(text: str, span: Span) -> Span:
    """ "meneer Jansen": the title says nothing about who; only the name goes."""
    if span.type != "persoon":
        return span
    match = _TITLE.match(text, span.start, span.end)
    if match and match.end() < span.end:
        return Span(match.end(), span.end, span.type)
    return span


def _surface(found: str) -> str:
    return " ".join(re.findall(r"\w+", found.lower()))


def _merge(spans: list[Span]) -> list[Span]:
    """Overlapping findings become one span; the longest finding names its type."""
    ordered = sorted(spans, key=lambda s: (s.start, -(s.end - s.start)))
    merged: list[Span] = []
    for span in ordered:
        if merged and span.start < merged[-1].end:
            last = merged[-1]
            if span.end > last.end:
                kind = last.type if last.end - last.start >= span.end - span.start else span.type
                merged[-1] = Span(last.start, span.end, kind)
            continue
        merged.append(span)
    return merged


@cache
def deidentifier() -> Deidentifier:
    return Deidentifier(wordlists.load("deidentify.json"), load_deduce())
