"""The access policy denies by default and is checked when the app starts (issue 9).

- every action has exactly one row; a doubled row, a missing row, a row without roles, or an
  object rule that cannot be imported stops start-up;
- an action asked about an object when its row names no object rule is refused;
- the command line asks the same policy; both WebSocket routes × every role.
"""

from __future__ import annotations

import asyncio
import dataclasses

import pytest
from channels.testing.websocket import WebsocketCommunicator
from django.core.exceptions import ImproperlyConfigured

from tests.conftest import verified_client
from vangnet.core import access
from vangnet.core.access import (
    COMMAND_LINE,
    POLICY,
    AccessDenied,
    Action,
    check_policy,
    load_policy,
    may,
    require,
    rule,
)
from vangnet.core.roles import Role


@pytest.fixture
def restore_policy():
    yield
    load_policy()


def test_the_policy_is_loaded_when_the_app_starts():
    assert access._loaded is not None
    assert set(access._loaded.rows) == set(Action)


def test_a_doubled_row_stops_start_up():
    doubled = (*POLICY, rule(Action.CHAT_CONSOLE, Role.ADMINISTRATOR))
    with pytest.raises(ImproperlyConfigured, match="declared twice"):
        check_policy(doubled)


def test_an_action_without_a_row_stops_start_up():
    missing = tuple(r for r in POLICY if r.action != Action.GUIDE_EDIT)
    with pytest.raises(ImproperlyConfigured, match="no row for guide.edit"):
        check_policy(missing)


def test_a_row_without_roles_stops_start_up():
    empty = tuple(rule(r.action) if r.action == Action.GUIDE_EDIT else r for r in POLICY)
    with pytest.raises(ImproperlyConfigured, match="names no role"):
        check_policy(empty)


def test_an_object_rule_that_cannot_be_imported_stops_start_up(restore_policy):
    broken = tuple(
        dataclasses.replace(r, object_rule="vangnet.cases.policy.no_such_rule")
        if r.action == Action.CASE_WORK
        else r
        for r in POLICY
    )
    with pytest.raises(ImproperlyConfigured, match="no_such_rule"):
        load_policy(broken)


def test_a_rule_marked_for_another_action_stops_start_up(restore_policy):
    crossed = tuple(
        dataclasses.replace(r, object_rule="vangnet.sharing.policy.partner_may_see_share")
        if r.action == Action.CASE_WORK
        else r
        for r in POLICY
    )
    with pytest.raises(ImproperlyConfigured, match="not a rule for cases.work"):
        load_policy(crossed)


@pytest.mark.django_db
def test_an_object_without_a_declared_rule_is_refused(make_staff, restore_policy):
    staff = make_staff(Role.SUPERVISOR)
    assert may(staff.user, Action.CHAT_SUPERVISE)
    assert not may(staff.user, Action.CHAT_SUPERVISE, object())
    with pytest.raises(AccessDenied):
        require(staff.user, Action.CHAT_SUPERVISE, object())
    # Take the transcript rule away: the action still works without an object, never with one.
    without = tuple(
        dataclasses.replace(r, object_rule=None) if r.action == Action.CHAT_TRANSCRIPT else r
        for r in POLICY
    )
    load_policy(without)
    assert may(staff.user, Action.CHAT_TRANSCRIPT)
    assert not may(staff.user, Action.CHAT_TRANSCRIPT, object())


def test_the_command_line_has_the_administrators_role_and_no_more():
    assert may(COMMAND_LINE, Action.STAFF_MANAGE)
    assert may(COMMAND_LINE, Action.CONTACT_IMPORT)
    assert not may(COMMAND_LINE, Action.CASE_WORK)
    assert not may(COMMAND_LINE, Action.CHAT_CONSOLE)


# --- both WebSocket routes × every role ----------------------------------------------------


async def _console_answer(cookie: bytes | None) -> dict:
    from vangnet.asgi import application

    headers = [(b"origin", b"http://127.0.0.1")]
    if cookie:
        headers.append((b"cookie", cookie))
    comm = WebsocketCommunicator(application, "/ws/console/", headers=headers)
    connected, _ = await comm.connect(timeout=10)
    assert connected  # accepted, then told why (or greeted)
    first = await comm.receive_json_from(timeout=10)
    await comm.disconnect()
    return first


async def _visitor_answer() -> dict:
    from vangnet.asgi import application

    comm = WebsocketCommunicator(
        application, "/ws/chat/", headers=[(b"origin", b"http://127.0.0.1")]
    )
    connected, _ = await comm.connect(timeout=10)
    await comm.disconnect()
    return {"connected": connected}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", [None, *Role], ids=lambda r: r.value if r else "anonymous")
def test_both_socket_routes_for_every_role(role, make_staff):
    """The console opens only for roles the policy gives CHAT_CONSOLE; the visitor's socket
    is open to anyone and reads no session at all."""
    cookie = None
    allowed = False
    if role is not None:
        staff = make_staff(role)
        client = verified_client(staff)
        cookie = f"sessionid={client.cookies['sessionid'].value}".encode()
        allowed = may(staff.user, Action.CHAT_CONSOLE)
    first = asyncio.run(_console_answer(cookie))
    if allowed:
        assert first["type"] == "hello", first
    else:
        assert first["type"] == "error" and first.get("code") == "forbidden", first
    assert asyncio.run(_visitor_answer()) == {"connected": True}


@pytest.mark.django_db(transaction=True)
def test_a_password_login_without_the_code_opens_no_console(make_staff):
    from django.test import Client

    staff = make_staff(Role.COUNSELLOR)
    client = Client()
    client.force_login(staff.user)
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()
    first = asyncio.run(_console_answer(cookie))
    assert first["type"] == "error"
