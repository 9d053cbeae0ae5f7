"""The nginx sample in deploy/ is real: `nginx -t` accepts it, and an nginx running it in front
of two Vangnet processes carries a chat (WebSocket upgrade, no sticky sessions), micro-caches
public pages only, limits a burst from one client, and logs no client address."""

from __future__ import annotations

import re
import shutil
import ssl
import urllib.error
import urllib.request
from collections.abc import Iterator
from email.message import Message
from pathlib import Path

import pytest
from bench.chatclient import new_id, open_console, start_visitor
from bench.nginx_front import SAMPLE, NginxFront, free_port

from tests.chat.test_scale_out import login, postgres_database, production_env
from tests.conftest import IN_CI
from tests.servers import Server


@pytest.fixture(autouse=True)
def nginx_installed() -> None:
    if shutil.which("nginx") is None and not IN_CI:
        pytest.skip("needs Debian's nginx (apt-get install nginx); .ci/run installs it")


def test_the_sample_passes_nginx_t(tmp_path: Path) -> None:
    front = NginxFront(tmp_path, [free_port(), free_port()], static_root=tmp_path)
    result = front.check()
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr


def test_the_sample_keeps_no_sticky_sessions_and_passes_no_address() -> None:
    text = SAMPLE.read_text()
    directives = [line.split("#")[0] for line in text.splitlines()]
    config = "\n".join(directives)
    assert not re.search(r"\b(ip_hash|hash|sticky)\b", config)
    # Every proxying location empties the forwarded address headers.
    assert config.count("proxy_pass") == config.count('X-Forwarded-For ""')
    assert config.count("proxy_pass") == config.count('X-Real-IP ""')
    for log_format in re.findall(r"log_format[^;]*;", config, flags=re.S):
        assert "remote_addr" not in log_format and "http_user_agent" not in log_format
        assert "forwarded_for" not in log_format


def https_get(url: str, cookie: str = "") -> tuple[int, Message]:
    """Status and headers (names case-insensitive: uvicorn sends them in lower case)."""
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
            return answer.status, answer.headers
    except urllib.error.HTTPError as error:
        return error.code, error.headers


@pytest.fixture
def trusted_certificate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Python's default TLS context (urllib, websockets) trusts the test certificate."""
    front_dir = tmp_path / "nginx"
    front_dir.mkdir()
    from bench.nginx_front import self_signed_certificate

    cert, _key = self_signed_certificate(front_dir)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    assert ssl.create_default_context().cert_store_stats()["x509"] >= 1
    yield front_dir


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.redis
async def test_a_chat_through_nginx_in_front_of_two_processes(
    tmp_path: Path, trusted_certificate: Path
) -> None:
    with postgres_database() as database_url:
        env = production_env(tmp_path, database_url)
        a, b = Server(env=env).start(), Server(env=env).start()
        front = NginxFront(
            trusted_certificate, [a.port, b.port], static_root=Path(env["VANGNET_DATA_DIR"])
        )
        front.start()
        try:
            session = login(b, "anna")
            # Both the console and the visitor go through nginx: round robin, no stickiness.
            console = await open_console(front.ws_url, session)
            await console.send(type="duty", on=True)
            await console.until("duty")
            visitor, _token = await start_visitor(front.ws_url, nickname="Mila")
            queue = await console.until("queue", timeout=10)
            while not queue["items"]:
                queue = await console.until("queue", timeout=10)
            conversation = queue["items"][0]["conversation"]
            await console.send(type="accept", conversation=conversation)
            await visitor.until("state", status="active")
            for text in ("Hoi", "Is daar iemand?", "Ik wil iets vertellen"):
                message_id = new_id()
                await visitor.send(type="send", id=message_id, text=text)
                await visitor.until("ack", id=message_id)
                received = await console.until("message", sender="visitor")
                assert received["text"] == text
            reply_id = new_id()
            await console.send(type="send", conversation=conversation, id=reply_id, text="Ja")
            assert (await visitor.until("message", sender="counsellor"))["text"] == "Ja"
            await visitor.close()
            await console.close()

            # Public pages: the micro-cache serves the second visitor; staff and searches never.
            assert https_get(f"{front.url}/parents/")[0] == 200
            status, headers = https_get(f"{front.url}/parents/")
            assert (status, headers.get("X-Cache-Status")) == (200, "HIT")
            assert headers.get("Cache-Control") == "no-store"  # the browser still keeps nothing
            assert "X-Accel-Expires" not in headers
            assert https_get(f"{front.url}/help/?need=talk")[1].get("X-Cache-Status") == "BYPASS"
            with_cookie = https_get(f"{front.url}/parents/", cookie=f"sessionid={session}")
            assert with_cookie[1].get("X-Cache-Status") == "BYPASS"

            # A burst from one client is slowed down with 429, not passed on.
            statuses = [https_get(f"{front.url}/young-people/")[0] for _ in range(80)]
            assert 429 in statuses and 200 in statuses
            assert 500 not in statuses
        finally:
            front.stop()
            a.stop()
            b.stop()
        logs = front.logs()
        assert " GET 200 " in logs  # the access log is written ...
        assert "127.0.0.1" not in logs.replace(
            f"127.0.0.1:{front.https_port}", ""
        )  # ... no address
        assert "Mila" not in logs and "/ws/" not in logs
        for server in (a, b):
            assert "Traceback" not in server.log()
