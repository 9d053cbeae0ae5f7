from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.translation import get_language


def site(request: HttpRequest) -> dict[str, Any]:
    other = "en" if get_language() != "en" else "nl"
    return {
        "quick_exit_url": settings.VANGNET_QUICK_EXIT_URL,
        "embedded_default": settings.EMBEDDED,
        # A link, not a form: switching language on a public page sets no cookie.
        "other_language_url": translate_url(request.path, other),
    }
