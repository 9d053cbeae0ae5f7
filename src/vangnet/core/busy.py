"""The calm "busy" page: what a visitor sees when the database cannot serve the request now.

When every pooled connection is in use for longer than the pool's timeout, or PostgreSQL is
restarting or refusing connections, a request gets a 503 with `Retry-After` and a short
translated page, never a 500. The outage is logged once when it starts and once when it ends
(`DatabaseState`), not as a traceback per request.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import translate_url
from django.utils.translation import get_language
from django.views.defaults import server_error

from vangnet.core import metrics

logger = logging.getLogger("vangnet.database")

RETRY_AFTER_SECONDS = 10


def database_unavailable(error: BaseException | None) -> bool:
    """Whether an error means "no database connection now" rather than a bug.

    Django wraps the driver's errors (psycopg's, the pool's `PoolTimeout`, SQLite's "database is
    locked") in its own `OperationalError`/`InterfaceError`; a bad query is a `ProgrammingError`
    or `DataError` and stays a 500.
    """
    return isinstance(error, OperationalError | InterfaceError)


class DatabaseState:
    """Logs the start and the end of an outage once each, from any thread."""

    _lock = threading.Lock()
    _down = False

    @classmethod
    def went_down(cls, error: BaseException) -> None:
        with cls._lock:
            if cls._down:
                return
            cls._down = True
        # The error's class and first line only: no traceback, no query parameters.
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
        logger.error(
            "database unavailable (%s: %s); answering 'busy' until it is back",
            type(error).__name__,
            first_line,
        )

    @classmethod
    def served(cls) -> None:
        if not cls._down:  # the common case, without the lock
            return
        with cls._lock:
            if not cls._down:
                return
            cls._down = False
        logger.warning("database reachable again")


def busy_response(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After. Rendered without context processors: they could reach for the
    session or the messages, and with them for the database that is not there."""
    other = "en" if get_language() != "en" else "nl"
    html = render_to_string(
        "busy.html",
        {
            "quick_exit_url": settings.VANGNET_QUICK_EXIT_URL,
            "other_language_url": translate_url(request.path, other),
            "retry_after": RETRY_AFTER_SECONDS,
        },
    )
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    # DatabaseState logs the outage once: no "Service Unavailable: <path>" line per request.
    response._has_been_logged = True  # type: ignore[attr-defined]
    metrics.busy_page_served()
    return response


class DatabaseBusyMiddleware:
    """Turns a view's "no connection now" into the busy page; notices the end of an outage."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code < 500:
            DatabaseState.served()
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not database_unavailable(exception):
            return None
        DatabaseState.went_down(exception)
        return busy_response(request)


def server_error_or_busy(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    """`handler500`: a "no connection now" raised outside a view (in a middleware reading the
    session, say) still gets the busy page; anything else is Django's plain 500."""
    error = sys.exc_info()[1]
    if database_unavailable(error):
        assert error is not None
        DatabaseState.went_down(error)
        return busy_response(request)
    return server_error(request, template_name)


class SkipDatabaseUnavailable(logging.Filter):
    """For `django.request`: no traceback per request for an outage DatabaseState logs once."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        return not database_unavailable(error)
