"""/healthz and /readyz for the load balancer: answered in front of Django, no session, no
cookie, and /readyz names what is not ready."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import override_settings

from vangnet.asgi import application


async def get(path: str, method: str = "GET", host: bytes = b"10.0.0.7") -> dict[str, Any]:
    """One request straight into the ASGI application, as uvicorn would make it."""
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Any) -> None:
        sent.append(dict(message))

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        # A probe by address (not in ALLOWED_HOSTS) and with a stray session cookie.
        "headers": [(b"host", host), (b"cookie", b"sessionid=not-a-session")],
        "client": ("10.0.0.1", 40000),
        "server": ("10.0.0.7", 8000),
    }
    await application(scope, receive, send)
    start = sent[0]
    headers = {k.decode().lower(): v.decode() for k, v in start["headers"]}
    body = b"".join(m.get("body", b"") for m in sent[1:])
    return {"status": start["status"], "headers": headers, "body": body}


async def test_healthz_answers_without_session_or_cookie() -> None:
    answer = await get("/healthz")
    assert answer["status"] == 200
    assert json.loads(answer["body"]) == {"status": "ok"}
    assert "set-cookie" not in answer["headers"]
    assert answer["headers"]["cache-control"] == "no-store"


@pytest.mark.django_db(transaction=True)
async def test_readyz_checks_database_migrations_and_redis() -> None:
    answer = await get("/readyz")
    assert answer["status"] == 200, answer["body"]
    checks = json.loads(answer["body"])
    assert checks["database"] == "ok"
    assert checks["migrations"] == "ok"
    assert checks["redis"] in {"ok", "not configured"}
    assert "set-cookie" not in answer["headers"]


@pytest.mark.django_db(transaction=True)
async def test_readyz_says_redis_is_not_reachable() -> None:
    with override_settings(REDIS_URL="redis://127.0.0.1:1/0"):  # nothing listens on port 1
        answer = await get("/readyz")
    assert answer["status"] == 503
    checks = json.loads(answer["body"])
    assert checks["status"] == "not ready"
    assert checks["redis"].startswith("unavailable")
    assert checks["database"] == "ok"


async def test_health_checks_answer_only_get_and_head() -> None:
    assert (await get("/healthz", method="POST"))["status"] == 405
    head = await get("/healthz", method="HEAD")
    assert head["status"] == 200 and head["body"] == b""
