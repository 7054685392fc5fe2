"""Likes: once per browser or account, limited per address, counted on the comment, shown in
its stored HTML, and a "Most liked" order that moves whole threads only."""

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse

from comments.models import Comment, CommentLike
from comments.posting import like_comment
from tests.factories import CommentFactory, PostFactory, UserFactory, stored_html

pytestmark = pytest.mark.django_db


def like_url(comment):
    return reverse("comments:like", args=[comment.pk])


def count_on_page(client, comment):
    page = BeautifulSoup(client.get(comment.post.get_absolute_url()).content, "html.parser")
    return page.find(id=f"comment-{comment.pk}").select_one("[data-like-count]").get_text()


def test_a_reader_likes_a_comment_once_and_comes_back_to_it(client, post):
    comment = CommentFactory(post=post, stored=True)
    response = client.post(like_url(comment))
    assert response.status_code == 302
    assert response["Location"].endswith(f"#comment-{comment.pk}")
    again = client.post(like_url(comment), follow=True)
    assert "You had already liked this comment." in again.content.decode()
    comment.refresh_from_db()
    assert comment.like_count == CommentLike.objects.count() == 1
    assert count_on_page(client, comment) == "1 like"
    Client().post(like_url(comment))  # another browser
    assert count_on_page(client, comment) == "2 likes"


def test_the_count_is_part_of_the_comments_stored_html(client, post):
    comment = CommentFactory(post=post, stored=True)
    client.post(like_url(comment))
    stored = stored_html(comment)
    assert "1 like<" in stored


def test_a_signed_in_reader_likes_once_per_account_whatever_the_browser(post):
    comment = CommentFactory(post=post, stored=True)
    user = UserFactory()
    for _ in range(2):
        browser = Client()
        browser.force_login(user)
        browser.post(like_url(comment))
    assert Comment.objects.get(pk=comment.pk).like_count == 1
    assert CommentLike.objects.get().voter == f"user:{user.pk}"


def test_script_gets_the_new_count_as_json(client, post):
    comment = CommentFactory(post=post, stored=True)
    response = client.post(like_url(comment), HTTP_ACCEPT="application/json")
    assert response.json() == {"likes": 1, "added": True}
    again = client.post(like_url(comment), HTTP_ACCEPT="application/json")
    assert again.json() == {"likes": 1, "added": False}


@pytest.mark.parametrize("status", ["pending", "removed", "spam"])
def test_only_published_comments_can_be_liked(client, post, status):
    comment = CommentFactory(post=post, status=status, stored=True)
    assert client.post(like_url(comment)).status_code == 404
    assert not CommentLike.objects.exists()


def test_comments_under_a_draft_cannot_be_liked(client):
    comment = CommentFactory(post=PostFactory(status="draft", published_at=None), stored=True)
    assert client.post(like_url(comment)).status_code == 404


def test_a_like_must_be_a_post(client, post):
    comment = CommentFactory(post=post, stored=True)
    assert client.get(like_url(comment)).status_code == 405


@pytest.mark.parametrize(
    "headers",
    [{"HTTP_ORIGIN": "https://evil.example"}, {"HTTP_SEC_FETCH_SITE": "cross-site"}],
)
def test_likes_sent_by_another_site_are_refused(client, post, headers):
    comment = CommentFactory(post=post, stored=True)
    assert client.post(like_url(comment), **headers).status_code == 403
    assert not CommentLike.objects.exists()
    same = client.post(like_url(comment), HTTP_ORIGIN="http://testserver")
    assert same.status_code == 302


def test_one_address_may_like_only_so_many_comments_a_minute(post, settings):
    settings.COMMENTS_LIKES_PER_MINUTE = 3
    comments = [CommentFactory(post=post, stored=True) for _ in range(5)]
    answers = [Client().post(like_url(c), REMOTE_ADDR="203.0.113.9").status_code for c in comments]
    assert answers == [302, 302, 302, 429, 429]
    assert Client().post(like_url(comments[4]), REMOTE_ADDR="203.0.113.10").status_code == 302


def test_most_liked_orders_threads_and_never_replies(client, post):
    first = CommentFactory(post=post, name="First", stored=True)
    reply_a = CommentFactory(parent=first, name="Reply A", stored=True)
    reply_b = CommentFactory(parent=first, name="Reply B", stored=True)
    second = CommentFactory(post=post, name="Second", stored=True)
    for n in range(3):
        like_comment(second, voter=f"browser:{n}")
    for n in range(5):
        like_comment(reply_b, voter=f"browser:{n}")  # replies never lift a thread or move
    page = BeautifulSoup(
        client.get(post.get_absolute_url() + "?corder=liked").content, "html.parser"
    )
    order = [int(a["id"].split("-")[1]) for a in page.select("article.comment")]
    assert order == [second.pk, first.pk, reply_a.pk, reply_b.pk]
    assert page.select_one('.comment-order [aria-current="true"]').get_text() == "Most liked"


def test_likes_add_no_query_to_the_page(client, post):
    comments = [CommentFactory(post=post, stored=True) for _ in range(6)]
    client.get(post.get_absolute_url())
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        client.get(post.get_absolute_url())
    for n, comment in enumerate(comments):
        like_comment(comment, voter=f"browser:{n}")
    client.get(post.get_absolute_url())  # the liked threads are drawn again once
    with CaptureQueriesContext(connection) as after:
        client.get(post.get_absolute_url())
    assert len(after) == len(before)


@pytest.mark.django_db(transaction=True)
def test_likes_at_the_same_instant_count_once_per_voter_and_meet_the_limit(at_once, settings):
    settings.COMMENTS_LIKES_PER_MINUTE = 5
    comment = CommentFactory(post=PostFactory(), stored=True)
    others = [CommentFactory(post=comment.post, stored=True) for _ in range(8)]

    def same_voter(number):
        like_comment(Comment.objects.get(pk=comment.pk), voter="browser:same")

    assert at_once(same_voter) == []
    assert Comment.objects.get(pk=comment.pk).like_count == 1

    def one_address(number):
        like_comment(others[number], voter=f"browser:{number}", ip_address="198.51.100.7")

    errors = at_once(one_address)
    assert CommentLike.objects.filter(ip_address="198.51.100.7").count() == 5
    assert len(errors) == 3
    assert (
        sum(
            Comment.objects.filter(pk__in=[c.pk for c in others]).values_list(
                "like_count", flat=True
            )
        )
        == 5
    )
