"""What a phone pays for a post page: compressed HTML, scripts that do not block the first
paint, a small document per comment, and controls that keep their accessible names."""

import gzip

import pytest
from bs4 import BeautifulSoup

from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db


def _soup(response):
    return BeautifulSoup(response.content, "html.parser")


def test_the_post_page_is_gzipped_for_a_browser_that_accepts_it(client, post):
    CommentFactory(post=post, name="Ada", body="A comment long enough to be worth squeezing.")
    plain = client.get(post.get_absolute_url())
    squeezed = client.get(post.get_absolute_url(), headers={"accept-encoding": "gzip, br"})
    assert squeezed.status_code == 200
    assert squeezed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in squeezed["Vary"]
    page = gzip.decompress(squeezed.content).decode()
    assert post.title in page and 'id="respond"' in page and "Ada" in page
    assert len(squeezed.content) < len(plain.content) / 2


def test_the_post_page_is_not_compressed_for_a_client_that_did_not_ask(client, post):
    response = client.get(post.get_absolute_url())
    assert not response.has_header("Content-Encoding")
    assert post.title in response.text


def test_a_comment_posted_with_gzip_accepted_still_lands_on_the_page(
    client, post, post_url, guest_data
):
    response = client.post(post_url, guest_data, headers={"accept-encoding": "gzip"})
    assert response.status_code == 302
    page = client.get(response["Location"], headers={"accept-encoding": "gzip"})
    assert page["Content-Encoding"] == "gzip"
    assert "A first comment." in gzip.decompress(page.content).decode()


def test_only_the_theme_script_runs_before_the_first_paint(client, post):
    CommentFactory(post=post)
    soup = _soup(client.get(post.get_absolute_url()))
    scripts = [tag for tag in soup.find_all("script") if tag.get("type") != "application/ld+json"]
    assert scripts, "the post page has its comment scripts"
    blocking = [tag["src"] for tag in scripts if not tag.has_attr("defer")]
    # theme.js sets a remembered theme before the page is drawn, so it cannot wait.
    assert len(blocking) == 1 and "js/theme" in blocking[0]
    assert soup.head.find("script", src=blocking[0]) is not None
    # Nothing inline: the CSP allows scripts from this origin only.
    assert all(tag.has_attr("src") for tag in scripts)
    sources = " ".join(tag["src"] for tag in scripts)
    assert "js/comments" in sources and "js/likes" in sources


def test_the_comment_stylesheet_does_not_hold_up_the_article(client, post):
    CommentFactory(post=post)
    soup = _soup(client.get(post.get_absolute_url()))
    in_head = [link["href"] for link in soup.head.find_all("link", rel="stylesheet")]
    assert len(in_head) == 1 and "css/site" in in_head[0]
    # comments.css comes with the comment section, after the article, so the browser draws
    # the article before it has it.
    later = soup.find("link", rel="stylesheet", href=lambda href: "css/comments" in href)
    assert later is not None and later.find_parent("head") is None
    assert later.find_previous("article", class_="post") is not None


def test_reply_like_and_report_say_whose_comment_they_act_on(client, post):
    comment = CommentFactory(post=post, name="Zoë O'Brien")
    element = _soup(client.get(post.get_absolute_url())).find(id=f"comment-{comment.pk}")
    reply = element.select_one("a.comment-reply")
    like = element.select_one("button.comment-like-button")
    report = element.select_one("a.comment-report")
    assert reply["aria-label"] == "Reply to Zoë O'Brien"
    assert like["aria-label"] == "Like Zoë O'Brien's comment"
    assert report["aria-label"] == "Report this comment"
    # Each name begins with the word on screen (WCAG 2.5.3, label in name).
    for control, word in ((reply, "Reply"), (like, "Like"), (report, "Report")):
        assert control.get_text(strip=True) == word
        assert control["aria-label"].startswith(word)
    # The Like form still works without JavaScript and says how many liked it.
    form = like.find_parent("form")
    assert form["method"] == "post" and form["action"].endswith(f"/{comment.pk}/like/")
    assert form.select_one("[data-like-count]").text == "0 likes"


def test_a_plain_comment_is_at_most_fourteen_elements(client, post):
    """The page's weight grows with its comments: a budget, like the query budgets."""
    comment = CommentFactory(post=post, name="Ada", body="One paragraph.")
    element = _soup(client.get(post.get_absolute_url())).find(id=f"comment-{comment.pk}")
    # article, header, avatar, h3, name, permalink, time, text, its paragraph, the actions
    # form with Reply, Report, Like and the count.
    assert 1 + len(element.find_all(True)) <= 14


def test_avatars_wait_until_scrolled_to_and_keep_their_space(client, post):
    CommentFactory.create_batch(3, post=post)
    avatars = _soup(client.get(post.get_absolute_url())).select("article.comment img.avatar")
    assert len(avatars) == 3
    for avatar in avatars:
        assert avatar["loading"] == "lazy" and avatar["decoding"] == "async"
        assert avatar["width"] == avatar["height"] == "40"
        assert avatar["alt"] == ""
