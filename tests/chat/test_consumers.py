"""The chat protocol end to end through the real ASGI application (WebsocketCommunicator)."""

from __future__ import annotations

import json

import pytest
from asgiref.sync import sync_to_async

from tests.chat.conftest import new_id, open_visitor, start_visitor
from vangnet.chat.models import Conversation, Message
from vangnet.core.models import AccessLogEntry
from vangnet.core.roles import Role

pytestmark = pytest.mark.django_db(transaction=True)


async def accepted_pair(counsellor, sockets):
    staff, console = await counsellor()
    visitor, token = await start_visitor(nickname="Mila")
    sockets += [console, visitor]
    queue = await console.until("queue")
    item = queue["items"][0]
    assert item["nickname"] == "Mila"
    await console.send(type="accept", conversation=item["conversation"])
    chat = await console.until("chat")
    await visitor.until("state", status="active")
    return staff, console, visitor, token, chat["conversation"]


async def test_visitor_waits_in_queue_and_sees_position(sockets):
    first, _ = await start_visitor()
    second = await open_visitor()
    sockets += [first, second]
    await second.send(type="start", role="parent_carer", nickname="", language="nl")
    welcome = await second.until("welcome")
    state = await second.until("state")
    assert len(welcome["token"]) >= 32
    assert state["status"] == "waiting"
    assert state["position"] == 2


async def test_messages_flow_both_ways_with_acks(counsellor, sockets):
    staff, console, visitor, token, conv = await accepted_pair(counsellor, sockets)
    msg_id = new_id()
    await visitor.send(type="send", id=msg_id, text="Hallo, ik weet niet wat ik moet doen")
    ack = await visitor.until("ack")
    assert ack["id"] == msg_id
    received = await console.until("message", sender="visitor")
    assert received["text"] == "Hallo, ik weet niet wat ik moet doen"
    assert received["seq"] == ack["seq"]

    reply_id = new_id()
    await console.send(type="send", conversation=conv, id=reply_id, text="Fijn dat je er bent.")
    await console.until("ack", id=reply_id)
    reply = await visitor.until("message", sender="counsellor")
    assert reply["text"] == "Fijn dat je er bent."
    assert reply["author"] == staff.user.first_name


async def test_a_resent_message_is_stored_once(counsellor, sockets):
    _, console, visitor, _, _ = await accepted_pair(counsellor, sockets)
    msg_id = new_id()
    await visitor.send(type="send", id=msg_id, text="een keer")
    first = await visitor.until("ack")
    await visitor.send(type="send", id=msg_id, text="een keer")
    second = await visitor.until("ack")
    assert first["seq"] == second["seq"]
    count = await sync_to_async(Message.objects.filter(client_msg_id=msg_id).count)()
    assert count == 1
    await console.until("message", sender="visitor")
    assert await console.silent()  # the resend is not delivered twice


async def test_reconnect_with_token_gets_missed_messages_in_order(counsellor, sockets):
    _, console, visitor, token, conv = await accepted_pair(counsellor, sockets)
    await visitor.send(type="send", id=new_id(), text="voor de storing")
    ack = await visitor.until("ack")
    await visitor.close()
    for i in range(3):
        await console.send(type="send", conversation=conv, id=new_id(), text=f"gemist {i}")
        await console.until("ack")
    again = await open_visitor()
    sockets.append(again)
    await again.send(type="resume", token=token, last_seq=ack["seq"])
    await again.until("welcome")
    missed = await again.messages(3)
    assert [m["text"] for m in missed] == ["gemist 0", "gemist 1", "gemist 2"]
    assert [m["seq"] for m in missed] == sorted(m["seq"] for m in missed)
    assert missed[0]["seq"] == ack["seq"] + 1


async def test_console_reconnect_syncs_what_it_missed(counsellor, sockets, make_staff):
    staff, console, visitor, token, conv = await accepted_pair(counsellor, sockets)
    await console.close()
    await visitor.send(type="send", id=new_id(), text="ben je er nog?")
    await visitor.until("ack")
    from tests.chat.conftest import open_console

    console2 = await open_console(staff)
    sockets.append(console2)
    hello = await console2.until("hello")
    assert [c["conversation"] for c in hello["chats"]] == [conv]
    await console2.send(type="sync", conversation=conv, after=0)
    await console2.until("chat")
    texts = [m["text"] for m in await console2.messages(2)]
    assert "ben je er nog?" in texts


async def test_too_long_message_is_refused_with_a_notice(counsellor, sockets, settings):
    _, console, visitor, _, _ = await accepted_pair(counsellor, sockets)
    msg_id = new_id()
    await visitor.send(
        type="send", id=msg_id, text="x" * (settings.VANGNET_CHAT_MAX_MESSAGE_CHARS + 1)
    )
    err = await visitor.until("error")
    assert err["code"] == "too_long"
    assert err["id"] == msg_id
    assert "4000" in err["message"]
    # The socket stays usable.
    await visitor.send(type="send", id=new_id(), text="korter")
    await visitor.until("ack")


async def test_control_characters_are_removed_and_markup_kept_as_text(counsellor, sockets):
    _, console, visitor, _, _ = await accepted_pair(counsellor, sockets)
    await visitor.send(type="send", id=new_id(), text="a\x00b\x07c\u202e <b>d</b>")
    await visitor.until("ack")
    got = await console.until("message", sender="visitor")
    assert got["text"] == "abc <b>d</b>"


async def test_rate_limit_answers_with_a_notice(counsellor, sockets, settings):
    settings.VANGNET_CHAT_RATE_LIMIT = 5
    _, console, visitor, _, _ = await accepted_pair(counsellor, sockets)
    for _ in range(5):
        await visitor.send(type="send", id=new_id(), text="snel")
        await visitor.until("ack")
    await visitor.send(type="send", id=new_id(), text="te snel")
    err = await visitor.until("error")
    assert err["code"] == "rate_limited"


async def test_malformed_frame_gets_an_error_and_the_chat_goes_on(counsellor, sockets):
    _, console, visitor, _, conv = await accepted_pair(counsellor, sockets)
    await visitor.send_raw("{not json")
    err = await visitor.until("error")
    assert err["code"] == "malformed"
    # The socket stays open and the conversation goes on.
    await visitor.send(type="send", id=new_id(), text="nog steeds hier")
    await visitor.until("ack")
    await console.until("message", sender="visitor")


@pytest.mark.parametrize(
    "frame",
    [
        "[]",
        '{"type": 5}',
        '{"type": "explode"}',
        '{"type": "resume", "token": "short"}',
        '{"type": "send", "id": "x", "text": "hoi"}',
    ],
)
async def test_bad_frames_get_clear_errors(frame, sockets):
    sock = await open_visitor()
    sockets.append(sock)
    await sock.send_raw(frame)
    err = await sock.until("error")
    assert err["code"] in {"malformed", "unknown_type", "unknown_token", "invalid_id"}
    assert err["message"]


async def test_unknown_token_is_refused_and_closed(sockets):
    sock = await open_visitor()
    sockets.append(sock)
    await sock.send(type="resume", token="A" * 43, last_seq=0)
    err = await sock.until("error")
    assert err["code"] == "unknown_token"
    closed = await sock.comm.receive_output(timeout=2)
    assert closed["type"] == "websocket.close"
    assert closed["code"] == 4404


async def test_ended_conversation_token_expires(counsellor, sockets):
    _, console, visitor, token, conv = await accepted_pair(counsellor, sockets)
    await visitor.send(type="end")
    await visitor.until("state", status="ended")
    again = await open_visitor()
    sockets.append(again)
    await again.send(type="resume", token=token, last_seq=0)
    err = await again.until("error")
    assert err["code"] == "expired"


async def test_hand_over_with_an_internal_note(counsellor, sockets):
    staff, console, visitor, _, conv = await accepted_pair(counsellor, sockets)
    colleague, console2 = await counsellor()
    sockets.append(console2)
    await console.send(type="colleagues")
    people = await console.until("colleagues")
    assert colleague.user.pk in [p["id"] for p in people["people"]]
    await console.send(
        type="handover", conversation=conv, to=colleague.user.pk, note="Moeder, zorgen over dochter"
    )
    assigned = await console2.until("assigned")
    assert assigned["conversation"] == conv
    chat = await console2.until("chat")
    assert chat["notes"][0]["note"] == "Moeder, zorgen over dochter"
    notice = await visitor.until("message", sender="system")
    assert notice["system"] == "handover"
    state = await visitor.until("state")
    assert state["counsellor"] == colleague.user.first_name
    # The visitor never receives the note.
    assert "Moeder" not in json.dumps(visitor.seen)
    # The first counsellor can no longer write in it.
    await console.send(type="send", conversation=conv, id=new_id(), text="nog iets")
    err = await console.until("error")
    assert err["code"] == "not_yours"
    # The new counsellor can.
    await console2.send(type="send", conversation=conv, id=new_id(), text="Ik neem het over.")
    reply = await visitor.until("message", sender="counsellor")
    assert reply["text"] == "Ik neem het over."


async def test_maximum_chats_per_counsellor(counsellor, sockets, settings):
    settings.VANGNET_CHAT_MAX_PER_COUNSELLOR = 1
    _, console, visitor, _, _ = await accepted_pair(counsellor, sockets)
    other, _ = await start_visitor()
    sockets.append(other)
    queue = await console.until("queue")
    while not queue["items"]:
        queue = await console.until("queue")
    await console.send(type="accept", conversation=queue["items"][0]["conversation"])
    err = await console.until("error")
    assert err["code"] == "capacity"


async def test_supervisor_reads_along_and_it_is_logged(counsellor, sockets):
    _, console, visitor, _, conv = await accepted_pair(counsellor, sockets)
    await visitor.send(type="send", id=new_id(), text="moeilijk verhaal")
    await visitor.until("ack")
    supervisor, sup_console = await counsellor(Role.SUPERVISOR)
    sockets.append(sup_console)
    hello_active = [frame for frame in sup_console.seen if frame["type"] == "hello"][0]["active"]
    assert conv in [a["conversation"] for a in hello_active]
    await sup_console.send(type="read_along", conversation=conv)
    await sup_console.until("chat", reading_along=True)
    texts = [m["text"] for m in await sup_console.messages(2)]
    assert "moeilijk verhaal" in texts
    logged = await sync_to_async(
        AccessLogEntry.objects.filter(
            event=AccessLogEntry.Event.CHAT_READ_ALONG, user=supervisor.user, record_id=conv
        ).count
    )()
    assert logged == 1


async def test_counsellor_opening_a_chat_is_logged(counsellor, sockets):
    staff, console, visitor, _, conv = await accepted_pair(counsellor, sockets)
    entry = await sync_to_async(
        AccessLogEntry.objects.filter(event=AccessLogEntry.Event.TRANSCRIPT_READ).first
    )()
    assert entry.username == staff.user.username
    assert entry.record_id == conv
    assert entry.role == "counsellor"
    assert entry.access_point == "ws:console"


async def test_typing_is_shown_to_the_other_side(counsellor, sockets):
    _, console, visitor, _, conv = await accepted_pair(counsellor, sockets)
    await visitor.send(type="typing")
    typing = await console.until("typing")
    assert typing["from"] == "visitor"
    assert typing["conversation"] == conv


async def test_console_refuses_users_without_second_factor(make_staff, sockets):
    from channels.testing.websocket import WebsocketCommunicator
    from django.test import Client

    from tests.chat.conftest import ORIGIN
    from vangnet.asgi import application

    staff = await sync_to_async(make_staff)(Role.COUNSELLOR)
    client = Client()
    await sync_to_async(client.force_login)(staff.user)  # password only, no TOTP
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()
    comm = WebsocketCommunicator(application, "/ws/console/", headers=[ORIGIN, (b"cookie", cookie)])
    await comm.connect()
    err = await comm.receive_json_from()
    assert err["code"] == "forbidden"
    closed = await comm.receive_output()
    assert closed["code"] == 4403
    await comm.disconnect()


async def test_researcher_cannot_use_the_console(make_staff, sockets):
    from tests.chat.conftest import open_console

    staff = await sync_to_async(make_staff)(Role.RESEARCHER)
    sock = await open_console(staff)
    sockets.append(sock)
    err = await sock.until("error")
    assert err["code"] == "forbidden"


async def test_nothing_about_the_visitor_device_is_stored(sockets):
    sock, token = await start_visitor(nickname="Sam")
    sockets.append(sock)
    conversation = await sync_to_async(Conversation.objects.get)()
    stored = json.dumps(
        {f.name: str(getattr(conversation, f.attname)) for f in Conversation._meta.concrete_fields}
    )
    assert "127.0.0.1" not in stored
    assert token not in stored  # only a hash of the token is kept


async def test_a_conversation_id_that_is_no_uuid_gets_an_error_not_a_crash(counsellor, sockets):
    _, console = await counsellor(Role.SUPERVISOR)
    sockets.append(console)
    for frame_type in ("accept", "read_along", "sync", "end"):
        await console.send(type=frame_type, conversation="not-a-uuid")
        err = await console.until("error")
        assert err["code"] in {"unknown_conversation", "not_yours"}
        assert err["message"]
    await console.send(type="ping")
    await console.until("pong")  # the socket is still open
