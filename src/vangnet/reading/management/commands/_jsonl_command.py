"""What the three JSON-lines commands share: reading a file or standard input, reporting."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, no_translations
from django.utils.translation import gettext as _

from vangnet.reading import jsonlines


class JsonLinesCommand(BaseCommand):
    # Operator output in one language: English, like the rest of the CLI (the messages stay
    # translatable for the web pages that share them).
    execute = no_translations(BaseCommand.execute)

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "file", nargs="?", type=Path, help="JSON lines; standard input when left out"
        )

    def process(self, options: dict[str, Any], handle: Callable[[dict[str, Any]], Any]) -> None:
        path: Path | None = options["file"]

        def report(line: int, message: str) -> None:
            self.stderr.write(_("line %(line)d: %(message)s") % {"line": line, "message": message})

        try:
            if path is None:
                outcome = jsonlines.run(sys.stdin, handle, self.stdout, report)  # type: ignore[arg-type]
            else:
                with path.open(encoding="utf-8-sig", errors="replace") as source:
                    outcome = jsonlines.run(source, handle, self.stdout, report)  # type: ignore[arg-type]
        except OSError as error:
            raise CommandError(
                _("Cannot read %(path)s: %(error)s") % {"path": path, "error": error.strerror}
            ) from None
        if outcome.errors:
            raise CommandError(
                _("%(bad)d line(s) could not be read; %(good)d processed.")
                % {"bad": len(outcome.errors), "good": outcome.processed}
            )
