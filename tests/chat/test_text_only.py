"""The chat is text only: a binary frame (a file, an image) is refused and nothing is stored."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async

from tests.chat.conftest import start_visitor
from vangnet.chat.models import Message

pytestmark = pytest.mark.django_db(transaction=True)


async def test_a_binary_frame_is_refused_and_nothing_is_stored(sockets):
    visitor, _token = await start_visitor()
    sockets.append(visitor)
    await visitor.comm.send_to(bytes_data=b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    error = await visitor.until("error")
    assert error["code"] == "malformed"
    assert error["message"]
    await visitor.send(type="ping")
    await visitor.until("pong")  # the socket stays open
    assert await sync_to_async(Message.objects.count)() == 0
