"""Small asyncio helpers."""

from __future__ import annotations

import asyncio


def stop_if_cancelled() -> None:
    """Raise a cancellation that a client library swallowed (redis-py can turn one into a
    connection error, or return normally): a background loop must still stop when cancelled,
    or closing its event loop waits forever."""
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError
