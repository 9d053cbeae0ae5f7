"""`vangnet serve --nice N`: the page processes give the CPU to the chat's own processes in a
spike (docs/deployment.md). The server and every worker it starts run at the lower priority."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.servers import Server, server_env


def niceness(pid: int) -> int:
    # /proc/PID/stat: the 19th field; the command name (2nd) is in parentheses.
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[16])


def child_pids(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in children.read_text().split()] if children.exists() else []


@pytest.mark.slow
def test_the_server_and_its_workers_run_at_the_lower_priority(tmp_path: Path) -> None:
    server = Server(env=server_env(tmp_path), serve_args=["--nice", "7", "--workers", "2"])
    server.start()
    try:
        assert server.process is not None
        base = os.nice(0)  # the test's own niceness, usually 0
        workers = child_pids(server.process.pid)
        assert workers  # uvicorn's worker processes
        for pid in [server.process.pid, *workers]:
            assert niceness(pid) == base + 7
    finally:
        server.stop()
    assert "Traceback" not in server.log()


def test_raising_the_priority_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "vangnet.cli", "serve", "--nice", "-5"],
        env=server_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "--nice takes 0 to 19" in result.stderr
    assert "Traceback" not in result.stderr
