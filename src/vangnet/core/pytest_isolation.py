"""A pytest plugin (loaded first, with `-p` in pyproject.toml): a test run never touches the
developer's data directory, and test processes running at the same time (pytest-xdist's
workers, the two passes of `make test`, another developer's run) never share one.

It must run before pytest-django reads the settings, which is why it is not in a conftest:
the SQLite file, the secret key and the encryption key file all land in a fresh temporary
directory that is removed when the run ends. Each process also gets a Redis prefix of its own
(channel groups and cache keys, VANGNET_CHANNEL_PREFIX), which the servers that tests start
inherit: two processes on one Redis never see each other's chat events or cached pages.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid

import pytest

_DATA_DIR = tempfile.mkdtemp(prefix="vangnet-test-data-")
os.environ["VANGNET_DATA_DIR"] = _DATA_DIR
# The embedded test database must not be a file a developer pointed us at either.
os.environ.pop("VANGNET_SQLITE_PATH", None)
os.environ["VANGNET_CHANNEL_PREFIX"] = f"vangnet-test-{uuid.uuid4().hex[:12]}"


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(_DATA_DIR, ignore_errors=True)
