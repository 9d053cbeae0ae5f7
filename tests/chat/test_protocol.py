"""Hostile message text: whatever arrives, what is stored is clean text or a clear refusal."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vangnet.chat import protocol
from vangnet.chat.protocol import FrameError

MAX = 4000


@given(st.text(max_size=5000))
@settings(max_examples=300)
def test_any_text_is_cleaned_or_refused(raw):
    try:
        text = protocol.check_message_text(raw)
    except FrameError as err:
        assert err.code in {"empty", "too_long"}
        assert err.message
        return
    assert text
    assert len(text) <= MAX
    assert text == text.strip()
    for ch in text:
        assert ch in "\n\t" or unicodedata.category(ch) != "Cc"
        assert not 0x202A <= ord(ch) <= 0x202E
        assert not 0x2066 <= ord(ch) <= 0x2069


@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=200))
def test_ordinary_text_and_markup_survive_unchanged(raw):
    visible = raw.strip()
    if not visible or any(0x202A <= ord(c) <= 0x202E or 0x2066 <= ord(c) <= 0x2069 for c in raw):
        return
    assert protocol.check_message_text(raw) == visible


def test_markup_is_kept_as_text_not_escaped_or_stripped():
    payload = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    assert protocol.check_message_text(payload) == payload


@given(
    st.one_of(
        st.none(),
        st.integers(),
        st.lists(st.integers()),
        st.dictionaries(st.text(max_size=10), st.integers() | st.text(max_size=10), max_size=5),
    )
)
def test_malformed_frames_raise_frame_errors_only(content):
    try:
        protocol.parse_client_frame(content, protocol.VISITOR_FRAMES)
    except FrameError as err:
        assert err.code and err.message


@pytest.mark.parametrize("bad", [-1, "3", 1.5, True, None])
def test_sequence_numbers_must_be_non_negative_integers(bad):
    with pytest.raises(FrameError) as err:
        protocol.parse_client_frame(
            {"type": "resume", "token": "a" * 43, "last_seq": bad}, protocol.VISITOR_FRAMES
        )
    assert err.value.code == "malformed"
