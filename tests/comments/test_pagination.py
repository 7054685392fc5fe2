"""Large discussions: pages of whole threads, reader-chosen order, permalinks across pages."""

import pytest
from bs4 import BeautifulSoup
from django.test import override_settings
from django.urls import reverse

from comments.models import Comment
from tests.factories import CommentFactory, PostFactory, make_forest

pytestmark = [pytest.mark.django_db]


def _top_level_ids(html):
    soup = BeautifulSoup(html, "html.parser")
    return [int(a["id"].removeprefix("comment-")) for a in soup.select(".comment-list > article")]


@pytest.fixture
def discussion(post):
    """Seven threads; thread 3 has the most replies, thread 5 the second most."""
    roots = [CommentFactory(post=post, name=f"Thread {n}") for n in range(1, 8)]
    for _ in range(4):
        CommentFactory(parent=roots[2])
    for _ in range(2):
        CommentFactory(parent=roots[4])
    return roots


@override_settings(COMMENTS_THREADS_PER_PAGE=3)
def test_threads_are_paginated_whole(client, post, discussion):
    first = client.get(post.get_absolute_url()).text
    assert _top_level_ids(first) == [c.pk for c in discussion[:3]]
    # The replies of thread 3 come with it, never split onto the next page.
    assert first.count('itemprop="comment"') == 3 + 4
    second = client.get(post.get_absolute_url() + "?cpage=2").text
    assert _top_level_ids(second) == [c.pk for c in discussion[3:6]]
    third = client.get(post.get_absolute_url() + "?cpage=3").text
    assert _top_level_ids(third) == [discussion[6].pk]
    assert "Page 3 of 3:" in third


@override_settings(COMMENTS_THREADS_PER_PAGE=3)
def test_page_links_are_shown_and_keep_the_order(client, post, discussion):
    soup = BeautifulSoup(client.get(post.get_absolute_url() + "?corder=newest").text, "html.parser")
    nav = soup.find("nav", class_="comment-pages")
    assert nav.find(attrs={"aria-current": "page"}).text == "1"
    url = post.get_absolute_url()
    assert [a["href"] for a in nav.find_all("a")] == [
        f"{url}?cpage=2&corder=newest#comments",
        f"{url}?cpage=3&corder=newest#comments",
    ]


@override_settings(COMMENTS_THREADS_PER_PAGE=3)
@pytest.mark.parametrize("cpage", ["99", "0", "x", "-1"])
def test_an_out_of_range_page_shows_a_real_page(client, post, discussion, cpage):
    response = client.get(post.get_absolute_url() + f"?cpage={cpage}")
    assert response.status_code == 200
    assert _top_level_ids(response.text)


def test_readers_choose_oldest_newest_or_most_replies(client, post, discussion):
    url = post.get_absolute_url()
    assert _top_level_ids(client.get(url).text) == [c.pk for c in discussion]
    assert _top_level_ids(client.get(url + "?corder=newest").text) == [
        c.pk for c in reversed(discussion)
    ]
    most = _top_level_ids(client.get(url + "?corder=replies").text)
    assert most[:2] == [discussion[2].pk, discussion[4].pk]
    assert most[2:] == [c.pk for c in discussion if c not in (discussion[2], discussion[4])]
    nav = BeautifulSoup(client.get(url + "?corder=replies").text, "html.parser").find(
        "nav", class_="comment-order"
    )
    assert nav.find(attrs={"aria-current": "true"}).text == "Most replies"


def test_an_unknown_order_falls_back_to_oldest(client, post, discussion):
    page = client.get(post.get_absolute_url() + "?corder=<script>").text
    assert _top_level_ids(page) == [c.pk for c in discussion]


@override_settings(COMMENTS_THREADS_PER_PAGE=3)
def test_a_permalink_lands_on_the_page_that_shows_the_comment(client, post, discussion):
    reply_on_page_2 = CommentFactory(parent=discussion[4])
    response = client.get(reverse("comments:permalink", args=[reply_on_page_2.pk]))
    assert response.status_code == 302
    assert response["Location"] == (
        f"{post.get_absolute_url()}?cpage=2#comment-{reply_on_page_2.pk}"
    )
    page = client.get(response["Location"]).text
    assert f'id="comment-{reply_on_page_2.pk}"' in page
    first = client.get(reverse("comments:permalink", args=[discussion[0].pk]))
    assert first["Location"] == f"{post.get_absolute_url()}#comment-{discussion[0].pk}"


@pytest.mark.parametrize("status", ["pending", "removed", "spam"])
def test_a_permalink_to_a_comment_that_is_not_public_is_a_404(client, post, status):
    comment = CommentFactory(post=post, status=status)
    assert client.get(reverse("comments:permalink", args=[comment.pk])).status_code == 404


def test_a_permalink_to_a_comment_on_a_draft_is_a_404(client):
    draft = PostFactory(status="draft", published_at=None)
    comment = CommentFactory(post=draft)
    assert client.get(reverse("comments:permalink", args=[comment.pk])).status_code == 404


@override_settings(COMMENTS_THREADS_PER_PAGE=3)
def test_after_posting_a_reply_the_poster_lands_on_its_page(client, post, discussion):
    data = {
        "name": "Ana",
        "email": "a@example.com",
        "body": "Late reply",
        "parent": discussion[6].pk,
    }
    response = client.post(reverse("comments:post", args=[post.pk]), data)
    reply = Comment.objects.get(body="Late reply")
    assert response["Location"] == f"{post.get_absolute_url()}?cpage=3#comment-{reply.pk}"


@override_settings(COMMENTS_THREADS_PER_PAGE=3)
def test_the_no_javascript_reply_link_opens_the_page_of_its_thread(client, post, discussion):
    page = client.get(post.get_absolute_url() + f"?replyto={discussion[6].pk}").text
    assert _top_level_ids(page) == [discussion[6].pk]


def test_the_cost_of_a_page_does_not_grow_with_the_discussion(django_assert_num_queries, settings):
    from comments.pages import load_page

    settings.COMMENTS_THREADS_PER_PAGE = 50
    small, large = PostFactory(), PostFactory()
    make_forest(small, 60, threads=60)
    make_forest(large, 3000, threads=1500)
    for post in (small, large):
        with django_assert_num_queries(2):
            page = load_page(post, number=2, order="replies")
        assert len(page.thread_ids) == (10 if post is small else 50)


@override_settings(COMMENTS_THREADS_PER_PAGE=3)
def test_after_an_error_the_page_shows_the_thread_replied_to_and_links_still_work(
    client, post, discussion
):
    """The error page is served at the posting address, so its links must name the post."""
    data = {"name": "", "email": "a@example.com", "body": "Reply", "parent": discussion[6].pk}
    response = client.post(reverse("comments:post", args=[post.pk]), data)
    assert response.status_code == 400
    assert _top_level_ids(response.text) == [discussion[6].pk]
    soup = BeautifulSoup(response.text, "html.parser")
    reply = soup.find(id=f"comment-{discussion[6].pk}").find("a", class_="comment-reply")
    assert reply["href"] == f"{post.get_absolute_url()}?replyto={discussion[6].pk}#respond"
    assert all(
        a["href"].startswith(post.get_absolute_url())
        for a in soup.select(".comment-order a, .comment-pages a")
    )


@pytest.mark.parametrize("cpage", ["9999999999", "99999999999999999999999"])
def test_a_huge_page_number_shows_the_last_page_not_an_error(client, post, discussion, cpage):
    """An offset past the database's integer range must not reach the query (it was a 500)."""
    response = client.get(post.get_absolute_url() + f"?cpage={cpage}")
    assert response.status_code == 200
    assert _top_level_ids(response.text) == [c.pk for c in discussion]


@override_settings(COMMENTS_THREADS_PER_PAGE=3)
@pytest.mark.parametrize("status", ["pending", "spam", "removed"])
def test_hidden_threads_take_no_place_on_the_pages(client, post, status):
    """Threads with nothing a reader may see neither fill a page nor add empty pages."""
    hidden = [CommentFactory(post=post, status=status) for _ in range(4)]
    visible = [CommentFactory(post=post, name=f"Visible {n}") for n in range(2)]
    # A hidden root with a public reply is a real thread: it keeps its place (placeholder).
    with_reply = CommentFactory(post=post, status=status)
    CommentFactory(parent=with_reply)
    html = client.get(post.get_absolute_url()).text
    assert _top_level_ids(html) == [*(c.pk for c in visible), with_reply.pk]
    assert "No comments yet" not in html
    assert "comment-pages" not in html
    assert all(f'id="comment-{c.pk}"' not in html for c in hidden)


@override_settings(COMMENTS_THREADS_PER_PAGE=3)
def test_a_permalink_counts_only_visible_threads_before_it(client, post):
    for _ in range(5):
        CommentFactory(post=post, status="spam")
    visible = [CommentFactory(post=post) for _ in range(4)]
    response = client.get(reverse("comments:permalink", args=[visible[3].pk]))
    assert response["Location"] == f"{post.get_absolute_url()}?cpage=2#comment-{visible[3].pk}"
    assert f'id="comment-{visible[3].pk}"' in client.get(response["Location"]).text


def test_the_poster_still_sees_their_own_held_thread(client, post, guest_data, settings):
    settings.COMMENTS_POLICY = "comments.policy.HoldAll"
    response = client.post(reverse("comments:post", args=[post.pk]), guest_data)
    held = Comment.objects.get()
    assert held.status == "pending"
    page = client.get(response["Location"]).text
    assert _top_level_ids(page) == [held.pk]
    assert "awaiting moderation" in page


@pytest.mark.parametrize("status", ["removed", "spam", "deleted", "pending"])
def test_the_number_of_threads_counts_hidden_roots_only_when_something_below_shows(post, status):
    """pages.thread_count: visible top-level comments, plus hidden ones with a visible reply
    (a placeholder keeps that thread); a hidden root with nothing visible takes no place,
    and a held root counts for its poster."""
    from comments.pages import load_page, roots, thread_count

    CommentFactory(post=post)
    kept = CommentFactory(post=post)
    CommentFactory(parent=kept)
    alone = CommentFactory(post=post)
    Comment.objects.filter(pk__in=[kept.pk, alone.pk]).update(status=status)
    other_post = CommentFactory().post  # another post's threads never count
    assert other_post != post

    def counted(pending_ids=()):
        return (
            Comment.objects.filter(pk=kept.pk)
            .annotate(n=thread_count(post, pending_ids))
            .values_list("n", flat=True)
            .get()
        )

    assert counted() == roots(post).count() == 2
    mine = {alone.pk} if status == "pending" else set()
    assert counted(mine) == roots(post, mine).count() == 2 + len(mine)
    with override_settings(COMMENTS_THREADS_PER_PAGE=1):
        assert load_page(post).num_pages == 2
        assert load_page(post, pending_ids=mine).num_pages == 2 + len(mine)
