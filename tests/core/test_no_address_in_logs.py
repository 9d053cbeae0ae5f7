# ruff: noqa: S310 - the test opens http:// URLs of its own server
"""No client address in any line the server writes, at any level, HTTP and WebSocket, with
or without a proxy's X-Forwarded-For header (issue 9, finding 5). Starts the real server."""

from __future__ import annotations

import asyncio
import json
import logging
import urllib.request
from pathlib import Path

import pytest
from websockets.asyncio.client import connect

from tests.servers import Server, prepared_env, start_all
from vangnet.core.logfilter import REMOVED, NoClientAddress

FORWARDED_FOR = "203.0.113.77"


def test_the_filter_rewrites_every_address_in_a_record():
    record = logging.LogRecord(
        "uvicorn.error",
        logging.INFO,
        __file__,
        1,
        '%s - "WebSocket %s" [accepted]',
        ("127.0.0.1:53982", "/ws/chat/"),
        None,
    )
    assert NoClientAddress().filter(record)
    assert record.getMessage() == f'{REMOVED} - "WebSocket /ws/chat/" [accepted]'
    trace = logging.LogRecord(
        "uvicorn.error", 5, __file__, 1, "%sHTTP connection made", ("[2001:db8::1]:443 - ",), None
    )
    NoClientAddress().filter(trace)
    assert "2001" not in trace.getMessage()


async def _visit(server: Server) -> int:
    """An HTTP page and the visitor's socket, both claiming a forwarded address."""
    headers = {"X-Forwarded-For": FORWARDED_FOR, "X-Real-IP": FORWARDED_FOR}
    request = urllib.request.Request(server.url + "/", headers=headers)
    await asyncio.to_thread(lambda: urllib.request.urlopen(request, timeout=10).read())
    missing = urllib.request.Request(server.url + "/does-not-exist/", headers=headers)
    try:
        await asyncio.to_thread(lambda: urllib.request.urlopen(missing, timeout=10).read())
    except urllib.error.HTTPError:
        pass
    async with connect(
        server.ws_url + "/ws/chat/",
        additional_headers=headers,
        origin=server.url,
    ) as socket:
        port = int(socket.local_address[1])
        await socket.send(json.dumps({"type": "start", "role": "young_person", "language": "nl"}))
        await asyncio.wait_for(socket.recv(), 10)
    # A socket the server refuses (wrong origin) is logged too.
    try:
        async with connect(
            server.ws_url + "/ws/chat/", additional_headers=headers, origin="http://evil.example"
        ):
            pass
    except Exception as refused:  # noqa: BLE001 - refused is what we expect
        assert refused
    return port


@pytest.mark.slow
def test_the_real_server_logs_no_client_address(tmp_path: Path):
    prepared = prepared_env(tmp_path)
    levels = ("trace", "debug", "info")
    # One server per log level, started side by side and visited in turn.
    servers = start_all([Server({**prepared, "VANGNET_LOG_LEVEL": level}) for level in levels])
    try:
        client_ports = [asyncio.run(_visit(server)) for server in servers]
    finally:
        for server in servers:
            server.stop()
    for level, server, client_port in zip(levels, servers, client_ports, strict=True):
        log = server.log()
        # The server did write about the connections, with the address taken out.
        assert REMOVED in log, (level, log[-2000:])
        assert FORWARDED_FOR not in log, level
        assert f"127.0.0.1:{client_port}" not in log, level
        assert f":{client_port} " not in log, level
