"""The nginx sample in deploy/ is real: `nginx -t` accepts it, and an nginx running it in front
of two page processes and the chat's own process carries a chat there (WebSocket upgrade, no
sticky sessions), sends pages to the page processes, micro-caches public pages only (and
directory searches by region, never those with a postcode), limits a burst from one client,
and logs no client address."""

from __future__ import annotations

import datetime as dt
import re
import time
import urllib.error
import urllib.request
from email.message import Message
from pathlib import Path

import pytest
from bench.chatclient import new_id, open_console, staff_login, start_visitor
from bench.nginx_front import SAMPLE, NginxFront, free_port

from tests.chat.test_scale_out import totp_code
from tests.nginx_deployment import Deployment, deployment, deployment_env, needs_nginx
from tests.servers import start_all
from vangnet.accounts.demo import DEMO_PASSWORD

__all__ = ["deployment", "deployment_env"]  # the fixtures


@pytest.fixture(autouse=True)
def nginx_installed() -> None:
    needs_nginx()


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


def status_within(url: str, wanted: int, seconds: float) -> int:
    """The URL's status once it is `wanted`, or the last one seen when time runs out."""
    deadline = time.monotonic() + seconds
    status = https_get(url)[0]
    while status != wanted and time.monotonic() < deadline:
        time.sleep(0.5)
        status = https_get(url)[0]
    return status


async def chat_through(deployment: Deployment, session: str, nickname: str) -> None:
    """A visitor starts a chat through nginx; the counsellor's console sees it, accepts it and
    they exchange messages, both sockets through nginx."""
    front = deployment.nginx
    console = await open_console(front.ws_url, session)
    await console.send(type="duty", on=True)
    await console.until("duty")
    visitor, _token = await start_visitor(front.ws_url, nickname=nickname)
    queue = await console.until("queue", timeout=10)
    while not any(item["nickname"] == nickname for item in queue["items"]):
        queue = await console.until("queue", timeout=10)
    item = next(item for item in queue["items"] if item["nickname"] == nickname)
    conversation = item["conversation"]
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


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.redis
async def test_a_chat_through_nginx_on_the_chats_own_process(deployment: Deployment) -> None:
    front = deployment.nginx
    session = staff_login(front.url, "anna", DEMO_PASSWORD, totp_code(deployment.env, "anna"))
    await chat_through(deployment, session, "Mila")

    # Public pages: the micro-cache serves the second visitor; staff and searches never.
    assert https_get(f"{front.url}/parents/")[0] == 200
    status, headers = https_get(f"{front.url}/parents/")
    assert (status, headers.get("X-Cache-Status")) == (200, "HIT")
    assert headers.get("Cache-Control") == "no-store"  # the browser still keeps nothing
    assert "X-Accel-Expires" not in headers
    # Any query string reaches Django; nginx stores only what Django marks (test below).
    assert https_get(f"{front.url}/help/?need=talk")[1].get("X-Cache-Status") == "MISS"
    with_cookie = https_get(f"{front.url}/parents/", cookie=f"sessionid={session}")
    assert with_cookie[1].get("X-Cache-Status") == "BYPASS"
    # Static files come from collectstatic's directory, not from the data directory.
    assert https_get(f"{front.url}/static/core/site.css")[0] == 200
    a_server_log = deployment.pages[0].log_path
    assert a_server_log is not None and a_server_log.parent == Path(
        deployment.env["VANGNET_DATA_DIR"]
    )
    assert https_get(f"{front.url}/static/{a_server_log.name}")[0] == 404

    # A burst from one client is slowed down with 429, not passed on.
    statuses = [https_get(f"{front.url}/young-people/")[0] for _ in range(80)]
    assert 429 in statuses and 200 in statuses
    assert 500 not in statuses

    # The routing: with every page process down, the chat (its sockets and its pages) goes
    # on, on its own process; a public page nginx has not cached has nobody to answer it.
    for server in deployment.pages:
        server.stop()
    await chat_through(deployment, session, "Noor")
    assert https_get(f"{front.url}/chat/")[0] == 200
    assert https_get(f"{front.url}/staff/chat/", cookie=f"sessionid={session}")[0] == 200
    assert https_get(f"{front.url}/privacy/")[0] == 502
    # ... and the other way round: the chat's process down, the site is still served.
    for server in deployment.chat:
        server.stop()
    start_all(deployment.pages)
    # nginx counts the refused connections of a moment ago against the page processes and
    # tries them again after its fail_timeout (10 s): the site is back within that.
    assert status_within(f"{front.url}/privacy/", 200, seconds=20) == 200
    assert https_get(f"{front.url}/chat/")[0] == 502

    logs = front.logs()
    assert " GET 200 " in logs  # the access log is written ...
    assert "127.0.0.1" not in logs.replace(f"127.0.0.1:{front.https_port}", "")  # ... no address
    assert "Mila" not in logs and "/ws/" not in logs
    for server in deployment.servers:
        assert "Traceback" not in server.log()


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.redis
def test_region_searches_are_micro_cached_and_postcode_searches_never(
    deployment: Deployment,
) -> None:
    front = deployment.nginx
    # A shared search lives until the next full minute: start well inside one.
    second = dt.datetime.now().second
    if second >= 55:
        time.sleep(61 - second)
    region = f"{front.url}/help/?need=talk&audience=&region=GE-OV"  # as the browser asks
    status, headers = https_get(region)
    assert (status, headers.get("X-Cache-Status")) == (200, "MISS")
    status, headers = https_get(region)
    assert (status, headers.get("X-Cache-Status")) == (200, "HIT")
    assert "X-Accel-Expires" not in headers and headers.get("Cache-Control") == "no-store"
    # A search with a postcode is neither looked up nor stored, however often it comes ...
    for query in ("need=talk&postcode=8011AB", "need=talk&audience=&region=GE-OV&postcode=8011"):
        for _ in range(3):
            status, headers = https_get(f"{front.url}/help/?{query}")
            assert (status, headers.get("X-Cache-Status")) == (200, "BYPASS"), query
    # ... and another spelling of a region search is answered by Django, not stored.
    for query in ("need=talk&region=GE-OV", "need=talk&audience=&region=OV-GE", "region=GE-OV&x=1"):
        for _ in range(2):
            status, headers = https_get(f"{front.url}/help/?{query}")
            assert (status, headers.get("X-Cache-Status")) == (200, "MISS"), query
    logs = front.logs()
    assert "GE-OV" not in logs and "8011" not in logs and "/help/" not in logs  # no queries
