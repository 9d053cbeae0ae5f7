"""Acute danger in first messages: what a counsellor relies on when the queue is ordered."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vangnet.reading.triage import score


@pytest.mark.parametrize(
    "text",
    [
        "ik wil dood",
        "k heb net alle pillen geslikt",
        "hij staat nu beneden te wachten",
        "ik zit opgesloten in zijn huis en mag niet weg",
        "ik moet vanavond weer naar een klant",
        "ik ben net verkracht en ik bloed",
        "mijn dochter is sinds gisteren vermist",
        "als ik vandaag niet betaal zet hij mn nudes online",
        "plz help im locked in",
    ],
)
def test_acute_danger_is_flagged_with_the_phrase_that_raised_it(text):
    result = score(text)
    assert result.acute
    assert result.reasons
    for reason in result.reasons:
        assert text[reason.start : reason.end] == reason.text


@pytest.mark.parametrize(
    "text",
    [
        "ik ga dood van schaamte als iemand dit ziet",
        "vorig jaar werd ik opgesloten door mijn ex",
        "ik lach me dood om die meme, maar ik heb een vraag",
        "hoe weet je of je vriend een loverboy is?",
        "ik ben niet in gevaar hoor, ik wil alleen praten",
        "ik moet vanavond werken bij de albert heijn",
        "die toets morgen vermoordt me echt",
    ],
)
def test_figures_of_speech_the_past_and_ordinary_questions_are_not_acute(text):
    assert not score(text).acute


def test_the_answer_to_the_prechat_question_counts():
    assert score("hoi", prechat="ja").acute
    assert score("hoi", prechat="weet ik niet").score > score("hoi").score
    assert not score("hoi", prechat="nee").acute


@pytest.mark.parametrize("text", ["", "   ", "😀😭🙏", "a" * 4000, "help " * 800, "\x00\ud7ff"])
def test_odd_input_gives_a_score_not_an_error(text):
    result = score(text)
    assert 0.0 <= result.score <= 1.0


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=300))
def test_any_text_scores_between_zero_and_one_with_spans_inside_it(text):
    result = score(text)
    assert 0.0 <= result.score <= 1.0
    for reason in result.reasons:
        assert 0 <= reason.start <= reason.end <= len(text)


_WORDS = [
    "ik",
    "k",
    "wil",
    "nie",
    "niet",
    "meer",
    "dood",
    "hij",
    "ze",
    "me",
    "staat",
    "beneden",
    "vanavond",
    "moet",
    "werken",
    "voor",
    "hem",
    "net",
    "verkracht",
    "mijn",
    "dochter",
    "is",
    "weg",
    "opgesloten",
    "pillen",
    "geslikt",
    "vorig",
    "jaar",
    "schaamte",
    "van",
    "komt",
    "halen",
    "betalen",
    "anders",
    "foto's",
    "online",
    ",",
    ".",
    "haha",
    "idk",
    "zelmoord",
]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), max_size=40))
def test_the_shortcut_that_skips_impossible_cues_never_changes_a_score(words):
    """Cues whose required strings are absent are not run (speed); the outcome is the same."""
    import dataclasses

    from vangnet.reading.triage import rules

    text = " ".join(words)
    book = rules()
    fast = score(text)
    saved = book.cues
    try:
        book.cues = [dataclasses.replace(cue, needs=None) for cue in saved]
        slow = score(text)
    finally:
        book.cues = saved
    assert (fast.score, fast.reasons) == (slow.score, slow.reasons)
