"""The writer: items from every socket of the process stored in batches, each answered after commit.

A socket awaits `submit(item)`; the writer hands whatever is waiting (up to `max_batch`) to the
store function, one batch at a time: while a batch commits the next one grows, and fewer,
larger transactions cost the database less than many small ones (docs/benchmarks.md, "Chat").
With `batch_interval`, a batch starts no sooner than that many seconds after the one before
(group commit): under load the round trip alone is too short to gather more than a message or
two, and a batch costs nearly as much as a message; an item that arrives after a quiet spell
is stored at once.
The store function stores the batch in one transaction and returns a result (or an exception)
per item; `submit` returns that result only after the store function returned, so after the
commit. An exception raised by the store function itself (the commit failed, the database went
away) is raised for every item of that batch; trying again is the caller's choice.

A synchronous store function (Django's ORM) runs in a `DatabaseThread`: one thread of its own
that keeps its connection. The writer knows nothing of what it stores.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Generic, ParamSpec, TypeVar

from django.db import Error as DatabaseError
from django.db import connection

from vangnet.core.aio import stop_if_cancelled

Item = TypeVar("Item")
Result = TypeVar("Result")
T = TypeVar("T")
P = ParamSpec("P")

CONNECTION_CHECK_SECONDS = 60.0


@dataclass(slots=True)
class _Waiting(Generic[Item, Result]):
    item: Item
    done: asyncio.Future[Result]


class BatchWriter(Generic[Item, Result]):
    """Batches for one store function, in one event loop (one per process)."""

    def __init__(
        self,
        store: Callable[[list[Item]], Awaitable[Sequence[Result | Exception]]],
        *,
        max_batch: int = 200,
        batch_interval: float = 0.0,
    ) -> None:
        self.store = store
        self.max_batch = max_batch
        self.batch_interval = batch_interval
        self.loop = asyncio.get_running_loop()
        self.waiting: list[_Waiting[Item, Result]] = []
        self.wake = asyncio.Event()
        self.pending = 0  # items waiting or being stored
        self.task = self.loop.create_task(self._writing())

    async def submit(self, item: Item) -> Result:
        """Store one item with the others waiting; its result once committed."""
        done: asyncio.Future[Result] = self.loop.create_future()
        self.waiting.append(_Waiting(item, done))
        self.pending += 1
        self.wake.set()
        try:
            return await done
        finally:
            self.pending -= 1

    async def _writing(self) -> None:
        started = float("-inf")
        while True:
            await self.wake.wait()
            wait = started + self.batch_interval - self.loop.time()
            if wait > 0 and len(self.waiting) < self.max_batch:
                await asyncio.sleep(wait)
            started = self.loop.time()
            batch, self.waiting = self.waiting[: self.max_batch], self.waiting[self.max_batch :]
            if not self.waiting:
                self.wake.clear()
            if not batch:
                continue
            try:
                results = await self.store([w.item for w in batch])
            except Exception as exc:
                stop_if_cancelled()
                results = [exc] * len(batch)
            for waiting, result in zip(batch, results, strict=True):
                if waiting.done.done():
                    continue
                if isinstance(result, Exception):
                    waiting.done.set_exception(result)
                else:
                    waiting.done.set_result(result)


class DatabaseThread:
    """One thread of its own for synchronous database work, keeping its Django connection
    from call to call whatever CONN_MAX_AGE says (reconnecting per batch would cost more than
    the batch): the connection is checked once a minute and after an error, not with a
    `SELECT 1` per call like Channels' `database_sync_to_async`."""

    def __init__(self, name: str) -> None:
        self.executor = ThreadPoolExecutor(1, thread_name_prefix=name)
        self.checked_at = 0.0

    async def run(self, func: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.executor, lambda: self._call(func, args, kwargs))

    def _call(self, func: Callable[..., T], args: Any, kwargs: Any) -> T:
        now = time.monotonic()
        if now - self.checked_at > CONNECTION_CHECK_SECONDS:
            _close_if_broken()
            self.checked_at = now
        try:
            return func(*args, **kwargs)
        except DatabaseError:
            _close_if_broken()
            raise

    def close(self, wait: bool = False) -> None:
        # Looked up in the thread: `connection.close` here would be this thread's connection.
        self.executor.submit(lambda: connection.close())  # back to its pool
        self.executor.shutdown(wait=wait)


def _close_if_broken() -> None:
    if connection.connection is not None and not connection.is_usable():
        connection.close()


_per_loop: dict[tuple[asyncio.AbstractEventLoop, str], Any] = {}


def per_event_loop(key: str, make: Callable[[], T]) -> T:
    """One `make()` per event loop and key: a process has one loop; tests run one loop after
    another, and each gets its own (connections and tasks belong to one loop)."""
    loop = asyncio.get_running_loop()
    found = _per_loop.get((loop, key))
    if found is None:
        release_closed_loops()
        found = _per_loop[(loop, key)] = make()
    return found


def release_closed_loops(wait: bool = False) -> None:
    """What belonged to loops that have ended is let go, database connections included."""
    for old in [old for old in _per_loop if old[0].is_closed()]:
        closing = _per_loop.pop(old)
        if isinstance(closing, DatabaseThread):
            closing.close(wait)
