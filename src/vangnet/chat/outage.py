"""When the database goes away (a restart, a failover): tell the chat, log it twice, not per socket.

The chat rides through a database outage (docs/chat-protocol.md, "When the server is
restarted"): a message waits, bounded, until it can be stored; a read that cannot wait is
refused with `unavailable` or, where the socket cannot go on without it, the socket is closed
with 1013 ("try again later") and the client resumes. This module recognises such a fault and
keeps the log to one line when the database goes and one when it is back.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from channels.db import database_sync_to_async
from django.db import InterfaceError, OperationalError

logger = logging.getLogger(__name__)

T = TypeVar("T")


class DatabaseUnavailable(Exception):
    """The database cannot be reached now; the caller may try again later."""


def is_outage(exc: BaseException) -> bool:
    """A fault of the connection or the server, not of the statement: worth trying again."""
    if isinstance(exc, DatabaseUnavailable | OperationalError | InterfaceError):
        return True
    try:
        import psycopg
    except ImportError:  # the embedded default may run without psycopg
        return False
    return isinstance(exc, psycopg.OperationalError | psycopg.InterfaceError)


class _DatabaseState:
    """Whether the chat last found the database reachable; logs only the changes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.down_since: float | None = None

    def went_away(self, exc: BaseException) -> None:
        with self._lock:
            if self.down_since is not None:
                return
            self.down_since = time.monotonic()
        # The kind of fault only: its text may hold a host name, never anything of a visitor.
        kind = str(exc) if isinstance(exc, DatabaseUnavailable) else type(exc).__name__
        logger.warning(
            "chat: the database is unreachable (%s); messages wait until it is back",
            kind or "DatabaseUnavailable",
        )

    def is_back(self) -> None:
        if self.down_since is None:
            return
        with self._lock:
            since, self.down_since = self.down_since, None
        if since is not None:
            logger.warning("chat: the database is back after %.1f s", time.monotonic() - since)

    @property
    def down(self) -> bool:
        return self.down_since is not None


database = _DatabaseState()


async def db_call(func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a synchronous database function for a socket (Channels' database thread);
    an outage becomes DatabaseUnavailable, logged once for the whole process."""
    try:
        result: T = await database_sync_to_async(func)(*args, **kwargs)
    except Exception as exc:
        if is_outage(exc):
            database.went_away(exc)
            raise DatabaseUnavailable from exc
        raise
    database.is_back()
    return result
