"""Local secrets of the embedded default: private files that never reach the repository."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from tests.servers import REPO
from vangnet.core.secrets import load_or_create_secret_key


def test_secret_key_file_is_created_once_with_mode_0600(tmp_path: Path):
    key = load_or_create_secret_key(tmp_path, embedded=True)
    path = tmp_path / "secret.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(key) >= 50
    assert load_or_create_secret_key(tmp_path, embedded=True) == key


def test_production_needs_an_explicit_secret_key(tmp_path: Path):
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        load_or_create_secret_key(tmp_path, embedded=False)


def test_tests_never_use_the_developers_data_directory():
    assert Path(settings.DATA_DIR) != REPO / "var"
    assert Path(settings.VANGNET_KEY_FILE).parent == Path(settings.DATA_DIR)


@pytest.mark.parametrize(
    "path",
    [
        "var/encryption.keys",
        "var/secret.key",
        "var/vangnet.sqlite3",
        # a command run from an app directory makes its own var/ there
        "src/vangnet/chat/var/secret.key",
    ],
)
def test_local_secrets_and_data_are_git_ignored(path: str):
    if not (REPO / ".git").exists() or shutil.which("git") is None:
        pytest.skip("not a git checkout")
    result = subprocess.run(
        ["git", "check-ignore", "--no-index", "-q", path], cwd=REPO, check=False
    )
    assert result.returncode == 0, f"{path} is not git-ignored"


def test_a_new_embedded_data_directory_is_private(tmp_path: Path):
    import subprocess
    import sys

    data_dir = tmp_path / "fresh"
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY"}}
    env["VANGNET_DATA_DIR"] = str(data_dir)
    subprocess.run(
        [sys.executable, "-m", "vangnet.cli", "check"], env=env, check=True, capture_output=True
    )
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE((data_dir / "secret.key").stat().st_mode) == 0o600
