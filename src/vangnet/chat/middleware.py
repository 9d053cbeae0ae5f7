"""The staff session on the console's socket, read-only."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from channels.middleware import BaseMiddleware
from django.conf import settings


class ReadOnlySessionMiddleware(BaseMiddleware):  # type: ignore[misc]
    """Put the staff member's session in the scope, for `AuthMiddleware` and the TOTP check.

    Channels' `SessionMiddleware` also wraps every frame the socket sends, to save the session
    if it changed; a console never changes it, and that check was a measurable share of the
    cost of each chat message. The store loads lazily, in the consumer's database thread.
    """

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        key = (scope.get("cookies") or {}).get(settings.SESSION_COOKIE_NAME)
        store = import_module(settings.SESSION_ENGINE).SessionStore
        return await self.inner(dict(scope, session=store(session_key=key)), receive, send)
