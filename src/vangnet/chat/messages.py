"""Storing chat messages: the one place that numbers a message, stores it and builds its view.

Both paths use it on both databases: the sockets' batches (chat/store.py, through the realtime
writer) and single messages (`services.post_message`: system notes, and anything that posts
from synchronous code). Synchronous, in the caller's transaction.

Each message is numbered by `services.sequence_update_sql` (one UPDATE … RETURNING that also
says whether this sender may post) and inserted with its text sealed with the chat's data key.
On PostgreSQL both are one statement per message and a batch goes in one pipelined round trip;
on SQLite (in-process, no round trips) they are two statements. A resend of a stored client id
breaks the batch on the unique constraint: then each message is stored on its own, and the
resend answers with the stored message (created=False), its number unused.

`store` is synchronous (Django's connection, in the caller's transaction). `store_pipelined`
is PostgreSQL's hot path for the sockets' batches: the same rows and views, sent on an async
psycopg connection from the event loop; a thread there waited for the GIL at every step of
the pipeline while the loop was busy. Anything out of the ordinary in it (a data key not yet
loaded, a refused sender, a resend) is handed to `store` (the caller's `alone`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vangnet.accounts.models import User
from vangnet.chat.models import Conversation, Message
from vangnet.chat.services import (
    ChatError,
    Outcome,
    message_posted,
    message_view,
    sequence_update_params,
    sequence_update_sql,
    stored_view,
)
from vangnet.core import envelope


@dataclass(frozen=True, slots=True)
class NewMessage:
    conversation: Conversation
    sender: str
    author: User | None
    client_msg_id: str
    text: str
    system_code: str = ""


def store(batch: list[NewMessage]) -> list[Outcome | ChatError]:
    """Number and store every message of the batch in one transaction (the caller's, if any);
    per message its outcome (the view and the event that delivers it) or its refusal."""
    with transaction.atomic():
        try:
            with transaction.atomic():  # a savepoint: a resend in the batch undoes only this
                return _store_together(batch)
        except IntegrityError:
            return [_store_alone(message) for message in batch]


def _store_alone(message: NewMessage) -> Outcome | ChatError:
    try:
        with transaction.atomic():
            return _store_together([message])[0]
    except IntegrityError:
        # A resend of a stored id (or one racing the original): keep the first.
        existing = _stored(message)
        if existing is None:
            raise
        return existing


def _store_together(batch: list[NewMessage]) -> list[Outcome | ChatError]:
    now = timezone.now()
    results: list[Outcome | ChatError | None] = [None] * len(batch)
    allowed = []
    for i in _lock_order(batch):
        if batch[i].sender == Message.Sender.COUNSELLOR and batch[i].author is None:
            results[i] = _not_yours()
        else:
            allowed.append(i)
    rows = _rows([batch[i] for i in allowed], now)
    sequences = _postgresql(rows) if connection.vendor == "postgresql" else _one_by_one(rows)
    for i, sequence in zip(allowed, sequences, strict=True):
        message = batch[i]
        if sequence is not None:
            results[i] = _posted(message, sequence, now)
        else:
            results[i] = _stored(message) or _refusal(message)
    return [result for result in results if result is not None]


async def store_pipelined(
    db: Any,
    batch: list[NewMessage],
    alone: Callable[[list[NewMessage]], Awaitable[list[Outcome | ChatError]]],
) -> list[Outcome | ChatError]:
    """`store` for PostgreSQL on `db`, a psycopg AsyncConnection (autocommit off): the batch
    in one transaction, one pipelined round trip. What this cannot answer goes to `alone`."""
    import psycopg

    # The chats' data keys, loaded on this connection where missing (a chat's first message).
    await envelope.load_keys(db, {envelope.holder_name(m.conversation) for m in batch})
    if not all(_ordinary(message) for message in batch):
        return await alone(batch)
    now = timezone.now()
    order = _lock_order(batch)
    rows = _rows([batch[i] for i in order], now)
    sequences: list[int | None] = []
    try:
        # The first statement begins the transaction (autocommit is off); no savepoint, no
        # context manager: this runs for every batch.
        cursor = db.cursor()
        await cursor.executemany(_numbered_insert_sql(), rows, returning=True)
        for _ in rows:
            row = await cursor.fetchone()
            sequences.append(int(row[0]) if row else None)
            cursor.nextset()
        await db.commit()
    except psycopg.IntegrityError:
        await db.rollback()
        return await alone(batch)  # a resend in the batch: each on its own
    except Exception:
        if not db.broken:
            await db.rollback()
        raise
    results: list[Outcome | ChatError | None] = [None] * len(batch)
    refused = []
    for i, sequence in zip(order, sequences, strict=True):
        if sequence is None:
            refused.append(i)
        else:
            results[i] = _posted(batch[i], sequence, now)
    if refused:
        answers = await alone([batch[i] for i in refused])
        for i, answer in zip(refused, answers, strict=True):
            results[i] = answer
    return [result for result in results if result is not None]


def _ordinary(message: NewMessage) -> bool:
    """Storable without the ORM: an author where one is needed, the chat's key loaded."""
    if message.sender == Message.Sender.COUNSELLOR and message.author is None:
        return False
    return envelope.key_is_cached(envelope.holder_name(message.conversation))


def _lock_order(batch: list[NewMessage]) -> list[int]:
    """One lock order for every batch (by conversation): concurrent batches cannot deadlock."""
    return sorted(range(len(batch)), key=lambda i: batch[i].conversation.pk)


def _posted(message: NewMessage, sequence: int, now: Any) -> Outcome:
    view = stored_view(
        public_id=str(message.conversation.public_id),
        seq=sequence,
        sender=message.sender,
        text=message.text,
        at=now,
        client_msg_id=message.client_msg_id,
        author=message.author,
        system=message.system_code,
    )
    return message_posted(message.conversation, view)


def _rows(batch: list[NewMessage], now: Any) -> list[tuple[Any, ...]]:
    """Per message the numbering statement's parameters, then the insert's (sequence left
    out: the numbering gives it)."""
    db = connection
    at = db.ops.adapt_datetimefield_value(now)
    rows = []
    for message in batch:
        author_pk = message.author.pk if message.author is not None else None
        body = (
            envelope.seal(envelope.holder_name(message.conversation), message.text)
            if message.text
            else ""
        )
        numbering = sequence_update_params(
            message.conversation.pk, message.sender, author_pk, now, db
        )
        rows.append(
            (
                *numbering,
                message.conversation.pk,
                message.sender,
                author_pk,
                message.client_msg_id,
                str(body),
                message.system_code,
                at,
            )
        )
    return rows


_NUMBERING_PARAMS = 5  # the length of sequence_update_params


def _postgresql(rows: list[tuple[Any, ...]]) -> list[int | None]:
    """One statement per message, the batch in one pipelined round trip."""
    import psycopg

    connection.ensure_connection()
    sequences: list[int | None] = []
    # Django's error classes (IntegrityError for a resend), as from its own cursors.
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        cursor.executemany(_numbered_insert_sql(), rows, returning=True)
        for _ in rows:
            row = cursor.fetchone()
            sequences.append(int(row[0]) if row else None)
            cursor.nextset()
    return sequences


def _one_by_one(rows: list[tuple[Any, ...]]) -> list[int | None]:
    """SQLite, in-process: two statements per message on the driver's own cursor (Django's
    wrapper rewrote the placeholders of every statement: a measurable share of the cost)."""
    numbering, insert_sql = _sqlite_statements()
    sequences: list[int | None] = []
    connection.ensure_connection()
    with connection.wrap_database_errors:
        cursor = connection.connection.cursor()
        try:
            for row in rows:
                numbered = cursor.execute(numbering, row[:_NUMBERING_PARAMS]).fetchone()
                if numbered is None:
                    sequences.append(None)
                    continue
                sequence = int(numbered[0])
                insert = row[_NUMBERING_PARAMS:]
                cursor.execute(insert_sql, (insert[0], sequence, *insert[1:]))
                sequences.append(sequence)
        finally:
            cursor.close()
    return sequences


def _sqlite_statements() -> tuple[str, str]:
    """The numbering and the insert with sqlite3's placeholders (our SQL has no other %)."""
    return (
        sequence_update_sql(connection).replace("%s", "?"),
        _insert_sql().replace("%s", "?"),
    )


_COLUMNS = (
    "(conversation_id, sequence, sender, author_id, client_msg_id, body, system_code, created_at)"
)


def _numbered_insert_sql() -> str:
    table = connection.ops.quote_name(Message._meta.db_table)
    return (
        f"WITH numbered AS ({sequence_update_sql(connection)}) "  # noqa: S608 - names only
        f"INSERT INTO {table} {_COLUMNS} "
        "SELECT %s, last_sequence, %s, %s, %s, %s, %s, %s FROM numbered RETURNING sequence"
    )


def _insert_sql() -> str:
    table = connection.ops.quote_name(Message._meta.db_table)
    return f"INSERT INTO {table} {_COLUMNS} VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"  # noqa: S608


def _stored(message: NewMessage) -> Outcome | None:
    """A resend: the message stored before under the same client id (publishes nothing)."""
    found = (
        Message.objects.select_related("author")
        .filter(
            conversation=message.conversation,
            sender=message.sender,
            client_msg_id=message.client_msg_id,
        )
        .first()
    )
    if found is None:
        return None
    view = message_view(found, str(message.conversation.public_id))
    return Outcome(message.conversation, message=view, created=False)


def _refusal(message: NewMessage) -> ChatError:
    """Why this sender may not post (the numbering statement said no)."""
    if (
        message.sender == Message.Sender.COUNSELLOR
        and Conversation.objects.filter(pk=message.conversation.pk)
        .exclude(status=Conversation.Status.ENDED)
        .exclude(counsellor=message.author)
        .exists()
    ):
        return _not_yours()
    return ChatError("ended", _("This conversation has ended."))


def _not_yours() -> ChatError:
    return ChatError("not_yours", _("This conversation is held by someone else."))
