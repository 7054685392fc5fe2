"""Post bodies: Markdown rendered once on save, sanitised, with an allow-list of video hosts."""

import pytest
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st

from blog.markup import render_markdown
from tests.factories import PostFactory


def test_markdown_features_survive_sanitising():
    html = render_markdown(
        "## Heading\n\nA [link](https://example.com) and *emphasis*.\n\n"
        "> A quote\n\n- one\n- two\n\n1. first\n\n![A map](/media/map.png)\n\n"
        "```\nprint('hi')\n```\n"
    )
    assert "<h2>Heading</h2>" in html
    assert '<a href="https://example.com" rel="noopener">link</a>' in html
    assert "<em>emphasis</em>" in html
    assert "<blockquote>" in html
    assert "<ul>" in html and "<ol>" in html
    image = BeautifulSoup(html, "html.parser").img
    assert image["src"] == "/media/map.png" and image["alt"] == "A map"
    assert "<pre><code>" in html


def test_a_level_one_heading_in_the_body_becomes_level_two():
    """The headline is the page's only <h1>."""
    assert render_markdown("# Big") == "<h2>Big</h2>"


def test_script_tags_are_removed_with_their_content():
    html = render_markdown("Hello <script>alert('x')</script> world")
    assert "<script" not in html
    assert "alert" not in html


@pytest.mark.parametrize(
    "source",
    [
        "[click](javascript:alert(1))",
        '<a href="javascript:alert(1)">click</a>',
        '<a href="JaVaScRiPt:alert(1)">click</a>',
        '<a href="data:text/html;base64,PHNjcmlwdD4=">click</a>',
        '<img src="javascript:alert(1)">',
    ],
)
def test_dangerous_url_schemes_are_removed(source):
    html = render_markdown(source)
    assert "javascript:" not in html.lower()
    assert "data:" not in html


@pytest.mark.parametrize(
    "source",
    [
        '<img src="x.png" onerror="alert(1)">',
        '<p onclick="alert(1)">hi</p>',
        '<a href="https://example.com" onmouseover="alert(1)">x</a>',
    ],
)
def test_event_handler_attributes_are_removed(source):
    assert "alert" not in render_markdown(source)


def test_style_attributes_and_unknown_tags_are_removed():
    html = render_markdown('<div style="position:fixed">x</div><form><input></form>')
    assert "style" not in html
    assert "<form" not in html and "<input" not in html


def test_iframes_written_in_the_body_are_removed_even_from_allowed_hosts():
    html = render_markdown(
        '<iframe src="https://evil.example/"></iframe>\n\n'
        '<iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ"></iframe>'
    )
    assert "<iframe" not in html


@pytest.mark.parametrize(
    "url",
    [
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        "https://youtube.com/watch?v=dQw4w9WgXcQ&t=42s",
        "https://youtu.be/dQw4w9WgXcQ",
        "https://m.youtube.com/watch?v=dQw4w9WgXcQ",
        "https://www.youtube.com/shorts/dQw4w9WgXcQ",
        "<https://www.youtube.com/embed/dQw4w9WgXcQ>",
    ],
)
def test_a_youtube_link_on_its_own_line_becomes_a_click_to_load_facade(url):
    html = render_markdown(f"Watch this:\n\n{url}\n\nThen read on.")
    figure = BeautifulSoup(html, "html.parser").select_one("figure.video-facade")
    # Nothing from YouTube loads with the page: no frame, no picture, just a link.
    assert "<iframe" not in html and "<img" not in html
    assert figure["data-video-player"] == (
        "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1"
    )
    assert figure["data-video-title"] == "YouTube video"
    link = figure.select_one("a.video-facade-link")
    # Without JavaScript the link opens the video on YouTube; it names the provider.
    assert link["href"] == "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    assert " ".join(link.get_text().split()) == "Play the video from YouTube"
    assert html.count("video-facade-link") == 1


def test_a_vimeo_link_on_its_own_line_becomes_a_facade_for_the_player():
    html = render_markdown("https://vimeo.com/76979871")
    figure = BeautifulSoup(html, "html.parser").select_one("figure.video-facade")
    assert figure["data-video-player"] == "https://player.vimeo.com/video/76979871?dnt=1&autoplay=1"
    assert figure.a["href"] == "https://vimeo.com/76979871"
    assert "from Vimeo" in figure.a.get_text()


def test_an_unlisted_vimeo_link_keeps_its_privacy_hash():
    html = render_markdown("https://vimeo.com/76979871/abc123def4")
    figure = BeautifulSoup(html, "html.parser").select_one("figure.video-facade")
    assert figure["data-video-player"].endswith("&h=abc123def4")
    assert figure.a["href"] == "https://vimeo.com/76979871/abc123def4"


@pytest.mark.parametrize(
    "source",
    [
        "https://evil.example/watch?v=dQw4w9WgXcQ",
        "https://www.youtube.com.evil.example/watch?v=dQw4w9WgXcQ",
        "https://www.youtube.com/watch?v=short",
        "https://vimeo.com/not-a-number",
        "See https://youtu.be/dQw4w9WgXcQ in the middle of a sentence.",
    ],
)
def test_other_links_do_not_become_embeds(source):
    assert "video-facade" not in render_markdown(source)


def test_an_author_cannot_forge_the_embed_placeholder():
    html = render_markdown("videoembed0000000000000000n0\n\n<p>videoembedn0</p>")
    assert "<iframe" not in html and "video-facade" not in html


@pytest.mark.django_db
def test_body_html_is_rendered_when_the_post_is_saved():
    post = PostFactory(body="Some **bold** text <script>x()</script>")
    assert post.body_html == "<p>Some <strong>bold</strong> text </p>"
    post.body = "Changed"
    post.save()
    post.refresh_from_db()
    assert post.body_html == "<p>Changed</p>"


FRAGMENTS = [
    "<script>",
    "</script>",
    "<iframe src='https://evil.example'>",
    "<img src=x onerror=alert(1)>",
    "javascript:",
    "[a](",
    ")",
    "<a href='",
    "'>",
    "https://youtu.be/dQw4w9WgXcQ",
    "\n",
    "\n\n",
    "<svg onload=alert(1)>",
    "<style>",
    "# ",
    "> ",
    "```",
    "<",
    ">",
    '"',
    "text",
]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=30).map("".join))
def test_no_mixture_of_hostile_fragments_survives_sanitising(source):
    html = BeautifulSoup(render_markdown(source), "html.parser")
    for element in html.find_all(True):
        assert element.name not in {"script", "style", "svg"}
        assert not any(attribute.startswith("on") for attribute in element.attrs)
        for attribute in ("href", "src"):
            value = element.get(attribute, "")
            assert not value.strip().lower().startswith("javascript:")
        assert element.name != "iframe"
        if element.get("data-video-player"):
            assert element["data-video-player"].startswith("https://www.youtube-nocookie.com/")
