"""Every Prometheus metric of Vangnet, and the small functions the code calls to record them.

One rule for every label: it names a kind of thing (an area of the site, a socket kind, a
sender role, a task name), never a person, a conversation, an address or a path.

Several server processes (`vangnet serve --workers N`) each count for themselves; with
`PROMETHEUS_MULTIPROC_DIR` set (by `vangnet serve`, before this module is imported) the counts
go to files there and the exporter (`vangnet/exporter.py`) adds them up. Gauges say how: "livesum"
adds the values of the processes that are alive. What is read from the database at scrape time
(the waiting queue, counsellors on duty) lives in the exporter, not here.
"""

from __future__ import annotations

import collections
import threading
import time
from typing import Any

from prometheus_client import Counter, Gauge, Histogram

NAMESPACE = "vangnet"

# --- HTTP ----------------------------------------------------------------------------------

REQUESTS = Counter(
    "http_requests",
    "HTTP requests answered, by area of the site and status class.",
    ["area", "status"],
    namespace=NAMESPACE,
)
PAGE_CACHE = Counter(
    "page_cache",
    "Public pages looked up in the page cache: hit, miss (rendered and stored), bypass "
    "(a request with cookies or a query, rendered for itself), error (the cache unreachable).",
    ["result"],
    namespace=NAMESPACE,
)
SEARCH_CACHE = Counter(
    "search_cache",
    "Directory searches looked up in the shared rendering of their normalised search (need, "
    "audience, region): hit, miss (rendered and stored), bypass (a request with cookies), "
    "error (the cache unreachable).",
    ["result"],
    namespace=NAMESPACE,
)
BUSY_PAGES = Counter(
    "busy_pages",
    "Requests answered with the 'busy' page (503) because no database connection was free.",
    namespace=NAMESPACE,
)

# --- the database connection pool ----------------------------------------------------------

POOL_WAITS = Counter(
    "db_pool_waits",
    "Connection requests that had to wait for a free pooled connection.",
    namespace=NAMESPACE,
)
POOL_WAIT_SECONDS = Counter(
    "db_pool_wait_seconds",
    "Total time spent waiting for a pooled connection.",
    namespace=NAMESPACE,
)
POOL_TIMEOUTS = Counter(
    "db_pool_timeouts",
    "Connection requests that gave up (timeout or no connection to the database).",
    namespace=NAMESPACE,
)
POOL_CONNECTIONS = Gauge(
    "db_pool_connections",
    "Connections held by the pools of the live server processes.",
    ["state"],
    namespace=NAMESPACE,
    multiprocess_mode="livesum",
)

# --- the chat --------------------------------------------------------------------------------

SOCKETS_OPEN = Gauge(
    "chat_sockets_open",
    "Open chat WebSockets, by kind (visitor, console).",
    ["kind"],
    namespace=NAMESPACE,
    multiprocess_mode="livesum",
)
MESSAGES_STORED = Counter(
    "chat_messages_stored",
    "Chat messages stored (and acknowledged), by sender role; rate() gives messages per second.",
    ["sender"],
    namespace=NAMESPACE,
)
WRITER_BATCH_SECONDS = Histogram(
    "chat_writer_batch_seconds",
    "Time the batched writer takes to store one batch of messages (one transaction).",
    namespace=NAMESPACE,
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)

# --- background work and staff security ------------------------------------------------------

TASK_FAILURES = Counter(
    "task_failures",
    "Background tasks that failed, by task name.",
    ["task"],
    namespace=NAMESPACE,
)
LOCKOUTS = Counter(
    "staff_lockouts",
    "Staff accounts locked after too many failed logins (no user name recorded).",
    namespace=NAMESPACE,
)


# --- the functions the code calls ----------------------------------------------------------


def request_answered(path: str, status: int) -> None:
    REQUESTS.labels(area=area_of(path), status=f"{status // 100}xx").inc()


def area_of(path: str) -> str:
    """A coarse area, never the path itself: paths of chat pages are nobody's business."""
    parts = path.lstrip("/").split("/", 2)
    if parts[0] == "en":
        parts = parts[1:] or [""]
    first = parts[0]
    if first in {"staff", "admin"}:
        return "staff"
    if first in {"chat", "ws"}:
        return "chat"
    if first == "static":
        return "static"
    if first in {"healthz", "readyz"}:
        return "health"
    return "public"


def page_cache(result: str) -> None:
    PAGE_CACHE.labels(result=result).inc()


def search_cache(result: str) -> None:
    SEARCH_CACHE.labels(result=result).inc()


def busy_page_served() -> None:
    BUSY_PAGES.inc()


def socket_opened(kind: str) -> None:
    SOCKETS_OPEN.labels(kind=kind).inc()


def socket_closed(kind: str) -> None:
    SOCKETS_OPEN.labels(kind=kind).dec()


def messages_stored(sender: str, count: int = 1) -> None:
    MESSAGES_STORED.labels(sender=sender).inc(count)


def writer_batch_time(seconds: float) -> None:
    WRITER_BATCH_SECONDS.observe(seconds)


def batch_written(senders: list[str], started: Any) -> None:
    """One batch of the chat's writer committed: its time (from `started`, a datetime) and its
    stored messages (the senders of those that were stored)."""
    from django.utils import timezone

    writer_batch_time((timezone.now() - started).total_seconds())
    # One increment per sender and batch, not per message.
    for sender, count in collections.Counter(senders).items():
        messages_stored(sender, count)


def message_outcome(sender: str, outcome: Any) -> None:
    """A message that took the slow path: counted when it was stored (not a refusal or resend)."""
    if getattr(outcome, "message", None) is not None and getattr(outcome, "created", False):
        messages_stored(sender)


def task_failed(task: str) -> None:
    TASK_FAILURES.labels(task=task).inc()


def staff_locked_out() -> None:
    """A login bucket was blocked (accounts.lockout); which user name is not kept."""
    LOCKOUTS.inc()


class PoolStats:
    """Moves psycopg_pool's own counters into the metrics, at most once a second per process.

    The pool counts waits and timeouts itself (`pop_stats()` returns them and starts again from
    zero); reading them after a request costs nothing on the request's path.
    """

    INTERVAL = 1.0
    _lock = threading.Lock()
    _last = 0.0

    @classmethod
    def collect(cls, pool: Any) -> None:
        now = time.monotonic()
        if pool is None or now - cls._last < cls.INTERVAL or not cls._lock.acquire(False):
            return
        try:
            cls._last = now
            stats = pool.pop_stats()
            POOL_WAITS.inc(stats.get("requests_queued", 0))
            POOL_WAIT_SECONDS.inc(stats.get("requests_wait_ms", 0) / 1000)
            POOL_TIMEOUTS.inc(stats.get("requests_errors", 0))
            size, free = stats.get("pool_size", 0), stats.get("pool_available", 0)
            POOL_CONNECTIONS.labels(state="in_use").set(max(size - free, 0))
            POOL_CONNECTIONS.labels(state="idle").set(free)
        finally:
            cls._lock.release()
