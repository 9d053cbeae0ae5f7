"""The Grafana dashboard in deploy/ shows only metrics Vangnet really exports."""

from __future__ import annotations

import json
import re
from pathlib import Path

from prometheus_client.metrics import MetricWrapperBase

from vangnet.core import metrics

DASHBOARD = Path(__file__).resolve().parents[2] / "deploy" / "grafana-vangnet.json"
SCRAPE_TIME = {
    "vangnet_chat_queue_length",
    "vangnet_chat_longest_wait_seconds",
    "vangnet_chat_counsellors_on_duty",
    "vangnet_chat_conversations_active",
    "vangnet_chat_state_up",
}


def exported_names() -> set[str]:
    names = set(SCRAPE_TIME)
    for value in vars(metrics).values():
        if isinstance(value, MetricWrapperBase):
            for family in value.describe():
                names.update({family.name, f"{family.name}_total", f"{family.name}_bucket"})
    return names


def test_every_panel_queries_an_exported_metric() -> None:
    dashboard = json.loads(DASHBOARD.read_text())
    known = exported_names()
    queried = set()
    for panel in dashboard["panels"]:
        for target in panel.get("targets", []):
            queried.update(re.findall(r"vangnet_[a-z_]+", target["expr"]))
    assert queried, "the dashboard queries nothing"
    assert queried <= known, queried - known
