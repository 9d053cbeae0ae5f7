"""A client of the chat protocol over real sockets (the `websockets` library).

Used by the load benchmark (`bench/chat_load.py`) and by the tests that run real server
processes (`tests/chat/test_scale_out.py`, `tests/chat/test_fault.py`). The protocol itself is
described in docs/chat-protocol.md.
"""

from __future__ import annotations

import asyncio
import http.cookiejar
import json
import re
import urllib.parse
import urllib.request
import uuid
from typing import Any

from websockets.asyncio.client import ClientConnection, connect


def new_id() -> str:
    return uuid.uuid4().hex


def staff_login(base_url: str, username: str, password: str, otp_code: str) -> str:
    """Log in at /staff/login/ with password and TOTP code; returns the session id."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    login_url = f"{base_url}/staff/login/"
    page = opener.open(login_url, timeout=10).read().decode()
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if match is None:
        raise RuntimeError("the login page has no CSRF token")
    form = urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": match.group(1),
            "username": username,
            "password": password,
            "otp_token": otp_code,
        }
    ).encode()
    request = urllib.request.Request(  # noqa: S310 - our own server's URL
        login_url, data=form, headers={"Referer": login_url, "Origin": base_url}
    )
    response = opener.open(request, timeout=10)
    session = next((c.value for c in jar if c.name == "sessionid"), None)
    if session is None or response.geturl().rstrip("/").endswith("/staff/login"):
        raise RuntimeError(f"login as {username} failed")
    return session


class Socket:
    """One WebSocket: JSON frames out, and everything received kept in order."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.seen: list[dict[str, Any]] = []
        self._inbox: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue()
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        try:
            async for raw in self.ws:
                frame = json.loads(raw)
                self.seen.append(frame)
                await self._inbox.put(frame)
        except Exception:  # noqa: S110 - a dropped connection ends the stream
            pass
        finally:
            await self._inbox.put(None)

    @property
    def closed(self) -> bool:
        return self._reader.done()

    async def send(self, **frame: Any) -> None:
        await self.ws.send(json.dumps(frame))

    async def next(self, timeout: float = 10) -> dict[str, Any]:
        frame = await asyncio.wait_for(self._inbox.get(), timeout)
        if frame is None:
            await self._inbox.put(None)  # stay closed for the next caller
            raise ConnectionError("the server closed the connection")
        return frame

    async def until(self, frame_type: str, timeout: float = 10, **match: Any) -> dict[str, Any]:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            frame = await self.next(max(0.01, deadline - loop.time()))
            if frame["type"] == frame_type and all(frame.get(k) == v for k, v in match.items()):
                return frame

    def messages(self) -> list[dict[str, Any]]:
        return [f for f in self.seen if f["type"] == "message"]

    async def close(self) -> None:
        await self.ws.close()
        self._reader.cancel()


async def open_socket(ws_url: str, path: str, session: str | None = None) -> Socket:
    # The Origin a browser sends: the page's scheme (https for wss), host and port.
    scheme, rest = ws_url.split("://", 1)
    origin = ("https://" if scheme == "wss" else "http://") + rest.split("/", 1)[0]
    headers = {"Cookie": f"sessionid={session}"} if session else None
    ws = await connect(
        f"{ws_url}{path}",
        origin=origin,  # type: ignore[arg-type]
        additional_headers=headers,
        open_timeout=30,
        max_size=2**20,
    )
    return Socket(ws)


async def start_visitor(
    ws_url: str, role: str = "young_person", nickname: str = ""
) -> tuple[Socket, str]:
    """A new anonymous visitor in the queue; returns the socket and the visitor's token."""
    sock = await open_socket(ws_url, "/ws/chat/")
    await sock.send(type="start", role=role, nickname=nickname, language="nl")
    welcome = await sock.until("welcome")
    await sock.until("state")
    return sock, welcome["token"]


async def resume_visitor(ws_url: str, token: str, last_seq: int) -> Socket:
    sock = await open_socket(ws_url, "/ws/chat/")
    await sock.send(type="resume", token=token, last_seq=last_seq)
    await sock.until("welcome")
    return sock


async def open_console(ws_url: str, session: str) -> Socket:
    sock = await open_socket(ws_url, "/ws/console/", session)
    await sock.until("hello")
    return sock
