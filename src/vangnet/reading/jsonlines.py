"""The JSON-lines door of the reading tools: one object in, one object out, per line.

A line that is not valid JSON, or lacks what the tool needs, is reported on standard error with
its line number and skipped; every other line is still processed, so one bad line in a
thousand does not cost the other 999.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import IO, Any

from django.utils.translation import gettext as _


class LineError(ValueError):
    """What is wrong with one input line; the message is shown to the user."""


@dataclass
class Outcome:
    processed: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


def run(
    lines: Iterable[str],
    handle: Callable[[dict[str, Any]], dict[str, Any]],
    out: IO[str],
    report: Callable[[int, str], None],
) -> Outcome:
    outcome = Outcome()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except ValueError as error:
            message = _("not valid JSON (%(error)s)") % {"error": error}
            outcome.errors.append((number, message))
            report(number, message)
            continue
        try:
            if not isinstance(item, dict):
                raise LineError(_("expected a JSON object"))
            result = handle(item)
        except LineError as error:
            outcome.errors.append((number, str(error)))
            report(number, str(error))
            continue
        out.write(json.dumps(result, ensure_ascii=False) + "\n")
        outcome.processed += 1
    return outcome


def require_id(item: dict[str, Any]) -> Any:
    if "id" not in item:
        raise LineError(_("“id” is missing"))
    value = item["id"]
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise LineError(_("“id” must be a string or a whole number"))
    return value


def require_text(item: dict[str, Any], key: str = "text") -> str:
    value = item.get(key)
    if not isinstance(value, str):
        raise LineError(_("“%(key)s” must be a string") % {"key": key})
    return value
