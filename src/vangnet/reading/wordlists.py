"""Where the reading rules live: data files beside the codebook, versioned with it.

`coding/codebooks/reading/` holds `triage.json`, `deidentify.json` and one
`suggestions-<codebook version>.json` per codebook version. They are plain JSON so that the
people who know the chats can read and change them; `vangnet check` style validation happens
when they load (a broken pattern fails loudly at start-up, not in a chat).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from vangnet.coding.codebook import CODEBOOK_DIR

READING_DIR = CODEBOOK_DIR / "reading"


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((READING_DIR / name).read_text(encoding="utf-8"))
    return data


@cache
def suggestion_rules_path(version: str) -> Path:
    """The rules written for this codebook version, or else for the newest older one."""
    from vangnet.coding.codebook import _version_key

    candidates = sorted(
        READING_DIR.glob("suggestions-*.json"),
        key=lambda p: _version_key(p.stem.removeprefix("suggestions-")),
    )
    chosen = None
    for path in candidates:
        if _version_key(path.stem.removeprefix("suggestions-")) <= _version_key(version):
            chosen = path
    if chosen is None:
        raise FileNotFoundError(f"no suggestion rules for codebook {version}")
    return chosen
