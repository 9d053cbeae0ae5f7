"""The hub's Redis protocol: replies come out whole and in order however the bytes arrive."""

from __future__ import annotations

import asyncio
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from vangnet.realtime.resp import ReplyError, RespConnection, command, publish

REPLIES: list[tuple[bytes, Any]] = [
    (b"*3\r\n$7\r\nmessage\r\n$4\r\nchan\r\n$5\r\nhe\r\nx\r\n", [b"message", b"chan", b"he\r\nx"]),
    (b"*3\r\n$9\r\nsubscribe\r\n$1\r\nc\r\n:1\r\n", [b"subscribe", b"c", 1]),
    (b":42\r\n", 42),
    (b"+OK\r\n", b"OK"),
    (b"$-1\r\n", None),
    (b"$0\r\n\r\n", b""),
    (b"*0\r\n", []),
]


def receive_in_pieces(stream: bytes, cuts: list[int]) -> list[Any]:
    got: list[Any] = []

    async def run() -> None:
        connection = RespConnection(got.append)
        start = 0
        for cut in [*sorted(cuts), len(stream)]:
            connection.data_received(stream[start:cut])
            start = cut

    asyncio.run(run())
    return got


@given(
    st.lists(st.sampled_from(range(len(REPLIES))), max_size=12),
    st.lists(st.integers(0, 400), max_size=10),
)
def test_replies_come_out_whole_and_in_order_however_the_bytes_are_cut(
    picks: list[int], cuts: list[int]
) -> None:
    stream = b"".join(REPLIES[i][0] for i in picks)
    cuts = [min(cut, len(stream)) for cut in cuts]
    assert receive_in_pieces(stream, cuts) == [REPLIES[i][1] for i in picks]


def test_an_error_reply_is_handed_on_as_an_error() -> None:
    (reply,) = receive_in_pieces(b"-NOAUTH Authentication required.\r\n", [])
    assert isinstance(reply, ReplyError) and "NOAUTH" in str(reply)


def test_commands_are_encoded_as_arrays_of_bulk_strings() -> None:
    encoded = command("PUBLISH", "c", b"\x00data")
    assert encoded == b"*3\r\n$7\r\nPUBLISH\r\n$1\r\nc\r\n$5\r\n\x00data\r\n"


@given(st.binary(max_size=300), st.binary(max_size=300))
def test_the_hubs_publish_is_the_publish_command(channel: bytes, data: bytes) -> None:
    assert publish(channel, data) == command("PUBLISH", channel, data)
