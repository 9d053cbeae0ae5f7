from __future__ import annotations

import getpass
import sys
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from vangnet.accounts.enrolment import print_enrolment
from vangnet.accounts.models import User
from vangnet.accounts.services import create_staff
from vangnet.core.access import COMMAND_LINE, Action, require
from vangnet.core.roles import Role


class Command(BaseCommand):
    help = "Create a staff member with roles and a TOTP second factor (prints the QR code)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--role", action="append", required=True, choices=[r.value for r in Role]
        )
        parser.add_argument("--name", default="", help="full name")
        parser.add_argument("--organisation", default="")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--password-stdin", action="store_true", help="read the password from standard input"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        require(COMMAND_LINE, Action.STAFF_MANAGE)  # the one policy, for commands too
        username = options["username"]
        if User.objects.filter(username=username).exists():
            raise CommandError(f"A staff member called {username!r} already exists.")
        if options["password_stdin"]:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = getpass.getpass("Password: ")
        try:
            validate_password(password)
        except ValidationError as err:
            raise CommandError(" ".join(err.messages)) from None
        staff = create_staff(
            username=username,
            password=password,
            roles=[Role(r) for r in options["role"]],
            full_name=options["name"],
            organisation=options["organisation"],
            email=options["email"],
        )
        self.stdout.write(f"Created {username}.")
        print_enrolment(self.stdout, staff.provisioning_uri)
