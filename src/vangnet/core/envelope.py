"""Envelope encryption: each case and each chat has its own data key, wrapped by the master keys.

A value is stored as ``dk2:<data key id>:<base64 of a 12-byte nonce, the ciphertext and its
tag>``, sealed with AES-256-GCM under a key derived (HKDF-SHA256) from the data key, the prefix
and key id bound in as associated data. Values sealed before are ``dk1:<data key id>:<Fernet
token under the data key>`` and stay readable. (AES-GCM in one call costs a fifth of a Fernet
token, and the chat seals every message: docs/benchmarks.md, "Chat". Random nonces are safe
far beyond the number of values one case or chat holds.) Erasing a record destroys its data
key, after which no copy of its ciphertext (a backup included) can be read, while everything
else stays readable. Rotating the master keys re-wraps the data keys; the rows themselves are
not touched.

Which data key a row uses follows from the model: a *holder* (a case, a chat) has its own key;
any other model with encrypted text uses the key of the holder it points to through its foreign
keys (a note → its case; a message → its chat). Rows with no holder keep master-key tokens.
"""

from __future__ import annotations

import base64
import binascii
import contextvars
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from vangnet.core import crypto

PREFIX = "dk2:"  # what `seal` writes
PREFIXES = ("dk1:", PREFIX)  # what `open_sealed` reads
_NONCE_BYTES = 12


class KeyDestroyed(crypto.DecryptionError):
    """The record this value belongs to was erased: its data key no longer exists."""


# --- holders ---------------------------------------------------------------------------------

# model label -> how to name an instance's key (the name must exist before the row is inserted)
_holders: dict[str, Callable[[Any], str]] = {}
# model -> lists of foreign-key attribute paths that lead to a holder, tried in order
_paths: dict[type[models.Model], list[tuple[str, ...]]] = {}


def register_holder(label: str, name: Callable[[Any], str]) -> None:
    _holders[label] = name
    _paths.clear()


def is_holder(model: type[models.Model]) -> bool:
    return model._meta.label in _holders


def _find_paths(model: type[models.Model]) -> list[tuple[str, ...]]:
    """Foreign-key paths from a model to a holder (breadth first, staff users excluded)."""
    if model in _paths:
        return _paths[model]
    found: list[tuple[str, ...]] = []
    if is_holder(model):
        found.append(())
    queue: list[tuple[type[models.Model], tuple[str, ...]]] = [(model, ())]
    seen = {model}
    while queue and len(found) < 4:
        current, path = queue.pop(0)
        for field in current._meta.concrete_fields:
            target = getattr(field, "related_model", None)
            if (
                not field.is_relation
                or target is None
                or not field.many_to_one
                and not field.one_to_one
            ):
                continue
            if target._meta.label == settings.AUTH_USER_MODEL or target in seen:
                continue
            seen.add(target)
            step = (*path, field.name)
            if is_holder(target):
                found.append(step)
            elif len(step) < 3:
                queue.append((target, step))
    _paths[model] = found
    return found


def holder_of(instance: models.Model) -> Any:
    """The case or chat whose data key this row uses, or None."""
    for path in _find_paths(type(instance)):
        current: Any = instance
        for attribute in path:
            field = current._meta.get_field(attribute)
            if getattr(current, field.attname) is None:
                current = None
                break
            current = getattr(current, attribute)
        if current is not None:
            return current
    return None


def holder_name(holder: Any) -> str:
    return _holders[holder._meta.label](holder)


# --- the keys ----------------------------------------------------------------------------------


class UnwrappedKey:
    """A data key, unwrapped: AES-256-GCM under a key derived from it seals (dk2), its Fernet
    opens what was sealed before (dk1)."""

    __slots__ = ("aead", "fernet")

    def __init__(self, raw: str) -> None:
        self.fernet = Fernet(raw.encode())
        derived = HKDF(
            algorithm=hashes.SHA256(), length=32, salt=None, info=b"vangnet envelope dk2"
        ).derive(base64.urlsafe_b64decode(raw))
        self.aead = AESGCM(derived)


_cache: dict[str, tuple[int, UnwrappedKey]] = {}  # holder name -> committed key
_by_id: dict[int, UnwrappedKey] = {}
_lock = threading.Lock()


def forget_keys() -> None:
    """Drop the process's cache of unwrapped data keys (tests that flush the database)."""
    with _lock:
        _cache.clear()
        _by_id.clear()


def _remember(name: str, key_id: int, key: UnwrappedKey) -> None:
    """Cache a key only once it is committed: a rolled-back key must never be used again."""

    def store() -> None:
        with _lock:
            _cache[name] = (key_id, key)
            _by_id[key_id] = key

    if connection.in_atomic_block:
        transaction.on_commit(store)
    else:
        store()


def _unwrap(row: Any) -> UnwrappedKey:
    if not row.wrapped:
        raise KeyDestroyed("This record was erased; its data key is destroyed.")
    return UnwrappedKey(crypto.decrypt_text(row.wrapped))


def key_for(name: str) -> tuple[int, UnwrappedKey]:
    """The data key of a holder, made on first use; refuses a destroyed one."""
    from vangnet.core.models import DataKey

    cached = _cache.get(name)
    if cached is not None:
        return cached
    row, _created = DataKey.objects.get_or_create(
        holder=name, defaults={"wrapped": crypto.encrypt_text(Fernet.generate_key().decode())}
    )
    key = _unwrap(row)
    _remember(name, row.pk, key)
    with _lock:  # for opening, a key may be cached at once (see _key_by_id)
        _by_id[row.pk] = key
    return row.pk, key


def key_is_cached(name: str) -> bool:
    """Sealing for this holder needs no database (the chat's writer, in the event loop)."""
    return name in _cache


def _key_by_id(key_id: int, *, fresh: bool = False) -> UnwrappedKey:
    """The key to open a value. Cached at once, also inside a transaction: a cached key that
    turns out stale (its row rolled back and the number reused) fails to decrypt and is
    fetched again (see open_sealed)."""
    from vangnet.core.models import DataKey

    key = None if fresh else _by_id.get(key_id)
    if key is not None:
        return key
    row = DataKey.objects.filter(pk=key_id).first()
    if row is None:
        raise KeyDestroyed("The data key of this value does not exist (any more).")
    key = _unwrap(row)
    with _lock:
        _by_id[key_id] = key
    return key


def ensure_key(holder: Any) -> None:
    key_for(holder_name(holder))


def destroy(names: Iterable[str]) -> int:
    """Destroy the data keys of these holders (made destroyed if they never had one)."""
    from vangnet.core.models import DataKey

    now = timezone.now()
    count = 0
    for name in names:
        row, _created = DataKey.objects.get_or_create(holder=name, defaults={"wrapped": ""})
        DataKey.objects.filter(pk=row.pk).update(wrapped="", destroyed_at=row.destroyed_at or now)
        count += 1
        with _lock:
            _cache.pop(name, None)
            _by_id.pop(row.pk, None)
    return count


def is_destroyed(name: str) -> bool:
    from vangnet.core.models import DataKey

    return DataKey.objects.filter(holder=name, destroyed_at__isnull=False).exists()


def rewrap_all(*, batch_size: int = 500) -> int:
    """Re-wrap every live data key with the newest master key; the rows stay as they are."""
    from vangnet.core.models import DataKey

    crypto.reset_cipher()
    done = 0
    last = 0
    while True:
        batch = list(
            DataKey.objects.filter(pk__gt=last).exclude(wrapped="").order_by("pk")[:batch_size]
        )
        if not batch:
            return done
        with transaction.atomic():
            for row in batch:
                DataKey.objects.filter(pk=row.pk).exclude(wrapped="").update(
                    wrapped=crypto.rotate_token(row.wrapped)
                )
        done += len(batch)
        last = batch[-1].pk


# --- sealing and opening -----------------------------------------------------------------------

_scope: contextvars.ContextVar[str | None] = contextvars.ContextVar("envelope_scope", default=None)


class Sealed(str):
    """A value already sealed with its data key: the field stores it as it is."""

    __slots__ = ()


def seal(name: str, plaintext: str) -> Sealed:
    key_id, key = key_for(name)
    nonce = os.urandom(_NONCE_BYTES)
    sealed = key.aead.encrypt(nonce, plaintext.encode(), _associated(key_id))
    return Sealed(f"{PREFIX}{key_id}:{base64.urlsafe_b64encode(nonce + sealed).decode('ascii')}")


def _associated(key_id: int) -> bytes:
    """Bound into every dk2 value: a value moved to another key id (or format) fails."""
    return f"{PREFIX}{key_id}".encode()


def seal_for(instance: models.Model, plaintext: str) -> str:
    """Seal with the key of the row's holder; rows without one keep a master-key token."""
    holder = holder_of(instance)
    if holder is None:
        return crypto.encrypt_text(plaintext)
    return seal(holder_name(holder), plaintext)


def seal_in_scope(plaintext: str) -> str:
    """For queryset updates, which have no row: the holder given by `sealing_for`."""
    name = _scope.get()
    if name is None:
        return crypto.encrypt_text(plaintext)
    return seal(name, plaintext)


@contextmanager
def sealing_for(holder: Any) -> Iterator[None]:
    """Values written by `QuerySet.update()` inside this block use the holder's data key."""
    token = _scope.set(holder_name(holder))
    try:
        yield
    finally:
        _scope.reset(token)


def is_sealed(stored: str) -> bool:
    return stored.startswith(PREFIXES)


def open_sealed(stored: str) -> str:
    version, number, token = stored.split(":", 2)
    key_id = int(number)
    for fresh in (False, True):  # a cached key may be stale (see _key_by_id)
        key = _key_by_id(key_id, fresh=fresh)
        try:
            if version == "dk1":
                return key.fernet.decrypt(token.encode("ascii")).decode()
            data = base64.urlsafe_b64decode(token)
            nonce, sealed = data[:_NONCE_BYTES], data[_NONCE_BYTES:]
            return key.aead.decrypt(nonce, sealed, _associated(key_id)).decode()
        except (InvalidToken, InvalidTag, binascii.Error):
            continue
    raise crypto.DecryptionError("The data key does not decrypt this value.")


async def load_keys(db: Any, names: Iterable[str]) -> None:
    """Cache the committed data keys of these holders, read in one query on `db`, a psycopg
    AsyncConnection (the chat's writer, in the event loop: no thread, no ORM). A holder
    without a key, or with a destroyed one, stays uncached."""
    from vangnet.core.models import DataKey

    missing = [name for name in set(names) if name not in _cache]
    if not missing:
        return
    table = connection.ops.quote_name(DataKey._meta.db_table)
    cursor = await db.execute(
        f"SELECT id, holder, wrapped FROM {table} WHERE holder = ANY(%s)",  # noqa: S608
        [missing],
    )
    rows = await cursor.fetchall()
    await db.commit()
    for key_id, name, wrapped in rows:
        if wrapped:
            key = UnwrappedKey(crypto.decrypt_text(wrapped))
            with _lock:
                _cache[name] = (key_id, key)
                _by_id[key_id] = key
