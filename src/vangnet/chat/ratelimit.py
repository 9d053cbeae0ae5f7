"""A sliding-window rate limit per conversation and sender, kept in this process."""

from __future__ import annotations

import time
from collections import deque

from django.conf import settings
from django.utils.translation import gettext as _


class RateLimiter:
    """Limits come from settings at each call, so they can change without a restart."""

    def __init__(self) -> None:
        self._hits: dict[tuple[int, str], deque[float]] = {}

    def allow(self, conversation_pk: int, sender: str) -> bool:
        now = time.monotonic()
        window = settings.VANGNET_CHAT_RATE_WINDOW_SECONDS
        hits = self._hits.setdefault((conversation_pk, sender), deque())
        while hits and now - hits[0] > window:
            hits.popleft()
        if len(hits) >= settings.VANGNET_CHAT_RATE_LIMIT:
            return False
        hits.append(now)
        return True

    def require(self, conversation_pk: int, sender: str) -> None:
        """Refuse, with a message for the sender, a message over the limit."""
        from vangnet.chat.services import ChatError

        if not self.allow(conversation_pk, sender):
            raise ChatError(
                "rate_limited", _("You are sending very fast. Wait a moment and try again.")
            )

    def clear(self) -> None:
        """Forget every count (tests: conversation numbers are reused between them)."""
        self._hits.clear()

    def forget(self, conversation_pk: int) -> None:
        for key in [k for k in self._hits if k[0] == conversation_pk]:
            del self._hits[key]


# One per process: a reconnect does not reset the count.
message_limiter = RateLimiter()
# The visitor's few plain HTTP requests (quick exit, the survey), counted per conversation too.
visitor_request_limiter = RateLimiter()
