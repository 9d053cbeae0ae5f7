from __future__ import annotations

import io
from collections.abc import Callable

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
def load_rows(db: None) -> Callable[..., None]:
    """Import (count, row) pairs through the documented CSV format."""

    def load(rows: list[tuple[int, dict[str, str]]]) -> None:
        lines = [",".join(HEADER)]
        for count, row in rows:
            values = {"codebook_version": "2026.1", "channel": "chat", **row}
            lines += [",".join(values.get(column, "") for column in HEADER)] * count
        services.import_contacts(source=io.StringIO("\n".join(lines) + "\n"), batch="test")

    return load
