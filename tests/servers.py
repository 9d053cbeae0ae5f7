"""Real Vangnet server processes for browser, scale-out and fault tests."""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """An environment for a server of its own: its data directory, no inherited Django setup."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.pop("REDIS_URL", None)
    env.update(
        VANGNET_DATA_DIR=str(data_dir),
        VANGNET_HTTPS="0",
        VANGNET_MANIFEST_STATIC="0",  # no collectstatic for a test server
        VANGNET_LOG_LEVEL="warning",
        # Always open, so tests do not depend on the hour they run at.
        VANGNET_CHAT_OPENING_HOURS="",
        # A loaded test machine may stall a server for a moment: only the overload tests
        # (which set their own limit) should see `slow_down`, not the simple test clients.
        VANGNET_CHAT_SEND_MAX_LAG_MS="5000",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def run_cli(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "vangnet.cli", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"vangnet {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


@dataclass
class Server:
    env: dict[str, str]
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    log_path: Path | None = None
    serve_args: list[str] = field(default_factory=list)  # more `vangnet serve` options

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30) -> Server:
        self.spawn()
        return self.wait_ready(timeout)

    def spawn(self) -> None:
        """Start the process without waiting for it to listen (see `start_all`)."""
        self.log_path = Path(self.env["VANGNET_DATA_DIR"]) / f"server-{self.port}.log"
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own server, fixed arguments
                [sys.executable, "-m", "vangnet.cli", "serve", "--port", str(self.port)]
                + self.serve_args,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def wait_ready(self, timeout: float = 30) -> Server:
        """Until the process accepts connections on its port."""
        assert self.process is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited early:\n{self.log()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"server did not start in {timeout}s:\n{self.log()}")

    def kill(self) -> None:
        """SIGKILL: no chance to flush or clean up, as in a crash."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path else ""


def start_all(servers: list[Server], timeout: float = 30) -> list[Server]:
    """Start the servers side by side (each takes seconds to import and warm up)."""
    for server in servers:
        server.spawn()
    try:
        for server in servers:
            server.wait_ready(timeout)
    except BaseException:
        for server in servers:
            server.stop()
        raise
    return servers


_embedded_template: Path | None = None


def _prepared_embedded_template() -> Path:
    """A data directory migrated and given the demo staff once per process: the embedded
    default's SQLite file and the keys it created beside it (or was given in the environment,
    as pass 2 of `make test` gives them to every server)."""
    global _embedded_template  # noqa: PLW0603 - one template per test session
    if _embedded_template is None:
        data_dir = Path(tempfile.mkdtemp(prefix="vangnet-embedded-template-"))
        atexit.register(shutil.rmtree, data_dir, ignore_errors=True)
        env = server_env(data_dir)
        run_cli(env, "migrate", "--noinput", "-v", "0")
        run_cli(env, "demo-data", "--if-empty")
        _embedded_template = data_dir
    return _embedded_template


def prepared_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """A migrated database with the demo staff, ready to serve.

    On the embedded default (SQLite in the data directory) the data directory is a copy of one
    migrated once per test session, which is what `migrate` and `demo-data` would make of it;
    with a DATABASE_URL they run against that database."""
    env = server_env(data_dir, **extra)
    # Settings that change what migrate and demo-data write (and where) rule out the copy.
    own = ("DATABASE_URL", "SECRET_KEY", "VANGNET_ENCRYPTION_KEYS", "VANGNET_SQLITE_PATH")
    if any(name in extra for name in own) or "VANGNET_SQLITE_PATH" in env:
        run_cli(env, "migrate", "--noinput", "-v", "0")
        run_cli(env, "demo-data", "--if-empty")
    else:
        shutil.copytree(_prepared_embedded_template(), data_dir, dirs_exist_ok=True)
    return env
