"""Counsellors' flag changes become evaluation data: de-identified first message + their label."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from vangnet.chat.models import Conversation, Message
from vangnet.core.roles import Role
from vangnet.reading import queue

ROOT = Path(__file__).resolve().parents[2]


def chat_with_first_message(n: int, text: str) -> Conversation:
    chat = Conversation.objects.create(token_hash=f"fb{n}" + "z" * 20, visitor_role="young_person")
    Message.objects.create(
        conversation=chat, sequence=1, sender=Message.Sender.VISITOR, client_msg_id="a", body=text
    )
    Message.objects.create(
        conversation=chat,
        sequence=2,
        sender=Message.Sender.VISITOR,
        client_msg_id="b",
        body="tweede bericht van Sanne",
    )
    queue.triage_waiting_chat(chat.pk, text)
    return chat


@pytest.mark.django_db
def test_flag_changes_are_exported_de_identified_with_the_last_label(make_staff, tmp_path):
    anna = make_staff(Role.COUNSELLOR).user
    lowered = chat_with_first_message(1, "ik ga dood van schaamte, Sanne de Vries lacht me uit")
    raised = chat_with_first_message(2, "hij bel me op 0612345678 en komt er zo aan")
    untouched = chat_with_first_message(3, "hoi ik heb een vraag")
    queue.set_flag(conversation=raised, by=anna, acute=False)
    queue.set_flag(conversation=raised, by=anna, acute=True)  # the last word counts
    queue.set_flag(conversation=lowered, by=anna, acute=True)
    queue.set_flag(conversation=lowered, by=anna, acute=False)
    assert untouched.pk

    out = tmp_path / "feedback.jsonl"
    call_command("export_triage_feedback", str(out))
    rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]

    assert [row["acute"] for row in rows] == [False, True]
    assert "Sanne" not in rows[0]["text"] and "dood van schaamte" in rows[0]["text"]
    assert "0612345678" not in rows[1]["text"] and "komt er zo aan" in rows[1]["text"]
    assert all(set(row) == {"text", "acute", "score_before", "triage_version"} for row in rows)

    evaluated = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "nlp_eval.py"), "--file", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    assert "messages=2, acute=1" in evaluated.stdout


def test_nlp_eval_reports_a_bad_feedback_line_by_its_number(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "hoi", "acute": false}\nnot json\n', "utf-8")
    run = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "nlp_eval.py"), "--file", str(bad)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode != 0 and "line 2" in run.stderr and "Traceback" not in run.stderr
