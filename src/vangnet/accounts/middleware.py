"""Log staff out after a period without activity (ASVS 7.3.1)."""

from __future__ import annotations

import time
from collections.abc import Callable
from importlib import import_module

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.sessions.backends.base import SessionBase, UpdateError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from vangnet.accounts import signals
from vangnet.accounts.changes import announce_access_ended
from vangnet.core.access import SESSION_LAST_SEEN_KEY, session_is_fresh

LAST_SEEN_KEY = SESSION_LAST_SEEN_KEY  # the session key, shared with the socket's check


class InactivityLogoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            if not session_is_fresh(request.session, now):
                user_id = request.user.pk
                logout(request)
                announce_access_ended(user_id, signals.REASON_TIMEOUT)
                messages.info(request, _("You were logged out after a period of inactivity."))
                return redirect(settings.LOGIN_URL)
            request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)


def stored_session(session_key: str) -> SessionBase:
    """A staff session read from the store by its key, for doors without the session
    middleware (the console's socket)."""
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)  # type: ignore[no-any-return]


def record_activity(session_key: str) -> bool:
    """Work in the chat console (a socket, no page loads) counts as activity too, so a
    counsellor in a long conversation is not logged out for inactivity mid-chat.

    Only a session that is still logged in and fresh is kept alive; an ended one stays ended.
    Returns whether the session was touched."""
    store = stored_session(session_key)
    if not store.get(SESSION_KEY) or not session_is_fresh(store):
        return False
    store[LAST_SEEN_KEY] = time.time()
    try:
        store.save()
    except UpdateError:  # logged out meanwhile: the session row is gone
        return False
    return True
