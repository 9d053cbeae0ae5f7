from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import STAFF_PASSWORD
from vangnet.accounts.services import current_totp
from vangnet.core.roles import Role

pytestmark = pytest.mark.django_db


def login(client: Client, username: str, password: str, code: str):
    return client.post(
        reverse("accounts:login"),
        {"username": username, "password": password, "otp_token": code},
    )


def test_password_and_totp_log_in_with_a_new_session(make_staff):
    staff = make_staff(Role.COUNSELLOR)
    client = Client()
    client.get(reverse("accounts:login"))
    before = client.session.session_key
    response = login(client, staff.user.username, STAFF_PASSWORD, current_totp(staff.user))
    assert response.status_code == 302
    assert client.session.session_key != before
    home = client.get(reverse("accounts:home"))
    assert home.status_code == 200


def test_a_totp_code_works_only_once(make_staff):
    staff = make_staff(Role.COUNSELLOR)
    code = current_totp(staff.user)
    assert login(Client(), staff.user.username, STAFF_PASSWORD, code).status_code == 302
    second = login(Client(), staff.user.username, STAFF_PASSWORD, code)
    assert second.status_code == 200
    assert "niet goed" in second.content.decode()


def test_password_without_second_factor_gives_no_access(make_staff):
    staff = make_staff(Role.COUNSELLOR)
    client = Client()
    response = login(client, staff.user.username, STAFF_PASSWORD, "000000")
    assert response.status_code == 200
    assert client.get(reverse("accounts:home")).status_code == 302


def _fail_until_blocked(username: str, settings) -> None:
    for _ in range(settings.VANGNET_LOGIN_FAILURE_LIMIT):
        assert login(Client(), username, "wrong password", "123456").status_code == 200


def test_a_stranger_is_slowed_down_after_a_handful_of_tries(make_staff, settings):
    staff = make_staff(Role.COUNSELLOR)
    _fail_until_blocked(staff.user.username, settings)
    # From an unknown browser even the right password and code are not checked for a while.
    blocked = login(Client(), staff.user.username, STAFF_PASSWORD, current_totp(staff.user))
    assert blocked.status_code == 429
    assert "Te veel mislukte pogingen" in blocked.content.decode()


def test_wrong_codes_count_like_wrong_passwords(make_staff, settings):
    staff = make_staff(Role.COUNSELLOR)
    for _ in range(settings.VANGNET_LOGIN_FAILURE_LIMIT):
        login(Client(), staff.user.username, STAFF_PASSWORD, "000000")
    blocked = login(Client(), staff.user.username, STAFF_PASSWORD, current_totp(staff.user))
    assert blocked.status_code == 429


def test_a_stranger_cannot_lock_the_counsellor_out_of_their_own_browser(make_staff, settings):
    staff = make_staff(Role.COUNSELLOR)
    workstation = Client()
    first = login(workstation, staff.user.username, STAFF_PASSWORD, current_totp(staff.user))
    assert first.status_code == 302
    workstation.post(reverse("accounts:logout"))
    _fail_until_blocked(staff.user.username, settings)  # the stranger, somewhere else
    again = login(
        workstation, staff.user.username, STAFF_PASSWORD, current_totp(staff.user, steps_ahead=1)
    )
    assert again.status_code == 302
    assert workstation.get(reverse("accounts:home")).status_code == 200


def test_a_known_browser_of_another_user_gives_no_extra_tries(make_staff, settings):
    """The known-device cookie belongs to one user name: a colleague's does not help."""
    me = make_staff(Role.COUNSELLOR)
    other = make_staff(Role.COUNSELLOR)
    browser = Client()
    assert (
        login(browser, me.user.username, STAFF_PASSWORD, current_totp(me.user)).status_code == 302
    )
    _fail_until_blocked(other.user.username, settings)
    tried = login(browser, other.user.username, STAFF_PASSWORD, current_totp(other.user))
    assert tried.status_code == 429


def test_failed_logins_store_no_address_or_user_name(make_staff):
    from vangnet.accounts.models import LoginThrottle

    staff = make_staff(Role.COUNSELLOR)
    login(
        Client(REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="Spy/1.0"),
        staff.user.username,
        "wrong",
        "123456",
    )
    rows = list(LoginThrottle.objects.values())
    assert len(rows) == 1
    stored = repr(rows)
    assert "203.0.113.9" not in stored and "Spy" not in stored
    assert staff.user.username not in stored


def test_the_command_line_unblocks_a_user_name(make_staff, settings):
    from django.core.management import call_command

    staff = make_staff(Role.COUNSELLOR)
    _fail_until_blocked(staff.user.username, settings)
    call_command("unblock_login", staff.user.username)
    again = login(Client(), staff.user.username, STAFF_PASSWORD, current_totp(staff.user))
    assert again.status_code == 302


def test_quiet_buckets_of_made_up_names_are_forgotten():
    from datetime import timedelta

    from django.utils import timezone

    from vangnet.accounts.models import LoginThrottle

    login(Client(), "niemand-1", "wrong", "123456")
    LoginThrottle.objects.update(window_start=timezone.now() - timedelta(days=3))
    login(Client(), "niemand-2", "wrong", "123456")
    assert LoginThrottle.objects.count() == 1
