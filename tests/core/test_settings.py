"""Production settings come from the environment, and Django's deployment check passes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from tests.servers import REPO

# Subprocesses with their own settings: the back end of the test run does not matter.
pytestmark = pytest.mark.slow


def production_env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "VANGNET_"))}
    env.update(
        DATABASE_URL="postgres://vangnet@127.0.0.1:5432/vangnet",  # never connected to here
        REDIS_URL="redis://127.0.0.1:6379/0",
        SECRET_KEY=Fernet.generate_key().decode() + Fernet.generate_key().decode(),
        VANGNET_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        ALLOWED_HOSTS="vangnet.example.org",
        VANGNET_DATA_DIR=str(data_dir),
    )
    env.update(extra)
    return env


def vangnet(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vangnet.cli", *args],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_passes_with_production_settings(tmp_path: Path):
    result = vangnet(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_without_https(tmp_path: Path):
    """The check is not vacuous: plain HTTP in production is reported."""
    env = production_env(tmp_path, VANGNET_HTTPS="0")
    result = vangnet(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    assert "security.W008" in result.stderr or "security.W012" in result.stderr


def test_production_without_secret_key_refuses_to_start(tmp_path: Path):
    env = production_env(tmp_path)
    del env["SECRET_KEY"]
    result = vangnet(env, "check")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
    assert not (tmp_path / "secret.key").exists()


def test_serve_help_lists_its_options(tmp_path: Path):
    result = vangnet(production_env(tmp_path), "serve", "--help")
    assert result.returncode == 0, result.stderr
    for option in ("--host", "--port", "--workers", "--uds"):
        assert option in result.stdout


def test_the_command_line_accepts_dashes_for_management_commands(tmp_path: Path):
    result = vangnet(production_env(tmp_path), "rotate-keys", "--help")
    assert result.returncode == 0, result.stderr
    assert "newest key" in result.stdout


def test_vangnet_help_shows_our_commands(tmp_path: Path):
    result = vangnet(production_env(tmp_path), "--help")
    assert result.returncode == 0, result.stderr
    for command in ("serve", "demo-data", "create-staff", "rotate-keys", "totp"):
        assert command in result.stdout
