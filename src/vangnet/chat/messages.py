"""Storing chat messages: the one place that numbers a message, stores it and builds its view.

Both paths use it on both databases: the sockets' batches (chat/store.py, through the realtime
writer) and single messages (`services.post_message`: system notes, and anything that posts
from synchronous code). Synchronous, in the caller's transaction.

On PostgreSQL a whole batch is one statement (`_batch_sql`): the messages go in as a JSON array, the
chats' rows are locked in one order (so concurrent batches cannot deadlock), each message is
numbered after the last one of its chat and inserted with its text sealed with the chat's data
key, and a message whose sender may not post (an ended chat, a chat held by someone else) is
left out, in the same statement, under the same row locks. On SQLite (in-process, no round
trips) it is two statements per message: `services.sequence_update_sql` numbers it (also
saying whether this sender may post), then the insert. A resend of a stored client id breaks
the batch on the unique constraint: then each message is stored on its own, and the resend
answers with the stored message (created=False), its number unused.

`store` is synchronous (Django's connection, in the caller's transaction). `store_pipelined`
is PostgreSQL's hot path for the sockets' batches: the same statement and views, sent on an
async psycopg connection from the event loop (a thread there waited for the GIL while the loop
was busy). Anything out of the ordinary in it (a data key not yet loaded, a refused sender, a
resend) is handed to `store` (the caller's `alone`).
"""

from __future__ import annotations

import functools
import json
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
    for i in range(len(batch)):
        if batch[i].sender == Message.Sender.COUNSELLOR and batch[i].author is None:
            results[i] = _not_yours()
        else:
            allowed.append(i)
    storing = [batch[i] for i in allowed]
    if connection.vendor == "postgresql":
        sequences = _postgresql(storing, now)  # the statement locks the chats in one order
    else:
        sequences = _one_by_one(_rows(storing, now))
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
    """`store` for PostgreSQL on `db`, a psycopg AsyncConnection in autocommit: the batch in
    one statement, one round trip. What this cannot answer goes to `alone`."""
    import psycopg

    key_names = _key_names(batch)
    # The chats' data keys, loaded on this connection where missing (a chat's first message).
    await envelope.load_keys(db, key_names)
    if not all(map(_ordinary, batch, key_names)):
        return await alone(batch)
    now = timezone.now()
    try:
        # One statement in autocommit: its own transaction, committed when it returns (no
        # BEGIN, no COMMIT round trip); all of it or, on any error, nothing.
        cursor = await db.execute(_batch_sql(), _batch_params(batch, now, key_names))
        sequences = _sequences_in_order(batch, await cursor.fetchall())
    except psycopg.IntegrityError:
        return await alone(batch)  # a resend in the batch: each on its own
    results: list[Outcome | ChatError | None] = [None] * len(batch)
    refused = []
    for i, sequence in enumerate(sequences):
        if sequence is None:
            refused.append(i)
        else:
            results[i] = _posted(batch[i], sequence, now)
    if refused:
        answers = await alone([batch[i] for i in refused])
        for i, answer in zip(refused, answers, strict=True):
            results[i] = answer
    return [result for result in results if result is not None]


def _ordinary(message: NewMessage, key_name: str) -> bool:
    """Storable without the ORM: an author where one is needed, the chat's key loaded."""
    if message.sender == Message.Sender.COUNSELLOR and message.author is None:
        return False
    return envelope.key_is_cached(key_name)


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
                _sealed_body(message, envelope.holder_name(message.conversation)),
                message.system_code,
                at,
            )
        )
    return rows


_NUMBERING_PARAMS = 5  # the length of sequence_update_params


def _postgresql(batch: list[NewMessage], now: Any) -> list[int | None]:
    """The batch statement on Django's connection, in its transaction."""
    import psycopg

    connection.ensure_connection()
    key_names = _key_names(batch)
    # Django's error classes (IntegrityError for a resend), as from its own cursors.
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(_batch_sql(), _batch_params(batch, now, key_names))
        return _sequences_in_order(batch, cursor.fetchall())


def _batch_params(batch: list[NewMessage], now: Any, key_names: list[str]) -> dict[str, Any]:
    """The batch as one JSON array of rows (json.dumps is C, psycopg's array dumpers are not);
    `key_names`: each message's data key (`envelope.holder_name` of its chat)."""
    rows = [
        [
            message.conversation.id,
            message.sender,
            message.author.id if message.author else None,
            message.client_msg_id,
            _sealed_body(message, key_name),
            message.system_code,
        ]
        for message, key_name in zip(batch, key_names, strict=True)
    ]
    return {"batch": json.dumps(rows), "now": now}


def _sequences_in_order(batch: list[NewMessage], stored: list[tuple[Any, ...]]) -> list[int | None]:
    """The statement's rows (chat, sender, client id, sequence) back in the batch's order;
    None for a message left out (its sender may not post)."""
    numbers = {(chat, sender, client_id): int(seq) for chat, sender, client_id, seq in stored}
    return [
        numbers.get((message.conversation.id, message.sender, message.client_msg_id))
        for message in batch
    ]


def _key_names(batch: list[NewMessage]) -> list[str]:
    """Each message's data key: its chat's (worked out once per message and batch)."""
    return [envelope.holder_name(message.conversation) for message in batch]


def _sealed_body(message: NewMessage, key_name: str) -> str:
    return str(envelope.seal(key_name, message.text)) if message.text else ""


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


@functools.cache
def _batch_sql() -> str:
    """PostgreSQL: a batch in one statement (see the module's docstring). The chats' rows are
    locked in the order of their ids before any is changed; a message is numbered after the
    last message of its chat (and the ones before it in the batch) only if its sender may post,
    by the same rule as `services.sequence_update_sql`."""
    quote = connection.ops.quote_name
    chats = quote(Conversation._meta.db_table)
    messages = quote(Message._meta.db_table)
    system = Message.Sender.SYSTEM.value
    counsellor = Message.Sender.COUNSELLOR.value
    ended = Conversation.Status.ENDED.value
    return f"""
WITH incoming AS (
    SELECT (r->>0)::bigint AS conversation_id, r->>1 AS sender, (r->>2)::bigint AS author_id,
        r->>3 AS client_msg_id, r->>4 AS body, r->>5 AS system_code, n
    FROM json_array_elements(%(batch)s::json) WITH ORDINALITY AS m(r, n)
), locked AS MATERIALIZED (
    SELECT id, last_sequence, status, counsellor_id FROM {chats}
    WHERE id IN (SELECT conversation_id FROM incoming) ORDER BY id FOR UPDATE
), allowed AS MATERIALIZED (
    SELECT m.*, c.last_sequence
        + row_number() OVER (PARTITION BY m.conversation_id ORDER BY m.n) AS sequence
    FROM incoming m JOIN locked c ON c.id = m.conversation_id
    WHERE (m.sender = '{system}' OR c.status <> '{ended}')
        AND (m.sender <> '{counsellor}' OR c.counsellor_id = m.author_id)
), numbered AS (
    UPDATE {chats} AS c SET last_sequence = top.sequence, last_activity_at = %(now)s
    FROM (SELECT conversation_id, max(sequence) AS sequence FROM allowed GROUP BY 1) AS top
    WHERE c.id = top.conversation_id
)
INSERT INTO {messages} {_COLUMNS}
SELECT conversation_id, sequence, sender, author_id, client_msg_id, body, system_code, %(now)s
FROM allowed
RETURNING conversation_id, sender, client_msg_id, sequence
"""  # noqa: S608 - table names and constants only


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
