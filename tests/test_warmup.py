"""A new server process does its one-off work at start-up, not in its first visitor's request."""

from __future__ import annotations

from django.urls import get_resolver

from vangnet.warmup import TEMPLATES, warm_up


def test_warm_up_loads_the_urls_and_every_template_it_names(caplog):
    warm_up()
    assert get_resolver()._populated
    assert not [r for r in caplog.records if "no template" in r.getMessage()], TEMPLATES
