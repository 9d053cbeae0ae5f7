"""The JSON-lines commands: what a script feeding them can rely on."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

# Commands speak the site's language (Dutch by default); these tests read the English.
pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def english():
    with translation.override("en"):
        yield


def run(command: str, lines: list[str], *args: str) -> tuple[list[dict], str, str | None]:
    out, err = io.StringIO(), io.StringIO()
    stdin = io.StringIO("\n".join(lines) + "\n")
    failure = None
    import sys

    saved = sys.stdin
    sys.stdin = stdin
    try:
        call_command(command, *args, stdout=out, stderr=err)
    except CommandError as error:
        failure = str(error)
    finally:
        sys.stdin = saved
    return [json.loads(line) for line in out.getvalue().splitlines()], err.getvalue(), failure


def test_triage_reports_bad_lines_by_number_and_processes_the_rest():
    rows, errors, failure = run(
        "triage",
        [
            json.dumps({"id": 1, "text": "ik wil dood"}),
            "{not json",
            json.dumps({"id": 3}),
            json.dumps({"id": 4, "text": "😀"}),
            json.dumps({"id": 5, "role": "alien", "text": "hoi"}),
            json.dumps({"id": "six", "role": "parent_carer", "text": "x" * 4000}),
        ],
    )
    assert [r["id"] for r in rows] == [1, 4, "six"]
    assert rows[0]["acute"] is True and rows[0]["reasons"][0]["text"] == "wil dood"
    assert rows[1] == {"id": 4, "acute": False, "score": 0.0, "reasons": []}
    assert "line 2:" in errors and "line 3:" in errors and "line 5:" in errors
    assert "Traceback" not in errors
    assert failure is not None and "3" in failure


def test_suggest_codes_writes_the_codebook_questions(tmp_path):
    source = tmp_path / "chats.jsonl"
    source.write_text(
        json.dumps(
            {"id": "a", "turns": [{"from": "visitor", "text": "ik ben 13 en ken hem van tiktok"}]}
        )
        + "\n",
        encoding="utf-8",
    )
    rows, _errors, failure = run("suggest_codes", [], str(source))
    assert failure is None
    assert rows[0]["codes"]["victim_age_band"] == "12_14"
    assert rows[0]["codes"]["recruitment_platform"] == ["tiktok"]
    start = "ik ben 13 en ken hem van tiktok".index("tiktok")
    assert rows[0]["evidence"]["recruitment_platform"] == [
        {"turn": 0, "start": start, "end": start + 6}
    ]


def test_suggest_codes_refuses_an_unknown_question():
    with pytest.raises(CommandError, match="Unknown question"):
        call_command("suggest_codes", "--question", "shoe_size", stdout=io.StringIO())


def test_a_missing_file_is_a_clear_message(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("triage", str(tmp_path / "nope.jsonl"), stdout=io.StringIO())


def test_command_output_is_in_one_language(tmp_path, settings):
    """The installation speaks Dutch; the command line speaks English throughout."""
    settings.LANGUAGE_CODE = "nl"
    path = tmp_path / "chats.jsonl"
    path.write_text('{"turns": []}\n', encoding="utf-8")
    errors = io.StringIO()
    with pytest.raises(CommandError, match=r"^1 line\(s\) could not be read; 0 processed\.$"):
        call_command("suggest_codes", str(path), stdout=io.StringIO(), stderr=errors)
    assert "line 1: “id” is missing" in errors.getvalue()
