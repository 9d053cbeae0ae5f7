"""The staff pages of the reading tools: coding form, researcher, kept rates."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from vangnet.chat.models import Conversation, Message
from vangnet.coding import codebook
from vangnet.coding import services as coding_services
from vangnet.core.models import AccessLogEntry
from vangnet.core.roles import Role
from vangnet.reading.models import TranscriptReading

pytestmark = pytest.mark.django_db

VISITOR_TEXT = "hoi ik ben sanne en ik ken hem van snapchat"


def read_chat(counsellor):
    """An ended chat whose reading is done (as the background task leaves it)."""
    chat = Conversation.objects.create(
        token_hash=f"t{Conversation.objects.count()}" + "y" * 20,
        visitor_role="young_person",
        status=Conversation.Status.ENDED,
        counsellor=counsellor,
        ended_at=timezone.now(),
        last_sequence=1,
    )
    Message.objects.create(
        conversation=chat, sequence=1, sender="visitor", client_msg_id="a", body=VISITOR_TEXT
    )
    start = VISITOR_TEXT.index("snapchat")
    TranscriptReading.objects.create(
        conversation=chat,
        status=TranscriptReading.Status.DONE,
        codebook_version=codebook.current().version,
        suggestions={
            "recruitment_platform": {
                "codes": ["snapchat"],
                "confidence": 0.5,
                "evidence": [{"turn": 0, "start": start, "end": start + 8}],
                "source": "rules",
            },
            "role": {"codes": "unknown", "confidence": 0.5, "evidence": [], "source": "rules"},
        },
        deidentified=json.dumps(
            [{"from": "visitor", "text": "hoi ik ben [PERSOON-1] en ik ken hem van snapchat"}]
        ),
    )
    return chat


def test_the_coding_form_opens_with_suggestions_marked_and_evidence_logged(staff_client):
    client, anna = staff_client(Role.COUNSELLOR)
    chat = read_chat(anna)
    page = client.get(reverse("coding:register") + f"?conversation={chat.public_id}")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="q-recruitment_platform"' in html
    section = html.split('id="q-recruitment_platform"')[1].split("</fieldset>")[0]
    assert "suggested-badge" in section
    assert 'value="snapchat"' in section and "checked" in section.split('value="snapchat"')[1][:40]
    assert "[snapchat]" in section  # the words behind it, one click away
    assert AccessLogEntry.objects.filter(
        event=AccessLogEntry.Event.TRANSCRIPT_READ, record_id=str(chat.public_id)
    ).exists()


def test_a_researcher_states_a_purpose_and_sees_only_the_deidentified_copy(
    staff_client, make_staff
):
    anna = make_staff(Role.COUNSELLOR).user
    chat = read_chat(anna)
    coding_services.register_contact(by=anna, conversation=chat, answers={"role": "victim_self"})
    client, rita = staff_client(Role.RESEARCHER)
    url = reverse("reading:transcripts")
    assert "PERSOON" not in client.get(url).content.decode()
    too_short = client.post(url, {"purpose": "x", "since": "2020-01-01", "until": "2099-12-31"})
    assert "PERSOON" not in too_short.content.decode()
    today = timezone.localdate().isoformat()
    page = client.post(
        url,
        {"purpose": "Studie naar werving via sociale media", "since": "2020-01-01", "until": today},
    )
    html = page.content.decode()
    assert "[PERSOON-1]" in html and "sanne" not in html
    entry = AccessLogEntry.objects.get(record_type="deidentified_transcript", user=rita)
    assert "werving" in entry.detail


def test_only_researchers_read_deidentified_transcripts(staff_client):
    client, _user = staff_client(Role.COUNSELLOR)
    assert client.get(reverse("reading:transcripts")).status_code == 403


def test_kept_rates_per_question(staff_client, make_staff):
    anna = make_staff(Role.COUNSELLOR).user
    chat = read_chat(anna)
    coding_services.register_contact(
        by=anna,
        conversation=chat,
        answers={"recruitment_platform": ["snapchat"], "role": "victim_self"},
    )
    client, _user = staff_client(Role.RESEARCHER)
    page = client.get(reverse("reading:quality"))
    assert page.status_code == 200
    from vangnet.reading.selectors import kept_rates

    rows = {row.key: row for row in kept_rates()}
    assert (rows["recruitment_platform"].suggested, rows["recruitment_platform"].kept) == (1, 1)
    assert (rows["role"].suggested, rows["role"].kept) == (1, 0)
    assert "Geen getraind model" in page.content.decode()  # Dutch first
