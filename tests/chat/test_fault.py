"""The fault test: the server process is killed (SIGKILL) while visitor and counsellor are both
sending. After a restart both reconnect, resend what was not acknowledged, and the stored
transcript holds every message exactly once, in order; each side receives every message once."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from bench.chatclient import Socket, new_id, open_console, resume_visitor, start_visitor

from tests.chat.test_scale_out import login, postgres_database, production_env
from tests.servers import Server, prepared_env, run_cli

pytestmark = [pytest.mark.slow]

# The rate limit is not under test here; the senders go as fast as the server answers.
NO_RATE_LIMIT = {"VANGNET_CHAT_RATE_LIMIT": "1000000"}
ACKED_BEFORE_KILL = 25
IN_FLIGHT = 4


@dataclass
class Side:
    """One participant: what it sent, in order, and the acknowledgements it received."""

    name: str
    sent: list[tuple[str, str]] = field(default_factory=list)  # (client id, text)
    sockets: list[Socket] = field(default_factory=list)

    @property
    def socket(self) -> Socket:
        return self.sockets[-1]

    def acks(self) -> dict[str, int]:
        return {f["id"]: f["seq"] for s in self.sockets for f in s.seen if f["type"] == "ack"}

    def unacknowledged(self) -> list[tuple[str, str]]:
        acked = self.acks()
        return [(i, t) for i, t in self.sent if i not in acked]

    def received(self) -> list[dict[str, Any]]:
        """Every message frame, over every connection this side had."""
        return [m for s in self.sockets for m in s.messages()]

    def last_seq(self) -> int:
        return max((m["seq"] for m in self.received()), default=0)

    async def send_new(self, conversation: str | None) -> None:
        msg_id = f"{self.name}-{len(self.sent):04d}-{new_id()[:8]}"
        text = f"{self.name} bericht {len(self.sent)}"
        self.sent.append((msg_id, text))
        await self.send(msg_id, text, conversation)

    async def send(self, msg_id: str, text: str, conversation: str | None) -> None:
        frame: dict[str, Any] = {"type": "send", "id": msg_id, "text": text}
        if conversation is not None:
            frame["conversation"] = conversation
        await self.socket.send(**frame)

    async def keep_sending(self, conversation: str | None) -> None:
        """Send until the connection breaks (the kill)."""
        try:
            while True:
                # A few messages in flight at a time, as a person typing on a slow line would.
                while len(self.unacknowledged()) >= IN_FLIGHT and not self.socket.closed:
                    await asyncio.sleep(0.001)
                await self.send_new(conversation)
                await asyncio.sleep(0.002)
        except Exception:  # noqa: S110 - the server was killed mid-send: that is the test
            pass

    async def wait_for(self, predicate: Any, what: str, timeout: float = 20) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not predicate():
            if loop.time() > deadline:
                raise AssertionError(f"{self.name}: timed out waiting for {what}")
            await asyncio.sleep(0.02)


def stored_transcript(env: dict[str, str], conversation: str) -> list[dict[str, Any]]:
    """The messages as the database holds them (decrypted), in sequence order."""
    script = (
        "import json;"
        "from vangnet.chat.models import Message;"
        f"rows = Message.objects.filter(conversation__public_id={conversation!r})"
        ".order_by('sequence');"
        "print(json.dumps([{'seq': m.sequence, 'sender': m.sender, 'id': m.client_msg_id,"
        " 'text': m.body} for m in rows]))"
    )
    return list(json.loads(run_cli(env, "shell", "-c", script).strip().splitlines()[-1]))


async def run_fault_scenario(env: dict[str, str]) -> None:
    server = Server(env=env).start()
    visitor, counsellor = Side("bezoeker"), Side("hulpverlener")
    try:
        session = login(server, "anna")
        counsellor.sockets.append(await open_console(server.ws_url, session))
        await counsellor.socket.send(type="duty", on=True)
        await counsellor.socket.until("duty")
        sock, token = await start_visitor(server.ws_url, nickname="Noor")
        visitor.sockets.append(sock)
        queue = await counsellor.socket.until("queue")
        while not queue["items"]:
            queue = await counsellor.socket.until("queue")
        conversation = queue["items"][0]["conversation"]
        await counsellor.socket.send(type="accept", conversation=conversation)
        await counsellor.socket.until("chat")
        await visitor.socket.until("state", status="active")

        # Both sides send as fast as they can; the server dies under them.
        senders = [
            asyncio.create_task(visitor.keep_sending(None)),
            asyncio.create_task(counsellor.keep_sending(conversation)),
        ]
        for side in (visitor, counsellor):
            await side.wait_for(lambda s=side: len(s.acks()) >= ACKED_BEFORE_KILL, "acks")
        server.kill()
        await asyncio.gather(*senders)
        acked_before_kill = {**visitor.acks(), **counsellor.acks()}
        assert len(acked_before_kill) >= 2 * ACKED_BEFORE_KILL

        server = Server(env=env, port=server.port).start()
        visitor.sockets.append(await resume_visitor(server.ws_url, token, visitor.last_seq()))
        counsellor.sockets.append(await open_console(server.ws_url, session))
        await counsellor.socket.send(
            type="sync", conversation=conversation, after=counsellor.last_seq()
        )
        await counsellor.socket.until("chat", conversation=conversation)

        # Resend what was not acknowledged, same ids, in the original order; then go on.
        for side, conv in ((visitor, None), (counsellor, conversation)):
            for msg_id, text in side.unacknowledged():
                await side.send(msg_id, text, conv)
            for _ in range(3):
                await side.send_new(conv)
        for side in (visitor, counsellor):
            await side.wait_for(lambda s=side: not s.unacknowledged(), "every ack")

        stored = stored_transcript(env, conversation)
        last = stored[-1]["seq"]
        for side in (visitor, counsellor):
            await side.wait_for(lambda s=side: s.last_seq() >= last, "the last message")
    finally:
        for side in (visitor, counsellor):
            for sock in side.sockets:
                await sock.close()
        server.stop()

    # The transcript: gap-free sequence, each message once, with the number its ack carried.
    assert [m["seq"] for m in stored] == list(range(1, len(stored) + 1))
    by_id = {(m["sender"], m["id"]): m for m in stored}
    assert len(by_id) == len(stored)
    for side, sender in ((visitor, "visitor"), (counsellor, "counsellor")):
        acks = side.acks()
        for msg_id, seq in acks.items():
            assert by_id[(sender, msg_id)]["seq"] == seq
        # Every message of this side, each once, in the order it was sent, with its text.
        assert [(m["id"], m["text"]) for m in stored if m["sender"] == sender] == side.sent
    for msg_id, seq in acked_before_kill.items():
        assert any(m["id"] == msg_id and m["seq"] == seq for m in stored)

    # Each side saw the whole transcript once, in order, across both connections.
    for side in (visitor, counsellor):
        seen = [(m["seq"], m["id"]) for m in side.received()]
        assert seen == [(m["seq"], m["id"]) for m in stored], side.name


async def test_sigkill_while_both_sides_send_loses_and_duplicates_nothing_embedded(
    tmp_path: Path,
) -> None:
    """The embedded default: SQLite file and the in-memory channel layer."""
    await run_fault_scenario(prepared_env(tmp_path, **NO_RATE_LIMIT))


@pytest.mark.postgres
@pytest.mark.redis
async def test_sigkill_while_both_sides_send_loses_and_duplicates_nothing_postgres(
    tmp_path: Path,
) -> None:
    """Production: PostgreSQL and the Redis channel layer."""
    with postgres_database() as database_url:
        env = production_env(tmp_path, database_url)
        await run_fault_scenario({**env, **NO_RATE_LIMIT})
