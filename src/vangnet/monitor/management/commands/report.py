from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from vangnet.monitor import disclosure, report, services


class Command(BaseCommand):
    help = "Write the yearly report (the CKM table, trends, charts, method) as HTML or PDF."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument(
            "--min-cell",
            type=int,
            default=None,
            help="smallest count shown (default: the threshold set in the monitor)",
        )
        parser.add_argument("--format", choices=["html", "pdf"], default="html")
        parser.add_argument("--output", type=Path, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        year: int = options["year"]
        configured = disclosure.current_min_cell()
        min_cell = options["min_cell"] if options["min_cell"] is not None else configured
        if min_cell < 1:
            raise CommandError("--min-cell must be at least 1")
        if min_cell < configured:
            self.stderr.write(
                f"Note: --min-cell {min_cell} is below the monitor's threshold {configured}; "
                "do not publish this report."
            )
        fmt: str = options["format"]
        output: Path = options["output"] or Path(f"vangnet-report-{year}.{fmt}")
        content = report.render(year=year, min_cell=min_cell, fmt=fmt, standalone=True)
        output.write_bytes(content)
        services.log_export(
            by=None, what=f"report {fmt} year={year} min_cell={min_cell}", access_point="cli"
        )
        self.stdout.write(f"Wrote {output} ({len(content)} bytes).")
