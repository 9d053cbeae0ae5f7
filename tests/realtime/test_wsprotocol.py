"""The WebSocket protocol of `vangnet serve` (realtime/wsprotocol.py) in a real uvicorn server,
talked to by a real client: a socket's frames arrive whole and in order, text frames of every
length class are framed right, closing works both ways, bad UTF-8 closes with 1007, and an ASGI
app that does not ask for the inbox still gets uvicorn's own path."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest
import uvicorn
from hypothesis import given, settings
from hypothesis import strategies as st
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed
from websockets.frames import Frame, Opcode
from websockets.protocol import CLIENT, Protocol
from websockets.streams import StreamReader

from vangnet.realtime import hub as hub_module
from vangnet.realtime.hub import hub
from vangnet.realtime.socket import Socket
from vangnet.realtime.wsprotocol import FRAMES_EXTENSION, text_frame


class Recorder(Socket):
    """Echoes each frame, says how it got its frames, repeats a `note` event; `big` asks for a
    reply of that many characters; `close` closes from the server's side; `slow` takes a
    while. A `quick` event is sent at once when the socket is idle, counted in `AT_ONCE`."""

    async def connect(self) -> None:
        await self.accept()
        await self.join("room")

    async def receive(self, text: str | None, data: bytes | None) -> None:
        frame = json.loads(text or "{}")
        if "big" in frame:
            await self.send_frame("é" * frame["big"])
        elif "close" in frame:
            await self.close(code=4000)
        elif "slow" in frame:
            await asyncio.sleep(0.2)
            await self.send_json({"slow": "done"})
        elif "how" in frame:
            await self.send_json({"direct": FRAMES_EXTENSION in self.scope["extensions"]})
        else:
            await self.send_json({"echo": frame})

    async def note(self, event: dict[str, Any]) -> None:
        await self.send_json({"note": event["n"]})

    def at_once(self, event: dict[str, Any]) -> bool:
        if event["type"] != "quick" or not self.can_send_now():
            return False
        AT_ONCE.append(event["n"])
        self.send_frame_now(json.dumps({"quick": event["n"]}))
        return True

    async def quick(self, event: dict[str, Any]) -> None:
        await self.send_json({"quick": event["n"]})


AT_ONCE: list[int] = []


async def plain_echo(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """An ASGI app of another kind: takes frames with `receive()`."""
    assert (await receive())["type"] == "websocket.connect"
    await send({"type": "websocket.accept"})
    while (message := await receive())["type"] == "websocket.receive":
        await send({"type": "websocket.send", "text": message["text"].upper()})


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def serving(app: Any) -> AsyncIterator[str]:
    port = free_port()
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        ws="vangnet.realtime.wsprotocol:WebSocketProtocol",
        ws_per_message_deflate=False,
        lifespan="off",
        log_level="warning",
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
    try:
        yield f"ws://127.0.0.1:{port}/"
    finally:
        server.should_exit = True
        await task


@pytest.fixture
async def url() -> AsyncIterator[str]:
    hub_module.reset()
    async for address in serving(Recorder.as_asgi()):
        yield address


async def test_the_socket_takes_its_frames_from_the_server_directly(url: str) -> None:
    async with connect(url, compression=None) as ws:
        await ws.send(json.dumps({"how": 1}))
        assert json.loads(await ws.recv()) == {"direct": True}


async def test_a_burst_of_frames_and_events_comes_back_whole_and_in_order(url: str) -> None:
    async with connect(url, compression=None) as ws:
        for n in range(500):
            await ws.send(json.dumps({"n": n}))
        echoes = [json.loads(await ws.recv())["echo"]["n"] for _ in range(500)]
        assert echoes == list(range(500))
        for n in range(50):
            hub().publish("room", {"type": "note", "n": n})
        assert [json.loads(await ws.recv())["note"] for _ in range(50)] == list(range(50))


async def test_an_event_is_sent_at_once_only_while_the_socket_is_idle(url: str) -> None:
    AT_ONCE.clear()
    async with connect(url, compression=None) as ws:
        await ws.send(json.dumps({"n": 0}))
        assert json.loads(await ws.recv()) == {"echo": {"n": 0}}
        hub().publish("room", {"type": "quick", "n": 1})  # idle: written at once
        assert AT_ONCE == [1]
        assert json.loads(await ws.recv()) == {"quick": 1}
        await ws.send(json.dumps({"slow": 1}))
        await asyncio.sleep(0.05)  # the socket is busy with it now
        hub().publish("room", {"type": "quick", "n": 2})
        hub().publish("room", {"type": "note", "n": 3})
        # Busy: both wait in the inbox, behind the slow frame, in their order.
        assert AT_ONCE == [1]
        replies = [json.loads(await ws.recv()) for _ in range(3)]
        assert replies == [{"slow": "done"}, {"quick": 2}, {"note": 3}]


@pytest.mark.parametrize("size", [0, 62, 63, 64, 125, 126, 30_000, 40_000])
async def test_text_frames_of_every_length_class_reach_the_client_intact(
    url: str, size: int
) -> None:
    # "é" is two bytes: 62 -> 124 bytes (one-byte length), 63 -> 126 (two-byte length),
    # 40,000 -> 80,000 (eight-byte length).
    async with connect(url, compression=None, max_size=None) as ws:
        await ws.send(json.dumps({"big": size}))
        assert await ws.recv() == "é" * size


async def test_a_client_offering_compression_is_served_without_it(url: str) -> None:
    async with connect(url, compression="deflate") as ws:
        assert ws.protocol.extensions == []
        await ws.send(json.dumps({"n": 1}))
        assert json.loads(await ws.recv()) == {"echo": {"n": 1}}


async def test_the_server_closes_with_its_code(url: str) -> None:
    async with connect(url, compression=None) as ws:
        await ws.send(json.dumps({"close": 1}))
        with pytest.raises(ConnectionClosed):
            await ws.recv()
        assert ws.close_code == 4000


async def test_a_client_that_leaves_leaves_no_socket_behind(url: str) -> None:
    async with connect(url, compression=None) as ws:
        await ws.send(json.dumps({"n": 1}))
        await ws.recv()
    for _ in range(100):
        if not hub().groups:
            break
        await asyncio.sleep(0.01)
    assert hub().groups == {}


async def test_a_text_frame_that_is_not_utf8_closes_with_1007(url: str) -> None:
    reader, writer = await asyncio.open_connection(*url[5:-1].split(":"))
    client = Protocol(CLIENT)
    writer.write(
        b"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    )
    assert b" 101 " in await reader.readuntil(b"\r\n\r\n")
    client.send_frame(Frame(Opcode.TEXT, b"\xff\xfe"))
    writer.write(b"".join(client.data_to_send()))
    client.receive_data(await asyncio.wait_for(reader.read(100), 5))
    assert client.close_rcvd is not None and client.close_rcvd.code == 1007
    writer.close()


async def test_an_app_that_does_not_ask_for_the_inbox_uses_receive() -> None:
    async for url in serving(plain_echo):
        async with connect(url, compression=None) as ws:
            for word in ("een", "twee", "drie"):
                await ws.send(word)
            assert [await ws.recv() for _ in range(3)] == ["EEN", "TWEE", "DRIE"]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=70_000))
def test_text_frame_is_what_websockets_parses_as_that_text(text: str) -> None:
    data = text.encode()
    reader = StreamReader()
    reader.feed_data(text_frame(data))
    parser = Frame.parse(reader.read_exact, mask=False, max_size=None)
    try:
        next(parser)
    except StopIteration as done:
        frame = done.value
    assert frame.opcode is Opcode.TEXT and frame.fin and frame.data == data
