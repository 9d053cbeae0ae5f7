"""The administrator is accountable, and ended staff access is announced (issue 9).

- the admin has no login of its own, shows no TOTP secret, logs every records page, and
  cannot read or change the access log;
- every change of roles, password, second factor or active state is in the append-only log,
  from the admin and from the command line alike;
- `staff_access_ended` is sent, after commit, from logout, timeout, deactivation and role
  removal, through every door.
"""

from __future__ import annotations

import time

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import STAFF_PASSWORD, verified_client
from vangnet.accounts import signals
from vangnet.accounts.changes import acting_as
from vangnet.accounts.middleware import LAST_SEEN_KEY
from vangnet.accounts.models import StaffChange
from vangnet.accounts.services import current_totp
from vangnet.core.models import AccessLogEntry, AppendOnlyError
from vangnet.core.roles import Role

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def ended():
    """Every `staff_access_ended` sent during the test, as (user_id, reason)."""
    seen: list[tuple[int, str]] = []

    def listen(sender, user_id, reason, **kwargs):
        seen.append((user_id, reason))

    signals.staff_access_ended.connect(listen, dispatch_uid="test-ended")
    yield seen
    signals.staff_access_ended.disconnect(dispatch_uid="test-ended")


@pytest.fixture
def admin_staff(make_staff):
    return make_staff(Role.ADMINISTRATOR)


# --- the admin's door ------------------------------------------------------------------------


def test_admin_login_is_the_staff_login(admin_staff):
    client = Client()
    page = client.get("/admin/login/?next=/admin/")
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("accounts:login"))
    # The right password gives no hint there: the admin has no form of its own.
    posted = client.post(
        "/admin/login/", {"username": admin_staff.user.username, "password": STAFF_PASSWORD}
    )
    assert posted.status_code == 302
    assert "device" not in posted.content.decode().lower()


def test_password_without_code_does_not_open_the_admin(admin_staff):
    client = Client()
    client.force_login(admin_staff.user)  # a password login, no second factor
    assert client.get("/admin/").status_code == 302


def test_the_admin_logs_every_records_page_and_hides_the_totp_secret(admin_staff, make_staff):
    other = make_staff(Role.COUNSELLOR)
    client = verified_client(admin_staff)
    device = TOTPDevice.objects.get(user=other.user)
    listing = client.get("/admin/otp_totp/totpdevice/")
    assert listing.status_code == 200
    detail = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/")
    assert detail.status_code == 200
    for page in (listing, detail):
        assert device.key not in page.content.decode()
    user_page = client.get(f"/admin/accounts/user/{other.user.pk}/change/")
    assert user_page.status_code == 200
    reads = AccessLogEntry.objects.filter(event=AccessLogEntry.Event.ADMIN_READ)
    assert {(e.record_type, e.record_id) for e in reads} >= {
        ("otp_totp_totpdevice", ""),
        ("otp_totp_totpdevice", str(device.pk)),
        ("accounts_user", str(other.user.pk)),
    }
    assert all(e.username == admin_staff.user.username for e in reads)


def test_the_access_log_is_closed_in_the_admin_even_for_a_superuser(admin_staff):
    assert admin_staff.user.is_superuser
    client = verified_client(admin_staff)
    assert client.get("/admin/core/accesslogentry/").status_code == 403
    entry = AccessLogEntry.objects.first()
    if entry is not None:
        with pytest.raises(AppendOnlyError):
            entry.delete()


def test_a_non_administrator_cannot_enter_the_admin(make_staff):
    client = verified_client(make_staff(Role.SUPERVISOR))
    assert client.get("/admin/").status_code == 302


# --- every change of access recorded -------------------------------------------------------


def test_role_changes_from_the_admin_are_recorded(admin_staff, make_staff, ended):
    other = make_staff(Role.COUNSELLOR, Role.CASE_WORKER)
    client = verified_client(admin_staff)
    counsellor = Group.objects.get(name=Role.COUNSELLOR.value)
    response = client.post(
        f"/admin/accounts/user/{other.user.pk}/change/",
        {
            "username": other.user.username,
            "first_name": "A",
            "last_name": "B",
            "email": "",
            "organisation": "",
            "is_active": "on",
            "groups": [counsellor.pk],
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "10:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    change = StaffChange.objects.get(what=StaffChange.What.ROLE_REMOVED)
    assert change.actor == admin_staff.user.username
    assert change.subject == other.user and change.detail == Role.CASE_WORKER.value
    assert (other.user.pk, signals.REASON_ROLE_REMOVED) in ended


def test_deactivation_password_and_second_factor_are_recorded(make_staff, ended):
    staff = make_staff(Role.COUNSELLOR)
    user = staff.user
    with acting_as("beheerder"):
        user.set_password("een-heel-nieuw-wachtwoord")
        user.save()
        user.is_active = False
        user.save()
        staff.device.delete()
    whats = list(
        StaffChange.objects.filter(subject=user).order_by("id").values_list("what", "actor")
    )
    assert (StaffChange.What.PASSWORD, "beheerder") in whats
    assert (StaffChange.What.DEACTIVATED, "beheerder") in whats
    assert (StaffChange.What.SECOND_FACTOR_REMOVED, "beheerder") in whats
    assert (user.pk, signals.REASON_DEACTIVATED) in ended
    assert (user.pk, signals.REASON_CREDENTIALS_CHANGED) in ended


def test_a_login_is_no_change_of_second_factor(make_staff):
    staff = make_staff(Role.COUNSELLOR)
    before = StaffChange.objects.count()
    Client().post(
        reverse("accounts:login"),
        {
            "username": staff.user.username,
            "password": STAFF_PASSWORD,
            "otp_token": current_totp(staff.user),
        },
    )
    assert StaffChange.objects.count() == before


def test_changes_from_the_command_line_are_recorded(make_staff, ended):
    staff = make_staff(Role.CASE_WORKER)
    staff.user.groups.remove(Group.objects.get(name=Role.CASE_WORKER.value))
    change = StaffChange.objects.get(what=StaffChange.What.ROLE_REMOVED)
    assert change.actor == "command line"
    assert (staff.user.pk, signals.REASON_ROLE_REMOVED) in ended
    # From the group's side, and clear(), too.
    other = make_staff(Role.COUNSELLOR)
    group = Group.objects.get(name=Role.COUNSELLOR.value)
    group.user_set.remove(other.user)
    third = make_staff(Role.COUNSELLOR)
    third.user.groups.clear()
    assert (other.user.pk, signals.REASON_ROLE_REMOVED) in ended
    assert (third.user.pk, signals.REASON_ROLE_REMOVED) in ended


def test_create_staff_command_is_recorded(capsys, monkeypatch):
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.StringIO("een-lang-en-sterk-wachtwoord\n"))
    call_command("create_staff", "nieuw", "--role", "counsellor", "--password-stdin")
    whats = set(StaffChange.objects.filter(subject_username="nieuw").values_list("what", flat=True))
    assert {"created", "role_added", "2fa_added"} <= whats


def test_the_role_change_log_is_append_only_and_shown_in_a_report(make_staff, admin_staff):
    make_staff(Role.COUNSELLOR)
    change = StaffChange.objects.first()
    with pytest.raises(AppendOnlyError):
        change.delete()
    with pytest.raises(AppendOnlyError):
        StaffChange.objects.all().update(actor="x")
    client = verified_client(admin_staff)
    page = client.get(reverse("accounts:role_changes"))
    assert page.status_code == 200
    assert "Rol gegeven" in page.content.decode()
    assert AccessLogEntry.objects.filter(record_type="staff_changes").exists()


# --- the end of access, from every door -----------------------------------------------------


def test_logout_announces_the_end_of_access(make_staff, ended):
    staff = make_staff(Role.COUNSELLOR)
    client = verified_client(staff)
    client.post(reverse("accounts:logout"))
    assert ended == [(staff.user.pk, signals.REASON_LOGOUT)]


def test_inactivity_timeout_announces_the_end_of_access(make_staff, ended, settings):
    settings.VANGNET_INACTIVITY_TIMEOUT = 60
    staff = make_staff(Role.COUNSELLOR)
    client = verified_client(staff)
    session = client.session
    session[LAST_SEEN_KEY] = time.time() - 75
    session.save()
    assert client.get(reverse("accounts:home")).status_code == 302
    assert ended == [(staff.user.pk, signals.REASON_TIMEOUT)]


def test_an_expired_session_does_not_count_as_verified_staff_on_a_socket(make_staff, settings):
    """The socket asks the same question as the page: a session idle too long is no login."""
    from importlib import import_module

    from vangnet.core.access import Action, socket_user_may

    settings.VANGNET_INACTIVITY_TIMEOUT = 60
    staff = make_staff(Role.COUNSELLOR)
    client = verified_client(staff)
    store = import_module(settings.SESSION_ENGINE).SessionStore
    session = store(session_key=client.session.session_key)
    session[LAST_SEEN_KEY] = time.time() - 10
    session.save()
    scope = {"user": staff.user, "session": store(session_key=session.session_key)}
    assert socket_user_may(scope, Action.CHAT_CONSOLE)
    session[LAST_SEEN_KEY] = time.time() - 75
    session.save()
    scope = {"user": staff.user, "session": store(session_key=session.session_key)}
    assert not socket_user_may(scope, Action.CHAT_CONSOLE)


@pytest.mark.postgres
@pytest.mark.postgres_db
def test_postgresql_refuses_to_change_the_role_change_log(make_staff):
    from django.db import DatabaseError, connection, transaction

    assert connection.vendor == "postgresql"
    make_staff(Role.COUNSELLOR)
    change = StaffChange.objects.first()
    table = StaffChange._meta.db_table
    for statement in (
        f"UPDATE {table} SET actor = 'x' WHERE id = %s",  # noqa: S608
        f"DELETE FROM {table} WHERE id = %s",  # noqa: S608
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(statement, [change.pk])
