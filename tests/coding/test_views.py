from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from vangnet.chat.models import Conversation
from vangnet.coding.models import Contact
from vangnet.core.roles import Role


def test_counsellor_codes_a_chat_with_the_role_prefilled(staff_client):
    client, anna = staff_client(Role.COUNSELLOR)
    chat = Conversation.objects.create(
        token_hash="h" * 20,
        visitor_role="parent_carer",
        status=Conversation.Status.ENDED,
        counsellor=anna,
        ended_at=timezone.now(),
    )
    url = f"{reverse('coding:register')}?conversation={chat.public_id}"
    page = client.get(url).content.decode()
    assert 'value="parent_carer" checked' in page.replace("  ", " ") or "checked" in page
    response = client.post(
        url,
        {"role": "parent_carer", "victim_exploited": "suspected", "exploitation_forms": ["sexual"]}
        | {
            k: "unknown"
            for k in (
                "first_helper_contact",
                "acute_danger",
                "victim_age_band",
                "victim_gender",
                "duration",
                "siblings_exploited",
                "known_to_police_or_care",
            )
        },
    )
    assert response.status_code == 302
    contact = Contact.objects.get(conversation=chat)
    assert contact.role == "parent_carer" and contact.counsellor == anna
    # Opening it again goes to the correction form.
    assert client.get(url).url == reverse("coding:correct", args=[contact.pk])


def test_phone_contact_without_chat(staff_client):
    client, _anna = staff_client(Role.COUNSELLOR)
    data = {"channel": "phone", "contact_date": "2025-02-03", "role": "professional"}
    data |= {
        k: "unknown"
        for k in (
            "first_helper_contact",
            "acute_danger",
            "victim_exploited",
            "victim_age_band",
            "victim_gender",
            "duration",
            "siblings_exploited",
            "known_to_police_or_care",
        )
    }
    assert client.post(reverse("coding:register"), data).status_code == 302
    assert Contact.objects.get().channel == "phone"


def test_researchers_cannot_code(staff_client):
    client, _user = staff_client(Role.RESEARCHER)
    assert client.get(reverse("coding:register")).status_code == 403


def test_another_counsellors_chat_is_not_found(staff_client, make_staff):
    client, _anna = staff_client(Role.COUNSELLOR)
    bram = make_staff(Role.COUNSELLOR).user
    chat = Conversation.objects.create(
        token_hash="b" * 20,
        visitor_role="young_person",
        status=Conversation.Status.ENDED,
        counsellor=bram,
        ended_at=timezone.now(),
    )
    url = f"{reverse('coding:register')}?conversation={chat.public_id}"
    assert client.get(url).status_code == 404
    assert client.get(f"{reverse('coding:register')}?conversation=not-a-uuid").status_code == 404
