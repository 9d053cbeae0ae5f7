"""The ordering buffer: each numbered item of a stream goes out once, in sequence, no gap.

Pure (no I/O, no clock): a socket feeds it whatever arrives — live events from the hub, which
concurrent batches may publish out of order, and catch-up reads from the database — and sends
what it returns. An item that arrives before an earlier one is held until the gap is filled;
the socket asks its source for the gap when one stays open (the chat: chat/consumers.py).
A stream is any int key (the chat: a conversation's pk).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Generic, Protocol, TypeVar


class Numbered(Protocol):
    @property
    def seq(self) -> int: ...


T = TypeVar("T", bound=Numbered)


class OrderingBuffer(Generic[T]):
    def __init__(self) -> None:
        self._last: dict[int, int] = {}  # stream -> the last sequence number sent
        self._held: dict[int, dict[int, T]] = {}  # stream -> early arrivals by sequence

    def reset(self, conversation: int, last: int) -> None:
        """Start (again) after sequence `last`: what the client says it has already shown."""
        self._last[conversation] = last
        self._held.pop(conversation, None)

    def last(self, conversation: int) -> int:
        return self._last.get(conversation, 0)

    def conversations(self) -> list[int]:
        return list(self._last)

    def has_gap(self, conversation: int) -> bool:
        """Something is held back, waiting for an earlier message."""
        return bool(self._held.get(conversation))

    def next_in_line(self, conversation: int, seq: int) -> bool:
        """Whether sequence `seq` follows on from the last sent with nothing held back (a live
        message, nearly always): then it counts as sent, to be sent now. Otherwise it goes
        through `add`. Spares the usual case the buffer."""
        if conversation in self._held or self._last.get(conversation, 0) + 1 != seq:
            return False
        self._last[conversation] = seq
        return True

    def add(self, conversation: int, items: Iterable[T]) -> list[T]:
        """Take messages in any order (duplicates too); return those to send now, in order:
        every one that follows on from the last sent without a gap, each once."""
        last = self._last.get(conversation, 0)
        held = self._held.setdefault(conversation, {})
        for item in items:
            if item.seq > last:
                held.setdefault(item.seq, item)
        ready: list[T] = []
        while (following := held.pop(last + 1, None)) is not None:
            ready.append(following)
            last += 1
        self._last[conversation] = last
        if not held:
            del self._held[conversation]
        return ready
