"""Encryption at rest: a copy of the database alone reveals no conversation."""

from __future__ import annotations

import io
import logging
import secrets
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection

from vangnet.chat.models import Conversation, Message, VisitorRole
from vangnet.core import crypto
from vangnet.core.models import DataKey

pytestmark = pytest.mark.django_db

NICKNAME = "Sanne uit Zwolle"
BODY = "Hij zegt dat hij mijn foto's gaat delen als ik niet kom."


@pytest.fixture(autouse=True)
def fresh_cipher() -> Iterator[None]:
    """The cipher caches its keys; every test here starts and ends with the configured ones."""
    crypto.reset_cipher()
    yield
    crypto.reset_cipher()


def new_key() -> str:
    return Fernet.generate_key().decode()


def make_conversation() -> Conversation:
    conversation = Conversation.objects.create(
        token_hash=secrets.token_hex(32), visitor_role=VisitorRole.YOUNG_PERSON, nickname=NICKNAME
    )
    Message.objects.create(
        conversation=conversation,
        sequence=1,
        sender=Message.Sender.VISITOR,
        client_msg_id="m1",
        body=BODY,
    )
    return conversation


def raw_columns(conversation: Conversation) -> tuple[str, str]:
    """What a copy of the database holds: the stored values, read without the ORM."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT nickname FROM {Conversation._meta.db_table} WHERE id = %s",  # noqa: S608
            [conversation.pk],
        )
        nickname = cursor.fetchone()[0]
        cursor.execute(
            f"SELECT body FROM {Message._meta.db_table} WHERE conversation_id = %s",  # noqa: S608
            [conversation.pk],
        )
        body = cursor.fetchone()[0]
    return nickname, body


def test_the_database_holds_no_plaintext_and_the_orm_reads_it_back():
    conversation = make_conversation()
    nickname, body = raw_columns(conversation)
    for stored, plain in ((nickname, NICKNAME), (body, BODY)):
        assert plain not in stored
        assert "Zwolle" not in stored and "foto" not in stored
        assert stored.startswith("dk2:")  # sealed with the chat's own data key (AES-GCM)
    fresh = Conversation.objects.get(pk=conversation.pk)
    assert fresh.nickname == NICKNAME
    assert fresh.messages.get().body == BODY


def test_a_value_is_unreadable_without_the_key(settings):
    settings.VANGNET_ENCRYPTION_KEYS = [new_key()]
    conversation = make_conversation()
    settings.VANGNET_ENCRYPTION_KEYS = [new_key()]  # someone else's key
    crypto.reset_cipher()
    with pytest.raises(crypto.DecryptionError):
        Conversation.objects.get(pk=conversation.pk).nickname  # noqa: B018


def data_key_of(conversation: Conversation) -> DataKey:
    return DataKey.objects.get(holder=f"chat:{conversation.public_id.hex}")


def test_rotate_keys_re_wraps_data_keys_with_the_newest_key_and_old_data_stays_readable(
    settings,
):
    old, new = new_key(), new_key()
    settings.VANGNET_ENCRYPTION_KEYS = [old]
    conversation = make_conversation()
    before_nickname, before_body = raw_columns(conversation)

    # Production rotation: the new key goes first, the old one stays until rotation is done.
    settings.VANGNET_ENCRYPTION_KEYS = [new, old]
    crypto.reset_cipher()
    assert Conversation.objects.get(pk=conversation.pk).nickname == NICKNAME
    wrapped_before = data_key_of(conversation).wrapped
    call_command("rotate_keys", stdout=io.StringIO())

    # The rows are not touched: only their data key is re-wrapped with the new master key.
    assert raw_columns(conversation) == (before_nickname, before_body)
    wrapped_after = data_key_of(conversation).wrapped
    assert wrapped_after != wrapped_before
    Fernet(new.encode()).decrypt(wrapped_after.encode())

    # With the old key removed, everything is still readable.
    settings.VANGNET_ENCRYPTION_KEYS = [new]
    crypto.reset_cipher()
    fresh = Conversation.objects.get(pk=conversation.pk)
    assert fresh.nickname == NICKNAME
    assert fresh.messages.get().body == BODY


def test_embedded_rotation_adds_a_key_to_the_key_file(settings, tmp_path: Path):
    settings.EMBEDDED = True
    settings.VANGNET_ENCRYPTION_KEYS = []
    settings.VANGNET_KEY_FILE = tmp_path / "encryption.keys"
    conversation = make_conversation()
    assert len(settings.VANGNET_KEY_FILE.read_text().split()) == 1

    out = io.StringIO()
    call_command("rotate_keys", stdout=out)

    keys = settings.VANGNET_KEY_FILE.read_text().split()
    assert len(keys) == 2
    Fernet(keys[0].encode()).decrypt(data_key_of(conversation).wrapped.encode())
    assert "data keys re-wrapped: 1" in out.getvalue()
    assert stat.S_IMODE(settings.VANGNET_KEY_FILE.stat().st_mode) == 0o600


def test_embedded_key_file_is_created_private_and_announced(settings, tmp_path: Path, caplog):
    settings.EMBEDDED = True
    settings.VANGNET_ENCRYPTION_KEYS = []
    settings.VANGNET_KEY_FILE = tmp_path / "var" / "encryption.keys"
    with caplog.at_level(logging.WARNING, logger="vangnet.core.crypto"):
        crypto.encrypt_text("x")
    assert stat.S_IMODE(settings.VANGNET_KEY_FILE.stat().st_mode) == 0o600
    assert str(settings.VANGNET_KEY_FILE) in caplog.text
    Fernet(settings.VANGNET_KEY_FILE.read_text().strip().encode())  # a valid key


def test_production_without_keys_refuses_to_start(settings):
    settings.EMBEDDED = False
    settings.VANGNET_ENCRYPTION_KEYS = []
    with pytest.raises(ImproperlyConfigured, match="VANGNET_ENCRYPTION_KEYS"):
        crypto.encrypt_text("x")


def test_an_invalid_key_is_a_clear_configuration_error(settings):
    settings.VANGNET_ENCRYPTION_KEYS = ["not-a-fernet-key"]
    with pytest.raises(ImproperlyConfigured, match="not a valid Fernet key"):
        crypto.encrypt_text("x")


def test_rotation_moves_old_master_key_values_into_the_chat_data_key():
    """Rows from before envelope encryption join their record's data key, so erasure reaches
    them too."""
    conversation = make_conversation()
    legacy = crypto.encrypt_text(BODY)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Message._meta.db_table} SET body = %s WHERE conversation_id = %s",  # noqa: S608
            [legacy, conversation.pk],
        )
    call_command("rotate_keys", "--no-new-key", stdout=io.StringIO())
    _nickname, body = raw_columns(conversation)
    assert body.startswith(f"dk2:{data_key_of(conversation).pk}:")
    assert conversation.messages.get().body == BODY


def test_values_sealed_before_aes_gcm_stay_readable_and_tampering_is_refused():
    """A dk1 value (a Fernet token under the data key, as sealed before) opens as it did; a
    dk2 value changed in one character, or moved to another data key, does not open."""
    from vangnet.core import envelope

    conversation = make_conversation()
    key = data_key_of(conversation)
    _, unwrapped = envelope.key_for(key.holder)
    old = f"dk1:{key.pk}:{unwrapped.fernet.encrypt(BODY.encode()).decode()}"
    assert envelope.is_sealed(old) and envelope.open_sealed(old) == BODY

    _nickname, body = raw_columns(conversation)
    assert envelope.open_sealed(body) == BODY
    head, token = body.rsplit(":", 1)
    flipped = token[:20] + ("A" if token[20] != "A" else "B") + token[21:]
    with pytest.raises(crypto.DecryptionError):
        envelope.open_sealed(f"{head}:{flipped}")
    other = data_key_of(make_conversation())
    with pytest.raises(crypto.DecryptionError):
        envelope.open_sealed(f"dk2:{other.pk}:{token}")
