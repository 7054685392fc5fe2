"""Replying without JavaScript (?replyto=) at any depth, and the depth cap."""

import pytest
from bs4 import BeautifulSoup
from django.test import override_settings

from comments.models import Comment
from comments.posting import PARENT_UNAVAILABLE
from comments.trees import find_tree_problems
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db


def _reply_without_javascript(client, post, parent, body):
    """What a browser without JavaScript does: follow the Reply link, then submit the form."""
    page = client.get(post.get_absolute_url()).text
    soup = BeautifulSoup(page, "html.parser")
    link = soup.find(id=f"comment-{parent.pk}").find("a", class_="comment-reply")
    assert link["href"] == f"?replyto={parent.pk}#respond"
    form_page = BeautifulSoup(
        client.get(post.get_absolute_url() + link["href"]).text, "html.parser"
    )
    respond = form_page.find(id="respond")
    replying = respond.find(class_="replying-to")
    assert not replying.has_attr("hidden")
    assert " ".join(replying.get_text().split()).startswith(f"Replying to {parent.name}.")
    assert replying.find("a", class_="cancel-reply")["href"] == f"{post.get_absolute_url()}#respond"
    form = respond.find("form")
    data = {field["name"]: field.get("value", "") for field in form.find_all("input")}
    assert data["parent"] == str(parent.pk)
    data.update(name="Björn", email="bjorn@example.com", body=body)
    response = client.post(form["action"].split("#")[0], data)
    assert response.status_code == 302, response.content[:500]
    return response


@pytest.mark.parametrize("depth", [1, 2, 3])
def test_a_reader_without_javascript_replies_at_any_depth(client, post, depth):
    parent = CommentFactory(post=post, name="Level 1")
    for level in range(2, depth + 1):
        parent = CommentFactory(parent=parent, name=f"Level {level}")
    response = _reply_without_javascript(client, post, parent, f"Reply at depth {depth + 1}")
    reply = Comment.objects.get(body=f"Reply at depth {depth + 1}")
    assert reply.parent == parent and reply.level == depth
    assert response["Location"].endswith(f"#comment-{reply.pk}")
    soup = BeautifulSoup(client.get(response["Location"]).text, "html.parser")
    assert soup.find(id=f"comment-{parent.pk}").find(id=f"comment-{reply.pk}")
    assert find_tree_problems() == []


def test_a_reply_is_appended_after_earlier_replies(client, post):
    root = CommentFactory(post=post)
    first = CommentFactory(parent=root)
    _reply_without_javascript(client, post, root, "Second reply")
    second = Comment.objects.get(body="Second reply")
    assert list(root.get_children()) == [first, second]


def test_the_form_without_replyto_has_no_parent_and_hides_the_replying_line(client, post):
    CommentFactory(post=post)
    soup = BeautifulSoup(client.get(post.get_absolute_url()).text, "html.parser")
    assert soup.find("input", attrs={"name": "parent"}).get("value") is None
    assert soup.find(class_="replying-to").has_attr("hidden")


@pytest.mark.parametrize("replyto", ["abc", "-3"])
def test_a_replyto_that_is_not_a_comment_shows_the_plain_form(client, post, replyto):
    response = client.get(post.get_absolute_url() + f"?replyto={replyto}")
    assert response.status_code == 200
    soup = BeautifulSoup(response.text, "html.parser")
    assert soup.find("input", attrs={"name": "parent"}).get("value") is None


def test_a_replyto_a_removed_comment_explains_and_offers_a_new_comment(client, post):
    removed = CommentFactory(post=post, status="removed")
    page = client.get(post.get_absolute_url() + f"?replyto={removed.pk}").text
    assert f"{PARENT_UNAVAILABLE} You can still leave a new comment." in page


def test_replyto_answers_alike_for_every_comment_a_reader_cannot_see(
    client, post, unseen_comment_pks
):
    """No oracle: a missing, held, removed or spam comment gives the same page."""
    notices = set()
    for pk in unseen_comment_pks:
        soup = BeautifulSoup(
            client.get(post.get_absolute_url() + f"?replyto={pk}").text, "html.parser"
        )
        notices.add(soup.select_one(".form-notice").get_text(" ", strip=True))
        assert soup.find("input", attrs={"name": "parent"}).get("value") is None
    assert notices == {f"{PARENT_UNAVAILABLE} You can still leave a new comment."}


@override_settings(COMMENTS_MAX_DEPTH=3)
def test_a_reply_to_a_comment_at_the_depth_cap_attaches_beside_it(client, post):
    top = CommentFactory(post=post, name="Top")
    middle = CommentFactory(parent=top, name="Middle")
    deepest = CommentFactory(parent=middle, name="Deepest")
    assert deepest.level == 2  # the third level: the cap
    _reply_without_javascript(client, post, deepest, "Beside the deepest")
    reply = Comment.objects.get(body="Beside the deepest")
    assert reply.parent == middle and reply.in_reply_to == deepest and reply.level == 2
    soup = BeautifulSoup(client.get(post.get_absolute_url()).text, "html.parser")
    element = soup.find(id=f"comment-{reply.pk}")
    line = element.find(class_="comment-replying-to")
    assert " ".join(line.get_text().split()) == "replying to Deepest"
    assert line.find("a")["href"] == f"#comment-{deepest.pk}"
    assert find_tree_problems() == []


def test_deep_replies_carry_a_depth_cue_for_screen_readers(client, post):
    parent = CommentFactory(post=post, name="A")
    for name in "BCD":
        parent = CommentFactory(parent=parent, name=name)
    soup = BeautifulSoup(client.get(post.get_absolute_url()).text, "html.parser")
    cue = soup.find(id=f"comment-{parent.pk}").find(class_="depth-cue")
    assert " ".join(cue.get_text().split()) == "Level 4, in reply to C"


def test_javascript_enhancement_is_a_static_file_and_no_inline_script(client, post):
    CommentFactory(post=post)
    soup = BeautifulSoup(client.get(post.get_absolute_url()).text, "html.parser")
    section_scripts = [s for s in soup.find_all("script") if "comments" in s.get("src", "")]
    assert section_scripts and section_scripts[0].get("defer") is not None
    # The only script element with content is the JSON-LD data block, which never runs.
    inline = [s for s in soup.find_all("script") if not s.get("src") and s.string]
    assert [s["type"] for s in inline] == ["application/ld+json"]
