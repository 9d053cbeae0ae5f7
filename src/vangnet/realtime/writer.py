"""The writer: items from every socket of the process stored in batches, each answered after commit.

A socket awaits `submit(item)`; the writer gives whatever is waiting (up to `max_batch`) to the
store function, in one thread of its own that keeps its database connection, one batch at a
time: while a batch commits the next one grows. The store function does the work in one
transaction and returns a result (or an exception) per item; `submit` returns that result only
after the store function returned, so after the commit. An exception raised by the store
function itself (the commit failed, the database went away) is raised for every item of that
batch; trying again is the caller's choice.

Why one thread: on SQLite there is one writer at a time anyway, and on PostgreSQL fewer, larger
transactions cost the database less than many small ones (docs/benchmarks.md, "Chat"). The
writer knows nothing of what it stores.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import Error as DatabaseError
from django.db import close_old_connections, connection

from vangnet.core.aio import stop_if_cancelled

Item = TypeVar("Item")
Result = TypeVar("Result")

CONNECTION_CHECK_SECONDS = 60.0


@dataclass(slots=True)
class _Waiting(Generic[Item, Result]):
    item: Item
    done: asyncio.Future[Result]


class BatchWriter(Generic[Item, Result]):
    """Batches for one store function, in one event loop (one per process)."""

    def __init__(
        self,
        store: Callable[[list[Item]], list[Result | Exception]],
        *,
        max_batch: int = 200,
        name: str = "writer",
    ) -> None:
        self.store = store
        self.max_batch = max_batch
        self.loop = asyncio.get_running_loop()
        self.waiting: list[_Waiting[Item, Result]] = []
        self.wake = asyncio.Event()
        self.thread = ThreadPoolExecutor(1, thread_name_prefix=name)
        self.checked_at = 0.0
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
        try:
            while True:
                await self.wake.wait()
                batch, self.waiting = self.waiting[: self.max_batch], self.waiting[self.max_batch :]
                if not self.waiting:
                    self.wake.clear()
                if not batch:
                    continue
                try:
                    results = await self.loop.run_in_executor(
                        self.thread, self._store_in_thread, [w.item for w in batch]
                    )
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
        finally:
            self.thread.submit(connection.close)  # the thread's own connection
            self.thread.shutdown(wait=False)

    def _store_in_thread(self, items: list[Item]) -> list[Result | Exception]:
        """Django's connection handling, lighter: checked once a minute and after an error
        (not a `SELECT 1` per call), closed after each batch only when CONN_MAX_AGE is 0."""
        now = time.monotonic()
        if now - self.checked_at > CONNECTION_CHECK_SECONDS:
            close_old_connections()
            self.checked_at = now
        try:
            return self.store(items)
        except DatabaseError:
            close_old_connections()
            raise
        finally:
            if connection.settings_dict.get("CONN_MAX_AGE") == 0:
                connection.close()


_writers: dict[tuple[asyncio.AbstractEventLoop, Callable[..., Any]], BatchWriter[Any, Any]] = {}


def writer_for(
    store: Callable[[list[Item]], list[Result | Exception]], *, max_batch: int = 200
) -> BatchWriter[Item, Result]:
    """The writer of this event loop for `store` (one per process; tests run one loop after
    another, each gets its own)."""
    loop = asyncio.get_running_loop()
    found = _writers.get((loop, store))
    if found is None:
        for key in [key for key in _writers if key[0].is_closed()]:
            del _writers[key]
        found = _writers[(loop, store)] = BatchWriter(store, max_batch=max_batch)
    return found


def in_flight() -> int:
    """Items being stored by every writer of this process (waiting included)."""
    return sum(w.pending for (loop, _), w in _writers.items() if not loop.is_closed())
