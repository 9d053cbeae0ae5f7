"""The triage's learned layer: what a counsellor and an administrator rely on."""

from __future__ import annotations

import io
import json
import sys

import pytest
from django.core import checks
from django.core.management import call_command
from django.utils import translation

from vangnet.reading import triage, triage_model
from vangnet.reading.text import normalise
from vangnet.reading.triage import rules, score

# The word lists have no cue for a cellar with a closed door; the model has learned the words.
MODEL_ONLY = "ik zit in zijn kelder en de deur is dicht"


@pytest.fixture
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def model_file(tmp_path, monkeypatch):
    """Point the triage at a model file of the test's making (the shipped one is untouched)."""
    path = tmp_path / "triage-model.json"
    monkeypatch.setattr(triage_model, "model_path", lambda: path)
    return path


def test_the_shipped_model_loads_for_the_current_word_lists():
    loaded = triage_model.loaded()
    assert loaded.problem == ""
    assert loaded.model is not None
    assert loaded.model.rules_version == rules().version
    assert 0 < loaded.model.threshold < 1


def test_feedback_can_tell_which_scorer_raised_a_flag(model_file):
    assert triage.version() == rules().version  # model_file: no model in this test


def test_the_version_says_when_the_model_is_in_use():
    assert triage.version() == rules().version + "+model"


def test_a_model_flag_shows_the_words_that_raised_it_as_spans_into_the_input():
    assert not score(MODEL_ONLY, with_model=False).acute
    result = score(MODEL_ONLY)
    assert result.acute
    assert result.reasons
    for reason in result.reasons:
        assert MODEL_ONLY[reason.start : reason.end] == reason.text
        assert reason.text.strip()
    assert "kelder" in result.phrase or "deur" in result.phrase or "zit" in result.phrase


def test_spans_point_at_what_was_typed_after_spelling_is_made_standard():
    typed = "IK ZIT in zn KELDERRRR en de deur is dicht!!"
    result = score(typed)
    assert result.acute
    for reason in result.reasons:
        assert typed[reason.start : reason.end] == reason.text


def test_the_model_does_not_flag_what_has_no_words():
    for text in ["", "   ", "😭😭😭", "?!"]:
        assert score(text) == score(text, with_model=False)


@pytest.mark.parametrize(
    "text",
    ["hoe weet ik of mijn vriend een loverboy is?", "ik ga dood van schaamte", "hoi"],
)
def test_ordinary_messages_stay_unflagged(text):
    assert not score(text).acute


def test_scores_are_deterministic():
    first = [score(MODEL_ONLY), score("ik wil er niet meer zijn"), score("hoi")]
    again = [score(MODEL_ONLY), score("ik wil er niet meer zijn"), score("hoi")]
    assert first == again
    model = triage_model.loaded().model
    assert model is not None
    normal = rules().speller.rewrite(normalise(MODEL_ONLY))
    assert model.read(normal) == model.read(normal)


def _rules_alone_everywhere() -> None:
    for text in [MODEL_ONLY, "ik wil dood", "hoi", "hij staat nu beneden te wachten"]:
        assert score(text) == score(text, with_model=False)


@pytest.mark.usefixtures("english")
def test_a_missing_model_means_the_rules_alone_and_the_administrator_is_told(model_file):
    _rules_alone_everywhere()
    assert "No triage model" in triage_model.model_problem()
    warnings = [m for m in checks.run_checks() if m.id == "reading.W001"]
    assert warnings and "word lists alone" in warnings[0].msg


@pytest.mark.usefixtures("english")
def test_a_model_for_other_word_lists_means_the_rules_alone(model_file):
    data = json.loads(triage_model.wordlists.READING_DIR.joinpath("triage-model.json").read_text())
    data["rules_version"] = "1999.1-1"
    model_file.write_text(json.dumps(data))
    _rules_alone_everywhere()
    problem = triage_model.model_problem()
    assert "1999.1-1" in problem and rules().version in problem


@pytest.mark.usefixtures("english")
@pytest.mark.parametrize("content", ["{not json", '{"format": 99}', '{"format": 1}', "[]"])
def test_a_damaged_model_means_the_rules_alone(model_file, content):
    model_file.write_text(content)
    _rules_alone_everywhere()
    assert "cannot be read" in triage_model.model_problem()


@pytest.mark.usefixtures("english")
def test_the_triage_command_tells_when_it_runs_on_the_word_lists_alone(model_file):
    out, err = io.StringIO(), io.StringIO()
    saved, sys.stdin = sys.stdin, io.StringIO(json.dumps({"id": 1, "text": MODEL_ONLY}) + "\n")
    try:
        call_command("triage", stdout=out, stderr=err)
    finally:
        sys.stdin = saved
    assert "No triage model" in err.getvalue()
    line = json.loads(out.getvalue())
    assert set(line) == {"id", "acute", "score", "reasons"}
    assert line["acute"] is False


def test_the_triage_command_keeps_its_format_with_the_model():
    out = io.StringIO()
    saved, sys.stdin = sys.stdin, io.StringIO(json.dumps({"id": "a", "text": MODEL_ONLY}) + "\n")
    try:
        call_command("triage", stdout=out, stderr=io.StringIO())
    finally:
        sys.stdin = saved
    line = json.loads(out.getvalue())
    assert list(line) == ["id", "acute", "score", "reasons"]
    assert line["acute"] is True and 0 <= line["score"] <= 1
    for reason in line["reasons"]:
        assert set(reason) == {"start", "end", "text"}
        assert MODEL_ONLY[reason["start"] : reason["end"]] == reason["text"]


def test_the_shipped_model_was_trained_on_development_sets_only():
    data = json.loads(triage_model.model_path().read_text(encoding="utf-8"))
    assert data["trained_on"] and all(name.startswith("dev") for name in data["trained_on"])
    assert data["rules_version"] == rules().version
