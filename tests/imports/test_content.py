"""Exported HTML turned into post bodies and comment text (imports/content.py)."""

import pytest

from blog.markup import render_markdown
from comments.formatting import render_comment_body
from imports.content import BodyNotes, comment_text, post_body


@pytest.mark.parametrize(
    "text",
    [
        "Hello *you*\nsecond line",
        "> a quotation\n> on two lines\n\nand an answer",
        "1. first\n2. second\n\n- a\n- b",
        "see www.example.com and https://example.org/a_(b).",
        "a < b & c > d, **bold** and `code`",
        "Emoji 🎉 and ünïcödé",
    ],
)
def test_comment_text_turns_the_blogs_own_comment_html_back_into_the_same_text(text):
    assert comment_text(render_comment_body(text)) == text


def test_scripts_styles_and_their_content_are_dropped_from_comments():
    text = comment_text("<p>ok<script>alert(1)</script><style>p{}</style></p>")
    assert text == "ok"


def test_links_whose_text_differs_keep_their_address_and_unsafe_links_lose_it():
    assert comment_text('<a href="https://x.org">here</a>') == "here (https://x.org)"
    assert comment_text('<a href="javascript:alert(1)">click</a>') == "click"


def test_wordpress_comment_line_breaks_are_kept():
    assert comment_text("one\ntwo\n\nthree") == "one\ntwo\n\nthree"


def test_a_post_body_renders_to_the_same_html_again():
    source = (
        "<!-- wp:paragraph --><p>Text with <a href='https://x.org'>a link</a></p>"
        "<!-- /wp:paragraph -->\n<figure class='wp-block-embed'><div>\n"
        "https://youtu.be/dQw4w9WgXcQ\n</div></figure>\n<table><tr><td>1</td></tr></table>"
    )
    first = render_markdown(post_body(source))
    assert "youtube-nocookie.com/embed/dQw4w9WgXcQ" in first
    second = render_markdown(post_body(first))
    assert second.replace('decoding="async" loading="lazy"', "") == first.replace(
        'decoding="async" loading="lazy"', ""
    )


def test_iframes_other_than_youtube_and_vimeo_are_dropped_and_noted():
    notes = BodyNotes()
    body = post_body('<p>a</p><iframe src="https://evil.example/x"></iframe>', notes)
    assert "iframe" not in body
    assert notes.dropped_iframes == ["https://evil.example/x"]


def test_a_youtube_iframe_becomes_the_blogs_embed():
    body = post_body('<iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ?rel=0"></iframe>')
    assert body == "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
