"""The account commands: `vangnet create-staff` and the demo-only `vangnet totp`."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import CommandError, call_command
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from vangnet.accounts.models import User
from vangnet.core.access import roles_of
from vangnet.core.roles import Role

pytestmark = pytest.mark.django_db


def create_staff(*args: str, password: str) -> str:
    out = io.StringIO()
    stdin = io.StringIO(password + "\n")
    import sys

    real_stdin, sys.stdin = sys.stdin, stdin
    try:
        call_command("create_staff", *args, "--password-stdin", stdout=out)
    finally:
        sys.stdin = real_stdin
    return out.getvalue()


def test_create_staff_reads_the_password_from_stdin_and_prints_the_otpauth_uri():
    output = create_staff(
        "lotte",
        "--role",
        "counsellor",
        "--role",
        "supervisor",
        "--name",
        "Lotte Kok",
        password="een lang en sterk wachtwoord",
    )
    user = User.objects.get(username="lotte")
    assert user.check_password("een lang en sterk wachtwoord")
    assert user.get_full_name() == "Lotte Kok"
    assert set(roles_of(user)) == {Role.COUNSELLOR, Role.SUPERVISOR}
    assert not user.is_staff  # Django's admin is for administrators only
    uri = re.search(r"otpauth://totp/\S+", output)
    assert uri, output
    assert "issuer=Vangnet" in uri.group(0)
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    assert device.config_url == uri.group(0)
    assert user.password.startswith("argon2")


def test_create_staff_refuses_a_weak_password_and_creates_nobody():
    with pytest.raises(CommandError, match="too short|te kort"):
        create_staff("kees", "--role", "counsellor", password="kort")
    assert not User.objects.filter(username="kees").exists()


def test_create_staff_refuses_an_existing_user_name(make_staff):
    existing = make_staff(Role.COUNSELLOR, username="joost")
    with pytest.raises(CommandError, match="already exists"):
        create_staff("joost", "--role", "researcher", password="een lang en sterk wachtwoord")
    assert roles_of(User.objects.get(pk=existing.user.pk)) == [Role.COUNSELLOR]


def test_totp_prints_the_code_an_authenticator_app_shows(make_staff, settings):
    settings.EMBEDDED = True
    staff = make_staff(Role.COUNSELLOR)
    out = io.StringIO()
    call_command("totp", staff.user.username, stdout=out)
    code = out.getvalue().strip()
    device = staff.device
    expected = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
    assert code == f"{expected:06d}"


def test_totp_refuses_outside_the_embedded_default(make_staff, settings):
    settings.EMBEDDED = False
    staff = make_staff(Role.COUNSELLOR)
    with pytest.raises(CommandError, match="embedded default"):
        call_command("totp", staff.user.username, stdout=io.StringIO())


def test_totp_for_an_unknown_user_is_a_clear_error(settings):
    settings.EMBEDDED = True
    with pytest.raises(CommandError, match="No staff member 'nobody'"):
        call_command("totp", "nobody", stdout=io.StringIO())


def test_totp_ahead_gives_the_next_code_which_logs_in_once_more(make_staff, settings):
    from django.test import Client
    from django.urls import reverse

    from tests.conftest import STAFF_PASSWORD

    settings.EMBEDDED = True
    staff = make_staff(Role.COUNSELLOR)
    codes = []
    for extra in ([], ["--ahead"]):
        out = io.StringIO()
        call_command("totp", staff.user.username, *extra, stdout=out)
        codes.append(out.getvalue().strip())
    device = staff.device
    expected = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift + 1)
    assert codes[1] == f"{expected.token():06d}"

    def login(code: str) -> int:
        form = {"username": staff.user.username, "password": STAFF_PASSWORD, "otp_token": code}
        return Client().post(reverse("accounts:login"), form).status_code

    # (No failed attempt in between: django-otp throttles the device for a second after one.)
    assert login(codes[0]) == 302
    assert login(codes[1]) == 302
    assert login(codes[1]) == 200  # used once
