"""Overload: a `send` is refused (`slow_down`) instead of queued while this process is behind.

Where the backlog is, measured (bench/chat_load.py, 3,000 msg/s offered to two workers that
carry about 1,500): in the sockets' own queues of sends waiting their turn (a socket's sends
are stored one after the other, to keep their order), up to 23,000 in one process after 20 s;
the writer held at most one per socket (about 130, so store.py's depth never counted them),
the event loop ran at most 0.7 s late. Two signs are therefore checked for every `send`, both
kept up to date by one call every 100 ms, so that checking costs two comparisons:

- the queueing delay: how long the oldest send still waiting in this process has waited,
  past VANGNET_CHAT_SEND_MAX_WAIT_MS. A time, not a count: how many sends may wait without
  harm depends on how many sockets there are. Not while the database is away: then sends
  wait on purpose (bounded by VANGNET_CHAT_STORE_WAIT_SECONDS, docs/chat-protocol.md).
- the loop's lag: how late that call every 100 ms runs, past VANGNET_CHAT_SEND_MAX_LAG_MS.
  With the CPU saturated the backlog is in the event loop and the socket buffers, where no
  queue of ours sees it.

The protocol step itself (the order of a socket's sends after a refusal) is the consumers'.
"""

from __future__ import annotations

import asyncio
from collections import deque

from django.conf import settings

from vangnet.chat.outage import database
from vangnet.realtime.writer import per_event_loop

TICK_SECONDS = 0.1
# `retry_after` at the limit, growing with how far past it the process is, up to the maximum.
RETRY_AFTER_MIN_SECONDS = 1.0
RETRY_AFTER_MAX_SECONDS = 10.0


class _Tick:
    """The sends that arrived during one tick and still wait (mutable: a send's receipt)."""

    __slots__ = ("started", "waiting")

    def __init__(self, started: float) -> None:
        self.started = started
        self.waiting = 0


Receipt = _Tick


class Load:
    """One event loop's (one process's) signs of overload."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.waiting = 0  # sends taken and not yet answered, now
        self.ticks: deque[_Tick] = deque([_Tick(loop.time())])
        self.oldest_wait = 0.0  # seconds, as of the last tick
        self.lag = 0.0  # seconds, as of the last tick
        self.over = 0.0  # how far past its limit the worse sign is, as of the last tick
        self.due = loop.time() + TICK_SECONDS
        loop.call_at(self.due, self.tick)
        global _over
        _over = 0.0  # not what an earlier loop (an earlier test) left

    def arrived(self) -> Receipt:
        """A send queued to be stored; hand the receipt to `answered` once it is."""
        current = self.ticks[-1]
        current.waiting += 1
        self.waiting += 1
        return current

    def answered(self, receipt: Receipt) -> None:
        receipt.waiting -= 1
        self.waiting -= 1

    def tick(self) -> None:
        now = self.loop.time()
        self.lag = max(0.0, now - self.due)
        while len(self.ticks) > 1 and self.ticks[0].waiting == 0:
            self.ticks.popleft()
        oldest = self.ticks[0]
        if oldest.waiting:
            self.oldest_wait = now - oldest.started
            self.ticks.append(_Tick(now))
        else:  # nothing waits: the one tick left starts again
            self.oldest_wait = 0.0
            oldest.started = now
        self.over = self.how_far_over()
        global _over
        _over = self.over  # for the console's `busy`, read in a database thread
        self.due = now + TICK_SECONDS
        self.loop.call_at(self.due, self.tick)

    def how_far_over(self) -> float:
        """How far past its limit the worst sign is: above 1.0, refuse sends."""
        by_lag = self.lag * 1000 / settings.VANGNET_CHAT_SEND_MAX_LAG_MS
        if database.down:
            return by_lag
        by_wait = self.oldest_wait * 1000 / settings.VANGNET_CHAT_SEND_MAX_WAIT_MS
        return max(by_lag, by_wait, self.by_depth())

    def by_depth(self) -> float:
        return self.waiting / settings.VANGNET_CHAT_SEND_BUSY_DEPTH


_over = 0.0  # the process's `Load.over` as of its last tick


def load() -> Load:
    """This event loop's Load (a process has one loop; tests run one after another)."""
    return per_event_loop("chat-load", lambda: Load(asyncio.get_running_loop()))


def retry_after() -> float | None:
    """None while sends are taken; else the seconds after which the client sends again."""
    current = load()
    over = current.over
    if not database.down:
        # Counted now, not at the last tick: many clients sending again at once (after their
        # `retry_after`) are taken within one tick, before the waiting time can show them.
        over = max(over, current.by_depth())
    if over <= 1.0:
        return None
    return round(min(RETRY_AFTER_MAX_SECONDS, RETRY_AFTER_MIN_SECONDS * over), 1)


def refusing_sends() -> bool:
    """Whether sends are being refused now; from any thread."""
    return _over > 1.0
