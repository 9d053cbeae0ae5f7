"""Headers that keep pages out of browser caches and switch off browser features we never use;
the request counters of the metrics."""

from __future__ import annotations

from collections.abc import Callable

from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, HttpResponse

from vangnet.core import metrics

PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
)


class PrivacyHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if not request.path.startswith("/static/"):
            # A shared family computer must not keep chats, cases or even the pages visited.
            response["Cache-Control"] = "no-store"
        return response


class RequestMetricsMiddleware:
    """Counts answered requests by area and status class, and reads the pool's counters."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        metrics.request_answered(request.path, response.status_code)
        metrics.PoolStats.collect(getattr(connections[DEFAULT_DB_ALIAS], "pool", None))
        return response
