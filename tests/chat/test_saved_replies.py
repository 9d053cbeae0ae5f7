"""Saved replies (issue 12): seeded with the numbers and the images-online route, offered to the
console in the visitor's language (Dutch where no English text was written), kept by
supervisors only; bad input changes nothing and gets a clear message."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from vangnet.chat import saved_replies
from vangnet.chat.models import SavedReply
from vangnet.chat.saved_reply_seed import SEEDS
from vangnet.core.access import AccessDenied
from vangnet.core.roles import Role
from vangnet.guide import images_route

pytestmark = pytest.mark.django_db


def keys() -> list[str]:
    return list(SavedReply.objects.values_list("key", flat=True))


def test_the_migration_seeds_the_replies_with_the_numbers_and_the_images_route():
    assert keys() == [seed.key for seed in SEEDS]
    texts = " ".join(SavedReply.objects.values_list("text_nl", flat=True))
    for number in ("0800-2000", "0900-8844", "112"):
        assert number in texts
    route = SavedReply.objects.get(key=images_route.SAVED_REPLY_KEY)
    assert route.text_nl == images_route.saved_reply("nl")
    assert route.text_en == images_route.saved_reply("en")


def test_seeding_again_adds_nothing_and_keeps_a_supervisors_change():
    SavedReply.objects.filter(key="greeting").update(text_nl="Hallo, zeg het maar.")
    assert saved_replies.seed_saved_replies() == 0
    assert SavedReply.objects.get(key="greeting").text_nl == "Hallo, zeg het maar."
    SavedReply.objects.filter(key="police").delete()
    assert saved_replies.seed_saved_replies() == 1
    assert keys()[-1] == "police"


def test_the_console_gets_active_replies_in_order_with_dutch_where_english_is_missing():
    SavedReply.objects.create(title_nl="Alleen Nederlands", text_nl="Tot morgen.", position=99)
    SavedReply.objects.filter(key="police").update(active=False)
    offered = saved_replies.offered_replies()
    assert [r["key"] for r in offered][:2] == ["greeting", "still-here"]
    assert "police" not in [r["key"] for r in offered]
    last = offered[-1]
    assert last["text"] == {"nl": "Tot morgen.", "en": "Tot morgen."}
    assert last["title"]["en"] == "Alleen Nederlands"


def test_only_a_supervisor_may_change_them(make_staff):
    counsellor = make_staff(Role.COUNSELLOR).user
    reply = SavedReply.objects.get(key="greeting")
    with pytest.raises(AccessDenied):
        saved_replies.set_active(by=counsellor, reply=reply, active=False)
    with pytest.raises(AccessDenied):
        saved_replies.move_reply(by=counsellor, reply=reply, step=1)
    reply.refresh_from_db()
    assert reply.active and keys()[0] == "greeting"


def test_moving_swaps_with_the_neighbour_and_stops_at_the_ends(make_staff):
    sara = make_staff(Role.SUPERVISOR).user
    greeting = SavedReply.objects.get(key="greeting")
    saved_replies.move_reply(by=sara, reply=greeting, step=-1)  # already first
    assert keys()[:2] == ["greeting", "still-here"]
    saved_replies.move_reply(by=sara, reply=greeting, step=1)
    assert keys()[:2] == ["still-here", "greeting"]


def test_a_supervisor_writes_a_reply_through_the_pages(staff_client):
    client, sara = staff_client(Role.SUPERVISOR)
    response = client.post(
        reverse("chat:saved_reply_new"),
        {"title_nl": "Afsluiten", "text_nl": "Je kunt altijd terugkomen.", "active": "on"},
    )
    assert response.status_code == 302
    reply = SavedReply.objects.get(title_nl="Afsluiten")
    assert reply.position == len(SEEDS) and reply.updated_by == sara and reply.key == ""
    client.post(reverse("chat:saved_reply_active", args=[reply.pk]), {"active": "0"})
    reply.refresh_from_db()
    assert not reply.active


@pytest.mark.parametrize(
    "data, message",
    [
        ({"title_nl": "", "text_nl": "x"}, "Geef het antwoord een korte Nederlandse titel."),
        ({"title_nl": "x", "text_nl": "   "}, "Schrijf de Nederlandse tekst van het antwoord."),
        ({"title_nl": "x", "text_nl": "y", "title_en": "z"}, "Schrijf ook de Engelse tekst"),
        ({"title_nl": "x" * 81, "text_nl": "y"}, "niet meer dan 80 tekens"),
    ],
)
def test_bad_input_is_refused_with_a_dutch_message_and_changes_nothing(staff_client, data, message):
    client, _ = staff_client(Role.SUPERVISOR)
    before = SavedReply.objects.count()
    response = client.post(reverse("chat:saved_reply_new"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert SavedReply.objects.count() == before


def test_a_bad_direction_or_an_unknown_reply_changes_nothing(staff_client):
    client, _ = staff_client(Role.SUPERVISOR)
    greeting = SavedReply.objects.get(key="greeting")
    response = client.post(
        reverse("chat:saved_reply_move", args=[greeting.pk]), {"direction": "sideways"}
    )
    assert response.status_code == 302
    assert keys()[0] == "greeting"
    assert client.post(reverse("chat:saved_reply_move", args=[99999])).status_code == 404
    assert client.get(reverse("chat:saved_reply_edit", args=[99999])).status_code == 404
    assert client.get(reverse("chat:saved_reply_move", args=[greeting.pk])).status_code == 405


def test_a_counsellor_is_refused_the_pages(staff_client):
    client, _ = staff_client(Role.COUNSELLOR)
    greeting = SavedReply.objects.get(key="greeting")
    assert client.get(reverse("chat:saved_replies")).status_code == 403
    assert client.post(reverse("chat:saved_reply_new"), {"title_nl": "x"}).status_code == 403
    response = client.post(reverse("chat:saved_reply_active", args=[greeting.pk]), {"active": "0"})
    assert response.status_code == 403
    greeting.refresh_from_db()
    assert greeting.active


def test_the_console_page_carries_the_replies_the_server_clock_and_the_info_card(staff_client):
    client, _ = staff_client(Role.COUNSELLOR)
    page = client.get(reverse("chat:console")).content.decode()
    data = re.search(r'id="saved-replies-data" type="application/json">(.*?)</script>', page)
    assert data is not None
    offered = json.loads(data.group(1))
    assert offered[0]["title"]["nl"] == "Begroeting"
    assert 'data-time-zone="Europe/Amsterdam"' in page
    assert re.search(r'data-server-now="\d{4}-\d\d-\d\dT[^"]+\+00:00"', page)
    assert images_route.info_card("nl").title in page
    assert reverse("chat:saved_replies") not in page  # managing is for supervisors
