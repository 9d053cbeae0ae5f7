"""The deployment sample on this machine, for tests: PostgreSQL + Redis, page processes and the
chat's own processes, and Debian's nginx running deploy/nginx-vangnet.conf in front (HTTPS with
a self-signed certificate that Python's TLS trusts for the test). Used by tests/core/test_nginx.py
and tests/e2e/test_chat_behind_nginx.py."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from bench.nginx_front import NginxFront

from tests.chat.test_scale_out import postgres_database, production_env
from tests.conftest import IN_CI
from tests.servers import Server, start_all

PAGE_NICE = "5"  # the page processes yield the CPU to the chat's, as docs/deployment.md says


@dataclass
class Deployment:
    nginx: NginxFront
    pages: list[Server]
    chat: list[Server]
    env: dict[str, str]

    @property
    def servers(self) -> list[Server]:
        return self.pages + self.chat


def needs_nginx() -> None:
    if shutil.which("nginx") is None and not IN_CI:
        pytest.skip("needs Debian's nginx (apt-get install nginx); .ci/run installs it")


@pytest.fixture(scope="module")
def deployment_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """The migrated database and collected static files, shared by a module's deployments
    (migrating PostgreSQL is most of a deployment's start); each test starts its own
    processes and nginx on it."""
    needs_nginx()
    with postgres_database() as database_url:
        env = production_env(tmp_path_factory.mktemp("deployment"), database_url)
        env.update(VANGNET_HTTPS="1", VANGNET_SSL_REDIRECT="0")  # nginx terminates TLS
        yield env


@pytest.fixture
def deployment(
    deployment_env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Deployment]:
    """Two page processes and one chat process behind nginx; Vangnet told it is behind TLS."""
    env = deployment_env
    pages = [Server(env=env, serve_args=["--nice", PAGE_NICE]) for _ in range(2)]
    chat = [Server(env=env)]
    nginx = NginxFront(
        tmp_path / "nginx",
        [server.port for server in pages],
        static_root=Path(env["VANGNET_DATA_DIR"]) / "static",
        chat_ports=[server.port for server in chat],
    )
    try:
        start_all(pages + chat)
        nginx.start()
        monkeypatch.setenv("SSL_CERT_FILE", str(nginx.cert))  # urllib, websockets trust it
        yield Deployment(nginx, pages, chat, env)
    finally:
        nginx.stop()
        for server in pages + chat:
            server.stop()
