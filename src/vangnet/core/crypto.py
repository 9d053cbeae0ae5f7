"""Encryption at rest: one MultiFernet built from VANGNET_ENCRYPTION_KEYS (newest key first).

The embedded default keeps its keys in a 0600 file in the data directory, created on first use.
"""

from __future__ import annotations

import logging
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from vangnet.core.secrets import write_private_file

logger = logging.getLogger(__name__)


class DecryptionError(Exception):
    """A stored value could not be decrypted with any configured key."""


def configured_keys() -> list[str]:
    if settings.VANGNET_ENCRYPTION_KEYS:
        return list(settings.VANGNET_ENCRYPTION_KEYS)
    if not settings.EMBEDDED:
        raise ImproperlyConfigured("VANGNET_ENCRYPTION_KEYS must be set in production.")
    path = settings.VANGNET_KEY_FILE
    if not path.exists():
        write_private_file(path, Fernet.generate_key().decode() + "\n")
        logger.warning("Created a local encryption key file at %s (mode 0600). Back it up.", path)
    return [line.strip() for line in path.read_text().splitlines() if line.strip()]


@cache
def cipher() -> MultiFernet:
    keys = configured_keys()
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except ValueError as err:
        raise ImproperlyConfigured(f"An encryption key is not a valid Fernet key: {err}") from None


def reset_cipher() -> None:
    """Forget the cached keys (after rotation or a settings change), data keys included."""
    from vangnet.core import envelope  # envelope builds on this module

    cipher.cache_clear()
    envelope.forget_keys()


def encrypt_text(plaintext: str) -> str:
    return cipher().encrypt(plaintext.encode()).decode("ascii")


def decrypt_text(token: str) -> str:
    try:
        return cipher().decrypt(token.encode("ascii")).decode()
    except InvalidToken:
        raise DecryptionError("No configured key decrypts this value.") from None


def rotate_token(token: str) -> str:
    """Re-encrypt a token with the newest key."""
    return cipher().rotate(token.encode("ascii")).decode("ascii")


def add_local_key() -> str:
    """Prepend a new key to the embedded key file; production rotates through the environment."""
    if settings.VANGNET_ENCRYPTION_KEYS:
        raise ImproperlyConfigured(
            "Keys come from VANGNET_ENCRYPTION_KEYS: put a new key first in that list instead."
        )
    keys = configured_keys()
    new_key = Fernet.generate_key().decode()
    path = settings.VANGNET_KEY_FILE
    tmp = path.with_suffix(".new")
    tmp.unlink(missing_ok=True)
    write_private_file(tmp, "\n".join([new_key, *keys]) + "\n")
    tmp.replace(path)
    reset_cipher()
    return new_key
