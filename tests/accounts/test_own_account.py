"""What a staff member does for their own account: change the password, and be re-enrolled
when the authenticator is lost; logins and logouts in the access log (ASVS 6.2.2, 6.4.3, 16.3.1)."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import STAFF_PASSWORD, verified_client
from vangnet.accounts.models import StaffChange
from vangnet.accounts.services import current_totp
from vangnet.core.models import AccessLogEntry
from vangnet.core.roles import Role

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "een nieuw en heel lang wachtwoord 42"


def change(
    client: Client,
    staff,
    *,
    current: str = STAFF_PASSWORD,
    code: str | None = None,
    new: str = NEW_PASSWORD,
    again: str | None = None,
):
    return client.post(
        reverse("accounts:password_change"),
        {
            "current_password": current,
            "otp_token": code if code is not None else current_totp(staff.user),
            "new_password": new,
            "new_password_again": again if again is not None else new,
        },
    )


def test_a_staff_member_changes_their_own_password_and_other_sessions_end(make_staff):
    staff = make_staff(Role.COUNSELLOR)
    here, elsewhere = verified_client(staff), verified_client(staff)
    response = change(here, staff)
    assert response.status_code == 302
    staff.user.refresh_from_db()
    assert staff.user.check_password(NEW_PASSWORD)
    assert here.get(reverse("accounts:home")).status_code == 200  # this session stays
    assert elsewhere.get(reverse("accounts:home")).status_code == 302  # the other one ended
    assert StaffChange.objects.filter(subject=staff.user, what=StaffChange.What.PASSWORD).exists()


@pytest.mark.parametrize(
    "wrong",
    [
        {"current": "niet het wachtwoord"},
        {"code": "000000"},
        {"again": "iets anders dan het nieuwe wachtwoord"},
        {"new": "kort", "again": "kort"},
    ],
)
def test_a_wrong_current_password_code_or_new_password_changes_nothing(make_staff, wrong):
    staff = make_staff(Role.COUNSELLOR)
    client = verified_client(staff)
    response = change(client, staff, **wrong)
    assert response.status_code == 200
    assert 'class="field-error"' in response.content.decode()
    staff.user.refresh_from_db()
    assert staff.user.check_password(STAFF_PASSWORD)


def test_the_password_page_needs_a_verified_login():
    response = Client().get(reverse("accounts:password_change"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_logins_and_logouts_are_in_the_access_log_without_an_address(make_staff):
    staff = make_staff(Role.COUNSELLOR)
    client = Client()
    client.post(
        reverse("accounts:login"),
        {
            "username": staff.user.username,
            "password": STAFF_PASSWORD,
            "otp_token": current_totp(staff.user),
        },
    )
    client.post(reverse("accounts:logout"))
    events = list(
        AccessLogEntry.objects.filter(user=staff.user)
        .order_by("at", "pk")
        .values_list("event", flat=True)
    )
    assert events == [AccessLogEntry.Event.STAFF_LOGIN, AccessLogEntry.Event.STAFF_LOGOUT]
    for entry in AccessLogEntry.objects.filter(user=staff.user):
        assert "127.0.0.1" not in f"{entry.detail} {entry.access_point}"


def test_a_failed_login_is_not_an_access_log_entry(make_staff):
    staff = make_staff(Role.COUNSELLOR)
    Client().post(
        reverse("accounts:login"),
        {"username": staff.user.username, "password": "fout", "otp_token": "123456"},
    )
    assert not AccessLogEntry.objects.filter(event=AccessLogEntry.Event.STAFF_LOGIN).exists()


def test_reset_second_factor_replaces_the_device_and_ends_the_sessions(make_staff):
    staff = make_staff(Role.COUNSELLOR)
    old_key = staff.device.key
    session = verified_client(staff)
    out = io.StringIO()
    call_command("reset_second_factor", staff.user.username, stdout=out)
    devices = TOTPDevice.objects.filter(user=staff.user)
    assert devices.count() == 1 and devices.get().key != old_key
    uri = re.search(r"otpauth://totp/\S+", out.getvalue())
    assert uri and uri.group(0) == devices.get().config_url
    # The old device is gone, so the session verified with it is no longer verified.
    assert session.get(reverse("accounts:home")).status_code == 302
    whats = set(StaffChange.objects.filter(subject=staff.user).values_list("what", flat=True))
    assert {StaffChange.What.SECOND_FACTOR_REMOVED, StaffChange.What.SECOND_FACTOR_ADDED} <= whats


def test_reset_second_factor_of_an_unknown_user_is_a_clear_error():
    with pytest.raises(CommandError, match="No staff member called 'niemand'"):
        call_command("reset_second_factor", "niemand")
