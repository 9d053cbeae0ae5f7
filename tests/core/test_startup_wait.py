"""A server that cannot reach its database at start-up waits, says so once, and starts as soon
as the database is there (here: a database that does not exist yet, then is created)."""

from __future__ import annotations

import os
import secrets
import socket
import time
import uuid
from pathlib import Path

import psycopg
import pytest
from cryptography.fernet import Fernet
from psycopg import sql

from tests.servers import Server, server_env

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


def test_a_server_waits_for_its_database_and_says_so_once(tmp_path: Path) -> None:
    admin_url = os.environ["VANGNET_TEST_DATABASE_URL"]
    name = f"vangnet_late_{uuid.uuid4().hex[:10]}"
    env = server_env(
        tmp_path,
        DATABASE_URL=admin_url.rsplit("/", 1)[0] + "/" + name,
        SECRET_KEY=secrets.token_urlsafe(48),
        VANGNET_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        VANGNET_LOG_LEVEL="info",
    )
    server = Server(env=env)
    server.log_path = tmp_path / "server.log"
    import subprocess
    import sys

    log = server.log_path.open("ab")
    server.process = subprocess.Popen(  # noqa: S603 - our own server
        [sys.executable, "-m", "vangnet.cli", "serve", "--port", str(server.port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while "not reachable at start-up" not in server.log() and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(5)  # a few retries
        assert server.process.poll() is None, server.log()
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", server.port), timeout=0.5)

        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", server.port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail(f"the server did not start once the database was there:\n{server.log()}")
        text = server.log()
        assert text.count("not reachable at start-up") == 1
        assert text.count("database reachable; starting") == 1
        assert "Traceback" not in text
    finally:
        server.stop()
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
