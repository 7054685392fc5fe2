"""Reading a discussion: constant queries, nesting, placeholders, markup, per-viewer parts."""

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from comments.models import Comment
from comments.pages import load_page
from tests.factories import CommentFactory, PostFactory, StaffFactory, make_forest

pytestmark = pytest.mark.django_db


def _page_queries(client, post):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(post.get_absolute_url())
    assert response.status_code == 200
    return len(queries), response


def test_the_post_page_takes_the_same_number_of_queries_for_1_10_and_1000_comments(
    client, whole_discussion
):
    client.get(PostFactory().get_absolute_url())  # fill the site-wide caches (header, footer)
    counts = {}
    for size in (1, 10, 1000):
        post = PostFactory()
        make_forest(post, size, threads=max(1, size // 25), max_level=5)
        counts[size], response = _page_queries(client, post)
        assert response.text.count('itemtype="https://schema.org/Comment"') == size
    assert counts[1] == counts[10] == counts[1000], counts


def test_the_comment_list_itself_takes_two_queries(django_assert_num_queries, whole_discussion):
    post = PostFactory()
    make_forest(post, 1000, threads=40, max_level=6)
    with django_assert_num_queries(2):
        page = load_page(post)
    assert page.html.count('class="comment ') == page.comments_shown == 1000
    # With the threads cached: only the roots' stamps are read, and the page is the same.
    with django_assert_num_queries(1):
        again = load_page(post)
    assert again.html == page.html


def test_a_page_with_many_threads_still_takes_two_queries(django_assert_num_queries, settings):
    settings.COMMENTS_THREADS_PER_PAGE = 50
    post = PostFactory()
    make_forest(post, 1000, threads=300)
    with django_assert_num_queries(2):
        page = load_page(post, number=3, order="replies")
    assert page.total_threads >= 300
    assert page.num_pages == -(-page.total_threads // 50) and page.number == 3
    assert len(page.thread_ids) == 50


def test_comments_are_nested_inside_their_parent_with_itemprop_comment(client, post):
    root = CommentFactory(post=post, name="Root")
    child = CommentFactory(parent=root, name="Child")
    grandchild = CommentFactory(parent=child, name="Grandchild")
    sibling = CommentFactory(post=post, name="Second thread")
    soup = BeautifulSoup(client.get(post.get_absolute_url()).text, "html.parser")
    root_el = soup.find(id=f"comment-{root.pk}")
    # A top-level comment belongs to the post's BlogPosting, a reply to its parent.
    assert root_el["itemprop"] == "comment"
    scope = root_el.find_parent(attrs={"itemscope": True})
    assert scope["itemtype"] == "https://schema.org/BlogPosting"
    assert root_el.find(id=f"comment-{child.pk}")["itemprop"] == "comment"
    assert root_el.find(id=f"comment-{child.pk}").find(id=f"comment-{grandchild.pk}")
    assert root_el.find(id=f"comment-{sibling.pk}") is None
    assert "depth-3" in soup.find(id=f"comment-{grandchild.pk}")["class"]


def test_each_comment_shows_author_time_permalink_reply_and_report(client, post):
    comment = CommentFactory(post=post, name="Ana", url="https://ana.example.net/")
    soup = BeautifulSoup(client.get(post.get_absolute_url()).text, "html.parser")
    element = soup.find(id=f"comment-{comment.pk}")
    assert element["itemtype"] == "https://schema.org/Comment"
    author = element.find(itemprop="author")
    assert author["itemtype"] == "https://schema.org/Person"
    assert author.find(itemprop="name").text == "Ana"
    link = author.find("a")
    assert link["href"] == "https://ana.example.net/" and link["rel"] == ["nofollow", "ugc"]
    time = element.find("time", itemprop="dateCreated")
    assert time["datetime"].startswith(comment.created_at.strftime("%Y-%m-%dT%H:%M"))
    assert element.find("a", class_="comment-permalink")["href"] == f"#comment-{comment.pk}"
    assert element.find("a", class_="comment-reply")["href"] == f"?replyto={comment.pk}#respond"
    report = element.find("a", class_="comment-report")
    assert report["href"] == f"/moderation/comments/{comment.pk}/report/"
    assert element.find(itemprop="text").decode_contents() == "<p>A thoughtful comment.</p>"
    assert element.find(class_="avatar")["alt"] == ""


def test_an_edited_comment_is_marked_edited(client, post):
    from django.utils import timezone

    comment = CommentFactory(post=post, edited_at=timezone.now())
    page = client.get(post.get_absolute_url()).text
    assert 'class="comment-edited">edited</span>' in page.split(f'id="comment-{comment.pk}"')[1]


@pytest.mark.parametrize(
    ("status", "text"),
    [
        ("removed", "This comment was removed"),
        ("spam", "This comment was removed"),
        ("pending", "This comment is awaiting moderation"),
    ],
)
def test_a_hidden_comment_with_visible_replies_stays_as_a_placeholder(client, post, status, text):
    root = CommentFactory(post=post, name="Hidden one", body="secret words")
    reply = CommentFactory(parent=root, name="Replier")
    Comment.objects.filter(pk=root.pk).update(status=status)
    soup = BeautifulSoup(client.get(post.get_absolute_url()).text, "html.parser")
    placeholder = soup.find(id=f"comment-{root.pk}")
    assert placeholder.find(class_="comment-placeholder-text").text == text
    assert "Hidden one" not in str(placeholder.find(class_="comment-placeholder-text"))
    assert "secret words" not in str(soup) and "Hidden one" not in soup.get_text()
    assert placeholder.find(id=f"comment-{reply.pk}")  # the reply keeps its place
    assert placeholder.find("footer", recursive=False) is None  # no Reply or Report link


def test_a_hidden_comment_without_visible_replies_disappears(client, post):
    root = CommentFactory(post=post, status="removed")
    hidden_reply = CommentFactory(parent=root, status="spam")
    page = client.get(post.get_absolute_url()).text
    assert f"comment-{root.pk}" not in page and f"comment-{hidden_reply.pk}" not in page


def test_a_reply_under_a_hidden_reply_keeps_the_whole_chain(client, post):
    """Hidden comments are never filtered before the tree is built: no orphan jumps up."""
    root = CommentFactory(post=post)
    middle = CommentFactory(parent=root, status="removed")
    leaf = CommentFactory(parent=middle)
    soup = BeautifulSoup(client.get(post.get_absolute_url()).text, "html.parser")
    leaf_el = soup.find(id=f"comment-{leaf.pk}")
    assert leaf_el.find_parent("article")["id"] == f"comment-{middle.pk}"
    assert leaf_el.find_parent("article").find_parent("article")["id"] == f"comment-{root.pk}"


def test_staff_see_an_edit_in_admin_link_and_visitors_do_not(client, post):
    comment = CommentFactory(post=post)
    admin_url = f"/admin/comments/comment/{comment.pk}/change/"
    assert admin_url not in client.get(post.get_absolute_url()).text
    client.force_login(StaffFactory())
    assert f'<a class="comment-admin" href="{admin_url}">Edit in admin</a>' in (
        client.get(post.get_absolute_url()).text
    )


def test_the_staff_link_costs_no_query_per_comment(client):
    client.force_login(StaffFactory())
    client.get(PostFactory().get_absolute_url())
    counts = []
    for size in (2, 200):
        post = PostFactory()
        make_forest(post, size, threads=2)
        counts.append(_page_queries(client, post)[0])
    assert counts[0] == counts[1]


def test_the_comment_count_counts_approved_comments_only(client, post):
    make_forest(post, 3)
    CommentFactory(post=post, status="pending")
    post.refresh_from_db()
    assert post.comment_count == 3
    assert '<h2 id="comments-title">3 comments</h2>' in client.get(post.get_absolute_url()).text


def test_xss_in_name_website_and_body_is_inert(client, post):
    CommentFactory(
        post=post,
        name='<script>alert("n")</script>',
        url='javascript:alert("u")',
        body='<img src=x onerror=alert("b")> "><script>alert(1)</script>',
    )
    CommentFactory(post=post, name="Quote", url='https://x.example/"onmouseover="alert(1)')
    page = client.get(post.get_absolute_url()).text
    section = page.split('id="comments"')[1]
    assert "<script" not in section.split("<script src=")[0]
    assert "&lt;script&gt;alert(&#34;n&#34;)&lt;/script&gt;" in section
    assert 'href="javascript' not in section
    assert "<img src=x" not in section
    assert '"onmouseover="' not in section
    soup = BeautifulSoup(section, "html.parser")
    assert not [tag for tag in soup.find_all(True) if any(a.startswith("on") for a in tag.attrs)]


@override_settings(COMMENTS_GRAVATAR=True)
def test_gravatar_is_used_only_when_switched_on(client, post):
    CommentFactory(post=post, email="Someone@Example.com ")
    page = client.get(post.get_absolute_url()).text
    assert "https://www.gravatar.com/avatar/" in page


def test_no_third_party_address_is_on_the_page_by_default(client, post):
    CommentFactory(post=post, email="someone@example.com")
    page = client.get(post.get_absolute_url()).text
    assert "gravatar" not in page
    assert 'src="/comments/avatar/' in page


def test_a_comment_by_a_guest_without_a_name_shows_anonymous(client, post):
    comment = CommentFactory(post=post, name="")
    soup = BeautifulSoup(client.get(post.get_absolute_url()).text, "html.parser")
    element = soup.find(id=f"comment-{comment.pk}")
    assert element.find(itemprop="name").text == "Anonymous"


def test_the_microdata_rebuilds_the_same_forest_as_the_database(client, post, whole_discussion):
    """Parse the page's microdata back into a forest and compare it with the database."""
    make_forest(post, 120, threads=15, max_level=4, seed=7)
    removed = Comment.objects.filter(post=post, level=1, rght__gt=models_f("lft") + 1).first()
    Comment.objects.filter(pk=removed.pk).update(status="removed")
    soup = BeautifulSoup(Client().get(post.get_absolute_url()).text, "html.parser")

    def parent_item(element):
        return element.find_parent(attrs={"itemtype": "https://schema.org/Comment"})

    page_forest = {}
    for element in soup.find_all(attrs={"itemtype": "https://schema.org/Comment"}):
        pk = int(element["id"].removeprefix("comment-"))
        parent = parent_item(element)
        page_forest[pk] = int(parent["id"].removeprefix("comment-")) if parent else None
        assert element["itemprop"] == "comment"
        if parent is None:
            owner = element.find_parent(attrs={"itemscope": True})
            assert owner["itemtype"] == "https://schema.org/BlogPosting"
    db_forest = dict(Comment.objects.filter(post=post).values_list("pk", "parent_id"))
    assert page_forest == db_forest
    # Authors and texts come through as well.
    first = Comment.objects.filter(post=post, status="approved").order_by("pk").first()
    element = soup.find(id=f"comment-{first.pk}")
    assert element.find(itemprop="name").text == first.name
    assert element.find(itemprop="text").decode_contents() == first.body_html


def models_f(name):
    from django.db.models import F

    return F(name)


def test_staff_can_open_a_removed_comment_in_admin_from_its_placeholder(client, post):
    root = CommentFactory(post=post, status="removed")
    CommentFactory(parent=root)
    client.force_login(StaffFactory())
    soup = BeautifulSoup(client.get(post.get_absolute_url()).text, "html.parser")
    placeholder = soup.find(id=f"comment-{root.pk}")
    link = placeholder.find("p", class_="comment-staff", recursive=False).find("a")
    assert link["href"] == f"/admin/comments/comment/{root.pk}/change/"
