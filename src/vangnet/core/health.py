"""`/healthz` and `/readyz` for a load balancer or an orchestrator.

They are answered at the ASGI level, in front of Django's middleware: no session is read or
created, no cookie is set, no host name check applies (a load balancer may probe by address),
and nothing is logged.

- `/healthz`: the process answers. Nothing else is checked, so a database outage does not make
  a supervisor restart healthy processes.
- `/readyz`: the database answers a query, Redis answers a ping (when REDIS_URL is set), and
  every migration of this release is applied. 503 with the failing part named otherwise.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[Mapping[str, Any]]]
Send = Callable[[Mapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

HEALTH_PATHS = frozenset({"/healthz", "/readyz"})
REDIS_TIMEOUT_SECONDS = 1.0


def with_health_checks(app: ASGIApp) -> ASGIApp:
    """The given ASGI app, with /healthz and /readyz answered before it is reached."""

    async def router(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] in HEALTH_PATHS:
            await _answer(scope, send)
        else:
            await app(scope, receive, send)

    return router


async def _answer(scope: Scope, send: Send) -> None:
    if scope["method"] not in {"GET", "HEAD"}:
        await _send(send, 405, {"error": "method not allowed"}, head=False)
        return
    if scope["path"] == "/healthz":
        status, body = 200, {"status": "ok"}
    else:
        checks = await sync_to_async(readiness, thread_sensitive=False)()
        ready = all(value in {"ok", "not configured"} for value in checks.values())
        status, body = (200 if ready else 503), {"status": "ok" if ready else "not ready", **checks}
    await _send(send, status, body, head=scope["method"] == "HEAD")


async def _send(send: Send, status: int, body: dict[str, str], *, head: bool) -> None:
    content = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"cache-control", b"no-store"),
                (b"content-length", str(len(content)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": b"" if head else content})


def readiness() -> dict[str, str]:
    """Each dependency: "ok", "not configured", or why not (an error class, no details)."""
    return {
        "database": _check(_database),
        "migrations": _check(_migrations),
        "redis": _check(_redis) if settings.REDIS_URL else "not configured",
    }


def _check(probe: Callable[[], str]) -> str:
    try:
        return probe()
    except Exception as error:  # whatever it is, the answer is "not ready"
        return f"unavailable ({type(error).__name__})"
    finally:
        connections[DEFAULT_DB_ALIAS].close()  # back to the pool; this thread is a passer-by


def _database() -> str:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


_migrations_applied = False


def _migrations() -> str:
    """Checked until they are applied; a release's migrations do not come undone."""
    global _migrations_applied
    if not _migrations_applied:
        from django.db.migrations.executor import MigrationExecutor

        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if plan:
            return f"pending ({len(plan)})"
        _migrations_applied = True
    return "ok"


def _redis() -> str:
    import redis

    client = redis.Redis.from_url(
        settings.REDIS_URL,
        socket_timeout=REDIS_TIMEOUT_SECONDS,
        socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
    )
    try:
        client.ping()
    finally:
        client.close()
    return "ok"
