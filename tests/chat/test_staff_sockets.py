"""Issue 9's chat items: ended staff access closes every console, absent counsellors go off
duty, hostile frames are refused without closing the socket, and the Origin check is exact."""

from __future__ import annotations

import asyncio
import time

import pytest
from asgiref.sync import sync_to_async
from channels.testing.websocket import WebsocketCommunicator
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from django.urls import reverse

from tests.chat.conftest import ORIGIN, Socket, new_id, open_visitor, start_visitor
from tests.conftest import verified_client
from vangnet.accounts.middleware import LAST_SEEN_KEY
from vangnet.accounts.signals import REASON_LOGOUT, REASON_TIMEOUT, staff_access_ended
from vangnet.asgi import application
from vangnet.chat.models import Duty
from vangnet.core.roles import Role

pytestmark = pytest.mark.django_db(transaction=True)


async def console_for(client: Client) -> Socket:
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()
    comm = WebsocketCommunicator(application, "/ws/console/", headers=[ORIGIN, (b"cookie", cookie)])
    connected, _ = await comm.connect(timeout=10)
    assert connected
    return Socket(comm)


async def closed_with(sock: Socket, timeout: float = 5) -> int:
    """Read until the server closes the socket; returns the close code."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        output = await sock.comm.receive_output(timeout=max(0.01, deadline - loop.time()))
        if output["type"] == "websocket.close":
            return int(output.get("code", 1000))
        if output["type"] == "websocket.send":
            import json

            sock.seen.append(json.loads(output["text"]))


async def on_duty(user) -> bool:
    return await sync_to_async(Duty.objects.filter(user=user, on_duty=True).exists)()


async def accepted(console: Socket, visitor: Socket) -> str:
    queue = await console.until("queue")
    while not queue["items"]:
        queue = await console.until("queue")
    conversation = queue["items"][0]["conversation"]
    await console.send(type="accept", conversation=conversation)
    await console.until("chat")
    await visitor.until("state", status="active")
    return conversation


# --- sessions end everywhere ---------------------------------------------------------------


@pytest.mark.parametrize("reason", [REASON_LOGOUT, REASON_TIMEOUT])
async def test_ended_access_closes_every_console_of_that_person_and_nothing_more_reaches_it(
    counsellor, sockets, make_staff, reason
):
    staff, console = await counsellor()
    client = await sync_to_async(verified_client)(staff)
    second = await console_for(client)
    await second.until("hello")
    colleague, colleague_console = await counsellor()
    visitor, _ = await start_visitor()
    sockets += [console, second, colleague_console, visitor]
    await accepted(console, visitor)

    started = time.monotonic()
    await sync_to_async(staff_access_ended.send)(sender=None, user_id=staff.user.pk, reason=reason)
    for sock in (console, second):
        assert await closed_with(sock) == 4401
        assert sock.seen[-1]["code"] == "session_ended"
    assert time.monotonic() - started < 5
    assert not await on_duty(staff.user)

    # The visitor goes on writing: the closed consoles receive nothing, the colleague's stays.
    await visitor.send(type="send", id=new_id(), text="ben je er nog?")
    await visitor.until("ack")
    for sock in (console, second):
        assert await sock.silent(0.5)
    await colleague_console.send(type="ping")
    await colleague_console.until("pong")


async def test_a_console_after_logout_cannot_go_on_duty_or_accept_even_without_the_signal(
    counsellor, sockets
):
    staff, console = await counsellor(on_duty=False)
    sockets.append(console)
    # The session is deleted (as a logout does) but no signal arrives: the next act is refused.
    session_key = console.comm.scope["headers"][1][1].decode().split("=", 1)[1]
    await sync_to_async(SessionStore(session_key=session_key).delete)()
    await console.send(type="duty", on=True)
    assert await closed_with(console) == 4401
    assert not await sync_to_async(Duty.objects.filter(user=staff.user, on_duty=True).exists)()


async def test_a_console_is_refused_when_the_session_passed_the_inactivity_limit(
    make_staff, sockets, settings
):
    settings.VANGNET_INACTIVITY_TIMEOUT = 60
    staff = await sync_to_async(make_staff)()
    client = await sync_to_async(verified_client)(staff)

    def age_session() -> None:
        session = SessionStore(session_key=client.cookies["sessionid"].value)
        session[LAST_SEEN_KEY] = time.time() - 75
        session.save()

    await sync_to_async(age_session)()
    sock = await console_for(client)
    sockets.append(sock)
    assert await closed_with(sock) == 4401
    assert [f["type"] for f in sock.seen] == ["error"]  # no hello
    assert sock.seen[0]["code"] == "session_ended"


def _last_seen(client: Client) -> float | None:
    return SessionStore(session_key=client.cookies["sessionid"].value).get(LAST_SEEN_KEY)


def _set_last_seen(client: Client, at: float) -> None:
    session = SessionStore(session_key=client.cookies["sessionid"].value)
    session[LAST_SEEN_KEY] = at
    session.save()


async def test_work_in_the_console_keeps_the_login_alive_but_the_scripts_pings_do_not(
    make_staff, sockets, settings
):
    """A counsellor in a long chat loads no pages: their console work must count as activity,
    or the inactivity timeout would end their login mid-chat."""
    settings.VANGNET_INACTIVITY_TIMEOUT = 600
    staff = await sync_to_async(make_staff)(Role.COUNSELLOR)
    client = await sync_to_async(verified_client)(staff)
    sock = await console_for(client)
    sockets.append(sock)
    await sock.until("hello")
    idle_since = time.time() - 500
    await sync_to_async(_set_last_seen)(client, idle_since)
    await sock.send(type="ping")
    await sock.until("pong")
    assert await sync_to_async(_last_seen)(client) == idle_since  # a ping is no activity
    await sock.send(type="duty", on=True)
    await sock.until("duty")
    assert await sync_to_async(_last_seen)(client) > time.time() - 5
    page = await sync_to_async(client.get)(reverse("accounts:home"))
    assert page.status_code == 200  # the login lives on after the console work


async def test_console_work_does_not_revive_a_login_that_timed_out(make_staff, sockets, settings):
    settings.VANGNET_INACTIVITY_TIMEOUT = 600
    staff = await sync_to_async(make_staff)(Role.COUNSELLOR)
    client = await sync_to_async(verified_client)(staff)
    sock = await console_for(client)
    sockets.append(sock)
    await sock.until("hello")
    expired = time.time() - 700
    await sync_to_async(_set_last_seen)(client, expired)
    await sock.send(type="duty", on=True)
    assert await closed_with(sock) == 4401
    assert await sync_to_async(_last_seen)(client) == expired


# --- duty follows the console --------------------------------------------------------------


async def test_a_counsellor_without_console_goes_off_duty_and_waiting_visitors_are_told(
    counsellor, sockets, settings, client
):
    settings.VANGNET_CONSOLE_ABSENT_SECONDS = 0.6
    settings.VANGNET_CHAT_OPENING_HOURS = ""  # always open: the test may run at night
    staff, console = await counsellor()
    visitor, _ = await start_visitor()
    sockets.append(visitor)
    assert (await visitor.seen_state())["open"] is True
    await console.close()  # the laptop went to sleep: no goodbye
    state = await visitor.until("state", timeout=10, open=False)
    assert state["status"] == "waiting"
    assert not await on_duty(staff.user)
    page = await sync_to_async(client.get)(reverse("chat_public:chat"))
    assert 'id="chat-closed" hidden' not in page.content.decode()


async def test_a_counsellor_with_an_open_console_stays_on_duty(counsellor, sockets, settings):
    settings.VANGNET_CONSOLE_ABSENT_SECONDS = 0.6
    staff, console = await counsellor()
    visitor, _ = await start_visitor()
    sockets += [console, visitor]
    await asyncio.sleep(2)  # three absence limits
    assert await on_duty(staff.user)


# --- hostile frames: refused, the socket stays open ------------------------------------------


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ('{"type": "send", "id": "abcdefgh12", "text": "\\ud800x"}', "invalid_text"),
        ('{"type": "start", "role": "young_person", "nickname": "\\ud800"}', "invalid_field"),
        ('{"type": "start", "role": "young_person", "nickname": {"a": 1}}', "invalid_field"),
        ('{"type": "start", "role": "young_person", "language": "de"}', "invalid_field"),
        ('{"type": "resume", "token": "' + "A" * 43 + '", "last_seq": "3"}', "invalid_field"),
        ('{"type": "explode"}', "unknown_type"),
        ("[1, 2]", "malformed"),
        ("{not json", "malformed"),
    ],
)
async def test_a_hostile_visitor_frame_gets_an_error_and_the_socket_stays_open(sockets, raw, code):
    sock = await open_visitor()
    sockets.append(sock)
    await sock.send_raw(raw)
    err = await sock.until("error")
    assert err["code"] == code and err["message"]
    await sock.send(type="start", role="parent_carer", nickname="Mam", language="nl")
    await sock.until("welcome")


async def test_a_lone_surrogate_in_a_message_does_not_break_the_chat(counsellor, sockets):
    _, console = await counsellor()
    visitor, _ = await start_visitor()
    sockets += [console, visitor]
    await accepted(console, visitor)
    await visitor.send_raw('{"type": "send", "id": "surrogate01", "text": "\\ud800x"}')
    err = await visitor.until("error")
    assert err["code"] == "invalid_text" and err["id"] == "surrogate01"
    await visitor.send(type="send", id=new_id(), text="gewoon verder")
    await visitor.until("ack")
    got = await console.until("message", sender="visitor")
    assert got["text"] == "gewoon verder"


@pytest.mark.parametrize(
    "raw",
    [
        '{"type": "duty", "on": "yes"}',
        '{"type": "duty"}',
        '{"type": "handover", "conversation": "00000000-0000-0000-0000-000000000000", "to": "2"}',
        '{"type": "sync", "conversation": "\\ud800", "after": 0}',
        '{"type": "send", "conversation": 5, "id": "abcdefgh12", "text": "hoi"}',
    ],
)
async def test_a_hostile_console_frame_gets_an_error_and_changes_nothing(counsellor, sockets, raw):
    staff, console = await counsellor(on_duty=False)
    sockets.append(console)
    await console.send_raw(raw)
    err = await console.until("error")
    assert err["code"] in {"invalid_field", "invalid_target", "unknown_conversation"}
    assert not await sync_to_async(Duty.objects.filter(user=staff.user, on_duty=True).exists)()
    await console.send(type="ping")
    await console.until("pong")


# --- the Origin check: scheme, host and port ---------------------------------------------------


@pytest.mark.parametrize(
    ("origin", "host", "accepted"),
    [
        (b"http://127.0.0.1:8000", b"127.0.0.1:8000", True),
        (b"http://127.0.0.1:9999", b"127.0.0.1:8000", False),
        (b"https://127.0.0.1:8000", b"127.0.0.1:8000", False),
        (b"http://evil.example:8000", b"127.0.0.1:8000", False),
        (b"http://localhost", b"localhost", True),
        (b"http://localhost:80", b"localhost", True),
        (b"null", b"127.0.0.1:8000", False),
        (b"http://127.0.0.1:9999", None, False),
    ],
)
async def test_the_origin_must_match_scheme_host_and_port(origin, host, accepted):
    headers = [(b"origin", origin)] + ([(b"host", host)] if host else [])
    comm = WebsocketCommunicator(application, "/ws/chat/", headers=headers)
    connected, _ = await comm.connect(timeout=10)
    assert connected is accepted
    await comm.disconnect()


# --- overload: past a set depth new visitors are told it is very busy ---------------------------


async def test_past_the_waiting_limit_a_new_visitor_is_told_it_is_very_busy(
    counsellor, sockets, settings
):
    settings.VANGNET_CHAT_MAX_WAITING = 1
    first, _ = await start_visitor()
    second = await open_visitor()
    sockets += [first, second]
    await second.send(type="start", role="parent_carer", nickname="", language="nl")
    err = await second.until("error")
    assert err["code"] == "busy" and err["message"]
    await second.send(type="ping")
    await second.until("pong")  # refused, not closed
    _, console = await counsellor()
    sockets.append(console)
    hello = [frame for frame in console.seen if frame["type"] == "hello"][0]
    assert hello["busy"] is True


async def test_past_the_writer_depth_a_new_visitor_is_told_it_is_very_busy(sockets, settings):
    settings.VANGNET_CHAT_BUSY_DEPTH = -1  # as if the writer were behind
    sock = await open_visitor()
    sockets.append(sock)
    await sock.send(type="start", role="parent_carer", nickname="", language="nl")
    err = await sock.until("error")
    assert err["code"] == "busy"
