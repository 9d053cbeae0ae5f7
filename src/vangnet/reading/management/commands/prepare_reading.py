from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from vangnet.reading import triage
from vangnet.reading.deidentify import deidentifier


class Command(BaseCommand):
    help = (
        "Build what the reading tools need once, at install: deduce's lookup structures "
        "(one to several minutes the first time, cached inside the deduce package), and a "
        "check that every word list compiles."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        triage.rules()
        engine = deidentifier()
        engine.deidentify_transcript(["Jan uit Utrecht"])
        self.stdout.write(f"Reading tools ready ({time.monotonic() - started:.0f} s).")
