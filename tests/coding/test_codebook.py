from __future__ import annotations

import pytest

from vangnet.coding import codebook


def test_every_question_has_unknown_and_labels_in_both_languages():
    for book in codebook.codebooks().values():
        for question in book.questions:
            assert codebook.UNKNOWN in question.code_names, question.key
            assert {"en", "nl"} <= dict(question.labels).keys()
            for code in question.codes:
                assert {"en", "nl"} <= dict(code.labels).keys()
                assert (code.bit is not None) == question.is_multi


def test_newer_versions_only_add_codes_with_the_same_bits():
    books = list(codebook.codebooks().values())
    assert len(books) >= 2
    for older, newer in zip(books, books[1:], strict=False):
        codebook.check_compatible(older, newer)
        assert set(older.question("outcome").code_names) < set(newer.question("outcome").code_names)


def test_an_old_version_refuses_a_code_added_later():
    old = codebook.get("2026.1")
    with pytest.raises(codebook.CodebookError):
        old.clean({"outcome": "parent_support"})
    assert codebook.current().clean({"outcome": "parent_support"})["outcome"] == frozenset(
        {"parent_support"}
    )


def test_columns_round_trip():
    book = codebook.current()
    answers = book.clean({"role": "parent_carer", "coercion_means": "violence;isolation"})
    assert book.from_columns(book.to_columns(answers))["coercion_means"] == frozenset(
        {"violence", "isolation"}
    )


def test_synthetic_answers_fit_the_codebook():
    import random

    from vangnet.coding import synthetic

    rng = random.Random(1)
    book = codebook.current()
    for _n in range(2000):
        book.clean(synthetic.answers(rng))


def test_the_images_removal_route_is_an_outcome_since_2026_3():
    """A counsellor can record that the route to get images removed was offered; contacts coded
    with 2026.2 keep their meaning (the new code has a bit of its own)."""
    with pytest.raises(codebook.CodebookError):
        codebook.get("2026.2").clean({"outcome": "images_removal_route"})
    book = codebook.get("2026.3")
    outcome = book.question("outcome")
    answers = book.clean({"outcome": "images_removal_route;referred_police"})
    mask = book.to_columns(answers)["outcome"]
    assert mask == outcome.bit_of("images_removal_route") | outcome.bit_of("referred_police")
    assert outcome.bit_of("images_removal_route") not in {
        outcome.bit_of(code) for code in codebook.get("2026.2").question("outcome").code_names
    }
    assert dict(outcome.get("images_removal_route").labels)["nl"].startswith("Route om beelden")
