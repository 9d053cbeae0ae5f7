"""The fault campaign (bench/faults.py) as a test: a chat load on PostgreSQL + Redis + two
workers rides through the database going away, a Redis restart, one and both workers killed,
and a long lock on the message table, losing, duplicating and reordering nothing.

The database fault restarts the real PostgreSQL cluster only in CI, which runs alone on its
machine (and this test runs in the SQLite pass, holding no connection of its own); elsewhere
other work shares the cluster, and the fault closes this test's own database instead (every
connection terminated, new ones refused), which is what the chat sees of a restart. With the
real restart the test holds the cluster alone (`restarts_postgres`, tests/conftest.py): a test
using PostgreSQL in another pytest-xdist worker waits until it is done. Redis is always a
server of the test's own, on a port of its own, so the shared one is never stopped.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from bench.faults import parse_options, run_campaign

REAL_RESTART = os.environ.get("CI") == "true"

pytestmark = [pytest.mark.slow, pytest.mark.postgres]
if REAL_RESTART:
    # No test in another process (pytest-xdist's other worker) may hold a connection then.
    pytestmark.append(pytest.mark.restarts_postgres)


def test_no_fault_loses_duplicates_or_reorders_a_message(tmp_path: Path) -> None:
    options = parse_options(
        [
            "--pairs", "5",
            "--rate", "1",
            "--duration", "15",
            "--drain", "40",
            "--outage", "8",
            "--pg-restart", "real" if REAL_RESTART else "simulated",
            "--data-dir", str(tmp_path),
        ]
    )  # fmt: skip
    results = run_campaign(options)
    logs = results.pop("_logs")["text"]
    assert set(results) == {"postgres", "redis", "kill-one", "kill-both", "lock"}
    for fault, result in results.items():
        assert result["sent"] > 0, fault
        assert result["unacked"] == 0, (fault, result)
        assert result["lost"] == 0, (fault, result)
        assert result["duplicated"] == 0, (fault, result)
        assert result["reordered"] == 0, (fault, result)
        # A fault the server rides out is never an internal error (1011).
        assert "1011" not in result["closes"], (fault, result)
    assert "Traceback" not in logs
