"""The console page and its HTTP doors: uncoded chats, consent for a case."""

from __future__ import annotations

import pytest
from django.urls import reverse

from vangnet.cases.models import ChatConsent
from vangnet.chat import services
from vangnet.core.roles import Role

pytestmark = pytest.mark.django_db


def held_conversation(counsellor):
    outcome, _ = services.start_conversation(
        visitor_role="young_person", nickname="", language="nl"
    )
    services.accept_conversation(
        conversation_id=str(outcome.conversation.public_id), counsellor=counsellor
    )
    outcome.conversation.refresh_from_db()
    return outcome.conversation


def test_console_lists_ended_chats_still_to_code(staff_client):
    client, anna = staff_client(Role.COUNSELLOR)
    conversation = held_conversation(anna)
    services.end_conversation(conversation=conversation, by=anna)
    page = client.get(reverse("chat:console")).content.decode()
    assert f"?conversation={conversation.public_id}" in page


def test_console_is_for_counsellors_and_supervisors_only(staff_client):
    for role, status in [
        (Role.COUNSELLOR, 200),
        (Role.SUPERVISOR, 200),
        (Role.RESEARCHER, 403),
        (Role.CASE_WORKER, 403),
        (Role.PARTNER, 403),
    ]:
        client, _ = staff_client(role)
        assert client.get(reverse("chat:console")).status_code == status, role


def test_recording_consent_for_a_case(staff_client):
    client, anna = staff_client(Role.COUNSELLOR)
    conversation = held_conversation(anna)
    url = reverse("chat:record_consent", args=[conversation.public_id])
    answer = client.post(url, {"agreed_to": "Ja, bel me maar op school", "contact_details": "06"})
    assert answer.status_code == 200
    consent = ChatConsent.objects.get(conversation=conversation)
    assert consent.agreed_to == "Ja, bel me maar op school"
    assert consent.counsellor == anna


def test_consent_needs_what_was_agreed_and_the_chat_must_be_yours(staff_client):
    client, anna = staff_client(Role.COUNSELLOR)
    conversation = held_conversation(anna)
    url = reverse("chat:record_consent", args=[conversation.public_id])
    empty = client.post(url, {"agreed_to": ""})
    assert empty.status_code == 400
    assert empty.json()["error"]
    other, _bram = staff_client(Role.COUNSELLOR)
    refused = other.post(url, {"agreed_to": "ja"})
    assert refused.status_code == 400
    assert "someone else" in refused.json()["error"] or "collega" in refused.json()["error"]
    assert not ChatConsent.objects.exists()
