"""Chat spelling: abbreviations and typos are read as the words they stand for, real words stay
as they are, and a flag still shows exactly what the person typed."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vangnet.reading.text import normalise
from vangnet.reading.triage import rules, score


@pytest.mark.parametrize(
    ("typed", "read_as"),
    [
        ("ik wil nie meer leven", "ik wil niet meer leven"),
        ("idk wat ik moet doen", "ik weet niet wat ik moet doen"),
        ("kwil gwn dood", "ik wil gewoon dood"),
        ("ik wil zelmoord pleggen", "ik wil zelfmoord plegen"),
        ("ben net verkracth", "ben net verkracht"),
    ],
)
def test_chat_spellings_and_typos_are_read_as_standard_words(typed, read_as):
    assert rules().speller.rewrite(normalise(typed)).text == read_as


@pytest.mark.parametrize("word", ["blond", "sterren", "worden", "staan", "vakantiedagen"])
def test_real_words_near_a_cue_word_are_never_changed(word):
    text = f"ik vind {word} mooi"
    assert rules().speller.rewrite(normalise(text)).text == text


@pytest.mark.parametrize(
    "text",
    [
        "wil zelmoord pleggen vannacht",
        "kwil nie meer leven",
        "hij laat me echt nie gaan uit zn appartement",
        "k moet vannacht werken voor hem",
        "ze gaan me pakken",
        "mijn dochter is niet thuisgekomen en neemt niet op",
        "i have to meet a guy tonight, he makes me",
    ],
)
def test_danger_in_chat_spelling_is_flagged_with_the_typed_words(text):
    result = score(text)
    assert result.acute, result
    for reason in result.reasons:
        assert text[reason.start : reason.end] == reason.text
        assert reason.text.strip()


@pytest.mark.parametrize(
    "text",
    [
        "mijn zoon is gisteren weggelopen maar hij is weer thuis",
        "ik voel me soms onveilig op straat",
        "ik moet vanavond nog werken voor school",
    ],
)
def test_a_passed_danger_a_habit_and_homework_are_not_acute(text):
    assert not score(text).acute


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz' kKIİßéë\n.,", max_size=200))
def test_the_rewritten_text_maps_back_inside_the_original(text):
    normal = rules().speller.rewrite(normalise(text))
    for start in range(len(normal.text)):
        o_start, o_end = normal.span(start, start + 1)
        assert 0 <= o_start <= o_end <= len(text)
