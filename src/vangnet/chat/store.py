"""Storing chat messages on the hot path: every message committed before its ack, fast.

`post_message` is what the consumers call. On PostgreSQL the messages of all sockets of the
process go through a batched writer: a connection of its own that writes whatever messages are
waiting as one transaction in one round trip (psycopg's `executemany`, pipelined), from the
event loop, without a thread per message. Each message is one statement that numbers it and
stores it, built from the same rule as `services.post_message` (`services.sequence_update_sql`).
Anything out of the ordinary takes `services.post_message` itself, in a thread: a message the
sender may not post (to get the right refusal), a resend of a stored id, a failed batch.

SQLite (the embedded default) has one writer at a time: the messages waiting from every socket
go to the one writer thread as a batch, each stored by `services.post_message` in a savepoint,
all in one transaction (one commit per batch instead of one per message).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import random
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from asgiref.sync import SyncToAsync
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, close_old_connections, connection, connections, transaction
from django.db import Error as DatabaseError
from django.utils import timezone

from vangnet.chat import services
from vangnet.chat.models import Conversation, Message
from vangnet.chat.outage import DatabaseUnavailable, database, is_outage
from vangnet.core import envelope, metrics
from vangnet.core.aio import stop_if_cancelled

logger = logging.getLogger(__name__)

# PostgreSQL: batches in flight at once per process, each on a connection of its own. One per
# process measured best (docs/benchmarks.md): while a batch commits the next one grows, and
# fewer, larger transactions cost PostgreSQL less.
BATCH_CONNECTIONS = 1
BATCH_MAX = 200
# Threads for the slow path (and every message on SQLite, where it is one).
SLOW_PATH_THREADS = 4
CONNECTION_CHECK_SECONDS = 60.0
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
    """Store one message (visitor or counsellor) and return its outcome, once committed.

    While the database is unreachable the message waits, trying again with backoff, for at most
    VANGNET_CHAT_STORE_WAIT_SECONDS; then DatabaseUnavailable (the socket closes with 1013 and
    the client resends it after resuming). A socket's messages are stored one after the other,
    so waiting keeps their order.
    """
    global _in_flight
    _in_flight += 1
    try:
        return await _store_with_retries(conversation, sender, author, client_msg_id, text)
    finally:
        _in_flight -= 1


# Messages of this process being stored now (waiting for the writer included): the load.
_in_flight = 0


def busy() -> bool:
    """Past the set depth (VANGNET_CHAT_BUSY_DEPTH) the writer cannot keep up: the chat tells
    new visitors it is very busy instead of letting latency grow without end."""
    return _in_flight > settings.VANGNET_CHAT_BUSY_DEPTH


async def _store_with_retries(
    conversation: Conversation, sender: str, author: Any, client_msg_id: str, text: str
) -> services.Outcome:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + settings.VANGNET_CHAT_STORE_WAIT_SECONDS
    delay = RETRY_FIRST_SECONDS
    retried = False
    while True:
        try:
            outcome = await _store_once(conversation, sender, author, client_msg_id, text)
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
        database.is_back()
        if retried and not outcome.events and outcome.message is not None:
            # A try that committed before its connection broke: the retry found the message
            # stored. Publish it anyway (receivers drop a sequence number they have seen).
            outcome = services.message_posted(conversation, outcome.message)
        return outcome


async def _store_once(
    conversation: Conversation, sender: str, author: Any, client_msg_id: str, text: str
) -> services.Outcome:
    if not _on_postgresql():
        return await _sqlite_batcher().post(conversation, sender, author, client_msg_id, text)
    if not (sender == "counsellor" and author is None):
        view = await _batcher().post(conversation, sender, author, client_msg_id, text)
        if view is not None:
            return services.message_posted(conversation, view)
    outcome: services.Outcome = await _MessageWrite(services.post_message)(
        conversation=conversation,
        sender=sender,
        author=author,
        client_msg_id=client_msg_id,
        text=text,
    )
    metrics.message_outcome(sender, outcome)
    return outcome


# --- the batched writer (PostgreSQL) --------------------------------------------------------


@dataclass
class _Pending:
    conversation: Conversation
    sender: str
    author: Any
    client_msg_id: str
    text: str
    done: asyncio.Future[services.MessageView | None]


class _Batcher:
    """Collects messages from every socket of the process and writes them in batches."""

    def __init__(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.waiting: list[_Pending] = []
        self.wake = asyncio.Event()
        self.django_db = connections[DEFAULT_DB_ALIAS]  # for its SQL dialect only
        self.statement = _insert_statement(self.django_db)
        self.tasks = [self.loop.create_task(self._writer()) for _ in range(BATCH_CONNECTIONS)]

    async def post(
        self, conversation: Conversation, sender: str, author: Any, client_msg_id: str, text: str
    ) -> services.MessageView | None:
        """The stored message, or None when it must take the slow path."""
        done: asyncio.Future[services.MessageView | None] = self.loop.create_future()
        self.waiting.append(_Pending(conversation, sender, author, client_msg_id, text, done))
        self.wake.set()
        return await done

    async def _writer(self) -> None:
        import psycopg

        db: psycopg.AsyncConnection[Any] | None = None
        try:
            while True:
                await self.wake.wait()
                batch, self.waiting = self.waiting[:BATCH_MAX], self.waiting[BATCH_MAX:]
                if not self.waiting:
                    self.wake.clear()
                if not batch:
                    continue
                try:
                    if db is None or db.closed:
                        db = await psycopg.AsyncConnection.connect(**_connection_params())
                    views = await self._write(db, batch)
                except Exception as exc:
                    stop_if_cancelled()
                    if db is not None and not db.closed and db.info.transaction_status != 0:
                        await db.close()
                    if is_outage(exc):
                        # The database went away: every message of the batch waits and tries
                        # again (post_message); a new connection is made for the next batch.
                        if db is not None:
                            await db.close()
                        db = None
                        for pending in batch:
                            if not pending.done.done():
                                pending.done.set_exception(DatabaseUnavailable(type(exc).__name__))
                        continue
                    # A duplicate id: the whole batch takes the slow path, one message at a
                    # time, which answers each on its own.
                    logger.info("chat: a batch of %d messages takes the slow path", len(batch))
                    views = [None] * len(batch)
                for pending, view in zip(batch, views, strict=True):
                    if not pending.done.done():
                        pending.done.set_result(view)
        finally:
            if db is not None:
                await db.close()  # the event loop is closing (the end of a test, a shutdown)

    async def _write(self, db: Any, batch: list[_Pending]) -> list[services.MessageView | None]:
        now = timezone.now()
        # Each chat's text is sealed with the chat's own data key (core.envelope).
        seal = await envelope.sealers_for(db, [item.conversation for item in batch])
        # One lock order for every batch (by conversation): concurrent batches cannot deadlock.
        order = sorted(range(len(batch)), key=lambda i: batch[i].conversation.pk)
        rows = []
        for i in order:
            item = batch[i]
            author_pk = item.author.pk if item.author is not None else None
            numbering = services.sequence_update_params(
                item.conversation.pk, item.sender, author_pk, now, self.django_db
            )
            rows.append(
                (
                    *numbering,
                    item.conversation.pk,
                    item.sender,
                    author_pk,
                    item.client_msg_id,
                    seal(item.conversation, item.text),
                    now,
                )
            )
        sequences: list[int | None] = [None] * len(batch)
        async with db.transaction():
            cursor = db.cursor()
            await cursor.executemany(self.statement, rows, returning=True)
            for i in order:
                row = await cursor.fetchone()
                sequences[i] = int(row[0]) if row else None  # None: may not post
                cursor.nextset()
        metrics.batch_written([batch[i].sender for i in order if sequences[i]], now)
        return [
            None
            if seq is None
            else services.stored_view(
                public_id=str(item.conversation.public_id),
                seq=seq,
                sender=item.sender,
                text=item.text,
                at=now,
                client_msg_id=item.client_msg_id,
                author=item.author,
            )
            for item, seq in zip(batch, sequences, strict=True)
        ]


def _insert_statement(db: Any) -> str:
    """Number a message and insert it, in one statement."""
    numbering = services.sequence_update_sql(db)
    table = db.ops.quote_name(Message._meta.db_table)
    return (
        f"WITH numbered AS ({numbering}) "  # noqa: S608 - names only
        f"INSERT INTO {table} (conversation_id, sequence, sender, author_id, client_msg_id, "
        "body, system_code, created_at) "
        "SELECT %s, last_sequence, %s, %s, %s, %s, '', %s FROM numbered RETURNING sequence"
    )


@functools.cache
def _on_postgresql() -> bool:
    return bool(connections[DEFAULT_DB_ALIAS].vendor == "postgresql")


def _connection_params() -> dict[str, Any]:
    params = dict(connections[DEFAULT_DB_ALIAS].get_connection_params())
    for django_only in ("cursor_factory", "context", "prepare_threshold"):
        params.pop(django_only, None)
    return params | {"autocommit": False}


_batchers: dict[asyncio.AbstractEventLoop, _Batcher] = {}


def _batcher() -> _Batcher:
    loop = asyncio.get_running_loop()
    batcher = _batchers.get(loop)
    if batcher is None:
        for old in [other for other in _batchers if other.is_closed()]:
            del _batchers[old]  # tests run one event loop after another
        batcher = _batchers[loop] = _Batcher()
    return batcher


# --- the embedded default (SQLite): batches of post_message in the one writer thread ------


@dataclass
class _SqlitePending:
    kwargs: dict[str, Any]
    done: asyncio.Future[services.Outcome]


class _SqliteBatcher:
    """SQLite has one writer at a time, and a commit is its cost: the messages waiting from
    every socket of the process are stored by `services.post_message` each (the same rule,
    in a savepoint of its own, so one refusal refuses only its message) in one transaction."""

    def __init__(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.waiting: list[_SqlitePending] = []
        self.wake = asyncio.Event()
        self.task = self.loop.create_task(self._writer())

    async def post(
        self, conversation: Conversation, sender: str, author: Any, client_msg_id: str, text: str
    ) -> services.Outcome:
        done: asyncio.Future[services.Outcome] = self.loop.create_future()
        kwargs = {
            "conversation": conversation,
            "sender": sender,
            "author": author,
            "client_msg_id": client_msg_id,
            "text": text,
        }
        self.waiting.append(_SqlitePending(kwargs, done))
        self.wake.set()
        return await done

    async def _writer(self) -> None:
        while True:
            await self.wake.wait()
            batch, self.waiting = self.waiting[:BATCH_MAX], self.waiting[BATCH_MAX:]
            if not self.waiting:
                self.wake.clear()
            if not batch:
                continue
            try:
                results = await _MessageWrite(_store_batch)([p.kwargs for p in batch])
            except Exception as exc:  # the commit failed (an outage): every message retries
                stop_if_cancelled()
                results = [exc] * len(batch)
            for pending, result in zip(batch, results, strict=True):
                if pending.done.done():
                    continue
                if isinstance(result, BaseException):
                    pending.done.set_exception(result)
                else:
                    pending.done.set_result(result)


def _store_batch(batch: list[dict[str, Any]]) -> list[services.Outcome | Exception]:
    results: list[services.Outcome | Exception] = []
    with transaction.atomic():
        for kwargs in batch:
            try:
                results.append(services.post_message(**kwargs))
            except Exception as exc:  # a refusal (ChatError) or a fault, for that message only
                if is_outage(exc):
                    raise
                results.append(exc)
    return results


_sqlite_batchers: dict[asyncio.AbstractEventLoop, _SqliteBatcher] = {}


def _sqlite_batcher() -> _SqliteBatcher:
    loop = asyncio.get_running_loop()
    batcher = _sqlite_batchers.get(loop)
    if batcher is None:
        for old in [other for other in _sqlite_batchers if other.is_closed()]:
            del _sqlite_batchers[old]
        batcher = _sqlite_batchers[loop] = _SqliteBatcher()
    return batcher


# --- the slow path: services.post_message in a thread ---------------------------------------


class _MessageWrite(SyncToAsync[..., Any]):
    """Run a message store in a thread of a small pool, with light connection handling.

    Channels' `database_sync_to_async` runs all database work of the process in one thread and
    checks the connection around every call (a `SELECT 1` per message with CONN_HEALTH_CHECKS):
    here a connection is checked after an error and once a minute, and closed after each call
    only when CONN_MAX_AGE is 0.
    """

    _pool: ThreadPoolExecutor | None = None
    _lock = threading.Lock()
    _checked = threading.local()

    def __init__(self, func: Callable[..., Any]) -> None:
        super().__init__(func, thread_sensitive=False, executor=self.pool())

    @classmethod
    def pool(cls) -> ThreadPoolExecutor:
        with cls._lock:
            if cls._pool is None:
                # SQLite has one writer at a time: more threads would only wait for its lock.
                threads = 1 if connection.vendor == "sqlite" else SLOW_PATH_THREADS
                cls._pool = ThreadPoolExecutor(threads, thread_name_prefix="chat-write")
            return cls._pool

    def thread_handler(self, loop: Any, *args: Any, **kwargs: Any) -> Any:
        now = time.monotonic()
        if now - getattr(self._checked, "at", 0.0) > CONNECTION_CHECK_SECONDS:
            close_old_connections()
            self._checked.at = now
        try:
            return super().thread_handler(loop, *args, **kwargs)  # type: ignore[no-untyped-call]
        except DatabaseError:
            close_old_connections()
            raise
        finally:
            if connection.settings_dict.get("CONN_MAX_AGE") == 0:
                connection.close()
