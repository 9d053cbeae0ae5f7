"""The suite's own rule: a missing service skips a test locally and fails it in CI."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet

from tests.servers import REPO

pytestmark = pytest.mark.slow  # runs pytest in a subprocess

TARGET = "tests/core/test_models.py::test_postgresql_refuses_update_and_delete_even_in_raw_sql"


def run_without_postgres(*, ci: bool) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"VANGNET_TEST_DATABASE_URL", "CI"}}
    # Settings as in the PostgreSQL pass, so the target is collected; it never gets to connect.
    env.update(
        DATABASE_URL="postgres://nobody@127.0.0.1:9/none",
        SECRET_KEY="not-used-" * 6,
        VANGNET_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        VANGNET_HTTPS="0",
    )
    if ci:
        env["CI"] = "true"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", TARGET],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.parametrize("ci", [False, True], ids=["locally", "in-ci"])
def test_a_missing_service_skips_locally_and_fails_in_ci(ci: bool):
    result = run_without_postgres(ci=ci)
    output = result.stdout + result.stderr
    if ci:
        assert result.returncode == 1, output
        assert "CI=true forbids skipping it" in output
    else:
        assert result.returncode == 0, output
        assert "1 skipped" in output and "needs postgres" in output
