"""De-identified copies: what a researcher may see, and what must never reach them.

deduce's lookup structures are built at install (`vangnet prepare-reading`) and cached in its
package directory; loading them takes some seconds, once per test process.
"""

from __future__ import annotations

import io
import json
import sys

import pytest
from django.core.management import call_command

from vangnet.reading.deidentify import deidentifier


@pytest.fixture(scope="module")
def engine():
    return deidentifier()


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("mn snap is sanne_x07", "sanne_x07"),
        ("voeg me toe @lisa.tjuh", "@lisa.tjuh"),
        ("bel me 06-12345678", "06-12345678"),
        ("app 06 12 34 56 78", "06 12 34 56 78"),
        ("mijn nummer +31 6 1234 5678", "+31 6 1234 5678"),
        ("mail sanne2009@hotmail.com", "sanne2009@hotmail.com"),
        ("postcode 3511 AB", "3511 AB"),
        ("ik woon op de kerkstraat 12", "kerkstraat 12"),
        ("ik zit op het Stedelijk Gymnasium", "Stedelijk Gymnasium"),
        ("kenteken 12-ABC-3", "12-ABC-3"),
        ("kijk op www.voorbeeld.nl/x", "www.voorbeeld.nl/x"),
        ("ik ben geboren op 12-03-2009", "12-03-2009"),
        ("mijn vriend heet kevin", "kevin"),
        ("Jayden nam me mee", "Jayden"),
    ],
)
def test_identifying_strings_are_removed(engine, text, secret):
    message = engine.deidentify_transcript([text]).messages[0]
    assert secret not in message.text
    assert "[" in message.text


def test_what_says_what_happened_stays(engine):
    text = "mijn stiefvader Peter stuurde me via Snapchat naar Fier, de politie en Veilig Thuis"
    message = engine.deidentify_transcript([text]).messages[0]
    for word in ("stiefvader", "Snapchat", "Fier", "politie", "Veilig Thuis"):
        assert word in message.text
    assert "Peter" not in message.text


def test_placeholders_are_consistent_within_a_transcript_and_spans_point_into_the_input(engine):
    texts = ["ik ben sanne", "Sanne de Vries is mijn naam", "kevin zegt dat sanne liegt"]
    copy = engine.deidentify_transcript(texts)
    assert copy.messages[0].text == "ik ben [PERSOON-1]"
    assert copy.messages[2].text.count("[PERSOON-1]") == 1
    assert "[PERSOON-2]" in copy.messages[2].text
    for text, message in zip(texts, copy.messages, strict=True):
        for span in message.spans:
            assert text[span.start : span.end].strip()


@pytest.mark.parametrize("text", ["", "😀😀😀", "hoi " * 1000])
def test_odd_input(engine, text):
    assert engine.deidentify_transcript([text]).messages[0].text.count("[") <= len(text)


def test_the_command_writes_text_and_spans(engine, monkeypatch):
    monkeypatch.setattr(
        sys, "stdin", io.StringIO(json.dumps({"id": 7, "text": "bel 0612345678"}) + "\n")
    )
    out = io.StringIO()
    call_command("deidentify", stdout=out)
    row = json.loads(out.getvalue())
    assert row == {
        "id": 7,
        "text": "bel [TELEFOONNUMMER-1]",
        "spans": [{"start": 4, "end": 14, "type": "telefoonnummer"}],
    }
