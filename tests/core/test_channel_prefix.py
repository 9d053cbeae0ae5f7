"""Deployments sharing one Redis must not receive each other's chat events."""

from __future__ import annotations

import os
import subprocess
import sys


def layer_config(**env: str) -> str:
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='vangnet.settings';"
        "django.setup();"
        "from django.conf import settings; print(settings.VANGNET_HUB_PREFIX)"
    )
    base = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "VANGNET_CHANNEL_PREFIX"}}
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**base, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def test_redis_channel_prefix_defaults_to_vangnet_and_is_configurable():
    assert layer_config(REDIS_URL="redis://127.0.0.1:6379/0").strip() == "vangnet"
    assert "helpline-b" in layer_config(
        REDIS_URL="redis://127.0.0.1:6379/0", VANGNET_CHANNEL_PREFIX="helpline-b"
    )
