"""Storing the messages sockets send: every message committed before its ack, in batches.

`post_message` is what the consumers call. The messages of all sockets of the process go to
one writer (vangnet.realtime.writer) that stores whatever is waiting as one transaction with
`chat.messages.store`, the one place that numbers, stores and views a message, on PostgreSQL
and on SQLite alike. While the database is away a message waits and tries again (bounded);
past a set depth of messages being stored the chat tells new visitors it is very busy.
"""

from __future__ import annotations

import asyncio
import random
from typing import Any

from django.conf import settings
from django.utils import timezone

from vangnet.chat import messages, services
from vangnet.chat.models import Conversation
from vangnet.chat.outage import DatabaseUnavailable, database, is_outage
from vangnet.core import metrics
from vangnet.realtime.writer import writer_for

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
    writer = writer_for(_store_batch, max_batch=BATCH_MAX)
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


def _store_batch(
    batch: list[messages.NewMessage],
) -> list[services.Outcome | services.ChatError | Exception]:
    """In the writer's thread: one transaction for the batch; an outage fails all of it."""
    started = timezone.now()
    results: list[services.Outcome | services.ChatError | Exception] = list(messages.store(batch))
    metrics.batch_written(
        [
            result.message.sender
            for result in results
            if isinstance(result, services.Outcome) and result.created and result.message
        ],
        started,
    )
    return results
