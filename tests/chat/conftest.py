"""Chat test helpers: real ASGI application, real sessions, channel layer from settings."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.testing.websocket import WebsocketCommunicator

from tests.conftest import verified_client
from vangnet.accounts.services import NewStaff
from vangnet.asgi import application
from vangnet.chat.models import Duty
from vangnet.core.roles import Role
from vangnet.realtime import hub

ORIGIN = (b"origin", b"http://127.0.0.1")


def new_id() -> str:
    return uuid.uuid4().hex


class Socket:
    """A WebsocketCommunicator that remembers what it received, by type."""

    def __init__(self, communicator: WebsocketCommunicator) -> None:
        self.comm = communicator
        self.seen: list[dict[str, Any]] = []

    async def send(self, **frame: Any) -> None:
        await self.comm.send_json_to(frame)

    async def send_raw(self, text: str) -> None:
        await self.comm.send_to(text_data=text)

    async def next(self, timeout: float = 10) -> dict[str, Any]:
        frame = await self.comm.receive_json_from(timeout=timeout)
        self.seen.append(frame)
        return frame

    async def until(self, frame_type: str, timeout: float = 10, **match: Any) -> dict[str, Any]:
        while True:
            frame = await self.next(timeout)
            if frame["type"] == frame_type and all(frame.get(k) == v for k, v in match.items()):
                return frame

    async def messages(self, count: int, timeout: float = 10) -> list[dict[str, Any]]:
        got = []
        while len(got) < count:
            frame = await self.next(timeout)
            if frame["type"] == "message":
                got.append(frame)
        return got

    async def seen_state(self) -> dict[str, Any]:
        """The last `state` frame received so far."""
        return [frame for frame in self.seen if frame["type"] == "state"][-1]

    async def silent(self, timeout: float = 0.3) -> bool:
        return await self.comm.receive_nothing(timeout=timeout)

    async def close(self) -> None:
        await self.comm.disconnect()


async def open_visitor() -> Socket:
    comm = WebsocketCommunicator(application, "/ws/chat/", headers=[ORIGIN])
    connected, _ = await comm.connect(timeout=10)
    assert connected
    return Socket(comm)


async def start_visitor(
    role: str = "young_person", nickname: str = "", language: str = "nl"
) -> tuple[Socket, str]:
    sock = await open_visitor()
    await sock.send(type="start", role=role, nickname=nickname, language=language)
    welcome = await sock.until("welcome")
    await sock.until("state")
    return sock, welcome["token"]


async def open_console(staff: NewStaff) -> Socket:
    client = await sync_to_async(verified_client)(staff)
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()
    comm = WebsocketCommunicator(application, "/ws/console/", headers=[ORIGIN, (b"cookie", cookie)])
    connected, _ = await comm.connect(timeout=10)
    assert connected
    sock = Socket(comm)
    return sock


@pytest.fixture(autouse=True)
def fresh_hub() -> None:
    """Each test gets its own hub (one would carry groups across tests)."""
    hub.reset()


@pytest.fixture
def counsellor(make_staff: Callable[..., NewStaff]) -> Callable[..., Any]:
    async def make(*roles: Role, on_duty: bool = True) -> tuple[NewStaff, Socket]:
        staff = await sync_to_async(make_staff)(*(roles or (Role.COUNSELLOR,)))
        if on_duty:
            await sync_to_async(Duty.objects.create)(user=staff.user, on_duty=True)
        sock = await open_console(staff)
        await sock.until("hello")
        return staff, sock

    return make


@pytest.fixture
async def sockets() -> AsyncIterator[list[Socket]]:
    """Register sockets here so they are always disconnected."""
    opened: list[Socket] = []
    yield opened
    for sock in opened:
        try:
            await sock.close()
        except Exception:  # noqa: S110 - already closed by the server
            pass
