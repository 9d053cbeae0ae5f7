"""The socket loop, as an ASGI application under Channels' test client: the client's frames
and the events of its groups are handled one at a time, in order; a refused connection is
closed; a socket that is gone is out of every group."""

from __future__ import annotations

import json
from typing import Any

import pytest
from channels.testing import WebsocketCommunicator

from vangnet.realtime import hub as hub_module
from vangnet.realtime.hub import hub
from vangnet.realtime.socket import Socket


@pytest.fixture(autouse=True)
def fresh_hub() -> None:
    hub_module.reset()


class EchoSocket(Socket):
    """Joins the group a client names; echoes frames; passes `note` events on."""

    async def connect(self) -> None:
        if self.scope["path"].endswith("/refused/"):
            await self.close(code=4403)
            return
        await self.accept()

    async def receive(self, text: str | None, data: bytes | None) -> None:
        frame = json.loads(text or "{}")
        if "join" in frame:
            await self.join(frame["join"])
            await self.send_json({"joined": frame["join"]})
        elif "leave" in frame:
            await self.leave(frame["leave"])
            await self.send_json({"left": frame["leave"]})
        else:
            await self.send_json({"echo": frame})

    async def note(self, event: dict[str, Any]) -> None:
        await self.send_json({"note": event["n"]})


def connect(path: str = "/ws/echo/") -> WebsocketCommunicator:
    return WebsocketCommunicator(EchoSocket.as_asgi(), path)


async def test_frames_are_answered_in_the_order_they_came() -> None:
    comm = connect()
    assert (await comm.connect())[0]
    for n in range(20):
        await comm.send_json_to({"n": n})
    assert [(await comm.receive_json_from())["echo"]["n"] for _ in range(20)] == list(range(20))
    await comm.disconnect()


async def test_group_events_reach_the_socket_between_its_frames_in_order() -> None:
    comm = connect()
    await comm.connect()
    await comm.send_json_to({"join": "room"})
    assert await comm.receive_json_from() == {"joined": "room"}
    hub().publish("room", {"type": "note", "n": 1})
    await comm.send_json_to({"n": 2})
    assert [await comm.receive_json_from() for _ in range(2)] == [{"note": 1}, {"echo": {"n": 2}}]
    for n in range(3, 10):
        hub().publish("room", {"type": "note", "n": n})
    assert [await comm.receive_json_from() for _ in range(7)] == [{"note": n} for n in range(3, 10)]
    await comm.send_json_to({"leave": "room"})
    assert await comm.receive_json_from() == {"left": "room"}
    hub().publish("room", {"type": "note", "n": 4})
    assert await comm.receive_nothing(0.2)
    await comm.disconnect()


async def test_a_refused_connection_is_closed_with_its_code() -> None:
    comm = connect("/ws/echo/refused/")
    connected, code = await comm.connect()
    assert not connected and code == 4403


async def test_a_socket_that_is_gone_is_in_no_group() -> None:
    comm = connect()
    await comm.connect()
    await comm.send_json_to({"join": "room"})
    await comm.receive_json_from()
    assert len(hub().groups["room"]) == 1
    await comm.disconnect()
    assert "room" not in hub().groups
    assert not hub().inboxes
