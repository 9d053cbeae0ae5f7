from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from vangnet.reading.feedback import feedback_rows


class Command(BaseCommand):
    help = (
        "Export counsellors' raised and lowered acute flags as evaluation data: JSON lines "
        '{"text", "acute", "score_before", "triage_version"}, the first message de-identified '
        "(bench/nlp_eval.py --file reads them)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("output", nargs="?", help="file to write (default: standard output)")

    def handle(self, *args: Any, **options: Any) -> None:
        lines = [json.dumps(row, ensure_ascii=False) for row in feedback_rows()]
        if options["output"] is None:
            for line in lines:
                sys.stdout.write(line + "\n")
            return
        try:
            Path(options["output"]).write_text("".join(f"{ln}\n" for ln in lines), "utf-8")
        except OSError as error:
            raise CommandError(
                _("Cannot write %(file)s: %(error)s")
                % {"file": options["output"], "error": error.strerror}
            ) from None
        self.stderr.write(_("%(count)d flag changes written.") % {"count": len(lines)})
