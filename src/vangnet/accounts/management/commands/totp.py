from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from vangnet.accounts.models import User
from vangnet.accounts.services import current_totp


class Command(BaseCommand):
    help = "Print a demo user's current second-factor code (embedded default only)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--ahead",
            action="store_true",
            help="the next 30-second code (accepted as clock drift), once the current one is used",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.EMBEDDED:
            raise CommandError(
                "This command works only in the embedded default (no DATABASE_URL): "
                "in production every staff member uses their own authenticator app."
            )
        try:
            user = User.objects.get(username=options["username"])
            self.stdout.write(current_totp(user, steps_ahead=1 if options["ahead"] else 0))
        except (User.DoesNotExist, LookupError):
            raise CommandError(f"No staff member {options['username']!r} with a code.") from None
