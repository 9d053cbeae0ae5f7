from __future__ import annotations

import importlib
import importlib.util
from typing import Any, TextIO, cast

from django.conf import settings
from django.core.management.base import BaseCommand

from vangnet.accounts import demo as demo_staff
from vangnet.accounts.models import User

# Each app that has demo data offers `vangnet.<app>.demo.load(out)`; order matters.
DEMO_APPS = ["accounts", "guide", "chat", "coding", "cases"]


class Command(BaseCommand):
    help = "Load synthetic demo data (demo staff, help directory, coded contacts, cases)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--if-empty", action="store_true", help="only when no staff exist yet")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and User.objects.exists():
            self.stdout.write("The database already holds data; no demo data loaded.")
            demo_staff.describe(cast(TextIO, self.stdout))
        else:
            for app in DEMO_APPS:
                module_name = f"vangnet.{app}.demo"
                if importlib.util.find_spec(module_name) is not None:
                    importlib.import_module(module_name).load(self.stdout)
        if settings.EMBEDDED:
            self.stdout.write(
                "Second factor for a demo login: run `.venv/bin/vangnet totp USERNAME` "
                "(works only in the embedded default)."
            )
