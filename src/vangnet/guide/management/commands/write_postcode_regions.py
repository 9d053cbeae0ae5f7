from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from vangnet.guide import regions

STATIC_FILE = Path(regions.__file__).parent / "static" / regions.STATIC_TABLE


class Command(BaseCommand):
    help = (
        "Write guide/static/guide/postcode-regions.json from vangnet.guide.regions "
        "(after a change to the postcode areas; a test checks that the file is current)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        STATIC_FILE.write_text(regions.postcode_regions_json(), encoding="utf-8")
        self.stdout.write(f"Wrote {STATIC_FILE}")
