"""The contact CSV format (docs/contact-csv.md): one row per coded contact.

Columns: `date`, `codebook_version`, optional `channel`, optional `contact_id` (the sender's own
reference, only used in error messages), then one column per codebook question; multi-choice
answers are `;`-separated codes; an empty cell or a missing question column means `unknown`.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import TextIO

from django.utils.translation import gettext as _

from vangnet.coding import codebook
from vangnet.coding.models import Channel

REQUIRED = ("date", "codebook_version")
OPTIONAL = ("channel", "contact_id")
DATE_PATTERN = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")


@dataclass(frozen=True)
class ParsedRow:
    line: int
    contact_date: date
    codebook_version: str
    channel: str
    answers: codebook.Answers
    reference: str = ""


def parse_date(text: str) -> date:
    """`YYYY-MM-DD`, or `YYYY-MM` for historical data known by month only (day 1)."""
    match = DATE_PATTERN.match(text.strip())
    if not match:
        raise ValueError(_("“%(value)s” is not a date (YYYY-MM-DD or YYYY-MM).") % {"value": text})
    year, month, day = int(match[1]), int(match[2]), int(match[3] or 1)
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(_("“%(value)s” is not a date.") % {"value": text}) from None


@dataclass(frozen=True)
class RowError:
    line: int
    reason: str


def parse(source: TextIO, *, today: date) -> Iterator[ParsedRow | RowError]:
    """Read row by row (flat memory); a bad row is reported with its line number, not fatal."""
    reader = csv.DictReader(source)
    header = [name.strip() for name in (reader.fieldnames or [])]
    reader.fieldnames = header
    known_columns = set(REQUIRED) | set(OPTIONAL) | set(codebook.question_keys())
    missing = [name for name in REQUIRED if name not in header]
    unknown = [name for name in header if name not in known_columns]
    if missing:
        yield RowError(1, _("Missing column(s): %(names)s.") % {"names": ", ".join(missing)})
    if unknown:
        yield RowError(1, _("Unknown column(s): %(names)s.") % {"names": ", ".join(unknown)})
    if missing or unknown:
        return
    questions = [name for name in header if name in codebook.question_keys()]
    for raw in reader:
        line = reader.line_num
        if None in raw:
            yield RowError(line, _("This row has more cells than the header."))
            continue
        try:
            contact_date = parse_date(raw["date"] or "")
            if contact_date > today:
                raise ValueError(_("The date is in the future."))
            book = codebook.get((raw["codebook_version"] or "").strip())
            channel = (raw.get("channel") or Channel.CHAT).strip()
            if channel not in Channel.values:
                raise ValueError(_("“%(value)s” is not a channel.") % {"value": channel})
            answers = book.clean({key: raw[key] or "" for key in questions})
        except (ValueError, codebook.CodebookError) as err:
            reference = (raw.get("contact_id") or "").strip()
            prefix = f"[{reference}] " if reference else ""
            yield RowError(line, prefix + str(err))
            continue
        yield ParsedRow(
            line=line,
            contact_date=contact_date,
            codebook_version=book.version,
            channel=channel,
            answers=answers,
            reference=(raw.get("contact_id") or "").strip(),
        )


def fingerprint(row: ParsedRow) -> str:
    """The same row content gives the same digest (the line number does not count)."""
    answers = sorted(
        (key, ";".join(sorted(value)) if isinstance(value, frozenset) else value)
        for key, value in row.answers.items()
    )
    text = repr(
        (row.reference, row.contact_date.isoformat(), row.codebook_version, row.channel, answers)
    )
    return hashlib.sha256(text.encode()).hexdigest()


def header() -> list[str]:
    return ["contact_id", "date", "codebook_version", "channel", *codebook.question_keys()]


def format_answer(value: codebook.Answer) -> str:
    if isinstance(value, frozenset):
        return ";".join(sorted(value))
    return value


def write_rows(target: TextIO, rows: Iterator[list[str]]) -> None:
    writer = csv.writer(target, lineterminator="\n")
    writer.writerow(header())
    writer.writerows(rows)
