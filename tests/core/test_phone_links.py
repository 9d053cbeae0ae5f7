"""The tel_links filter: every phone number a tap away, nothing else changed, nothing unsafe."""

from __future__ import annotations

from django.utils.safestring import mark_safe

from vangnet.core.templatetags.phone_links import tel_links


def test_numbers_in_a_sentence_become_links() -> None:
    assert tel_links("Nu in gevaar? Bel 112.") == 'Nu in gevaar? Bel <a href="tel:112">112</a>.'
    assert tel_links("Veilig Thuis, 0800-2000 (gratis)") == (
        'Veilig Thuis, <a href="tel:08002000">0800-2000</a> (gratis)'
    )


def test_other_numbers_and_linked_numbers_are_left_alone() -> None:
    assert tel_links("1.300 kinderen, 1120 of 2112, postcode 1234 AB") == (
        "1.300 kinderen, 1120 of 2112, postcode 1234 AB"
    )
    linked = mark_safe('<a href="tel:112">112</a>')
    assert tel_links(linked) == linked


def test_text_is_escaped() -> None:
    assert tel_links("<script>112</script>") == (
        '&lt;script&gt;<a href="tel:112">112</a>&lt;/script&gt;'
    )
