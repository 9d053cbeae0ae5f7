"""The chat page follows the duty state: a small shared status answer, cached for seconds."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from vangnet.chat import services
from vangnet.chat.views import STATUS_CACHE_KEY
from vangnet.core.roles import Role

pytestmark = pytest.mark.django_db


def status(client: Client) -> dict[str, object]:
    cache.delete(STATUS_CACHE_KEY)  # the few seconds of caching are not what is tested here
    answer = client.get(reverse("chat_public:status"))
    assert answer.status_code == 200
    assert answer["X-Accel-Expires"]  # nginx's micro-cache may answer the crowd
    assert not answer.cookies
    return answer.json()


def test_status_follows_duty(make_staff, settings):
    settings.VANGNET_CHAT_OPENING_HOURS = ""  # always open: only duty decides
    client = Client()
    assert status(client) == {"open": False}
    anna = make_staff(Role.COUNSELLOR).user
    services.set_duty(user=anna, on_duty=True)
    assert status(client) == {"open": True}
    services.set_duty(user=anna, on_duty=False)
    assert status(client) == {"open": False}


def test_status_is_closed_outside_opening_hours(make_staff, settings):
    tomorrow = (timezone.localdate().weekday() + 1) % 7
    settings.VANGNET_CHAT_OPENING_HOURS = f"{tomorrow}:00:00-23:59"
    services.set_duty(user=make_staff(Role.COUNSELLOR).user, on_duty=True)
    assert status(Client()) == {"open": False}


def test_status_answer_is_cached_briefly(make_staff, settings):
    settings.VANGNET_CHAT_OPENING_HOURS = ""
    client = Client()
    assert status(client) == {"open": False}
    services.set_duty(user=make_staff(Role.COUNSELLOR).user, on_duty=True)
    assert client.get(reverse("chat_public:status")).json() == {"open": False}  # cached


def test_status_is_get_only():
    assert Client().post(reverse("chat_public:status")).status_code == 405
