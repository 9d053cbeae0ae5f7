"""Publishing a committed outcome from synchronous code (a view): to this process's sockets
and, through Redis, to every other server process, like the sockets' own `publish`."""

from __future__ import annotations

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from vangnet.chat.services import Outcome


def publish_from_sync(outcome: Outcome) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    send_from_sync = getattr(layer, "group_send_from_sync", None)
    for group, event in outcome.events:
        if send_from_sync is not None:
            send_from_sync(group, event)
        else:  # another layer (Channels' own): its async API, from this thread
            async_to_sync(layer.group_send)(group, event)
