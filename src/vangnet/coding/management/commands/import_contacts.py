from __future__ import annotations

import codecs
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, no_translations

from vangnet.coding import services

SCAN_CHUNK = 1 << 16


def first_non_utf8_byte(path: Path) -> int | None:
    """The offset of the first byte that is not valid UTF-8, read in chunks (flat memory)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0  # bytes handed to the decoder so far
    with path.open("rb") as source:
        while True:
            chunk = source.read(SCAN_CHUNK)
            pending = len(decoder.getstate()[0])  # bytes of a character cut at the chunk's end
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as err:
                return offset - pending + err.start
            if not chunk:
                break
            offset += len(chunk)
    return None


class Command(BaseCommand):
    help = "Import coded contacts from a CSV file (docs/contact-csv.md); all rows or none."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--allow-duplicates",
            action="store_true",
            help="import rows equal to rows imported before (they are other contacts)",
        )

    @no_translations  # operator output in one language: English, like the rest of the CLI
    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            bad_byte = first_non_utf8_byte(path)
            if bad_byte is not None:
                raise CommandError(f"{path.name}: not UTF-8 (byte {bad_byte})")
            with path.open(encoding="utf-8-sig", newline="") as source:
                result = services.import_contacts(
                    source=source,
                    batch=path.name,
                    by=None,
                    allow_duplicates=options["allow_duplicates"],
                )
        except OSError as err:
            raise CommandError(f"Cannot read {path}: {err.strerror or err}") from None
        except services.ImportFailed as err:
            for line, reason in err.errors:
                self.stderr.write(f"{path.name}, line {line}: {reason}")
            if err.total > len(err.errors):
                self.stderr.write(f"... and {err.total - len(err.errors)} more")
            raise CommandError(str(err)) from None
        self.stdout.write(f"Imported {result.imported} contacts over {result.months} month(s).")
