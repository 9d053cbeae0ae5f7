"""The self-check rules: every advice path, and acute danger always leads to 112."""

import itertools

import pytest

from vangnet.guide.selfcheck import (
    ADVICE_TEXTS,
    CHECKS,
    PARENT_CHECK,
    YOUNG_CHECK,
    UnknownAnswer,
    Urgency,
    assess,
)


def test_no_answers_means_no_signals_but_still_a_place_to_talk() -> None:
    advice = assess(PARENT_CHECK, set())
    assert advice.urgency == Urgency.NO_SIGNALS
    assert advice.contacts == ("vangnet-chat",)


def test_a_loose_puzzle_piece_means_keep_watching() -> None:
    advice = assess(PARENT_CHECK, {"mood", "skips_school"})
    assert advice.urgency == Urgency.KEEP_WATCHING
    assert [s.key for s in advice.signals] == ["mood", "skips_school"]


def test_one_strong_signal_means_act_soon_with_veilig_thuis_first() -> None:
    advice = assess(PARENT_CHECK, {"older_friend"})
    assert advice.urgency == Urgency.ACT_SOON
    assert advice.contacts[0] == "veilig-thuis"


def test_weaker_pieces_that_add_up_mean_act_soon() -> None:
    answers = {"mood", "secretive", "new_friends", "skips_school", "tired"}  # 5 x weight 1
    assert assess(PARENT_CHECK, answers).urgency == Urgency.ACT_SOON
    assert assess(PARENT_CHECK, answers - {"tired"}).urgency == Urgency.KEEP_WATCHING


def test_result_lists_the_answers_that_led_to_it_heaviest_first() -> None:
    advice = assess(PARENT_CHECK, {"mood", "debt", "second_phone"})
    assert [s.key for s in advice.signals] == ["debt", "second_phone", "mood"]
    assert advice.total_weight == 6


@pytest.mark.parametrize("check", [PARENT_CHECK, YOUNG_CHECK])
def test_acute_danger_always_leads_to_112(check: object) -> None:
    assert check in CHECKS.values()
    signal_keys = [s.key for s in check.signals]  # type: ignore[attr-defined]
    for question in check.acute:  # type: ignore[attr-defined]
        for extra in itertools.chain([()], itertools.combinations(signal_keys, 1), [signal_keys]):
            advice = assess(check, {question.key, *extra})  # type: ignore[arg-type]
            assert advice.urgency == Urgency.ACUTE
            assert advice.contacts[0] == "112"
            assert question in advice.acute


def test_young_check_paths() -> None:
    assert assess(YOUNG_CHECK, {"nude_threat"}).urgency == Urgency.ACT_SOON
    assert assess(YOUNG_CHECK, {"coping"}).urgency == Urgency.KEEP_WATCHING
    assert assess(YOUNG_CHECK, set()).contacts[0] == "vangnet-chat"


def test_every_urgency_has_advice_text_in_both_checks() -> None:
    for check in CHECKS.values():
        assert set(ADVICE_TEXTS[check.slug]) == set(Urgency)


def test_unknown_answers_are_refused() -> None:
    with pytest.raises(UnknownAnswer):
        assess(PARENT_CHECK, {"older_friend", "not-a-question"})


def test_every_theme_of_the_issue_is_covered() -> None:
    assert len(PARENT_CHECK.themes()) == 6
    assert len(YOUNG_CHECK.themes()) == 6
