"""Quick exit across server processes: the beacon reaches process A, the counsellor's console
is on process B; B hears it through Redis within 2 seconds (PostgreSQL + Redis, two servers)."""

from __future__ import annotations

import asyncio
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from bench.chatclient import open_console, start_visitor

from tests.chat.test_scale_out import login, postgres_database, production_env
from tests.servers import Server, start_all

pytestmark = [pytest.mark.slow]


def beacon(server: Server, token: str) -> int:
    """What navigator.sendBeacon sends: a form-encoded POST, no cookie."""
    body = urllib.parse.urlencode({"token": token}).encode()
    url = f"{server.url}/chat/quick-exit/"
    request = urllib.request.Request(url, data=body, method="POST")  # noqa: S310 - ours
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 - our test server
            return int(answer.status)
    except urllib.error.HTTPError as err:
        return int(err.code)


@pytest.mark.postgres
@pytest.mark.redis
async def test_quick_exit_on_one_process_reaches_the_console_on_another(tmp_path: Path) -> None:
    with postgres_database() as database_url:
        env = production_env(tmp_path, database_url)
        a, b = start_all([Server(env=env), Server(env=env)])
        try:
            console = await open_console(b.ws_url, login(b, "anna"))
            await console.send(type="duty", on=True)
            await console.until("duty")
            visitor, token = await start_visitor(a.ws_url, nickname="Mila")
            queue = await console.until("queue", timeout=10)
            while not queue["items"]:
                queue = await console.until("queue", timeout=10)
            conversation = queue["items"][0]["conversation"]
            await console.send(type="accept", conversation=conversation)
            await console.until("chat", conversation=conversation)
            await visitor.until("state", status="active")

            # A process's very first HTTP request loads the URL conf and views (about 1 s on a
            # busy machine); a serving process has long done that (the chat page, its polls).
            assert await asyncio.to_thread(beacon, a, "not-a-token") == 404
            started = time.monotonic()
            assert await asyncio.to_thread(beacon, a, token) == 204
            note = await console.until("message", timeout=2, system="ended_quick_exit")
            assert time.monotonic() - started < 2.0
            assert note["conversation"] == conversation
            await console.until("state", timeout=2, conversation=conversation, status="ended")
            await visitor.close()
            await console.close()
        finally:
            a.stop()
            b.stop()
