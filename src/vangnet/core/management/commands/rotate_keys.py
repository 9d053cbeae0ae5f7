from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from vangnet.core import crypto
from vangnet.core.rotation import rotate_all


class Command(BaseCommand):
    help = (
        "With the newest key, re-wrap every data key (and re-encrypt values without one). In "
        "the embedded default a new key is created first; in production put the new key first "
        "in VANGNET_ENCRYPTION_KEYS."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--no-new-key",
            action="store_true",
            help="embedded default: re-encrypt with the current newest key, make no new one",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.VANGNET_ENCRYPTION_KEYS and not options["no_new_key"]:
            crypto.add_local_key()
            self.stdout.write(f"Added a new key to {settings.VANGNET_KEY_FILE}.")
        counts = rotate_all()
        for label, count in counts.items():
            self.stdout.write(
                f"{label}: {count}" + ("" if "data keys" in label else " re-encrypted")
            )
        self.stdout.write(
            self.style.SUCCESS(
                "Done. Older keys may now be removed once backups made with them have expired."
            )
        )
