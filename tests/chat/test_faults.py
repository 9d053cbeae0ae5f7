"""The fault campaign (bench/faults.py) as a test: a chat load on PostgreSQL + Redis + two
workers rides through the database going away, a Redis restart, one and both workers killed,
and a long lock on the message table, losing, duplicating and reordering nothing.

The database fault restarts the real PostgreSQL cluster only in CI, which runs alone on its
machine (and this test runs in the SQLite pass, holding no connection of its own); elsewhere
other work shares the cluster, and the fault closes this test's own database instead (every
connection terminated, new ones refused), which is what the chat sees of a restart. Redis is
always a server of the test's own, on a port of its own, so the shared one is never stopped.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from bench.faults import parse_options, run_campaign

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


def test_no_fault_loses_duplicates_or_reorders_a_message(tmp_path: Path) -> None:
    real_restart = os.environ.get("CI") == "true"
    options = parse_options(
        [
            "--pairs", "5",
            "--rate", "1",
            "--duration", "15",
            "--drain", "40",
            "--outage", "8",
            "--pg-restart", "real" if real_restart else "simulated",
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
