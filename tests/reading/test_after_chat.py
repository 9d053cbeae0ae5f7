"""When a chat ends: suggestions and a de-identified copy, made in the background."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from vangnet.chat import services as chat_services
from vangnet.chat.models import Conversation, Message
from vangnet.core.roles import Role
from vangnet.reading.models import TranscriptReading
from vangnet.reading.services import deidentified_turns

# Transactional: the worker closes its database connection, as a real worker does.
pytestmark = pytest.mark.django_db(transaction=True)


def chat_with(counsellor, lines):
    conversation = Conversation.objects.create(
        token_hash=f"t{Conversation.objects.count()}" + "x" * 20,
        visitor_role="young_person",
        status=Conversation.Status.ACTIVE,
        counsellor=counsellor,
        accepted_at=timezone.now(),
    )
    for number, (sender, body) in enumerate(lines, start=1):
        Message.objects.create(
            conversation=conversation,
            sequence=number,
            sender=sender,
            client_msg_id=f"m{number}",
            body=body,
            author=counsellor if sender == Message.Sender.COUNSELLOR else None,
        )
    conversation.last_sequence = len(lines)
    conversation.save(update_fields=["last_sequence"])
    return conversation


def work() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


def test_an_ended_chat_is_read_in_the_background(make_staff):
    anna = make_staff(Role.COUNSELLOR).user
    chat = chat_with(
        anna,
        [
            (Message.Sender.VISITOR, "hoi ik ben sanne, ik ben 15"),
            (Message.Sender.VISITOR, "hij heeft me op snapchat leren kennen, bel me op 0612345678"),
            (Message.Sender.COUNSELLOR, "wat goed dat je dit vertelt"),
        ],
    )
    chat_services.end_conversation(conversation=chat, by=anna)
    reading = TranscriptReading.objects.get(conversation=chat)
    assert reading.status == TranscriptReading.Status.PENDING
    work()
    reading.refresh_from_db()
    assert reading.status == TranscriptReading.Status.DONE
    assert reading.suggestions["victim_age_band"]["codes"] == "15_17"
    assert reading.suggestions["recruitment_platform"]["codes"] == ["snapchat"]
    assert reading.suggestions["recruitment_platform"]["evidence"][0]["turn"] == 1
    turns = deidentified_turns(reading)
    assert [t["from"] for t in turns] == ["visitor", "visitor", "counsellor"]
    assert "sanne" not in json.dumps(turns) and "0612345678" not in json.dumps(turns)
    assert "snapchat" in turns[1]["text"]


def test_the_copy_is_encrypted_at_rest(make_staff):
    from django.db import connection

    anna = make_staff(Role.COUNSELLOR).user
    chat = chat_with(anna, [(Message.Sender.VISITOR, "ik word gedwongen drugs te verkopen")])
    chat_services.end_conversation(conversation=chat, by=anna)
    work()
    with connection.cursor() as cursor:
        cursor.execute("SELECT deidentified FROM reading_transcriptreading")
        (stored,) = cursor.fetchone()
    assert "drugs" not in stored


def test_a_failed_reading_is_retried_and_stays_visible(make_staff):
    from prometheus_client import REGISTRY

    from vangnet.reading.tasks import read_conversation

    def failures() -> float:
        labels = {"task": "read_conversation"}
        return REGISTRY.get_sample_value("vangnet_task_failures_total", labels) or 0.0

    before = failures()
    read_conversation.enqueue(987654)  # no such chat: the reading fails
    work()
    assert failures() == before + 1  # the operator's metrics count it
    results = list(DBTaskResult.objects.order_by("enqueued_at"))
    assert results[0].status == "FAILED"
    assert results[0].exception_class_path.endswith("DoesNotExist")
    assert results[1].status == "READY" and results[1].run_after > timezone.now()
    assert results[1].args_kwargs["kwargs"] == {"attempt": 2}
