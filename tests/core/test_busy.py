"""No free database connection: a calm, translated "busy" page (503 + Retry-After), one log
line when it starts and one when it ends, no traceback per request, and recovery by itself."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import DEFAULT_DB_ALIAS, OperationalError, ProgrammingError, connections
from django.test import Client

from vangnet.core.busy import DatabaseState, SkipDatabaseUnavailable, database_unavailable


@pytest.fixture
def exhausted_pool(transactional_db: None) -> Iterator[Any]:
    """Every connection of the pool lent out, and a short wait before giving up."""
    connections[DEFAULT_DB_ALIAS].close()  # the test's own connection back to the pool
    pool = connections[DEFAULT_DB_ALIAS].pool
    assert pool is not None, "production settings use the psycopg pool"
    pool.open()
    held = [pool.getconn() for _ in range(pool.max_size)]
    timeout, pool.timeout = pool.timeout, 0.2
    try:
        yield pool
    finally:
        pool.timeout = timeout
        for conn in held:
            pool.putconn(conn)


@pytest.mark.postgres_db
def test_no_free_connection_gives_the_busy_page_and_one_log_line(
    exhausted_pool: Any, caplog: pytest.LogCaptureFixture
) -> None:
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.INFO):
        responses = [client.get("/help/?need=talk") for _ in range(3)]
        english = client.get("/en/help/?need=talk")
    for response in responses:
        assert response.status_code == 503
        assert response["Retry-After"] == "10"
        assert "Het is nu erg druk" in response.content.decode()
        assert not response.cookies
    assert "It is very busy right now" in english.content.decode()
    assert 'id="quick-exit"' in english.content.decode()
    outage_lines = [r for r in caplog.records if "database unavailable" in r.getMessage()]
    assert len(outage_lines) == 1
    assert not [r for r in caplog.records if r.exc_info]  # no traceback, not one
    assert not [r for r in caplog.records if r.name == "django.request"]  # nor a line each


@pytest.mark.postgres_db
def test_the_site_recovers_by_itself_and_says_so_once(
    transactional_db: None, caplog: pytest.LogCaptureFixture
) -> None:
    connections[DEFAULT_DB_ALIAS].close()
    pool = connections[DEFAULT_DB_ALIAS].pool
    assert pool is not None
    pool.open()
    held = [pool.getconn() for _ in range(pool.max_size)]
    timeout, pool.timeout = pool.timeout, 0.2
    client = Client(raise_request_exception=False)
    try:
        assert client.get("/help/?need=talk").status_code == 503
    finally:
        pool.timeout = timeout
        for conn in held:
            pool.putconn(conn)
    with caplog.at_level(logging.INFO):
        assert client.get("/help/?need=talk").status_code == 200
        assert client.get("/help/?need=care").status_code == 200
    back = [r for r in caplog.records if "database reachable again" in r.getMessage()]
    assert len(back) == 1


def test_only_connection_errors_count_as_busy() -> None:
    assert database_unavailable(OperationalError("the database system is starting up"))
    assert not database_unavailable(ProgrammingError("syntax error"))
    assert not database_unavailable(None)


def test_request_log_drops_outage_tracebacks_and_keeps_bugs() -> None:
    keep = SkipDatabaseUnavailable()

    def record(error: BaseException) -> logging.LogRecord:
        try:
            raise error
        except BaseException:
            import sys

            return logging.LogRecord("django.request", 40, "", 0, "x", (), sys.exc_info())

    assert not keep.filter(record(OperationalError("too many clients already")))
    assert keep.filter(record(ProgrammingError("syntax error")))


def test_an_outage_is_logged_once_and_its_end_once(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="vangnet.database"):
        for _ in range(5):
            DatabaseState.went_down(OperationalError("sorry, too many clients already"))
        for _ in range(5):
            DatabaseState.served()
    messages = [r.getMessage() for r in caplog.records]
    assert len([m for m in messages if "database unavailable" in m]) == 1
    assert len([m for m in messages if "reachable again" in m]) == 1
    assert "too many clients" in messages[0]
