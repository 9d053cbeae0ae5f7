from vangnet.guide.markup import render


def test_blocks_and_inline() -> None:
    html = render(
        "## Title\n\nText with **bold**.\n\n- one\n- two\n\n1. first\n2. second\n\n> note"
    )
    assert "<h2>Title</h2>" in html
    assert "<strong>bold</strong>" in html
    assert "<ul><li>one</li><li>two</li></ul>" in html
    assert "<ol><li>first</li><li>second</li></ol>" in html
    assert '<p class="callout">note</p>' in html


def test_html_is_escaped() -> None:
    html = render('<script>alert(1)</script> [x](javascript:alert(1)) <a href="y">')
    assert "<script>" not in html and "<a href" not in html
    assert "javascript:" not in html.replace("(javascript:alert(1))", "")


def test_links() -> None:
    html = render(
        "[Call](tel:0800-2000) [site](https://example.org/) [signals](page:parents-signals)"
        " [chat](route:chat_public:chat) [bad](route:admin:index)"
    )
    assert '<a href="tel:0800-2000">Call</a>' in html
    assert '<a href="https://example.org/" rel="noreferrer">site</a>' in html
    assert '<a href="/info/parents-signals/">signals</a>' in html
    assert '<a href="/chat/">chat</a>' in html
    assert "bad" in html and "admin" not in html


def test_a_heading_needs_no_blank_line_after_it() -> None:
    html = render("## Behaviour\n- one\n- two\n\n## Next\nText")
    assert "<h2>Behaviour</h2>\n<ul><li>one</li><li>two</li></ul>" in html
    assert "<h2>Next</h2>\n<p>Text</p>" in html


def test_bold_may_span_a_link() -> None:
    html = render("5. **Bel Veilig Thuis: [0800-2000](tel:0800-2000).** Gratis.")
    assert html == (
        '<ol><li><strong>Bel Veilig Thuis: <a href="tel:0800-2000">0800-2000</a>.</strong>'
        " Gratis.</li></ol>"
    )


def test_a_list_straight_under_a_paragraph_line_is_a_list() -> None:
    html = render("It often goes like this:\n- a message\n- a compliment\n\nAfter.")
    assert html == (
        "<p>It often goes like this:</p>\n<ul><li>a message</li><li>a compliment</li></ul>\n"
        "<p>After.</p>"
    )


def test_no_placeholder_can_be_forged() -> None:
    html = render("a \x000\x00 [x](tel:1) b")
    assert html == '<p>a 0 <a href="tel:1">x</a> b</p>'
