"""The ordering buffer, by property: whatever order and repetition messages arrive in, each
goes out once, in sequence, never past a gap."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import given
from hypothesis import strategies as st

from vangnet.realtime.ordering import OrderingBuffer


@dataclass(frozen=True)
class Msg:
    seq: int


@st.composite
def arrivals(draw: st.DrawFn) -> tuple[int, int, list[list[Msg]]]:
    """A start (what the client has shown), a last sequence, and the messages after the start
    arriving in any order, some twice, some not at all, in chunks (live events, catch-up reads)."""
    start = draw(st.integers(0, 5))
    last = draw(st.integers(start, start + 30))
    seqs = list(range(1, last + 1))  # earlier ones too: a catch-up may repeat them
    arriving = draw(st.lists(st.sampled_from(seqs), max_size=80) if seqs else st.just([]))
    shuffled = draw(st.permutations(arriving))
    cuts = sorted(draw(st.lists(st.integers(0, len(shuffled)), max_size=6)))
    chunks, begin = [], 0
    for cut in [*cuts, len(shuffled)]:
        chunks.append([Msg(s) for s in shuffled[begin:cut]])
        begin = cut
    return start, last, chunks


@given(arrivals())
def test_each_message_goes_out_once_in_order_and_never_past_a_gap(case):
    start, _, chunks = case
    buffer: OrderingBuffer[Msg] = OrderingBuffer()
    buffer.reset(7, start)
    sent: list[int] = []
    for chunk in chunks:
        sent += [m.seq for m in buffer.add(7, chunk)]
    arrived = {m.seq for chunk in chunks for m in chunk}
    # What went out: start+1, start+2, ... as far as every number arrived, each once.
    expected = []
    seq = start + 1
    while seq in arrived:
        expected.append(seq)
        seq += 1
    assert sent == expected
    assert buffer.last(7) == start + len(expected)
    # Something held back exactly when a later one arrived than the gap.
    assert buffer.has_gap(7) == any(s > buffer.last(7) + 1 for s in arrived)


@given(arrivals(), st.lists(st.booleans(), min_size=7, max_size=7))
def test_the_shortcut_for_the_next_in_line_sends_what_add_would(case, live):
    """A socket tries `next_in_line` for each live message and falls back to `add` (a chunk
    marked live arrives one by one; the others as catch-up reads): the same messages go out,
    in the same order, as through `add` alone."""
    start, _, chunks = case
    plain: OrderingBuffer[Msg] = OrderingBuffer()
    fast: OrderingBuffer[Msg] = OrderingBuffer()
    plain.reset(3, start)
    fast.reset(3, start)
    by_add: list[int] = []
    by_shortcut: list[int] = []
    for chunk, one_by_one in zip(chunks, live, strict=False):
        if not one_by_one:
            by_add += [m.seq for m in plain.add(3, chunk)]
            by_shortcut += [m.seq for m in fast.add(3, chunk)]
            continue
        for m in chunk:
            by_add += [m.seq for m in plain.add(3, [m])]
            if fast.next_in_line(3, m.seq):
                by_shortcut.append(m.seq)
            else:
                by_shortcut += [m.seq for m in fast.add(3, [m])]
        assert fast.last(3) == plain.last(3) and fast.has_gap(3) == plain.has_gap(3)
    assert by_shortcut == by_add


def test_the_next_in_line_is_taken_and_anything_else_is_not():
    buffer: OrderingBuffer[Msg] = OrderingBuffer()
    buffer.reset(1, 4)
    assert buffer.next_in_line(1, 5) and buffer.last(1) == 5
    assert not buffer.next_in_line(1, 5)  # a repeat
    assert not buffer.next_in_line(1, 7)  # past a gap: held through `add`
    assert buffer.add(1, [Msg(7)]) == [] and buffer.has_gap(1)
    assert not buffer.next_in_line(1, 6)  # next, but something is held: `add` sends both
    assert buffer.add(1, [Msg(6)]) == [Msg(6), Msg(7)]


@given(arrivals())
def test_once_the_gap_is_filled_everything_goes_out(case):
    start, last, chunks = case
    buffer: OrderingBuffer[Msg] = OrderingBuffer()
    buffer.reset(1, start)
    sent = [m.seq for chunk in chunks for m in buffer.add(1, chunk)]
    # A catch-up read from the database: every message after the last sent, in order.
    sent += [m.seq for m in buffer.add(1, [Msg(s) for s in range(buffer.last(1) + 1, last + 1)])]
    assert sent == list(range(start + 1, last + 1))
    assert not buffer.has_gap(1)


def test_conversations_are_kept_apart():
    buffer: OrderingBuffer[Msg] = OrderingBuffer()
    assert buffer.add(1, [Msg(2)]) == []
    assert buffer.add(2, [Msg(1)]) == [Msg(1)]
    assert buffer.add(1, [Msg(1)]) == [Msg(1), Msg(2)]
    assert sorted(buffer.conversations()) == [1, 2]
