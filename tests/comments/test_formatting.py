"""Comment bodies: plain text with light formatting, rendered once on save, always inert."""

import pytest
from bs4 import BeautifulSoup

from comments.formatting import render_comment_body
from tests.factories import CommentFactory


def test_blank_lines_make_paragraphs_and_single_breaks_stay_line_breaks():
    html = render_comment_body("First line\nsecond line\n\nNew paragraph")
    assert html == "<p>First line<br>second line</p><p>New paragraph</p>"


def test_windows_line_endings_are_understood():
    assert render_comment_body("a\r\n\r\nb") == "<p>a</p><p>b</p>"


def test_web_addresses_become_nofollow_ugc_links_without_trailing_punctuation():
    html = render_comment_body("See https://example.com/a_b?x=1&y=2. Or www.example.org!")
    assert (
        '<a href="https://example.com/a_b?x=1&amp;y=2" rel="nofollow ugc noopener">'
        "https://example.com/a_b?x=1&amp;y=2</a>." in html
    )
    assert (
        '<a href="https://www.example.org" rel="nofollow ugc noopener">www.example.org</a>!' in html
    )


def test_a_closing_bracket_that_belongs_to_the_address_is_kept():
    html = render_comment_body("(see https://en.wikipedia.org/wiki/Foo_(bar))")
    assert 'href="https://en.wikipedia.org/wiki/Foo_(bar)"' in html
    assert html.endswith("</a>)</p>")


def test_numbered_and_bulleted_blocks_become_lists():
    html = render_comment_body("Questions:\n\n1. one\n2. two\n\n- a\n- b")
    assert "<ol><li>one</li><li>two</li></ol>" in html
    assert "<ul><li>a</li><li>b</li></ul>" in html


def test_a_numbered_list_not_starting_at_one_keeps_its_numbers():
    assert render_comment_body("3. c\n4. d").startswith('<ol start="3">')


def test_quotes_emphasis_strong_and_code():
    html = render_comment_body("> quoted\n\n*soft* **loud** `x < y`")
    assert "<blockquote><p>quoted</p></blockquote>" in html
    assert "<em>soft</em> <strong>loud</strong> <code>x &lt; y</code>" in html


def test_underscores_and_asterisks_inside_addresses_are_left_alone():
    html = render_comment_body("https://example.com/*a*/b_c_d")
    assert "<em>" not in html


def test_emoji_and_curly_quotes_survive():
    assert render_comment_body("“Yes” — 🎉") == "<p>“Yes” — 🎉</p>"


@pytest.mark.parametrize(
    "attack",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        '"><svg onload=alert(1)>',
        "javascript:alert(1)",
        "[x](javascript:alert(1))",
        "<a href='javascript:alert(1)'>x</a>",
        'https://example.com/"onmouseover="alert(1)',
        "<iframe src=https://evil.example></iframe>",
        "**<b onclick=alert(1)>x</b>**",
        "`<script>`",
    ],
)
def test_html_in_a_body_is_shown_as_text_never_run(attack):
    soup = BeautifulSoup(render_comment_body(attack), "html.parser")
    for tag in soup.find_all(True):
        assert tag.name in {"p", "br", "a", "em", "strong", "code"}
        assert set(tag.attrs) <= {"href", "rel"}
        assert not tag.get("href", "https:").lower().startswith("javascript")
    assert soup.get_text().replace("\n", "") != ""


def test_empty_body_renders_nothing():
    assert render_comment_body("   \n ") == ""


@pytest.mark.django_db
def test_the_html_is_rendered_once_on_save():
    comment = CommentFactory(body="Hello\n\nworld")
    assert comment.body_html == "<p>Hello</p><p>world</p>"
    comment.body = "Changed"
    comment.save()
    assert comment.body_html == "<p>Changed</p>"


def test_control_characters_are_dropped():
    assert render_comment_body("a\x01b\x1b[31mc\x7f") == "<p>ab[31mc</p>"
