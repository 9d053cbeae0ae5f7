"""`vangnet retention`: what the retention schedule erases today; `--apply` erases it."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, no_translations

from vangnet.retention import runner, schedule


class Command(BaseCommand):
    help = (
        "Show, per category of the retention schedule, which records have passed their term "
        "(a dry run). With --apply erase them, one tombstone per record. Safe to run twice, "
        "or on two machines at once."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--apply", action="store_true", help="erase, instead of showing")

    @no_translations  # operator output in one language: English, like the rest of the CLI
    def handle(self, *args: Any, **options: Any) -> None:
        report = runner.run(apply=options["apply"])
        by_rule: dict[str, list[runner.Candidate]] = {}
        for candidate in report.candidates:
            by_rule.setdefault(candidate.rule, []).append(candidate)
        for category in schedule.SCHEDULE:
            found = by_rule.get(category.rule, [])
            if not category.erased_by_run:
                self.stdout.write(f"{category.rule}: {category.term} ({category.basis})")
                continue
            due = [c for c in found if not c.held]
            self.stdout.write(
                f"{category.rule}: {len(due)} past their term "
                f"(term: {category.term}; from {category.starts}; basis: {category.basis})"
            )
            for c in found:
                if c.held:
                    self.stdout.write(
                        f"  {c.record_type} {c.record_ref}: kept, legal hold: {c.held}"
                    )
                else:
                    self.stdout.write(f"  {c.record_type} {c.record_ref}: {c.reason}")
        if not report.applied:
            self.stdout.write("Dry run: nothing was erased. Add --apply to erase.")
            return
        self.stdout.write(
            f"Run {report.run}: {len(report.erased)} erased, {len(report.skipped)} taken by "
            f"another run or already gone, {len(report.failed)} failed."
        )
        for candidate, error in report.failed:
            self.stderr.write(f"  {candidate.record_type} {candidate.record_ref}: {error}")
        if report.failed:
            raise CommandError("Some records were not erased; they are unchanged. Run again.")
