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


def test_lockout_by_username_after_repeated_failures(make_staff, settings):
    staff = make_staff(Role.COUNSELLOR)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(Client(), staff.user.username, "wrong password", "123456")
    locked = login(Client(), staff.user.username, STAFF_PASSWORD, current_totp(staff.user))
    assert locked.status_code == 403
    assert "geblokkeerd" in locked.content.decode() or "locked" in locked.content.decode()


def test_failed_logins_store_no_ip_address(make_staff):
    from axes.models import AccessAttempt

    staff = make_staff(Role.COUNSELLOR)
    login(Client(REMOTE_ADDR="203.0.113.9"), staff.user.username, "wrong", "123456")
    attempts = list(AccessAttempt.objects.all())
    assert attempts
    assert all(not a.ip_address for a in attempts)
    assert all(not a.user_agent for a in attempts)
