from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest

from vangnet.coding import services

HEADER = [
    "date",
    "codebook_version",
    "channel",
    "role",
    "victim_exploited",
    "victim_age_band",
    "first_helper_contact",
    "exploitation_forms",
    "perpetrator_relation",
    "duration",
    "recruitment_channel",
    "coercion_means",
]


@pytest.fixture
def load_rows(db: None, django_capture_on_commit_callbacks: Any) -> Callable[..., None]:
    """Import (count, row) pairs through the documented CSV format (the monitor recounts on
    commit, so the commit callbacks run as in production)."""

    def load(rows: list[tuple[int, dict[str, str]]]) -> None:
        lines = [",".join(HEADER)]
        for count, row in rows:
            values = {"codebook_version": "2026.1", "channel": "chat", **row}
            lines += [",".join(values.get(column, "") for column in HEADER)] * count
        with django_capture_on_commit_callbacks(execute=True):
            services.import_contacts(
                source=io.StringIO("\n".join(lines) + "\n"), batch="test", allow_duplicates=True
            )

    return load
