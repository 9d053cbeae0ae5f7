"""Storing the messages sockets send: every message committed before its ack, in batches.

`post_message` is what the consumers call. The messages of all sockets of the process go to
one writer (vangnet.realtime.writer) that stores whatever is waiting as one transaction with
chat/messages.py, the one place that numbers, stores and views a message: on PostgreSQL with
`store_pipelined` on a connection of the writer's own, from the event loop; on SQLite (and for
anything out of the ordinary) with `store` in the writer's database thread. While the database
is away a message waits and tries again (bounded); past a set depth of messages being stored
the chat tells new visitors it is very busy.
"""

from __future__ import annotations

import asyncio
import functools
import random
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

from vangnet.chat import messages, services
from vangnet.chat.models import Conversation
from vangnet.chat.outage import DatabaseUnavailable, database, is_outage
from vangnet.core import metrics
from vangnet.core.aio import stop_if_cancelled
from vangnet.realtime.writer import BatchWriter, DatabaseThread, per_event_loop

BATCH_MAX = 200
# While the database is away, a message tries again after this, doubling up to the maximum.
RETRY_FIRST_SECONDS = 0.2
RETRY_MAX_SECONDS = 2.0


async def post_message(
    *,
    conversation: Conversation,
    sender: str,
    author: Any,
    client_msg_id: str,
    text: str,
) -> services.Outcome:
    """Store one message (visitor or counsellor) and return its outcome, once committed; a
    refusal raises ChatError.

    While the database is unreachable the message waits, trying again with backoff, for at most
    VANGNET_CHAT_STORE_WAIT_SECONDS; then DatabaseUnavailable (the socket closes with 1013 and
    the client resends it after resuming). A socket's messages are stored one after the other,
    so waiting keeps their order.
    """
    global _in_flight
    _in_flight += 1
    try:
        new = messages.NewMessage(conversation, sender, author, client_msg_id, text)
        return await _store_with_retries(new)
    finally:
        _in_flight -= 1


# Messages of this process being stored now (waiting for the writer included): the load.
_in_flight = 0


def busy() -> bool:
    """Past the set depth (VANGNET_CHAT_BUSY_DEPTH) the writer cannot keep up: the chat tells
    new visitors it is very busy instead of letting latency grow without end."""
    return _in_flight > settings.VANGNET_CHAT_BUSY_DEPTH


async def _store_with_retries(new: messages.NewMessage) -> services.Outcome:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + settings.VANGNET_CHAT_STORE_WAIT_SECONDS
    delay = RETRY_FIRST_SECONDS
    retried = False
    writer = per_event_loop("chat-writer", _new_writer)
    while True:
        try:
            result = await writer.submit(new)
        except Exception as exc:
            if not is_outage(exc):
                raise
            database.went_away(exc)
            if loop.time() + delay > deadline:
                raise DatabaseUnavailable from exc
            await asyncio.sleep(delay * random.uniform(0.5, 1.0))  # noqa: S311 - jitter only
            delay = min(delay * 2, RETRY_MAX_SECONDS)
            retried = True
            continue
        database.is_back()  # a refusal (ChatError) was raised by `submit`
        if retried and not result.created and result.message is not None:
            # A try that committed before its connection broke: the retry found the message
            # stored. Publish it anyway (receivers drop a sequence number they have seen).
            result = services.message_posted(new.conversation, result.message)
        return result


def _new_writer() -> BatchWriter[messages.NewMessage, services.Outcome]:
    interval = settings.VANGNET_CHAT_BATCH_INTERVAL_MS / 1000
    return BatchWriter(store_batch, max_batch=BATCH_MAX, batch_interval=interval)


async def store_batch(
    batch: list[messages.NewMessage],
) -> list[services.Outcome | services.ChatError]:
    """One transaction for the batch; an outage fails all of it."""
    started = timezone.now()
    if _on_postgresql():
        results = await _postgresql().store(batch)
    else:
        results = await _alone(batch)
    stored = [r for r in results if isinstance(r, services.Outcome) and r.created]
    metrics.batch_written([r.message.sender for r in stored if r.message], started)
    return results


async def _alone(batch: list[messages.NewMessage]) -> list[services.Outcome | services.ChatError]:
    thread = per_event_loop("chat-writer-thread", lambda: DatabaseThread("chat-write"))
    return await thread.run(messages.store, batch)


class _PostgresWriter:
    """The writer's own psycopg connection, made on first use and again after the database
    went away. In autocommit: a batch is one statement (chat/messages.py)."""

    def __init__(self) -> None:
        self.db: Any = None

    async def store(
        self, batch: list[messages.NewMessage]
    ) -> list[services.Outcome | services.ChatError]:
        import psycopg

        try:
            if self.db is None or self.db.closed:
                self.db = await psycopg.AsyncConnection.connect(**_connection_params())
            return await messages.store_pipelined(self.db, batch, _alone)
        except Exception as exc:
            stop_if_cancelled()
            if is_outage(exc) and self.db is not None:
                await self.db.close()  # a new connection for the next batch
                self.db = None
            raise


def _postgresql() -> _PostgresWriter:
    return per_event_loop("chat-writer-postgresql", _PostgresWriter)


@functools.cache
def _on_postgresql() -> bool:
    return bool(connections[DEFAULT_DB_ALIAS].vendor == "postgresql")


def _connection_params() -> dict[str, Any]:
    params = dict(connections[DEFAULT_DB_ALIAS].get_connection_params())
    for django_only in ("cursor_factory", "context", "prepare_threshold"):
        params.pop(django_only, None)
    return params | {"autocommit": True}
