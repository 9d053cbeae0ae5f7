from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from vangnet.accounts.enrolment import print_enrolment
from vangnet.accounts.models import User
from vangnet.accounts.services import replace_second_factor
from vangnet.core.access import COMMAND_LINE, Action, require


class Command(BaseCommand):
    help = (
        "Re-enrol a staff member whose authenticator is lost: remove their second factor "
        "(ends their sessions), make a new one and print its QR code to hand over in person."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        require(COMMAND_LINE, Action.STAFF_MANAGE)
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No staff member called {options['username']!r}.")
        device = replace_second_factor(user)
        self.stdout.write(f"The old second factor of {user.username} no longer works.")
        print_enrolment(self.stdout, str(device.config_url))
