"""Local secrets for the embedded default: created once, kept in the data directory."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


def write_private_file(path: Path, content: str) -> None:
    """Create a file only its owner can read (mode 0600), never widening an existing one."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(content)


def load_or_create_secret_key(data_dir: Path, *, embedded: bool) -> str:
    if not embedded:
        raise ImproperlyConfigured("SECRET_KEY must be set when DATABASE_URL is set (production).")
    path = data_dir / "secret.key"
    if not path.exists():
        write_private_file(path, secrets.token_urlsafe(50))
    return path.read_text().strip()
