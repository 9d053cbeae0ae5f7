"""Storing chat messages on the hot path: every message committed before its ack, fast.

`post_message` is what the consumers call. On PostgreSQL the messages of all sockets of the
process go through a batched writer: a connection of its own that writes whatever messages are
waiting as one transaction in one round trip (psycopg's `executemany`, pipelined), from the
event loop, without a thread per message. Each message is one statement that numbers it and
stores it, built from the same rule as `services.post_message` (`services.sequence_update_sql`).
Anything out of the ordinary takes `services.post_message` itself, in a thread: a message the
sender may not post (to get the right refusal), a resend of a stored id, a failed batch.

SQLite (the embedded default) has one writer at a time: its messages go to one writer thread.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from asgiref.sync import SyncToAsync
from django.db import DEFAULT_DB_ALIAS, close_old_connections, connection, connections
from django.db import Error as DatabaseError
from django.utils import timezone

from vangnet.chat import services
from vangnet.chat.models import Conversation, Message
from vangnet.core import metrics
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


async def post_message(
    *,
    conversation: Conversation,
    sender: str,
    author: Any,
    client_msg_id: str,
    text: str,
) -> services.Outcome:
    """Store one message (visitor or counsellor) and return its outcome, once committed."""
    if _on_postgresql() and not (sender == "counsellor" and author is None):
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
                except Exception:
                    stop_if_cancelled()
                    # A duplicate id or a lost connection: the whole batch takes the slow path,
                    # one message at a time, which answers each on its own.
                    logger.info("chat: a batch of %d messages takes the slow path", len(batch))
                    if db is not None and not db.closed and db.info.transaction_status != 0:
                        await db.close()
                    views = [None] * len(batch)
                for pending, view in zip(batch, views, strict=True):
                    if not pending.done.done():
                        pending.done.set_result(view)
        finally:
            if db is not None:
                await db.close()  # the event loop is closing (the end of a test, a shutdown)

    async def _write(self, db: Any, batch: list[_Pending]) -> list[services.MessageView | None]:
        now = timezone.now()
        encrypt = Message._meta.get_field("body").get_prep_value
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
                    encrypt(item.text),
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
        at = now.isoformat()
        return [
            None
            if seq is None
            else services.MessageView(
                conversation=str(item.conversation.public_id),
                seq=seq,
                sender=item.sender,
                text=item.text,
                at=at,
                id=item.client_msg_id,
                author=services.counsellor_label(item.author) if item.author else "",
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


# --- the slow path, and SQLite: services.post_message in a thread ---------------------------


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
