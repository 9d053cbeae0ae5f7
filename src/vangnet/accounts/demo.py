"""Demo staff: one person per role, all with the same password, printed by `make run`."""

from __future__ import annotations

from typing import TextIO

from vangnet.accounts.models import User
from vangnet.accounts.services import create_staff
from vangnet.core.roles import Role

DEMO_PASSWORD = "vangnet-demo-2026"  # noqa: S105 - demo only, printed on purpose

DEMO_STAFF: list[tuple[str, str, list[Role], str]] = [
    ("anna", "Anna de Vries", [Role.COUNSELLOR], ""),
    ("bram", "Bram Jansen", [Role.COUNSELLOR], ""),
    ("sara", "Sara Bakker", [Role.SUPERVISOR], ""),
    ("cees", "Cees Visser", [Role.CASE_WORKER], ""),
    ("rosa", "Rosa Smit", [Role.RESEARCHER], ""),
    ("pieter", "Pieter Mulder", [Role.PARTNER], "Politie"),
    ("vera", "Vera de Boer", [Role.PARTNER], "Veilig Thuis"),
    ("admin", "Alex Admin", [Role.ADMINISTRATOR], ""),
]


def load(out: TextIO) -> None:
    for username, name, roles, organisation in DEMO_STAFF:
        if not User.objects.filter(username=username).exists():
            create_staff(
                username=username,
                password=DEMO_PASSWORD,
                roles=roles,
                full_name=name,
                organisation=organisation,
            )
    describe(out)


def describe(out: TextIO) -> None:
    if not User.objects.filter(username=DEMO_STAFF[0][0]).exists():
        return
    out.write(f"Demo staff (password for all: {DEMO_PASSWORD}):\n")
    for username, name, roles, organisation in DEMO_STAFF:
        label = ", ".join(str(role.label) for role in roles)
        out.write(
            f"  {username:<8} {name:<16} {label}{' - ' + organisation if organisation else ''}\n"
        )
