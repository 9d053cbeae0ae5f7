"""The Prometheus exporter: an HTTP endpoint on its own address, never on the public site.

`vangnet serve --metrics-port 9108` starts it in the serving process (with `--workers N`, in
the supervising process), bound to 127.0.0.1 unless `--metrics-host` says otherwise. The public
site behind nginx never routes to it, and nothing in it identifies a person: counters from every
worker (core/metrics.py, added up from PROMETHEUS_MULTIPROC_DIR) plus, read from the database at
scrape time, the state of the chat: the waiting queue, the longest wait, the counsellors on duty
and the active conversations.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Min
from django.utils import timezone
from prometheus_client import REGISTRY, CollectorRegistry, start_http_server
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

logger = logging.getLogger(__name__)


class ChatStateCollector(Collector):
    """The chat as the console sees it, counted in the database when Prometheus scrapes."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from vangnet.chat.models import Conversation, Duty

        up = GaugeMetricFamily(
            "vangnet_chat_state_up", "1 when the chat's state could be read from the database."
        )
        try:
            waiting = Conversation.objects.filter(status=Conversation.Status.WAITING)
            oldest = waiting.aggregate(oldest=Min("created_at"))["oldest"]
            queue = waiting.count()
            active = Conversation.objects.filter(status=Conversation.Status.ACTIVE).count()
            on_duty = Duty.objects.filter(on_duty=True).count()
        except Exception as error:  # the database away: say so, do not fail the scrape
            logger.warning("chat state not readable for metrics: %s", type(error).__name__)
            up.add_metric([], 0)
            yield up
            return
        finally:
            connections[DEFAULT_DB_ALIAS].close()
        longest = (timezone.now() - oldest).total_seconds() if oldest else 0.0
        up.add_metric([], 1)
        yield up
        yield _gauge("vangnet_chat_queue_length", "Conversations waiting for a counsellor.", queue)
        yield _gauge(
            "vangnet_chat_longest_wait_seconds",
            "How long the longest-waiting visitor has waited.",
            longest,
        )
        yield _gauge("vangnet_chat_counsellors_on_duty", "Counsellors on duty.", on_duty)
        yield _gauge("vangnet_chat_conversations_active", "Conversations in progress.", active)


def _gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, value=value)


class _ThisProcess(Collector):
    """The metrics of this very process (one server process, no multiprocess directory)."""

    def collect(self) -> Iterator[Any]:
        yield from REGISTRY.collect()


def registry() -> CollectorRegistry:
    """The workers' metrics (added up across processes when there are several) plus the chat."""
    combined = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(combined)  # type: ignore[no-untyped-call]
    else:
        combined.register(_ThisProcess())
    combined.register(ChatStateCollector())
    return combined


def start(host: str, port: int) -> Any:
    """Serve /metrics on host:port in a background thread."""
    server = start_http_server(port, addr=host, registry=registry())
    logger.info("metrics on http://%s:%d/metrics (not for the public)", host, port)
    return server
