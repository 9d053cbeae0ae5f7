"""The de-identified copy follows the original transcript's retention term, unless the
organisation sets a term of its own for it (VANGNET_RETENTION_DEIDENTIFIED_DAYS)."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.retention.test_retention import SECRET, anonymous_chat
from vangnet.chat.models import Conversation, Message
from vangnet.core.models import DataKey
from vangnet.reading.models import TranscriptReading
from vangnet.retention import runner
from vangnet.retention.models import Tombstone

pytestmark = pytest.mark.django_db

COPY = '[{"from": "visitor", "text": "[PERSOON-1] wordt uitgebuit in [LOCATIE-1]"}]'


def read_chat(days_ago: int) -> Conversation:
    chat = anonymous_chat(days_ago)
    TranscriptReading.objects.create(
        conversation=chat, status=TranscriptReading.Status.DONE, deidentified=COPY
    )
    return chat


def copy_of(chat: Conversation) -> str:
    return TranscriptReading.objects.get(conversation=chat).deidentified


def test_without_a_term_of_its_own_the_copy_goes_with_the_original(settings: Any):
    settings.VANGNET_RETENTION_CHAT_DAYS = 30
    settings.VANGNET_RETENTION_DEIDENTIFIED_DAYS = None
    old, recent = read_chat(40), read_chat(5)
    report = runner.run(apply=True)
    assert [t.record_ref for t in report.erased] == [old.public_id.hex]
    assert Message.objects.get(conversation=old).body == ""
    assert copy_of(old) == ""
    assert DataKey.objects.get(holder=f"deidentified:{old.public_id.hex}").wrapped == ""
    assert copy_of(recent) == COPY and Message.objects.get(conversation=recent).body == SECRET


def test_a_longer_term_of_its_own_keeps_the_copy_after_the_original_is_gone(settings: Any):
    settings.VANGNET_RETENTION_CHAT_DAYS = 30
    settings.VANGNET_RETENTION_DEIDENTIFIED_DAYS = 365
    chat = read_chat(40)
    runner.run(apply=True)
    assert Message.objects.get(conversation=chat).body == ""  # the original went
    assert copy_of(chat) == COPY  # readable: the copy has a key of its own
    two_years_ago = timezone.now() - timedelta(days=730)
    Conversation.objects.filter(pk=chat.pk).update(ended_at=two_years_ago)
    report = runner.run(apply=True)
    assert [(t.record_type, t.record_ref) for t in report.erased] == [
        ("deidentified", chat.public_id.hex)
    ]
    assert copy_of(chat) == ""
    assert runner.run(apply=True).erased == []  # once


def test_a_shorter_term_of_its_own_erases_the_copy_first_and_the_dry_run_says_so(settings: Any):
    settings.VANGNET_RETENTION_CHAT_DAYS = 180
    settings.VANGNET_RETENTION_DEIDENTIFIED_DAYS = 30
    chat = read_chat(40)
    out = io.StringIO()
    call_command("retention", stdout=out)
    assert "deidentified_copy: 1 past their term" in out.getvalue()
    assert f"deidentified {chat.public_id.hex}: term ended" in out.getvalue()
    assert copy_of(chat) == COPY and not Tombstone.objects.exists()  # a dry run
    call_command("retention", "--apply", stdout=io.StringIO())
    assert copy_of(chat) == "" and Message.objects.get(conversation=chat).body == SECRET
    assert Tombstone.objects.get().rule == "deidentified_copy"
