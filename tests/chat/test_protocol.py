"""Hostile message text: whatever arrives, what is stored is clean text or a clear refusal."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
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


# Any JSON value: what a hostile or broken client can put in a frame (lone surrogates included,
# which JSON escapes can carry: "\ud800").
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)
field_names = st.sampled_from(
    [
        "id",
        "text",
        "token",
        "last_seq",
        "role",
        "nickname",
        "language",
        "conversation",
        "on",
        "after",
        "to",
        "note",
        "other",
    ]
)


@pytest.mark.parametrize("fields", [protocol.VISITOR_FIELDS, protocol.CONSOLE_FIELDS])
@given(
    frame_type=st.sampled_from(sorted(protocol.VISITOR_FRAMES | protocol.CONSOLE_FRAMES) + ["x"]),
    content=st.dictionaries(field_names, json_values, max_size=6),
)
# The machine is shared with other work: slow generation is no failure of the parser.
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
def test_any_frame_is_refused_with_a_frame_error_or_accepted_well_typed(
    fields, frame_type, content
):
    try:
        frame = protocol.parse_client_frame({**content, "type": frame_type}, fields)
    except FrameError as err:
        assert err.code and err.message
        assert protocol.error(err.code, err.message)
        return
    # What is accepted is of the documented type, and every text encodes as UTF-8.
    for name, value in frame.fields.items():
        assert name in fields[frame_type]
        if isinstance(value, str):
            value.encode("utf-8")
    if "on" in frame.fields:
        assert isinstance(frame.fields["on"], bool)
    for name in ("last_seq", "after", "to"):
        if name in frame.fields:
            assert type(frame.fields[name]) is int and frame.fields[name] >= 0


@given(st.one_of(st.none(), st.integers(), st.lists(st.integers()), st.text()))
def test_a_frame_that_is_not_an_object_is_malformed(content):
    with pytest.raises(FrameError) as err:
        protocol.parse_client_frame(content, protocol.VISITOR_FIELDS)
    assert err.value.code == "malformed"


@pytest.mark.parametrize("bad", [-1, "3", 1.5, True, None])
def test_sequence_numbers_must_be_non_negative_integers(bad):
    with pytest.raises(FrameError) as err:
        protocol.parse_client_frame(
            {"type": "resume", "token": "a" * 43, "last_seq": bad}, protocol.VISITOR_FIELDS
        )
    assert err.value.code == "invalid_field"
    assert err.value.field == "last_seq"


@pytest.mark.parametrize(
    ("frame", "code", "field"),
    [
        ({"type": "send", "id": "a" * 16, "text": "\ud800x"}, "invalid_text", ""),
        (
            {"type": "start", "role": "young_person", "nickname": "\udfff"},
            "invalid_field",
            "nickname",
        ),
        (
            {"type": "start", "role": "young_person", "nickname": {"a": 1}},
            "invalid_field",
            "nickname",
        ),
        ({"type": "start", "role": "young_person", "language": "de"}, "invalid_field", "language"),
        ({"type": "start", "role": "pirate"}, "invalid_role", ""),
        ({"type": "start", "role": ["young_person"]}, "invalid_role", ""),
    ],
)
def test_visitor_fields_are_checked_by_type_and_value(frame, code, field):
    with pytest.raises(FrameError) as err:
        protocol.parse_client_frame(frame, protocol.VISITOR_FIELDS)
    assert (err.value.code, err.value.field) == (code, field)


@pytest.mark.parametrize("on", ["yes", 1, None, "true"])
def test_duty_must_be_a_boolean(on):
    with pytest.raises(FrameError) as err:
        protocol.parse_client_frame({"type": "duty", "on": on}, protocol.CONSOLE_FIELDS)
    assert (err.value.code, err.value.field) == ("invalid_field", "on")
