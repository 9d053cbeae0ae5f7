"""Suggested codes: from the words of the transcript, with evidence, never beyond it."""

from __future__ import annotations

from vangnet.coding import codebook
from vangnet.reading.suggestions import Turn, suggest


def visitor(*texts: str) -> list[Turn]:
    return [Turn("visitor", t) for t in texts]


def test_a_silent_transcript_is_unknown_everywhere():
    result = suggest(visitor("hoi"))
    book = codebook.current()
    assert set(result.codes) == set(book.keys)
    for question in book.questions:
        expected = ["unknown"] if question.is_multi else "unknown"
        assert result.codes[question.key] == expected, question.key
        assert result.evidence[question.key] == []


def test_codes_come_with_the_words_that_support_them():
    turns = [
        Turn("visitor", "hoi ik ben 15"),
        Turn("visitor", "ik heb hem leren kennen op snapchat"),
        Turn("counsellor", "wat goed dat je dit vertelt. bel 112 als je in gevaar bent"),
        Turn(
            "visitor",
            "hij dreigt mijn naaktfoto's te verspreiden en ik moet seks hebben met mannen",
        ),
    ]
    result = suggest(turns)
    assert result.codes["victim_age_band"] == "15_17"
    assert result.codes["recruitment_platform"] == ["snapchat"]
    assert "threat_share_images" in result.codes["coercion_means"]
    assert "sexual" in result.codes["exploitation_forms"]
    assert set(result.codes["outcome"]) >= {"listened_supported", "emergency_112"}
    for evidence in result.evidence["recruitment_platform"]:
        assert turns[evidence.turn].text[evidence.start : evidence.end].lower().startswith("snap")
    assert all(0 < c <= 1 for c in result.confidence.values())


def test_a_parent_writing_about_a_daughter():
    result = suggest(visitor("ik maak me zorgen over mijn dochter van 14", "ze heeft een loverboy"))
    assert result.codes["role"] == "parent_carer"
    assert result.codes["victim_gender"] == "female"
    assert result.codes["victim_age_band"] == "12_14"
    assert result.codes["perpetrator_relation"] == ["partner_loverboy"]


def test_the_counsellors_words_do_not_code_the_visitor():
    result = suggest([Turn("counsellor", "heeft iemand je gedwongen seks te hebben met klanten?")])
    assert result.codes["exploitation_forms"] == ["unknown"]


def test_odd_transcripts_do_not_fail():
    for turns in ([], visitor(""), visitor("😀" * 50), visitor("x" * 4000)):
        result = suggest(turns)
        assert result.codes["role"] == "unknown"
