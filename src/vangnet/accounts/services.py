"""Staff accounts: creation with a TOTP device, and the second factor at login."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.db import transaction
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from vangnet.accounts.models import User
from vangnet.core.roles import Role


@dataclass(frozen=True)
class NewStaff:
    user: User
    device: TOTPDevice

    @property
    def provisioning_uri(self) -> str:
        return str(self.device.config_url)


@transaction.atomic
def create_staff(
    *,
    username: str,
    password: str,
    roles: list[Role],
    full_name: str = "",
    organisation: str = "",
    email: str = "",
) -> NewStaff:
    """Create a staff member with their roles and one confirmed TOTP device."""
    first, _, last = full_name.partition(" ")
    user = User.objects.create_user(
        username=username,
        password=password,
        email=email,
        first_name=first,
        last_name=last,
        organisation=organisation,
        # Only administrators reach Django's admin (behind the same second factor).
        is_staff=Role.ADMINISTRATOR in roles,
        is_superuser=Role.ADMINISTRATOR in roles,
    )
    user.groups.set([Group.objects.get_or_create(name=role.value)[0] for role in roles])
    device = TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    return NewStaff(user=user, device=device)


@transaction.atomic
def replace_second_factor(user: User) -> TOTPDevice:
    """A lost or compromised authenticator: remove every device, give one new confirmed device.

    Removing them is recorded and ends the user's sessions and consoles (accounts.changes);
    the new key is shown once, to whoever runs the command, to hand over in person."""
    for device in TOTPDevice.objects.filter(user=user):
        device.delete()  # one by one, so each removal is recorded
    return TOTPDevice.objects.create(user=user, name="default", confirmed=True)


def current_totp(user: User, *, steps_ahead: int = 0) -> str:
    """The code the user's authenticator app shows now (for the demo `vangnet totp` command).

    `steps_ahead=1` gives the next 30-second code, which the server accepts as clock drift:
    a script can log the same demo user in twice without waiting (each code still works once).
    """
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        raise LookupError(f"{user.username} has no TOTP device.")
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift + steps_ahead)
    return f"{totp.token():0{device.digits}d}"
