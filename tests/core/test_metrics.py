"""What an operator sees in Prometheus: requests, cache hits, lockouts, the chat's queue and
duty roster, on an address of its own, and no label that could name a person."""

from __future__ import annotations

import urllib.request
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from prometheus_client import REGISTRY

from tests.servers import free_port
from vangnet import exporter
from vangnet.accounts import lockout
from vangnet.chat.models import Conversation, Duty
from vangnet.core import metrics
from vangnet.core.roles import Role

# Every label any Vangnet metric may have: kinds of things, never who or what exactly.
ALLOWED_LABELS = {"area", "status", "result", "state", "kind", "sender", "task", "le"}


def value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.mark.django_db
def test_requests_and_cache_hits_are_counted() -> None:
    before_public = value("vangnet_http_requests_total", area="public", status="2xx")
    before_hits = value("vangnet_page_cache_total", result="hit")
    Client().get("/parents/")
    Client().get("/parents/")
    assert value("vangnet_http_requests_total", area="public", status="2xx") == before_public + 2
    assert value("vangnet_page_cache_total", result="hit") == before_hits + 1


def test_areas_never_carry_the_path() -> None:
    assert metrics.area_of("/en/chat/") == "chat"
    assert metrics.area_of("/staff/cases/ZAAK-2026-0001/") == "staff"
    assert metrics.area_of("/info/parents-signals/") == "public"
    assert metrics.area_of("/") == "public"


@pytest.mark.django_db
def test_a_lockout_is_counted_without_the_user_name() -> None:
    before = value("vangnet_staff_lockouts_total")
    for _try in range(settings.VANGNET_LOGIN_FAILURE_LIMIT):
        lockout.record_failure("anna", "")
    assert lockout.is_blocked("anna", "")
    assert value("vangnet_staff_lockouts_total") == before + 1


@pytest.mark.django_db
def test_exporter_reads_queue_and_duty_from_the_database(
    make_staff: Callable[..., Any],
) -> None:
    staff = make_staff(Role.COUNSELLOR)
    Duty.objects.create(user=staff.user, on_duty=True)
    Conversation.objects.create(token_hash="a" * 64, visitor_role="parent_carer", nickname="Mila")
    samples = {s.name: s for family in exporter.registry().collect() for s in family.samples}
    assert samples["vangnet_chat_queue_length"].value == 1
    assert samples["vangnet_chat_counsellors_on_duty"].value == 1
    assert samples["vangnet_chat_longest_wait_seconds"].value >= 0
    assert samples["vangnet_chat_state_up"].value == 1


@pytest.mark.django_db
def test_no_metric_label_names_a_person(make_staff: Callable[..., Any]) -> None:
    Conversation.objects.create(token_hash="b" * 64, visitor_role="parent_carer", nickname="Mila")
    metrics.socket_opened("visitor")
    metrics.messages_stored("visitor")
    metrics.writer_batch_time(0.004)
    metrics.task_failed("recount")
    Client().get("/")
    for family in exporter.registry().collect():
        if not family.name.startswith("vangnet"):
            continue
        for sample in family.samples:
            assert set(sample.labels) <= ALLOWED_LABELS, sample
            assert "Mila" not in str(sample.labels.values())
    metrics.socket_closed("visitor")


@pytest.mark.django_db(transaction=True)
def test_metrics_are_served_on_their_own_loopback_port() -> None:
    port = free_port()
    server, thread = exporter.start("127.0.0.1", port)
    try:
        Client().get("/")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as answer:
            text = answer.read().decode()
    finally:
        server.shutdown()
        thread.join(5)
    assert "vangnet_http_requests_total" in text
    assert "vangnet_chat_queue_length" in text
    # The public site does not serve them.
    assert Client().get("/metrics").status_code == 404
