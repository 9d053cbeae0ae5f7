"""The writer: what sockets submit together is stored in batches, each answered only once its
batch is committed; a failed batch fails each of its items, and the writer goes on. With the
chat's store function, on the database of the pass (SQLite, then PostgreSQL): numbered in
order, visible to another connection by the time of the ack, a resend stored once."""

from __future__ import annotations

import asyncio
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from asgiref.sync import sync_to_async
from django.db import OperationalError, connection

from vangnet.accounts.models import User
from vangnet.chat import messages, services
from vangnet.chat import store as chat_store
from vangnet.chat.models import Conversation, Message
from vangnet.realtime.writer import BatchWriter


async def test_items_waiting_together_are_stored_in_one_batch_and_answered_in_order() -> None:
    batches: list[list[int]] = []

    async def store(batch: list[int]) -> list[int | Exception]:
        batches.append(batch)
        return [item * 10 for item in batch]

    writer: BatchWriter[int, int] = BatchWriter(store, max_batch=100)
    results = await asyncio.gather(*(writer.submit(n) for n in range(30)))
    assert results == [n * 10 for n in range(30)]
    assert len(batches) < 30  # not one call per item
    assert sorted(n for batch in batches for n in batch) == list(range(30))


async def test_a_batch_is_never_larger_than_its_maximum() -> None:
    sizes: list[int] = []

    async def store(batch: list[int]) -> list[int | Exception]:
        sizes.append(len(batch))
        return list(batch)

    writer: BatchWriter[int, int] = BatchWriter(store, max_batch=7)
    await asyncio.gather(*(writer.submit(n) for n in range(50)))
    assert max(sizes) <= 7


async def test_under_load_batches_start_an_interval_apart_and_after_quiet_at_once() -> None:
    """Group commit: items arriving one by one while batches are stored are gathered into
    batches at most one per interval; an item after a quiet spell is not held back."""
    loop = asyncio.get_running_loop()
    starts: list[float] = []
    sizes: list[int] = []

    async def store(batch: list[int]) -> list[int | Exception]:
        starts.append(loop.time())
        sizes.append(len(batch))
        await asyncio.sleep(0.001)  # the round trip
        return list(batch)

    interval = 0.05
    writer: BatchWriter[int, int] = BatchWriter(store, batch_interval=interval)

    async def one_every(n: int, seconds: float) -> None:
        for item in range(n):
            loop.create_task(writer.submit(item))
            await asyncio.sleep(seconds)

    await one_every(60, 0.005)  # 0.3 s of a steady stream
    await asyncio.sleep(interval * 2)
    assert sum(sizes) == 60
    assert len(starts) <= 12  # about ten items a batch, not one batch per item
    gaps = [b - a for a, b in zip(starts, starts[1:], strict=False)]
    assert min(gaps) >= interval * 0.9
    quiet_since = loop.time()
    assert await writer.submit(99) == 99
    assert loop.time() - quiet_since < interval / 2  # after a quiet spell: at once


async def test_a_refused_item_fails_alone_and_a_failed_batch_fails_every_item() -> None:
    failing = True

    async def store(batch: list[int]) -> list[int | Exception]:
        if failing and 99 in batch:
            raise OperationalError("the database went away")
        return [ValueError("odd") if item % 2 else item for item in batch]

    writer: BatchWriter[int, int] = BatchWriter(store)
    results = await asyncio.gather(*(writer.submit(n) for n in (2, 3, 4)), return_exceptions=True)
    assert results[0] == 2 and results[2] == 4 and isinstance(results[1], ValueError)
    failed = await asyncio.gather(writer.submit(98), writer.submit(99), return_exceptions=True)
    assert all(isinstance(result, OperationalError) for result in failed)
    failing = False
    assert await writer.submit(98) == 98  # the writer goes on


# --- with the chat's store function, on the pass's database (its path for that database) -----


def open_conversations(count: int) -> list[Conversation]:
    return [
        Conversation.objects.create(
            token_hash=uuid.uuid4().hex, visitor_role="young_person", nickname=""
        )
        for _ in range(count)
    ]


def stored(conversation: Conversation) -> list[tuple[int, str, str]]:
    """What another connection sees (this runs in a thread of its own, whose connection goes
    back to the pool afterwards)."""
    try:
        return [
            (m.sequence, m.client_msg_id, m.body)
            for m in Message.objects.filter(conversation=conversation).order_by("sequence")
        ]
    finally:
        connection.close()


def visitor(conversation: Conversation, client_id: str, text: str) -> messages.NewMessage:
    return messages.NewMessage(conversation, Message.Sender.VISITOR, None, client_id, text)


@pytest.mark.django_db(transaction=True)
async def test_chat_messages_are_numbered_per_conversation_and_committed_before_the_ack() -> None:
    chats = await sync_to_async(open_conversations)(3)
    batches: list[int] = []

    async def store(batch: list[messages.NewMessage]) -> list[services.Outcome | Exception]:
        batches.append(len(batch))
        return list(await chat_store.store_batch(batch))

    writer: BatchWriter[messages.NewMessage, services.Outcome] = BatchWriter(store)
    items = [visitor(chat, f"{chat.pk}-{n}", f"text {n}") for n in range(10) for chat in chats]
    outcomes = await asyncio.gather(*(writer.submit(item) for item in items))
    assert len(batches) < len(items)
    for item, outcome in zip(items, outcomes, strict=True):
        assert outcome.created and outcome.message is not None
        assert outcome.message.text == item.text and outcome.message.id == item.client_msg_id
        # At the ack the message is committed: another connection reads it.
        seen = await sync_to_async(stored, thread_sensitive=False)(item.conversation)
        assert (outcome.message.seq, item.client_msg_id, item.text) in seen
    for chat in chats:
        seen = await sync_to_async(stored, thread_sensitive=False)(chat)
        assert [seq for seq, _, _ in seen] == list(range(1, 11))
        assert [text for _, _, text in seen] == [f"text {n}" for n in range(10)]  # its order


@pytest.mark.django_db(transaction=True)
async def test_a_resend_is_stored_once_and_answers_with_the_stored_message() -> None:
    (chat,) = await sync_to_async(open_conversations)(1)
    writer: BatchWriter[messages.NewMessage, services.Outcome] = BatchWriter(chat_store.store_batch)
    first = await writer.submit(visitor(chat, "a", "hello"))
    # The same id again, in a batch with new messages: only the resend is recognised.
    again, new = await asyncio.gather(
        writer.submit(visitor(chat, "a", "hello")), writer.submit(visitor(chat, "b", "more"))
    )
    assert first.created and not again.created and new.created
    assert again.message == first.message
    assert not again.events  # a resend publishes nothing
    seen = await sync_to_async(stored, thread_sensitive=False)(chat)
    assert seen == [(1, "a", "hello"), (2, "b", "more")]  # no number lost to the resend


@pytest.mark.django_db(transaction=True)
async def test_a_message_to_an_ended_chat_is_refused_alone() -> None:
    open_chat, ended = await sync_to_async(open_conversations)(2)
    await sync_to_async(Conversation.objects.filter(pk=ended.pk).update)(
        status=Conversation.Status.ENDED
    )
    writer: BatchWriter[messages.NewMessage, services.Outcome] = BatchWriter(chat_store.store_batch)
    refused, posted = await asyncio.gather(
        writer.submit(visitor(ended, "x", "too late")),
        writer.submit(visitor(open_chat, "y", "in time")),
        return_exceptions=True,
    )
    assert isinstance(refused, services.ChatError) and refused.code == "ended"
    assert isinstance(posted, services.Outcome) and posted.created
    assert await sync_to_async(stored, thread_sensitive=False)(ended) == []


@pytest.mark.django_db(transaction=True)
async def test_a_batch_of_many_chats_numbers_each_and_refuses_only_who_may_not_post() -> None:
    held, ended = await sync_to_async(open_conversations)(2)
    holder, other = [
        await sync_to_async(User.objects.create_user)(username=name) for name in ("holder", "other")
    ]
    await sync_to_async(Conversation.objects.filter(pk=held.pk).update)(
        status=Conversation.Status.ACTIVE, counsellor=holder
    )
    await sync_to_async(Conversation.objects.filter(pk=ended.pk).update)(
        status=Conversation.Status.ENDED, last_sequence=4
    )
    held, ended = [await Conversation.objects.aget(pk=chat.pk) for chat in (held, ended)]
    counsellor = Message.Sender.COUNSELLOR
    items = [
        visitor(held, "v1", "first"),
        visitor(ended, "late", "too late"),
        messages.NewMessage(held, counsellor, other, "o1", "not mine"),
        messages.NewMessage(ended, Message.Sender.SYSTEM, None, "sys", "", "ended"),
        messages.NewMessage(held, counsellor, holder, "h1", "mine"),
        visitor(held, "v2", "second"),
    ]
    results = await chat_store.store_batch(items)
    late, not_mine = results[1], results[2]
    assert isinstance(late, services.ChatError) and late.code == "ended"
    assert isinstance(not_mine, services.ChatError) and not_mine.code == "not_yours"
    numbers = {r.message.id: r.message.seq for r in results if isinstance(r, services.Outcome)}
    assert numbers == {"v1": 1, "h1": 2, "v2": 3, "sys": 5}  # no number lost to a refusal
    seen = await sync_to_async(stored, thread_sensitive=False)(held)
    assert seen == [(1, "v1", "first"), (2, "h1", "mine"), (3, "v2", "second")]
    held, ended = [await Conversation.objects.aget(pk=chat.pk) for chat in (held, ended)]
    assert (held.last_sequence, ended.last_sequence) == (3, 5)


@pytest.mark.postgres_db
@pytest.mark.django_db(transaction=True)
def test_batches_stored_at_once_on_several_connections_number_every_chat_without_gaps() -> None:
    """The chats' rows are locked in one order: concurrent batches neither deadlock nor hand
    out a number twice, whatever mix of chats each holds."""
    chats = open_conversations(4)
    per_thread, threads = 60, 4

    def store_batches(thread: int) -> None:
        try:
            for start in range(0, per_thread, 10):
                batch = [
                    visitor(chats[(thread + n) % len(chats)], f"t{thread}-{n}", f"text {n}")
                    for n in range(start, start + 10)
                ]
                results = messages.store(batch)
                assert all(isinstance(r, services.Outcome) and r.created for r in results)
        finally:
            connection.close()

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(store_batches, range(threads)))
    total = 0
    for chat in chats:
        numbers = [seq for seq, _, _ in stored(chat)]
        assert numbers == list(range(1, len(numbers) + 1))
        total += len(numbers)
        chat.refresh_from_db()
        assert chat.last_sequence == len(numbers)
    assert total == per_thread * threads
