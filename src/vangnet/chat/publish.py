"""Publishing a committed outcome from synchronous code (a view): to this process's sockets
and, through Redis, to every other server process, like the sockets' own `publish`."""

from __future__ import annotations

from vangnet.chat.services import Outcome
from vangnet.realtime.hub import hub


def publish_from_sync(outcome: Outcome) -> None:
    for group, event in outcome.events:
        hub().publish_from_thread(group, event)
