"""Overload: a `send` is refused (`slow_down`) instead of queued while this process is behind.

Where the backlog is, measured (bench/chat_load.py, 3,000 msg/s offered to two workers that
carry about 1,500): in the sockets' own queues of sends waiting their turn (a socket's sends
are stored one after the other, to keep their order), up to 23,000 in one process after 20 s;
the writer held at most one per socket (about 130, so store.py's depth never counted them),
the event loop ran at most 0.7 s late. Three signs are therefore checked, kept up to date by
one call every 100 ms (a tick), so that checking a `send` costs a few comparisons:

- the queueing delay, past VANGNET_CHAT_SEND_MAX_WAIT_MS: the shortest wait of the sends
  answered during the last tick, or, if none was answered while sends wait, how long nothing
  was. The shortest, not the longest (CoDel's test for a standing queue): one socket's own
  run of messages, or one slow batch, makes a few sends wait long without the process being
  behind; when even the luckiest send waited long, every send does. Not while the database
  is away: then sends wait on purpose (bounded by VANGNET_CHAT_STORE_WAIT_SECONDS).
- the depth, past VANGNET_CHAT_SEND_BUSY_DEPTH sends waiting, counted at every send: many
  clients sending again at once (after their `retry_after`) are taken within one tick,
  before any wait can show them. Not while the database is away either.
- the loop's lag, past VANGNET_CHAT_SEND_MAX_LAG_MS: how late the tick runs. With the CPU
  saturated the backlog is in the event loop and the socket buffers, where no queue of ours
  sees it.

The protocol step itself (the order of a socket's sends after a refusal) is the consumers'.
"""

from __future__ import annotations

import asyncio
import math

from django.conf import settings

from vangnet.chat.outage import database
from vangnet.chat.services import QUEUE_GROUP
from vangnet.realtime.hub import hub
from vangnet.realtime.writer import per_event_loop

TICK_SECONDS = 0.1
# The consoles of the process hear when it starts or stops refusing sends, at most this often.
ANNOUNCE_SECONDS = 1.0
# `retry_after` at the limit, growing with how far past it the process is, up to the maximum.
RETRY_AFTER_MIN_SECONDS = 1.0
RETRY_AFTER_MAX_SECONDS = 10.0

Receipt = float  # when the send arrived (the loop's clock)


class Load:
    """One event loop's (one process's) signs of overload."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.waiting = 0  # sends taken and not yet answered, now
        self.shortest_wait = math.inf  # of the sends answered during this tick
        self.quiet_since = loop.time()  # the last answer, or when sends began to wait
        self.queue_delay = 0.0  # seconds, as of the last tick
        self.lag = 0.0  # seconds, as of the last tick
        self.over = 0.0  # how far past its limit the worst sign is, as of the last tick
        self.announced = False  # what this process's consoles were last told: refusing?
        self.announced_at = -math.inf
        self.due = loop.time() + TICK_SECONDS
        loop.call_at(self.due, self.tick)
        global _over
        _over = 0.0  # not what an earlier loop (an earlier test) left

    def arrived(self) -> Receipt:
        """A send queued to be stored; hand the receipt to `answered` once it is."""
        now = self.loop.time()
        if not self.waiting:
            self.quiet_since = now
        self.waiting += 1
        return now

    def answered(self, receipt: Receipt) -> None:
        now = self.loop.time()
        self.waiting -= 1
        self.shortest_wait = min(self.shortest_wait, now - receipt)
        self.quiet_since = now

    def tick(self) -> None:
        now = self.loop.time()
        self.lag = max(0.0, now - self.due)
        if self.shortest_wait < math.inf:
            self.queue_delay = self.shortest_wait
        else:  # nothing answered: stalled, if anything waits
            self.queue_delay = now - self.quiet_since if self.waiting else 0.0
        self.shortest_wait = math.inf
        self.over = self.how_far_over()
        global _over
        _over = self.over  # for the console's `busy`, read in a database thread
        self.announce(now)
        self.due = now + TICK_SECONDS
        self.loop.call_at(self.due, self.tick)

    def announce(self, now: float) -> None:
        """When sends start or stop being refused, this process's consoles send a fresh
        `queue` frame (with `busy`) without waiting for the queue to change."""
        refusing = self.over > 1.0
        if refusing != self.announced and now - self.announced_at >= ANNOUNCE_SECONDS:
            self.announced, self.announced_at = refusing, now
            hub().deliver(QUEUE_GROUP, {"type": "queue.changed"})

    def how_far_over(self) -> float:
        """How far past its limit the worst sign is: above 1.0, refuse sends."""
        by_lag = self.lag * 1000 / settings.VANGNET_CHAT_SEND_MAX_LAG_MS
        if database.down:
            return by_lag
        by_delay = self.queue_delay * 1000 / settings.VANGNET_CHAT_SEND_MAX_WAIT_MS
        return max(by_lag, by_delay, self.by_depth())

    def by_depth(self) -> float:
        return self.waiting / settings.VANGNET_CHAT_SEND_BUSY_DEPTH

    def retry_after(self) -> float | None:
        """None while sends are taken; else the seconds after which the client sends again."""
        over = self.over
        if not database.down:
            over = max(over, self.by_depth())  # counted now, not at the last tick
        if over <= 1.0:
            return None
        return round(min(RETRY_AFTER_MAX_SECONDS, RETRY_AFTER_MIN_SECONDS * over), 1)


_over = 0.0  # the process's `Load.over` as of its last tick


def load() -> Load:
    """This event loop's Load (a process has one loop; tests run one after another)."""
    return per_event_loop("chat-load", lambda: Load(asyncio.get_running_loop()))


def retry_after() -> float | None:
    """None while sends are taken; else the seconds after which the client sends again."""
    return load().retry_after()


def refusing_sends() -> bool:
    """Whether sends are being refused now; from any thread."""
    return _over > 1.0
