from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from vangnet.coding import services


class Command(BaseCommand):
    help = "Import coded contacts from a CSV file (docs/contact-csv.md); all rows or none."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            with path.open(encoding="utf-8-sig", newline="") as source:
                result = services.import_contacts(source=source, batch=path.name, by=None)
        except OSError as err:
            raise CommandError(f"Cannot read {path}: {err}") from None
        except services.ImportFailed as err:
            for line, reason in err.errors[:200]:
                self.stderr.write(f"{path.name}, line {line}: {reason}")
            if len(err.errors) > 200:
                self.stderr.write(f"... and {len(err.errors) - 200} more")
            raise CommandError(str(err)) from None
        self.stdout.write(f"Imported {result.imported} contacts over {result.months} month(s).")
