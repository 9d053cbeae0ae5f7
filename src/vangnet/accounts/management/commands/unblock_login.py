from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from vangnet.accounts import lockout
from vangnet.core.access import COMMAND_LINE, Action, require


class Command(BaseCommand):
    help = (
        "Let a user name log in again from browsers it was not used on before, after failed "
        "attempts blocked them (docs/security.md). Browsers known for the user were never blocked "
        "by someone else's attempts."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        require(COMMAND_LINE, Action.STAFF_MANAGE)
        cleared = lockout.unblock(options["username"])
        self.stdout.write("Unblocked." if cleared else "Nothing was blocked for that user name.")
