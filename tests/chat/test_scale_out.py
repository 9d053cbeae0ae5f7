"""Scale-out: two real server processes share one PostgreSQL database and one Redis, and a
visitor on process A chats with a counsellor on process B."""

from __future__ import annotations

import atexit
import os
import secrets
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from bench.chatclient import new_id, open_console, staff_login, start_visitor
from cryptography.fernet import Fernet
from psycopg import sql

from tests.conftest import postgres_cluster
from tests.servers import Server, prepared_env, run_cli, server_env, start_all
from vangnet.accounts.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.slow]


@contextmanager
def postgres_database() -> Iterator[str]:
    """A freshly created, uniquely named database on the test server; dropped afterwards."""
    admin_url = os.environ["VANGNET_TEST_DATABASE_URL"]
    name = f"vangnet_srv_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield admin_url.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@dataclass
class _Template:
    """A database migrated and given the demo staff once per test session, with the keys its
    encrypted fields were written with, and the collected static files."""

    name: str
    keys: dict[str, str]
    data_dir: Path  # what `migrate`, `demo-data` and `collectstatic` wrote there


_template: _Template | None = None


def _admin(statement: sql.Composable) -> None:
    with psycopg.connect(os.environ["VANGNET_TEST_DATABASE_URL"], autocommit=True) as conn:
        conn.execute(statement)


def _drop_template(name: str, data_dir: str) -> None:
    # At the process's exit, outside any test: not while another worker restarts the cluster.
    with postgres_cluster():
        _admin(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    shutil.rmtree(data_dir, ignore_errors=True)


def _prepared_template() -> _Template:
    global _template  # noqa: PLW0603 - one template per test session
    if _template is None:
        admin_url = os.environ["VANGNET_TEST_DATABASE_URL"]
        name = f"vangnet_tpl_{uuid.uuid4().hex[:12]}"
        data_dir = tempfile.mkdtemp(prefix="vangnet-template-")
        _admin(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        atexit.register(_drop_template, name, data_dir)
        keys = {
            "SECRET_KEY": secrets.token_urlsafe(48),
            "VANGNET_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        }
        env = prepared_env(
            Path(data_dir),
            DATABASE_URL=admin_url.rsplit("/", 1)[0] + "/" + name,
            REDIS_URL=os.environ["VANGNET_TEST_REDIS_URL"],
            VANGNET_HTTPS="0",
            ALLOWED_HOSTS="127.0.0.1,localhost",
            **keys,
        )
        # Production serves hashed static files: the login page needs the manifest.
        run_cli(env, "collectstatic", "--noinput", "-v", "0")
        _template = _Template(name, keys, Path(data_dir))
    return _template


def production_env(data_dir: Path, database_url: str) -> dict[str, str]:
    """Production-style settings: PostgreSQL, Redis, keys from the environment, demo staff.

    The database at `database_url` (from `postgres_database`) is made a copy of the session's
    migrated template, which is what `migrate` and `demo-data` would make of it, in a fraction
    of their time; the data directory is a copy of the template's (its collected static files)."""
    template = _prepared_template()
    name = sql.Identifier(database_url.rsplit("/", 1)[1])
    _admin(sql.SQL("DROP DATABASE {}").format(name))
    _admin(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(name, sql.Identifier(template.name)))
    env = server_env(
        data_dir,
        DATABASE_URL=database_url,
        REDIS_URL=os.environ["VANGNET_TEST_REDIS_URL"],
        VANGNET_HTTPS="0",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        **template.keys,
    )
    shutil.copytree(template.data_dir, data_dir, dirs_exist_ok=True)
    return env


@pytest.fixture(scope="module")
def shared_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """One prepared database and data directory for this module's tests: each starts its own
    two server processes on it (a fresh database each would migrate PostgreSQL again)."""
    with postgres_database() as database_url:
        yield production_env(tmp_path_factory.mktemp("scale-out"), database_url)


def totp_code(env: dict[str, str], username: str) -> str:
    """The code the user's authenticator app shows now, read from the server's database."""
    script = (
        "from vangnet.accounts.models import User;"
        "from vangnet.accounts.services import current_totp;"
        f"print(current_totp(User.objects.get(username={username!r})))"
    )
    # The last line: Django 5.2's shell first says what it imported.
    return run_cli(env, "shell", "-c", script).strip().splitlines()[-1]


def login(server: Server, username: str) -> str:
    """Log in over HTTP with password and TOTP code; returns the session id."""
    return staff_login(server.url, username, DEMO_PASSWORD, totp_code(server.env, username))


@pytest.mark.postgres
@pytest.mark.redis
async def test_visitor_on_one_process_chats_with_counsellor_on_another(
    shared_env: dict[str, str],
) -> None:
    env = shared_env
    a, b = start_all([Server(env=env), Server(env=env)])
    try:
        session = login(b, "anna")
        console = await open_console(b.ws_url, session)
        await console.send(type="duty", on=True)
        await console.until("duty")

        visitor, _token = await start_visitor(a.ws_url, nickname="Mila")
        # The queue change on A reaches the console on B through Redis.
        queue = await console.until("queue", timeout=10)
        while not queue["items"]:
            queue = await console.until("queue", timeout=10)
        conversation = queue["items"][0]["conversation"]
        assert queue["items"][0]["nickname"] == "Mila"

        await console.send(type="accept", conversation=conversation)
        await console.until("chat", conversation=conversation)
        state = await visitor.until("state", status="active")
        assert state["counsellor"] == "Anna"

        hello_id = new_id()
        await visitor.send(type="send", id=hello_id, text="Hoi, is daar iemand?")
        ack = await visitor.until("ack", id=hello_id)
        received = await console.until("message", sender="visitor")
        assert (received["id"], received["seq"]) == (hello_id, ack["seq"])
        assert received["text"] == "Hoi, is daar iemand?"

        reply_id = new_id()
        await console.send(
            type="send", conversation=conversation, id=reply_id, text="Ja, ik ben Anna."
        )
        reply_ack = await console.until("ack", id=reply_id)
        reply = await visitor.until("message", sender="counsellor")
        assert (reply["id"], reply["seq"]) == (reply_id, reply_ack["seq"])
        assert reply["text"] == "Ja, ik ben Anna."
        assert reply["author"] == "Anna"

        await visitor.send(type="typing")
        typing = await console.until("typing")
        assert typing["from"] == "visitor"

        await console.send(type="end", conversation=conversation)
        await visitor.until("state", status="ended")
        await visitor.close()
        await console.close()
    finally:
        a.stop()
        b.stop()


@pytest.mark.postgres
@pytest.mark.redis
async def test_ended_access_closes_the_console_in_every_server_process(
    shared_env: dict[str, str],
) -> None:
    """The signal is sent by a third process (a management command): both workers close the
    consoles they hold of that person within 5 s."""
    import asyncio
    import time

    env = shared_env
    a, b = start_all([Server(env=env), Server(env=env)])
    try:
        # Bram, not Anna: the module's other test logged Anna in, and a TOTP code is good once.
        session = login(a, "bram")
        consoles = [
            await open_console(a.ws_url, session),
            await open_console(b.ws_url, session),
        ]
        run_cli(
            env,
            "shell",
            "-c",
            "from vangnet.accounts.models import User;"
            "from vangnet.accounts.signals import staff_access_ended;"
            "staff_access_ended.send(sender=None,"
            " user_id=User.objects.get(username='bram').pk, reason='deactivated')",
        )
        started = time.monotonic()  # the signal has been sent (the shell has exited)
        for console in consoles:
            while not console.closed:
                await asyncio.sleep(0.05)
                assert time.monotonic() - started < 5
            assert console.ws.close_code == 4401
            assert console.seen[-1]["code"] == "session_ended"
    finally:
        a.stop()
        b.stop()
